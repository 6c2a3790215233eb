/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running the node's tools and migcheck's own helpers under a deadline. */
#include "run_tool.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#ifndef MC_LIBEXEC_DIR
#define MC_LIBEXEC_DIR "/usr/local/libexec/migcheck"
#endif

char *mc_helper_path(const char *env_name, const char *name) {
        const char *env = getenv(env_name);
        char self[PATH_MAX];
        ssize_t n;

        if (!isempty(env))
                return mc_strdup(env);
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n > 0) {
                _cleanup_free_ char *p = NULL;

                self[n] = '\0';
                p = mc_strdup_printf("%s/%s", dirname(self), name);
                if (access(p, X_OK) == 0)
                        return TAKE_PTR(p);
        }
        return mc_strdup_printf(MC_LIBEXEC_DIR "/%s", name);
}

/* Signed: deadlines are compared by subtraction. */
static long long now_ms(void) {
        return (long long) mc_now_ms();
}

/* Run argv[0] (an absolute path) with a clean environment, stdin from
 * /dev/null, and collect stdout (at most max bytes) and the start of
 * stderr, killing it at the deadline. */
int mc_run_tool(char *const argv[], unsigned timeout_ms, size_t max, char **ret_out, size_t *ret_len,
                    char **ret_error) {
        static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
        _cleanup_free_ char *out = NULL;
        char err[1024];
        size_t n_out = 0, n_err = 0, cap = 0;
        int po[2], pe[2], status = 0;
        long long deadline = now_ms() + timeout_ms;
        bool open_o = true, open_e = true, killed = false, too_big = false;
        pid_t pid;

        if (pipe2(po, O_CLOEXEC) < 0)
                return -errno;
        if (pipe2(pe, O_CLOEXEC) < 0) {
                int e = errno;
                close(po[0]);
                close(po[1]);
                return -e;
        }
        pid = fork();
        if (pid < 0) {
                int e = errno;
                close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
                return -e;
        }
        if (pid == 0) {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

                if (null < 0 || dup2(null, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
                        _exit(127);
                execve(argv[0], argv, envp);
                _exit(127);
        }
        close(po[1]);
        close(pe[1]);
        while (open_o || open_e) {
                struct pollfd pfd[2] = { { .fd = open_o ? po[0] : -1, .events = POLLIN },
                                         { .fd = open_e ? pe[0] : -1, .events = POLLIN } };
                long long left = deadline - now_ms();

                if (left <= 0) {
                        kill(pid, SIGKILL);
                        killed = true;
                        break;
                }
                if (poll(pfd, 2, (int) left) < 0) {
                        if (errno == EINTR)
                                continue;
                        kill(pid, SIGKILL);
                        killed = true;
                        break;
                }
                if (open_o && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
                        ssize_t k;

                        if (cap - n_out < 65536) {
                                cap = cap ? cap * 2 : 131072;
                                out = mc_assert_alloc(realloc(out, cap + 1));
                        }
                        k = read(po[0], out + n_out, cap - n_out);
                        if (k <= 0 && !(k < 0 && errno == EINTR))
                                open_o = false;
                        else if (k > 0)
                                n_out += (size_t) k;
                        if (n_out > max) {
                                kill(pid, SIGKILL);
                                too_big = true;
                                break;
                        }
                }
                if (open_e && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
                        char buf[4096];
                        ssize_t k = read(pe[0], buf, sizeof(buf));

                        if (k <= 0 && !(k < 0 && errno == EINTR))
                                open_e = false;
                        else if (k > 0 && n_err < sizeof(err) - 1) {
                                size_t take = (size_t) k < sizeof(err) - 1 - n_err ? (size_t) k : sizeof(err) - 1 - n_err;
                                memcpy(err + n_err, buf, take);
                                n_err += take;
                        }
                }
        }
        close(po[0]);
        close(pe[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        err[n_err] = '\0';
        if (killed) {
                *ret_error = mc_strdup_printf("%s did not finish within %u s", argv[0], timeout_ms / 1000);
                return -ETIMEDOUT;
        }
        if (too_big) {
                *ret_error = mc_strdup_printf("%s printed more than %zu MiB", argv[0], max >> 20);
                return -EFBIG;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                /* The first line of stderr that is not iptables' legacy-tables warning. */
                char *line = err, *pick = NULL;

                for (char *save = NULL, *l = strtok_r(line, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                        if (!mc_startswith(l, "# Warning")) {
                                pick = l;
                                break;
                        }
                if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !pick)
                        *ret_error = mc_strdup_printf("cannot run %s", argv[0]);
                else if (WIFEXITED(status))
                        *ret_error = mc_strdup_printf("%s failed (exit status %d)%s%s", argv[0], WEXITSTATUS(status),
                                                      pick ? ": " : "", pick ? mc_strip(pick) : "");
                else
                        *ret_error = mc_strdup_printf("%s was killed by signal %d", argv[0], WTERMSIG(status));
                return -EIO;
        }
        if (!out)
                out = mc_strdup("");
        out[n_out] = '\0';
        *ret_len = n_out;
        *ret_out = TAKE_PTR(out);
        return 0;
}

