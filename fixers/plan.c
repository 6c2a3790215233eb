/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building a fix plan: fixers add edits; the engine renders and writes. */
#include <stdarg.h>
#include <string.h>

#include "fix.h"
#include "fixers.h"
#include "libvirt_mode.h"
#include "profiles.h"
#include "util.h"

/* By the init that runs, not the distro's default: a Debian 12 node
 * without systemd restarts through its init script (service(8)). */
char *mc_restart_command(json_object *facts, const char *service) {
        json_object *os = mc_json_get(facts, "os");
        const struct mc_distro_profile *p =
                mc_distro_profile_find(mc_json_str(os, "id"), mc_json_str(os, "id_like"), mc_json_str(os, "version_id"));
        char why[192];
        bool assumed;

        if (p && streq(service, "libvirtd") && streq(p->startup_file, "/etc/default/libvirt-bin"))
                service = "libvirt-bin";
        if (!mc_init_systemd(facts, p, why, sizeof(why), &assumed))
                return mc_strdup_printf("service %s restart", service);
        return mc_strdup_printf("systemctl restart %s", service);
}

static void strv_add_unique(char ***l, const char *s) {
        size_t n = mc_strv_length(*l);

        if (mc_strv_contains(*l, s))
                return;
        *l = mc_assert_alloc(reallocarray(*l, n + 2, sizeof(char *)));
        (*l)[n] = mc_strdup(s);
        (*l)[n + 1] = NULL;
}

static struct mc_file_fix *file_fix(struct mc_plan *plan, const char *file, const char *lens, enum mc_conf_shape shape) {
        for (size_t i = 0; i < plan->n_files; i++)
                if (streq(plan->files[i].file, file))
                        return &plan->files[i];
        plan->files = mc_assert_alloc(reallocarray(plan->files, plan->n_files + 1, sizeof(*plan->files)));
        plan->files[plan->n_files] = (struct mc_file_fix) { .file = mc_strdup(file), .lens = lens, .shape = shape };
        return &plan->files[plan->n_files++];
}

static void add_edit(struct mc_fix_ctx *ctx, const char *file, const char *lens, enum mc_conf_shape shape,
                     enum mc_edit_kind kind, const char *path, const char *value, unsigned before) {
        struct mc_file_fix *f = file_fix(ctx->plan, file, lens, shape);

        /* The same edit from two checks (listen_tcp for libvirtd-listen and
         * nova-migration-uri; an ACCEPT for firewall-libvirt-port and
         * firewall-persistent) is made once. */
        for (size_t i = 0; i < f->n_edits; i++)
                if (f->edits[i].kind == kind && streq(f->edits[i].path, path) && streq_ptr(f->edits[i].value, value))
                        goto out;
        f->edits = mc_assert_alloc(reallocarray(f->edits, f->n_edits + 1, sizeof(*f->edits)));
        f->edits[f->n_edits++] =
                (struct mc_edit) { .kind = kind, .path = mc_strdup(path), .value = mc_strdup(value), .before = before };
out:
        strv_add_unique(&ctx->plan->fixed_checks, ctx->check->id);
}

void mc_plan_set(struct mc_fix_ctx *ctx, const char *file, const char *lens, enum mc_conf_shape shape,
                 const char *path, const char *value) {
        add_edit(ctx, file, lens, shape, MC_EDIT_SET, path, value, 0);
}

void mc_plan_rm(struct mc_fix_ctx *ctx, const char *file, const char *lens, enum mc_conf_shape shape,
                const char *path) {
        add_edit(ctx, file, lens, shape, MC_EDIT_RM, path, NULL, 0);
}

void mc_plan_set_virt_string(struct mc_fix_ctx *ctx, const char *file, const char *key, const char *value) {
        _cleanup_free_ char *quoted = mc_virtconf_quote(value);

        add_edit(ctx, file, MC_LENS_VIRTCONF, MC_CONF_VIRT, MC_EDIT_SET, key, quoted, 0);
}

void mc_plan_ipt_insert(struct mc_fix_ctx *ctx, const char *file, const char *chain, unsigned before, const char *rule) {
        add_edit(ctx, file, "Iptables.lns", MC_CONF_IPTABLES, MC_EDIT_IPT_INSERT, chain, rule, before);
}

void mc_plan_live_accept(struct mc_fix_ctx *ctx, const struct mc_ipt_accept *a) {
        struct mc_plan *p = ctx->plan;

        for (size_t i = 0; i < p->n_live; i++)
                if (streq(p->live[i].chain, a->chain) && streq(p->live[i].comment, a->comment) &&
                    streq_ptr(p->live[i].dst, a->dst) &&
                    p->live[i].dport_lo == a->dport_lo && p->live[i].dport_hi == a->dport_hi)
                        goto out;
        p->live = mc_assert_alloc(reallocarray(p->live, p->n_live + 1, sizeof(*p->live)));
        p->live[p->n_live] = *a;
        p->live[p->n_live].chain = mc_strdup(a->chain);
        p->live[p->n_live].comment = mc_strdup(a->comment);
        p->live[p->n_live].dst = a->dst ? mc_strdup(a->dst) : NULL;
        p->n_live++;
out:
        strv_add_unique(&p->fixed_checks, ctx->check->id);
}

