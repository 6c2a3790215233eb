/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "tally.h"

#include <stdio.h>

#include "util.h"

void mc_tally_init(struct mc_tally *t) {
        *t = (struct mc_tally) { .groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free) };
}

void mc_tally_add(struct mc_tally *t, const char *key, size_t node) {
        struct mc_tally_group *g;

        if (!t->groups)
                mc_tally_init(t);
        g = g_hash_table_lookup(t->groups, key);
        if (!g) {
                g = mc_assert_alloc(calloc(1, sizeof(*g)));
                g->key = key;
                g->first = node;
                g_hash_table_insert(t->groups, (char *) key, g);
        }
        if (g->count < ELEMENTSOF(g->ex))
                g->ex[g->count] = node;
        g->count++;
        t->total++;
}

static int group_cmp(const void *a, const void *b) {
        const struct mc_tally_group *x = *(const struct mc_tally_group *const *) a;
        const struct mc_tally_group *y = *(const struct mc_tally_group *const *) b;

        if (x->count != y->count)
                return x->count > y->count ? -1 : 1;
        return x->first < y->first ? -1 : x->first > y->first;
}

void mc_tally_done(struct mc_tally *t) {
        GHashTableIter it;
        gpointer key, value;
        size_t i = 0;

        if (!t->groups)
                mc_tally_init(t);
        t->n_groups = g_hash_table_size(t->groups);
        t->sorted = mc_assert_alloc(calloc(t->n_groups + 1, sizeof(*t->sorted)));
        g_hash_table_iter_init(&it, t->groups);
        while (g_hash_table_iter_next(&it, &key, &value))
                t->sorted[i++] = value;
        qsort(t->sorted, t->n_groups, sizeof(*t->sorted), group_cmp);
        /* On a tie the first node's value is "best", so that texts are
         * stable; tie says nobody is right. */
        t->best = t->n_groups ? t->sorted[0] : NULL;
        t->tie = t->n_groups > 1 && t->sorted[1]->count == t->sorted[0]->count;
}

void mc_tally_free(struct mc_tally *t) {
        if (t->groups)
                g_hash_table_destroy(t->groups);
        free(t->sorted);
        *t = (struct mc_tally) {};
}

char *mc_tally_text(const struct mc_tally *d, const struct mc_tally_group *skip, const char *sep,
                    const char *(*label)(const void *data, const struct mc_tally_group *g),
                    const char *(*name)(const void *data, size_t node), const void *data) {
        char *out = NULL;
        size_t len = 0, shown = 0, counted = 0, more;
        FILE *f = mc_assert_alloc(open_memstream(&out, &len));

        for (size_t i = 0; i < d->n_groups && shown < MC_NAMES_SHOWN; i++) {
                const struct mc_tally_group *g = d->sorted[i];

                if (g == skip)
                        continue;
                counted += g->count;
                fprintf(f, "%s%s on %zu node%s (", shown ? sep : "", label(data, g), g->count, g->count == 1 ? "" : "s");
                for (size_t e = 0; e < g->count && e < ELEMENTSOF(g->ex); e++)
                        fprintf(f, "%s%s", e ? ", " : "", name(data, g->ex[e]));
                fprintf(f, "%s)", g->count > ELEMENTSOF(g->ex) ? ", ..." : "");
                shown++;
        }
        more = d->total - counted - (skip ? skip->count : 0);
        if (more)
                fprintf(f, "%sother values on %zu nodes", sep, more);
        fclose(f);
        return out;
}
