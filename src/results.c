/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "results.h"

#include <stdarg.h>
#include <string.h>

#include "util.h"

static const char *const status_table[_MC_STATUS_MAX] = {
        [MC_PASS] = "pass",
        [MC_WARN] = "warn",
        [MC_FAIL] = "fail",
        [MC_SKIP] = "skip",
        [MC_ERROR] = "error",
        [MC_FIXED] = "fixed",
};

const char *mc_status_to_string(enum mc_status s) {
        return s < _MC_STATUS_MAX ? status_table[s] : NULL;
}

struct mc_result *mc_results_add(struct mc_results *rs, const char *check, const char *node,
                                 enum mc_status status, const char *fmt, ...) {
        struct mc_result *r;
        va_list ap;

        if (rs->n == rs->cap) {
                rs->cap = rs->cap ? rs->cap * 2 : 16;
                rs->items = mc_assert_alloc(reallocarray(rs->items, rs->cap, sizeof(*rs->items)));
        }
        r = &rs->items[rs->n++];
        *r = (struct mc_result) {
                .check = mc_strdup(check),
                .node = mc_strdup(node),
                .status = status,
        };
        va_start(ap, fmt);
        if (vasprintf(&r->summary, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        return r;
}

void mc_result_hint(struct mc_result *r, const char *fmt, ...) {
        va_list ap;
        char *h;

        va_start(ap, fmt);
        if (vasprintf(&h, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        if (r->hint) {
                /* Several hints read as one paragraph of steps. */
                char *joined = mc_strdup_printf("%s; %s", r->hint, h);
                free(r->hint);
                free(h);
                h = joined;
        }
        r->hint = h;
}

void mc_result_evidence(struct mc_result *r, const char *file, unsigned line, const char *fmt, ...) {
        struct mc_evidence *e;
        va_list ap;

        r->evidence = mc_assert_alloc(reallocarray(r->evidence, r->n_evidence + 1, sizeof(*r->evidence)));
        e = &r->evidence[r->n_evidence++];
        *e = (struct mc_evidence) { .file = mc_strdup(file), .line = line };
        if (fmt) {
                va_start(ap, fmt);
                if (vasprintf(&e->text, fmt, ap) < 0)
                        mc_oom();
                va_end(ap);
        }
}

void mc_results_done(struct mc_results *rs) {
        for (size_t i = 0; i < rs->n; i++) {
                struct mc_result *r = &rs->items[i];

                for (size_t j = 0; j < r->n_evidence; j++) {
                        free(r->evidence[j].file);
                        free(r->evidence[j].text);
                }
                free(r->evidence);
                free(r->check);
                free(r->node);
                free(r->summary);
                free(r->hint);
        }
        free(rs->items);
        *rs = (struct mc_results) {};
}

void mc_results_count(const struct mc_results *rs, size_t counts[static _MC_STATUS_MAX]) {
        memset(counts, 0, sizeof(size_t) * _MC_STATUS_MAX);
        for (size_t i = 0; i < rs->n; i++)
                counts[rs->items[i].status]++;
}

int mc_results_exit_code(const struct mc_results *rs) {
        size_t c[_MC_STATUS_MAX];

        mc_results_count(rs, c);
        /* An error outranks a failure: a run that could not look somewhere
         * has not shown the cluster is only as bad as the failures say. */
        if (c[MC_ERROR])
                return MC_EXIT_ERROR;
        if (c[MC_FAIL])
                return MC_EXIT_FAIL;
        if (c[MC_WARN])
                return MC_EXIT_WARN;
        return MC_EXIT_OK;
}

struct mc_result *mc_results_copy(struct mc_results *out, const struct mc_result *a, enum mc_status st, const char *prefix) {
        struct mc_result *r = mc_results_add(out, a->check, a->node, st, "%s%s", prefix, a->summary);

        for (size_t k = 0; k < a->n_evidence; k++)
                mc_result_evidence(r, a->evidence[k].file, a->evidence[k].line, "%s", a->evidence[k].text ?: "");
        if (a->hint)
                mc_result_hint(r, "%s", a->hint);
        return r;
}
