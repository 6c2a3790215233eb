/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a nova-* check for the node's nova release, or, when that is
 * unknown, for every release the node can run: the one place that decides
 * which releases a check is evaluated for and how their verdicts become
 * one row.
 *
 * Each candidate release's evaluation writes into a scratch result list.
 * When every candidate gives the same status, the row is the first one's,
 * "for every nova release from X to Y", with the runs of releases that
 * said it differently as evidence; otherwise it is a SKIP naming each run
 * of releases and its verdict. The evidence says how the candidates were
 * derived (mc_nova_candidates). */
#include "nova_run.h"

#include <string.h>

#include "nova_options.h"
#include "util.h"

bool mc_nova_prelude(struct mc_check_ctx *ctx) {
        json_object *files = mc_json_path(ctx->facts, "nova", "files", NULL);

        if (!mc_nova_configured(ctx->facts)) {
                mc_report(ctx, MC_SKIP, "no /etc/nova/nova.conf: not a nova compute node");
                return false;
        }
        for (size_t i = 0; i < json_object_array_length(files); i++) {
                const char *p = mc_json_str(json_object_array_get_idx(files, i), NULL);

                if (p && !mc_require_file(ctx, p))
                        return false;
        }
        return true;
}

/* A row's summary with the release's name taken out, so that two releases
 * saying the same thing of themselves compare equal. */
static char *summary_key(const struct mc_result *r, enum mc_nova_release rel) {
        const char *name = mc_nova_release_name(rel), *p = r->summary, *hit;
        char *out = mc_strdup("");

        while ((hit = strstr(p, name))) {
                mc_strappendf(&out, "%.*s*", (int) (hit - p), p);
                p = hit + strlen(name);
        }
        mc_strappendf(&out, "%s", p);
        return out;
}

static void range_text(char *buf, size_t n, enum mc_nova_release a, enum mc_nova_release b) {
        if (a == b)
                snprintf(buf, n, "%s", mc_nova_release_name(a));
        else
                snprintf(buf, n, "%s to %s", mc_nova_release_name(a), mc_nova_release_name(b));
}

/* "FAIL", as the reports print statuses. */
static const char *status_upper(enum mc_status st) {
        static const char *const upper[_MC_STATUS_MAX] = {
                [MC_PASS] = "PASS", [MC_WARN] = "WARN", [MC_FAIL] = "FAIL",
                [MC_SKIP] = "SKIP", [MC_ERROR] = "ERROR", [MC_FIXED] = "FIXED",
        };

        return st < _MC_STATUS_MAX ? upper[st] : "?";
}

static bool has_evidence(const struct mc_result *r, const struct mc_evidence *e) {
        for (size_t i = 0; i < r->n_evidence; i++)
                if (streq_ptr(r->evidence[i].file, e->file) && r->evidence[i].line == e->line &&
                    streq_ptr(r->evidence[i].text, e->text))
                        return true;
        return false;
}

static void copy_evidence(struct mc_result *to, const struct mc_result *from) {
        for (size_t i = 0; i < from->n_evidence; i++)
                if (!has_evidence(to, &from->evidence[i]))
                        mc_result_evidence(to, from->evidence[i].file, from->evidence[i].line, "%s",
                                           from->evidence[i].text ?: "");
}

