/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unified diffs of a file before and after a fix, for the dry run. Myers'
 * O(ND) algorithm: fixes change a few lines of files that can be 10,000
 * lines long (nova.conf), so D stays small. */
#include <stdio.h>
#include <string.h>

#include "fix.h"
#include "util.h"

#define CONTEXT 3
#define MAX_D 4096  /* beyond this, show the file as replaced */

struct lines {
        const char **l;
        size_t *len;
        size_t n;
        bool eol_at_end;
};

static void split(const char *t, struct lines *ret) {
        size_t cap = 16;

        *ret = (struct lines) {
                .l = mc_assert_alloc(malloc(cap * sizeof(char *))),
                .len = mc_assert_alloc(malloc(cap * sizeof(size_t))),
                .eol_at_end = true,
        };
        for (const char *p = t ?: ""; *p;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t) (nl - p) : strlen(p);

                if (ret->n == cap) {
                        cap *= 2;
                        ret->l = mc_assert_alloc(reallocarray(ret->l, cap, sizeof(char *)));
                        ret->len = mc_assert_alloc(reallocarray(ret->len, cap, sizeof(size_t)));
                }
                ret->l[ret->n] = p;
                ret->len[ret->n++] = n;
                if (!nl) {
                        ret->eol_at_end = false;
                        break;
                }
                p = nl + 1;
        }
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j) {
        return a->len[i] == b->len[j] && memcmp(a->l[i], b->l[j], a->len[i]) == 0;
}

enum op { OP_EQ, OP_DEL, OP_INS };

/* The edit script, as ops over a (DEL, EQ) and b (INS, EQ), in order. */
static enum op *myers(const struct lines *a, const struct lines *b, size_t *ret_n) {
        long n = (long) a->n, m = (long) b->n, max = n + m, off = max + 1;
        long *v = mc_assert_alloc(calloc((size_t) (2 * max + 3), sizeof(long)));
        long **trace = mc_assert_alloc(calloc((size_t) (max < MAX_D ? max : MAX_D) + 1, sizeof(long *)));
        enum op *ops;
        long d, found = -1;

        for (d = 0; d <= max && d <= MAX_D - 1 && found < 0; d++) {
                trace[d] = mc_assert_alloc(malloc((size_t) (2 * max + 3) * sizeof(long)));
                memcpy(trace[d], v, (size_t) (2 * max + 3) * sizeof(long));
                for (long k = -d; k <= d; k += 2) {
                        long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                                            : v[off + k - 1] + 1;
                        long y = x - k;

                        while (x < n && y < m && line_eq(a, (size_t) x, b, (size_t) y))
                                x++, y++;
                        v[off + k] = x;
                        if (x >= n && y >= m) {
                                found = d;
                                break;
                        }
                }
        }

        ops = mc_assert_alloc(malloc((size_t) (n + m + 1) * sizeof(enum op)));
        *ret_n = 0;
        if (found < 0) {
                /* Too different: all of a out, all of b in. */
                for (long i = 0; i < n; i++)
                        ops[(*ret_n)++] = OP_DEL;
                for (long j = 0; j < m; j++)
                        ops[(*ret_n)++] = OP_INS;
        } else {
                /* Walk back through the trace, collecting ops in reverse. */
                long x = n, y = m;
                size_t k_ops = 0;
                enum op *rev = mc_assert_alloc(malloc((size_t) (n + m + 1) * sizeof(enum op)));

                for (d = found; d > 0; d--) {
                        long *pv = trace[d];
                        long k = x - y;
                        long pk = (k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1])) ? k + 1 : k - 1;
                        long px = pv[off + pk], py = px - pk;

                        while (x > px && y > py)
                                rev[k_ops++] = OP_EQ, x--, y--;
                        rev[k_ops++] = pk == k + 1 ? OP_INS : OP_DEL;
                        x = px, y = py;
                }
                while (x > 0 && y > 0)
                        rev[k_ops++] = OP_EQ, x--, y--;
                for (size_t i = k_ops; i > 0; i--)
                        ops[(*ret_n)++] = rev[i - 1];
                free(rev);
        }
        for (long i = 0; i <= (max < MAX_D ? max : MAX_D); i++)
                free(trace[i]);
        free(trace);
        free(v);
        return ops;
}

