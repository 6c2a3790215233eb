/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench/fanout's node: what --exec runs for each fake node. One process
 * (a shell script would be three: sh, sleep, cat), so that the table shows
 * the coordinator's cost rather than the node commands'. Reads its
 * standard input to the end (the peers list, as `collect --peers-from -`
 * does), sleeps argv[1] ms, prints the file argv[2]. The node name and the
 * node command follow; they are ignored. */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
        char buf[65536];
        long ms = argc > 2 ? atol(argv[1]) : 0;
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
        ssize_t n;
        int fd;

        if (argc < 3)
                return 64;
        while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
                ;
        nanosleep(&ts, NULL);
        fd = open(argv[2], O_RDONLY);
        if (fd < 0)
                return 1;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                if (write(STDOUT_FILENO, buf, (size_t) n) != n)
                        return 1;
        return n < 0;
}