void mc_nova_run(struct mc_check_ctx *ctx, mc_nova_eval_fn eval) {
        struct mc_results sub = {};
        struct mc_nova_candidates cand;
        struct {
                enum mc_nova_release from, to;
                const struct mc_result *row;
        } group[_MC_NOVA_RELEASE_MAX];
        size_t n_groups = 0, n_status = 0;
        const struct mc_result *rows[_MC_NOVA_RELEASE_MAX] = {};
        size_t last[_MC_NOVA_RELEASE_MAX] = {};
        char range[64], all[64];
        struct mc_result *r;

        if (!mc_nova_prelude(ctx))
                return;
        mc_nova_candidates(ctx->facts, &cand);
        if (cand.known) {
                eval(ctx, cand.lo);
                return;
        }

        for (enum mc_nova_release rel = cand.lo; rel <= cand.hi; rel++) {
                struct mc_check_ctx c = *ctx;
                size_t before = sub.n;

                c.out = &sub;
                c.n_reported = 0;
                eval(&c, rel);
                if (sub.n == before)
                        mc_results_add(&sub, ctx->check->id, ctx->node->name, MC_ERROR,
                                       "internal error: no verdict for nova %s", mc_nova_release_name(rel));
                last[rel] = sub.n - 1;
        }
        /* Pointers only once every release has added its rows: the array
         * moves while it grows. A release's verdict is its last row. */
        for (enum mc_nova_release rel = cand.lo; rel <= cand.hi; rel++)
                rows[rel] = &sub.items[last[rel]];
        for (enum mc_nova_release rel = cand.lo; rel <= cand.hi; rel++) {
                const struct mc_result *row = rows[rel];

                if (n_groups > 0 && group[n_groups - 1].row->status == row->status) {
                        group[n_groups - 1].to = rel;
                        continue;
                }
                group[n_groups++] = (typeof(group[0])) { .from = rel, .to = rel, .row = row };
        }
        for (size_t g = 0; g < n_groups; g++) {
                bool seen = false;

                for (size_t h = 0; h < g; h++)
                        seen = seen || group[h].row->status == group[g].row->status;
                n_status += !seen;
        }

        range_text(all, sizeof(all), cand.lo, cand.hi);
        if (n_status == 1) {
                const struct mc_result *first = group[0].row;

                r = mc_report(ctx, first->status, "for every nova release from %s to %s: %s", mc_nova_release_name(cand.lo),
                              mc_nova_release_name(cand.hi), first->summary);
                copy_evidence(r, first);
                /* The same verdict for other reasons in some releases: each run
                 * of releases saying the same thing, once. */
                for (enum mc_nova_release rel = cand.lo, from = cand.lo; rel <= cand.hi; rel++) {
                        _cleanup_free_ char *a = summary_key(rows[rel], rel), *b = summary_key(rows[from], from),
                                            *f = summary_key(first, cand.lo);

                        if (rel < cand.hi) {
                                _cleanup_free_ char *next = summary_key(rows[rel + 1], rel + 1);

                                if (streq(next, a))
                                        continue;
                        }
                        if (!streq(b, f)) {
                                range_text(range, sizeof(range), from, rel);
                                mc_result_evidence(r, "nova release", 0, "%s: %s", range, rows[from]->summary);
                                copy_evidence(r, rows[from]);
                        }
                        from = rel + 1;
                }
                mc_result_evidence(r, "nova release", 0, "unknown; %s are possible: %s", all, cand.why);
                if (first->hint)
                        mc_result_hint(r, "%s", first->hint);
                mc_results_done(&sub);
                return;
        }

        {
                _cleanup_free_ char *verdicts = mc_strdup("");

                for (size_t g = 0; g < n_groups; g++) {
                        range_text(range, sizeof(range), group[g].from, group[g].to);
                        mc_strappendf(&verdicts, "%s%s %s", g ? ", " : "", range, status_upper(group[g].row->status));
                }
                r = mc_report(ctx, MC_SKIP, "nova release unknown and the verdict depends on it: %s", verdicts);
        }
        for (size_t g = 0; g < n_groups; g++) {
                range_text(range, sizeof(range), group[g].from, group[g].to);
                mc_result_evidence(r, "nova release", 0, "%s: %s %s", range, status_upper(group[g].row->status),
                                   group[g].row->summary);
                copy_evidence(r, group[g].row);
        }
        mc_result_evidence(r, "nova release", 0, "unknown; %s are possible: %s", all, cand.why);
        mc_result_hint(r, "pass --nova-release NAME (one of %s), or collect the tree with nova's package metadata", all);
        mc_results_done(&sub);
}
