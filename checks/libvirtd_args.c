/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirtd's arguments through the parser libvirtd uses: glibc's
 * getopt_long, given the option table of the node's libvirt release. */
#include "libvirtd_args.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* One row per change of libvirtd's option handling, oldest first. The
 * long options are the same names in every release (--verbose, --daemon,
 * --listen, --config=, --timeout=, --pid-file=, --version, --help).
 *   0.10.2 (RHEL 6): daemon/libvirtd.c main(), getopt_long(argc, argv,
 *     "ldf:p:t:v", ...): no short -V/-h; --help is '?' (usage, exit 2);
 *     "-t" must be > 0 ("Invalid value for timeout", exit).
 *   1.2.2 (Ubuntu 14.04): daemon/libvirtd.c, "ldf:p:t:vVh"; -t > 0. The
 *     short -V/-h came between 0.10.2 and 1.2.2: 1.1.0 is where the table
 *     below switches (the release in between is not pinned).
 *   9.0.0 (Debian 12): src/remote/remote_daemon.c, "ldf:p:t:vVh"; -t >= 0
 *     (0: no timeout). The switch to >= 0 is put at 5.6.0, the release that
 *     moved libvirtd to remote_daemon.c and socket activation (inferred:
 *     both 5.6's and 9.0's read "timeout < 0").
 * Every release ends with `if (optind != argc)`: "unexpected, non-option,
 * command line arguments", exit. */
struct era {
        const char *since;
        const char *table;
        const char *shortopts;
        bool timeout_zero_ok;
};

static const struct era eras[] = {
        { NULL, "libvirt 0.10.2 daemon/libvirtd.c", "ldf:p:t:v", false },
        { "1.1.0", "libvirt 1.2.2 daemon/libvirtd.c", "ldf:p:t:vVh", false },
        { "5.6.0", "libvirt 9.0.0 src/remote/remote_daemon.c", "ldf:p:t:vVh", true },
};

