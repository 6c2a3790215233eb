/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "clauses.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

void mc_clause_add(struct mc_clauses *l, const char *fmt, ...) {
        _cleanup_free_ char *s = NULL;
        va_list ap;
        char *n;

        l->n++;
        if (l->shown >= MC_NAMES_SHOWN)
                return;
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        n = mc_strdup_printf("%s%s%s", l->text ?: "", l->text ? "; " : "", s);
        free(l->text);
        l->text = n;
        l->shown++;
}

char *mc_clauses_text(const struct mc_clauses *l) {
        if (l->n > l->shown)
                return mc_strdup_printf("%s; and %zu more", l->text ?: "", l->n - l->shown);
        return mc_strdup(l->text ?: "");
}

void mc_clauses_done(struct mc_clauses *l) {
        /* The counts stay: callers word the summary by them afterwards. */
        free(l->text);
        l->text = NULL;
}

void mc_names_add(struct mc_names *l, const char *name) {
        char *n;

        l->n++;
        if (l->shown >= MC_NAMES_SHOWN)
                return;
        n = mc_strdup_printf("%s%s%s", l->text ?: "", l->text ? ", " : "", name);
        free(l->text);
        l->text = n;
        l->shown++;
}

char *mc_names_text(const struct mc_names *l) {
        if (l->n == 0)
                return NULL;
        if (l->n > l->shown)
                return mc_strdup_printf("%s and %zu more", l->text, l->n - l->shown);
        return mc_strdup(l->text);
}

void mc_names_done(struct mc_names *l) {
        free(l->text);
        l->text = NULL;
}

void mc_members_add(struct mc_members *g, size_t node) {
        if (g->count < ELEMENTSOF(g->ex))
                g->ex[g->count] = node;
        g->count++;
}

char *mc_members_text(const struct mc_cluster *c, const struct mc_members *g, size_t self) {
        struct mc_names l = {};
        char *t;

        for (size_t k = 0; k < g->count && k < ELEMENTSOF(g->ex) && l.shown < MC_NAMES_SHOWN; k++)
                if (g->ex[k] != self)
                        mc_names_add(&l, c->nodes[g->ex[k]].name);
        /* Those past ex[] are counted, not named. */
        l.n = g->count - (self != SIZE_MAX ? 1 : 0);
        t = mc_names_text(&l);
        mc_names_done(&l);
        return t;
}

struct mc_result *mc_report_clauses(struct mc_check_ctx *ctx, enum mc_status st, struct mc_clauses *bad,
                                    struct mc_clauses *good, const char *lead, const char *good_label) {
        _cleanup_free_ char *bad_text = mc_clauses_text(bad), *good_text = mc_clauses_text(good);
        struct mc_result *r;

        if (st == MC_PASS)
                r = mc_report(ctx, MC_PASS, "%s: %s", lead, good_text);
        else if (good->n > 0 && good_label)
                r = mc_report(ctx, st, "%s (%s: %s)", bad_text, good_label, good_text);
        else
                r = mc_report(ctx, st, "%s", bad_text);
        mc_clauses_done(bad);
        mc_clauses_done(good);
        return r;
}