char *mc_unified_diff(const char *label, const char *a_text, const char *b_text) {
        return mc_unified_diff_shown(label, a_text, b_text, a_text, b_text);
}

char *mc_unified_diff_shown(const char *label, const char *a_text, const char *b_text, const char *a_shown,
                            const char *b_shown) {
        struct lines a, b, as, bs;
        size_t n_ops, i = 0, ai = 0, bi = 0;
        enum op *ops;
        char *out = NULL;
        size_t out_len = 0;
        FILE *f;

        if (streq_ptr(a_text, b_text) || (a_text && b_text && streq(a_text, b_text)))
                return NULL;
        split(a_text, &a);
        split(b_text, &b);
        /* Compared as they are, printed as shown: line for line. */
        split(a_text ? a_shown : NULL, &as);
        split(b_shown, &bs);
        if (as.n != a.n || bs.n != b.n) {
                /* Never print the real lines in place of shown ones. */
                free(a.l), free(a.len), free(b.l), free(b.len), free(as.l), free(as.len), free(bs.l), free(bs.len);
                return mc_strdup_printf("--- %s%s\n+++ b%s\n(changed; not shown)\n", a_text ? "a" : "",
                                        a_text ? label : "/dev/null", label);
        }
        ops = myers(&a, &b, &n_ops);
        f = mc_assert_alloc(open_memstream(&out, &out_len));
        fprintf(f, "--- %s%s\n+++ b%s\n", a_text ? "a" : "", a_text ? label : "/dev/null", label);

        while (i < n_ops) {
                size_t start, end, hs, ha, hb, la = 0, lb = 0, j;

                /* Next change, then grow the hunk while changes are close. */
                while (i < n_ops && ops[i] == OP_EQ)
                        i++, ai++, bi++;
                if (i == n_ops)
                        break;
                start = i;
                end = i;
                for (j = i; j < n_ops; j++) {
                        if (ops[j] != OP_EQ)
                                end = j + 1;
                        else if (j - end >= 2 * CONTEXT)
                                break;
                }
                hs = start >= CONTEXT ? start - CONTEXT : 0;
                /* Line numbers at the hunk's start. */
                ha = ai - (start - hs);
                hb = bi - (start - hs);
                j = end + CONTEXT < n_ops ? end + CONTEXT : n_ops;
                for (size_t k = hs; k < j; k++) {
                        la += ops[k] != OP_INS;
                        lb += ops[k] != OP_DEL;
                }
                fprintf(f, "@@ -%zu,%zu +%zu,%zu @@\n", la ? ha + 1 : ha, la, lb ? hb + 1 : hb, lb);
                for (size_t k = hs, x = ha, y = hb; k < j; k++) {
                        if (ops[k] == OP_EQ) {
                                fprintf(f, " %.*s\n", (int) as.len[x], as.l[x]);
                                x++, y++;
                        } else if (ops[k] == OP_DEL) {
                                fprintf(f, "-%.*s\n", (int) as.len[x], as.l[x]);
                                if (x + 1 == a.n && !a.eol_at_end)
                                        fprintf(f, "\\ No newline at end of file\n");
                                x++;
                        } else {
                                fprintf(f, "+%.*s\n", (int) bs.len[y], bs.l[y]);
                                if (y + 1 == b.n && !b.eol_at_end)
                                        fprintf(f, "\\ No newline at end of file\n");
                                y++;
                        }
                }
                for (size_t k = i; k < j; k++) {
                        ai += ops[k] != OP_INS;
                        bi += ops[k] != OP_DEL;
                }
                i = j;
        }
        fclose(f);
        free(ops);
        free(a.l);
        free(a.len);
        free(b.l);
        free(b.len);
        free(as.l);
        free(as.len);
        free(bs.l);
        free(bs.len);
        return out;
}
