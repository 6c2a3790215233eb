/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "clauses.h"

#include <stdarg.h>
#include <stdio.h>

#include "util.h"

void mc_clause_add(struct mc_clauses *l, const char *fmt, ...) {
        _cleanup_free_ char *s = NULL;
        va_list ap;
        char *n;

        l->n++;
        if (l->shown >= MC_SUMMARY_PEERS)
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