static const struct option long_opts[] = {
        { "verbose", no_argument, NULL, 'v' },
        { "daemon", no_argument, NULL, 'd' },
        { "listen", no_argument, NULL, 'l' },
        { "config", required_argument, NULL, 'f' },
        { "timeout", required_argument, NULL, 't' },
        { "pid-file", required_argument, NULL, 'p' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

static const struct era *era_of(const char *version) {
        const struct era *e = &eras[ELEMENTSOF(eras) - 1];

        if (!version)
                return e;
        for (size_t i = ELEMENTSOF(eras); i-- > 0;)
                if (!eras[i].since || mc_version_cmp(version, eras[i].since) >= 0)
                        return &eras[i];
        return e;
}

/* The long option NAME (up to '=' or its end) names, as glibc matches it:
 * an exact name, else the one name it is a prefix of. -1 unknown, -2
 * ambiguous. */
static int long_match(const char *name) {
        size_t n = strcspn(name, "=");
        int found = -1;

        for (int i = 0; long_opts[i].name; i++) {
                if (strncmp(long_opts[i].name, name, n) != 0)
                        continue;
                if (strlen(long_opts[i].name) == n)
                        return i;
                found = found == -1 ? i : -2;
        }
        return found;
}

static bool valid_timeout(const char *s, bool zero_ok) {
        char *end;
        long v;

        /* virStrToLong_i() with an end pointer: digits must start the
         * value, trailing text is accepted, and it must fit an int. */
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || (int) v != v)
                return false;
        return (zero_ok ? v >= 0 : v > 0) && v <= INT_MAX / 1000;
}

void mc_libvirtd_getopt(char *const *words, const char *libvirt_version, struct mc_libvirtd_args *ret) {
        const struct era *e = era_of(libvirt_version);
        struct mc_libvirtd_args a = { .outcome = MC_LIBVIRTD_RUNS, .table = e->table };
        size_t n = mc_strv_length(words);
        _cleanup_free_ char **argv = mc_assert_alloc(calloc(n + 2, sizeof(char *)));
        _cleanup_free_ char *optstring = NULL;
        const char *stray = NULL;
        int argc = (int) n + 1;

        argv[0] = (char *) "libvirtd";
        for (size_t i = 0; i < n; i++)
                argv[i + 1] = words[i];
        /* "-": non-options come back in order as 1 instead of being
         * permuted to the end; the outcome is the same (libvirtd refuses
         * any after its loop) and POSIXLY_CORRECT in migcheck's own
         * environment cannot change the reading. ":": a missing argument
         * is told from an unknown option. */
        optstring = mc_strdup_printf("-:%s", e->shortopts);
        optind = 0;  /* glibc: start over, forget the last caller's state */
        opterr = 0;  /* the library never prints */

        for (;;) {
                int prev = optind ? optind : 1, idx = 0;
                const char *word;
                int c = getopt_long(argc, argv, optstring, long_opts, &idx);

                if (c == -1)
                        break;
                word = prev < argc ? argv[prev] : "";
                switch (c) {
                case 1:
                        if (!stray)
                                stray = optarg;
                        continue;
                case 'l':
                        a.listen = true;
                        continue;
                case 'd':
                        a.daemon = true;
                        continue;
                case 'v':
                case 'p':
                        continue;
                case 'f':
                        a.config = optarg;
                        continue;
                case 't':
                        if (!valid_timeout(optarg, e->timeout_zero_ok)) {
                                a.outcome = MC_LIBVIRTD_REFUSED;
                                snprintf(a.error, sizeof(a.error), "invalid value for timeout '%s'%s", optarg,
                                         e->timeout_zero_ok ? "" : " (this libvirt needs a number above 0)");
                                goto done;
                        }
                        a.timeout = atoi(optarg);
                        continue;
                case 'V':
                        a.outcome = MC_LIBVIRTD_EXITS;
                        snprintf(a.error, sizeof(a.error), "'%s' prints libvirtd's version and exits", word);
                        goto done;
                case 'h':
                        a.outcome = MC_LIBVIRTD_EXITS;
                        snprintf(a.error, sizeof(a.error), "'%s' prints libvirtd's usage and exits", word);
                        goto done;
                case ':':
                        a.outcome = MC_LIBVIRTD_REFUSED;
                        if (mc_startswith(word, "--"))
                                snprintf(a.error, sizeof(a.error), "option '%.*s' requires an argument",
                                         (int) strcspn(word, "="), word);
                        else
                                snprintf(a.error, sizeof(a.error), "option requires an argument -- '%c'", optopt);
                        goto done;
                default:
                        a.outcome = MC_LIBVIRTD_REFUSED;
                        if (mc_startswith(word, "--") && word[2]) {
                                int m = long_match(word + 2);

                                if (m == -2)
                                        snprintf(a.error, sizeof(a.error), "option '%.*s' is ambiguous",
                                                 (int) strcspn(word, "="), word);
                                else if (m >= 0)
                                        snprintf(a.error, sizeof(a.error), "option '--%s' doesn't allow an argument",
                                                 long_opts[m].name);
                                else
                                        snprintf(a.error, sizeof(a.error), "unrecognized option '%.*s'",
                                                 (int) strcspn(word, "="), word);
                        } else
                                snprintf(a.error, sizeof(a.error), "invalid option -- '%c' (in '%s')", optopt, word);
                        goto done;
                }
        }
        if (!stray && optind < argc)
                stray = argv[optind];  /* after "--" */
        if (stray) {
                a.outcome = MC_LIBVIRTD_REFUSED;
                snprintf(a.error, sizeof(a.error), "unexpected, non-option, command line arguments ('%s')", stray);
        }
done:
        optind = 0;
        *ret = a;
}

char **mc_libvirtd_args_drop_listen(char *const *words, const char *libvirt_version) {
        const struct era *e = era_of(libvirt_version);
        size_t n = mc_strv_length(words), k = 0;
        char **out = mc_assert_alloc(calloc(n + 1, sizeof(char *)));

        for (size_t i = 0; i < n; i++) {
                const char *w = words[i];

                if (streq(w, "--")) {
                        for (; i < n; i++)
                                out[k++] = mc_strdup(words[i]);
                        break;
                }
                if (mc_startswith(w, "--")) {
                        int m = long_match(w + 2);

                        if (m >= 0 && streq(long_opts[m].name, "listen"))
                                continue;
                        out[k++] = mc_strdup(w);
                        if (m >= 0 && long_opts[m].has_arg == required_argument && !strchr(w, '=') && i + 1 < n)
                                out[k++] = mc_strdup(words[++i]);
                        continue;
                }
                if (w[0] != '-' || !w[1]) {
                        out[k++] = mc_strdup(w);
                        continue;
                }
                /* A cluster: the letters before one that takes an argument
                 * are options; the rest of the word (or the next word) is
                 * that argument and stays as it is. */
                {
                        _cleanup_free_ char *kept = mc_strdup(w);
                        size_t j = 1;
                        bool takes_next = false;

                        for (const char *c = w + 1; *c; c++) {
                                const char *o = strchr(e->shortopts, *c);

                                if (*c == 'l')
                                        continue;
                                kept[j++] = *c;
                                if (o && o[1] == ':') {
                                        strcpy(kept + j, c + 1);
                                        j += strlen(c + 1);
                                        takes_next = !c[1];
                                        break;
                                }
                        }
                        kept[j] = '\0';
                        if (!streq(kept, "-"))
                                out[k++] = TAKE_PTR(kept);
                        if (takes_next && i + 1 < n)
                                out[k++] = mc_strdup(words[++i]);
                }
        }
        return out;
}
