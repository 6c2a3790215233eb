/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libvirtd's command line as libvirtd itself parses it: glibc's getopt_long
 * with the option table of the node's libvirt release. Shared by
 * libvirtd-startup, libvirtd-listen and their fixers, so that "is started
 * with --listen" means what the daemon makes of its words, not a search
 * for "-l". */

#include <stdbool.h>

enum mc_libvirtd_outcome {
        MC_LIBVIRTD_RUNS,     /* the daemon takes its arguments and starts */
        MC_LIBVIRTD_REFUSED,  /* it prints an error (and its usage) and exits non-zero */
        MC_LIBVIRTD_EXITS,    /* --version or --help: it prints and exits, runs no daemon */
        _MC_LIBVIRTD_OUTCOME_MAX,
};

struct mc_libvirtd_args {
        enum mc_libvirtd_outcome outcome;
        bool listen;             /* -l/--listen reached the daemon */
        bool daemon;             /* -d/--daemon */
        int timeout;             /* -t/--timeout seconds; 0 when not given */
        const char *config;      /* -f/--config FILE (points into the words); NULL: the default file */
        const char *table;       /* which libvirt source the option table follows */
        char error[192];         /* REFUSED/EXITS: why, in getopt's and libvirtd's words */
};

/* words: the arguments after argv[0], as the init passes them (after the
 * shell's word splitting). libvirt_version: the node's libvirt (NULL:
 * the newest table). Not reentrant: glibc's getopt keeps global state,
 * and checks run in one thread. */
void mc_libvirtd_getopt(char *const *words, const char *libvirt_version, struct mc_libvirtd_args *ret);

/* The words with -l/--listen (and its abbreviations) taken out, as a NULL
 * terminated vector the caller frees; "-dl" keeps "-d". Only for words
 * mc_libvirtd_getopt() found RUNS. */
char **mc_libvirtd_args_drop_listen(char *const *words, const char *libvirt_version);