void mc_plan_command(struct mc_fix_ctx *ctx, const char *command) {
        strv_add_unique(&ctx->plan->commands, command);
        strv_add_unique(&ctx->plan->fixed_checks, ctx->check->id);
}

static void add_fsop(struct mc_fix_ctx *ctx, struct mc_fsop op) {
        struct mc_plan *p = ctx->plan;

        for (size_t i = 0; i < p->n_fsops; i++)
                if (p->fsops[i].kind == op.kind && streq(p->fsops[i].path, op.path)) {
                        free(op.path);
                        free(op.target);
                        goto out;
                }
        p->fsops = mc_assert_alloc(reallocarray(p->fsops, p->n_fsops + 1, sizeof(*p->fsops)));
        p->fsops[p->n_fsops++] = op;
out:
        strv_add_unique(&p->fixed_checks, ctx->check->id);
}

void mc_plan_symlink(struct mc_fix_ctx *ctx, const char *path, const char *target) {
        add_fsop(ctx, (struct mc_fsop) { .kind = MC_FSOP_SYMLINK, .path = mc_strdup(path), .target = mc_strdup(target) });
}

void mc_plan_mkdir(struct mc_fix_ctx *ctx, const char *path, uid_t uid, gid_t gid, mode_t mode) {
        add_fsop(ctx, (struct mc_fsop) { .kind = MC_FSOP_MKDIR, .path = mc_strdup(path), .uid = uid, .gid = gid, .mode = mode });
}

void mc_plan_restart(struct mc_fix_ctx *ctx, const char *command) {
        strv_add_unique(&ctx->plan->restart, command);
}

int mc_plan_unfixable(struct mc_plan *plan, const char *check, const char *fmt, ...) {
        struct mc_unfixable *u;
        va_list ap;

        for (size_t i = 0; i < plan->n_unfixable; i++)
                if (streq(plan->unfixable[i].check, check))
                        return -EOPNOTSUPP;
        plan->unfixable = mc_assert_alloc(reallocarray(plan->unfixable, plan->n_unfixable + 1, sizeof(*plan->unfixable)));
        u = &plan->unfixable[plan->n_unfixable++];
        *u = (struct mc_unfixable) { .check = mc_strdup(check) };
        va_start(ap, fmt);
        if (vasprintf(&u->reason, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        return -EOPNOTSUPP;
}

bool mc_plan_empty(const struct mc_plan *plan) {
        return plan->n_files == 0 && plan->n_fsops == 0 && plan->n_live == 0 && !plan->commands;
}

void mc_plan_done(struct mc_plan *plan) {
        for (size_t i = 0; i < plan->n_files; i++) {
                for (size_t j = 0; j < plan->files[i].n_edits; j++) {
                        free(plan->files[i].edits[j].path);
                        free(plan->files[i].edits[j].value);
                }
                free(plan->files[i].edits);
                free(plan->files[i].file);
        }
        free(plan->files);
        for (size_t i = 0; i < plan->n_fsops; i++) {
                free(plan->fsops[i].path);
                free(plan->fsops[i].target);
        }
        free(plan->fsops);
        for (size_t i = 0; i < plan->n_unfixable; i++) {
                free(plan->unfixable[i].check);
                free(plan->unfixable[i].reason);
        }
        free(plan->unfixable);
        for (size_t i = 0; i < plan->n_live; i++) {
                free(plan->live[i].chain);
                free(plan->live[i].comment);
                free(plan->live[i].dst);
        }
        free(plan->live);
        strv_free(plan->commands);
        strv_free(plan->restart);
        strv_free(plan->fixed_checks);
        *plan = (struct mc_plan) {};
}

void mc_fix_plan_node(const struct mc_cluster *c, const struct mc_node *n, const struct mc_results *rs,
                      const struct mc_fix_opts *opts, struct mc_plan *plan) {
        for (size_t i = 0; i < rs->n; i++) {
                const struct mc_result *r = &rs->items[i];
                const struct mc_check *chk;

                if (!streq(r->node, n->name))
                        continue;
                if (r->status != MC_FAIL && !(r->status == MC_WARN && opts->include_warnings))
                        continue;
                chk = mc_check_find(r->check);
                if (!chk) {
                        mc_plan_unfixable(plan, r->check, "the node could not be checked");
                        continue;
                }
                if (!chk->fix) {
                        mc_plan_unfixable(plan, chk->id, "no fixer: %s", chk->fix_note ?: "this needs a decision migcheck cannot make");
                        continue;
                }
                struct mc_fix_ctx ctx = {
                        .check = chk,
                        .cluster = c,
                        .node = n,
                        .facts = n->facts,
                        .result = r,
                        .opts = opts,
                        .plan = plan,
                };
                chk->fix(&ctx);
        }
}
