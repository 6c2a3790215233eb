/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check.h"

#include <stdarg.h>
#include <string.h>

#include "peers.h"
#include "util.h"

static const char *const scope_table[_MC_SCOPE_MAX] = {
        [MC_SCOPE_NODE] = "node",
        [MC_SCOPE_CLUSTER] = "cluster",
};

const char *mc_scope_to_string(enum mc_scope s) {
        return s < _MC_SCOPE_MAX ? scope_table[s] : NULL;
}

struct mc_result *mc_report(struct mc_check_ctx *ctx, enum mc_status st, const char *fmt, ...) {
        _cleanup_free_ char *summary = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&summary, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        ctx->n_reported++;
        return mc_results_add(ctx->out, ctx->check->id, ctx->node->name, st, "%s", summary);
}

struct mc_result *mc_report_copy(struct mc_check_ctx *ctx, enum mc_status st, const char *summary,
                                 const struct mc_result *from) {
        /* A row of this run's own results (hosts.c copies rows of nodes
         * that share an /etc/hosts) moves when adding one grows the
         * array: found again by its index. */
        bool own = ctx->out->n > 0 && from >= ctx->out->items && from < ctx->out->items + ctx->out->n;
        size_t at = own ? (size_t) (from - ctx->out->items) : 0;
        struct mc_result *r = mc_report(ctx, st, "%s", summary ?: from->summary);

        if (own)
                from = &ctx->out->items[at];

        for (size_t i = 0; i < from->n_evidence; i++)
                mc_result_evidence(r, from->evidence[i].file, from->evidence[i].line, "%s", from->evidence[i].text ?: "");
        if (from->hint)
                mc_result_hint(r, "%s", from->hint);
        return r;
}

void mc_evidence_setting(struct mc_result *r, const struct mc_setting *s) {
        if (s->text)
                mc_result_evidence(r, s->file, (unsigned) s->line, "%s", s->text);
        else
                mc_result_evidence(r, s->file, (unsigned) s->line, "%s = %s", s->key, s->value);
}

bool mc_require_file(struct mc_check_ctx *ctx, const char *path) {
        struct mc_file_error e;
        struct mc_result *r;

        if (mc_facts_file(ctx->facts, path, &e) != MC_FILE_ERROR)
                return true;
        if (e.lens) {
                /* migcheck's installation is at fault, not the node's file */
                r = mc_report(ctx, MC_ERROR, "cannot evaluate '%s': %s", path, e.message);
                mc_result_hint(r, "reinstall migcheck (its lenses are in share/migcheck/lenses beside its bin/) or "
                                  "set MIGCHECK_LENS_PATH to the directory holding them");
                return false;
        }
        /* Unreadable (permissions, a FIFO, too large, a dangling symlink)
         * is not a syntax error: no line to correct. */
        if (mc_startswith(e.message, "cannot read")) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: '%s' %s", path, e.message);
                mc_result_evidence(r, path, 0, "%s", e.message);
                mc_result_hint(r, "make '%s' a readable regular file (as the daemon reading it sees it), then run "
                                  "migcheck again", path);
                return false;
        }
        if (mc_startswith(e.message, "libvirt refuses it"))
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: libvirt does not accept '%s'", path);
        else
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: '%s' did not parse", path);
        mc_result_evidence(r, path, (unsigned) e.line, "%s", e.message);
        if (mc_startswith(e.message, "libvirt refuses it"))
                mc_result_hint(r, "libvirt does not start with this value: correct it at the line named, then run "
                                  "migcheck again");
        else
                mc_result_hint(r, "correct the file at the line named, then run migcheck again");
        return false;
}

const struct mc_check *mc_check_find(const char *id) {
        for (size_t i = 0; i < mc_n_checks; i++)
                if (streq(mc_checks[i].id, id))
                        return &mc_checks[i];
        return NULL;
}

bool mc_check_selected(const struct mc_check *chk, char *const *only, char *const *skip) {
        if (only && !mc_strv_contains(only, chk->id))
                return false;
        return !mc_strv_contains(skip, chk->id);
}

unsigned mc_checks_needs(char *const *only, char *const *skip) {
        unsigned needs = 0;

        for (size_t i = 0; i < mc_n_checks; i++)
                if (mc_check_selected(&mc_checks[i], only, skip))
                        needs |= mc_checks[i].needs;
        return needs;
}

void mc_checks_run(const struct mc_cluster *c, char *const *only, char *const *skip, struct mc_results *out) {
        mc_checks_run_table(mc_checks, mc_n_checks, c, only, skip, out);
}

void *mc_check_scratch(struct mc_check_ctx *ctx, void *(*build)(const struct mc_cluster *c), void (*destroy)(void *data)) {
        if (!ctx->scratch->data) {
                ctx->scratch->data = build(ctx->cluster);
                ctx->scratch->destroy = destroy;
        }
        return ctx->scratch->data;
}

void mc_scratch_done(struct mc_scratch *s) {
        if (s->data && s->destroy)
                s->destroy(s->data);
        *s = (struct mc_scratch) {};
}

void mc_checks_run_table(const struct mc_check *table, size_t n_table, const struct mc_cluster *c, char *const *only,
                         char *const *skip, struct mc_results *out) {
        _cleanup_free_ struct mc_scratch *scratch = mc_assert_alloc(calloc(n_table + 1, sizeof(*scratch)));
        struct mc_cluster *mc = (struct mc_cluster *) c;
        struct mc_address_memo *memo = mc_address_memo_new(c), *outer = c->address_memo;

        /* Run state beside the const cluster: the facts do not change during
         * a run, so what mc_node_address derives from them is indexed once. */
        mc->address_memo = memo;

        for (size_t n = 0; n < c->n_nodes; n++) {
                const struct mc_node *node = &c->nodes[n];

                if (!node->facts) {
                        /* One row for the node, not one per check: the cause is the same. */
                        struct mc_result *r = mc_results_add(out, "collect", node->name, MC_ERROR,
                                                             "facts not collected: %s",
                                                             node->error ?: "unknown error");
                        mc_result_hint(r, "fix access to the node, or collect its facts there with "
                                          "'migcheck collect -o FILE'");
                        continue;
                }
                for (size_t i = 0; i < n_table; i++) {
                        const struct mc_check *chk = &table[i];
                        struct mc_check_ctx ctx = {
                                .check = chk,
                                .cluster = c,
                                .node = node,
                                .facts = node->facts,
                                .out = out,
                                .scratch = &scratch[i],
                        };

                        if (!mc_check_selected(chk, only, skip))
                                continue;
                        chk->run(&ctx);
                        /* Silence must never read as a pass. */
                        if (ctx.n_reported == 0)
                                mc_report(&ctx, MC_ERROR, "internal error: check reported no result");
                }
        }
        for (size_t i = 0; i < n_table; i++)
                mc_scratch_done(&scratch[i]);
        mc->address_memo = outer;
        mc_address_memo_free(memo);
}
