/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "macro.h"

enum mc_status {
        MC_PASS,
        MC_WARN,
        MC_FAIL,
        MC_SKIP,   /* not applicable here, with the reason */
        MC_ERROR,  /* could not be evaluated, with the reason */
        MC_FIXED,
        _MC_STATUS_MAX,
};

const char *mc_status_to_string(enum mc_status s);

struct mc_evidence {
        char *file;     /* or an API / source name */
        unsigned line;  /* 0: not line-based */
        char *text;
};

struct mc_result {
        char *check;    /* check id */
        char *node;     /* node name */
        enum mc_status status;
        char *summary;
        char *hint;
        struct mc_evidence *evidence;
        size_t n_evidence;
};

struct mc_results {
        struct mc_result *items;
        size_t n, cap;
};

struct mc_result *mc_results_add(struct mc_results *rs, const char *check, const char *node,
                                 enum mc_status status, const char *fmt, ...) _printf_(5, 6);
void mc_result_hint(struct mc_result *r, const char *fmt, ...) _printf_(2, 3);
void mc_result_evidence(struct mc_result *r, const char *file, unsigned line, const char *fmt, ...)
        _printf_(4, 5);

/* A copy of row a in out with status st and prefix before its summary. */
struct mc_result *mc_results_copy(struct mc_results *out, const struct mc_result *a, enum mc_status st, const char *prefix);

void mc_results_done(struct mc_results *rs);

/* Exit codes, documented in the man page and README. */
enum {
        MC_EXIT_OK = 0,
        MC_EXIT_WARN = 1,
        MC_EXIT_FAIL = 2,
        MC_EXIT_ERROR = 3,
        MC_EXIT_USAGE = 64,
};

int mc_results_exit_code(const struct mc_results *rs);
void mc_results_count(const struct mc_results *rs, size_t counts[static _MC_STATUS_MAX]);
