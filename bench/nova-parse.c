/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench/nova-parse: how long reading one nova.conf takes, in process: the
 * text handed to mc_conf_parse_text() with the collector's spec (INI shape,
 * keep-list), as mc_collect_nova() does for every nova file of a node. No
 * process start, no other file: the cost of the reader alone.
 *
 *   cmake --build BUILD --target nova-parse-bench
 *   BUILD/nova-parse-bench [-n RUNS] FILE...
 *
 * Prints per file: size, lines, the state the facts record, the median and
 * the maximum over RUNS (default 20) in milliseconds, and nanoseconds per
 * byte (flat when reading is linear). bench/nova-conf runs it over generated
 * and Debian's files. */
#include <augeas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "confparse.h"
#include "facts.h"
#include "util.h"


static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

int main(int argc, char **argv) {
        _cleanup_(mc_aug_freep) augeas *a = NULL;
        const struct mc_conf_spec spec = mc_nova_conf_spec;
        int runs = 20, first = 1;

        if (argc > 2 && streq(argv[1], "-n")) {
                runs = atoi(argv[2]);
                first = 3;
        }
        if (first >= argc || runs < 1) {
                fprintf(stderr, "usage: %s [-n RUNS] FILE...\n", argv[0]);
                return 64;
        }
        if (mc_aug_new(&a) < 0) {
                fprintf(stderr, "nova-parse-bench: augeas did not start\n");
                return 1;
        }
        printf("%-40s %10s %8s %-6s %10s %10s %8s\n", "file", "bytes", "lines", "state", "median ms", "max ms",
               "ns/byte");
        for (int i = first; i < argc; i++) {
                _cleanup_free_ char *text = NULL;
                _cleanup_free_ double *t = mc_assert_alloc(calloc((size_t) runs, sizeof(double)));
                const char *state = "?";
                unsigned lines = 0;
                size_t len;

                if (mc_read_file(argv[i], 64u * 1024u * 1024u, &text, &len) < 0) {
                        fprintf(stderr, "nova-parse-bench: cannot read '%s'\n", argv[i]);
                        return 1;
                }
                for (size_t k = 0; k < len; k++)
                        lines += text[k] == '\n';
                for (int r = 0; r < runs; r++) {
                        double t0 = now_ms();
                        json_object *f = mc_conf_parse_text(a, &spec, text, len);

                        t[r] = now_ms() - t0;
                        if (r == 0)
                                state = streq(mc_json_str(f, "state") ?: "", "ok") ? "ok" : "error";
                        json_object_put(f);
                }
                qsort(t, (size_t) runs, sizeof(double), cmp_double);
                printf("%-40s %10zu %8u %-6s %10.2f %10.2f %8.1f\n", strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i],
                       len, lines, state, t[runs / 2], t[runs - 1], len ? t[runs / 2] * 1e6 / (double) len : 0.0);
        }
        return 0;
}
