/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixers for firewall-libvirt-port, firewall-migration-ports and
 * firewall-persistent: ACCEPT rules for new TCP connections to the
 * libvirt port and to qemu.conf's migration range, in INPUT for the
 * peers' connections to this node and in OUTPUT for this node's to each
 * peer, placed where the checks' evaluator says they win
 * (mc_firewall_gaps).
 *
 * Where they go depends on who owns the rules:
 *   - the legacy table (libiptc): inserted live, in one commit, and into
 *     the saved file (/etc/sysconfig/iptables, /etc/iptables/rules.v4)
 *     through the Iptables lens, so that a reboot keeps them;
 *   - iptables-nft, firewalld, ufw: a command (iptables-nft -I,
 *     firewall-cmd, ufw allow), which migcheck runs only with
 *     --apply-firewall-commands and otherwise names;
 *   - offline (--root): the saved file, which is what the checks read.
 *
 * The rules accept from any source, like the rules every migration guide
 * (and the checks' hints) gives: the libvirt port is guarded by its own
 * authentication (libvirtd-auth), QEMU listens on a migration port only
 * for an incoming migration, and a rule that named the peers would have
 * to change with every node added. An operator who wants them narrower
 * writes their own rules before running fix: the checks then pass and
 * nothing is added. The OUTPUT rules name the peer (-d ADDR/32): an
 * OUTPUT that refuses these ports is a choice about where this node may
 * connect, and a migration needs only its peers.
 */
#include <string.h>

#include "checks.h"
#include "firewall.h"
#include "fixers.h"
#include "nova_options.h"
#include "util.h"

#define COMMENT_LIBVIRT "migcheck: libvirt migration"
#define COMMENT_MIGRATION "migcheck: qemu migration ports"

static const char *comment_of(enum mc_fw_ports ports) {
        return ports == MC_FW_PORTS_LIBVIRT ? COMMENT_LIBVIRT : COMMENT_MIGRATION;
}

static bool facts_live(json_object *facts) {
        return mc_json_bool(mc_json_get(facts, "collection"), "live", false);
}

static const char *chain_of(const struct mc_fw_gap *g) {
        return mc_fw_hook_to_string(g->hook);
}

static struct mc_ipt_accept accept_of(const struct mc_fw_gap *g, enum mc_fw_ports ports) {
        return (struct mc_ipt_accept) {
                .chain = (char *) chain_of(g),
                .dst = (char *) g->dst,
                .before = g->before,
                .n_rules = g->n_rules,
                .dport_lo = g->lo,
                .dport_hi = g->hi,
                .comment = (char *) comment_of(ports),
        };
}

/* "-A INPUT -p tcp -m tcp --dport 16509 -m comment ... -j ACCEPT". */
static char *rule_line(const struct mc_fw_gap *g, enum mc_fw_ports ports) {
        struct mc_ipt_accept a = accept_of(g, ports);
        _cleanup_free_ char *spec = mc_ipt_accept_spec(&a);

        return mc_strdup_printf("-A %s %s", chain_of(g), spec);
}

/* The command that opens g where a tool other than libiptc owns the live
 * rules. */
static char *command_of(const char *owner, const struct mc_fw_gap *g, enum mc_fw_ports ports) {
        _cleanup_free_ char *range = g->lo == g->hi ? mc_strdup_printf("%u", g->lo) : NULL;

        if (g->hook == MC_FW_HOOK_OUTPUT && !streq(owner, "iptables-nft")) {
                /* Zones and "ufw allow" open what comes in; what goes out is
                 * a direct rule (firewalld) or "allow out" (ufw). */
                struct mc_ipt_accept a = accept_of(g, ports);
                _cleanup_free_ char *spec = mc_ipt_accept_spec(&a);

                if (streq(owner, "firewalld"))
                        return mc_strdup_printf("firewall-cmd --permanent --direct --add-rule ipv4 filter OUTPUT 0 %s && "
                                                "firewall-cmd --reload",
                                                spec);
                if (!range)
                        range = mc_strdup_printf("%u:%u", g->lo, g->hi);
                return mc_strdup_printf("ufw allow out proto tcp to %s port %s", g->dst ?: "any", range);
        }
        if (streq(owner, "firewalld")) {
                /* --permanent then --reload: the runtime gets it from the
                 * permanent configuration, and it survives a restart. The
                 * default zone: the one an interface without its own is in. */
                if (!range)
                        range = mc_strdup_printf("%u-%u", g->lo, g->hi);
                return mc_strdup_printf("firewall-cmd --permanent --add-port=%s/tcp && firewall-cmd --reload", range);
        }
        if (streq(owner, "ufw")) {
                if (!range)
                        range = mc_strdup_printf("%u:%u", g->lo, g->hi);
                return mc_strdup_printf("ufw allow %s/tcp", range);
        }
        /* iptables-nft: the same rule at the same place as for libiptc. */
        struct mc_ipt_accept a = accept_of(g, ports);
        _cleanup_free_ char *spec = mc_ipt_accept_spec(&a);

        if (g->before)
                return mc_strdup_printf("iptables-nft -I %s %u %s", chain_of(g), g->before, spec);
        return mc_strdup_printf("iptables-nft -A %s %s", chain_of(g), spec);
}

static char *join_commands(char **cmds) {
        char *out = mc_strdup("");

        for (char **c = cmds; c && *c; c++) {
                char *old = out;
                out = mc_strdup_printf("%s%s%s", old, *old ? "; " : "", *c);
                free(old);
        }
        return out;
}

static void strv_push(char ***l, char *s) {
        size_t n = mc_strv_length(*l);

        *l = mc_assert_alloc(reallocarray(*l, n + 2, sizeof(char *)));
        (*l)[n] = s;
        (*l)[n + 1] = NULL;
}

/* Where the saved file needs ACCEPTs for ports (none: it accepts every
 * peer already, or there is no file). Returns a negative errno after
 * mc_plan_unfixable when the file cannot take them. */
static int saved_lines(struct mc_fix_ctx *ctx, enum mc_fw_ports ports, struct mc_fw_gap **ret_gaps, size_t *ret_n) {
        json_object *per = mc_json_path(ctx->facts, "firewall", "persisted", NULL);
        const char *state = mc_json_str(per, "state"), *path = mc_json_str(per, "path") ?: "the saved rules";
        _cleanup_free_ char *err = NULL;
        int r;

        *ret_gaps = NULL;
        *ret_n = 0;
        if (!state || streq(state, "absent"))
                /* No file: a reboot filters nothing, and migcheck does not
                 * write a rules file of its own that would start filtering. */
                return 0;
        if (streq(state, "error"))
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "%s: %s: correct it first (migcheck changes nothing while it does not parse)", path,
                                         mc_json_str(per, "error") ?: "cannot be read");
        r = mc_firewall_gaps(ctx->cluster, ctx->node, ports, MC_FW_RULES_SAVED, ret_gaps, ret_n, &err);
        if (r < 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s: %s", path, err);
        return 0;
}

static void plan_saved(struct mc_fix_ctx *ctx, enum mc_fw_ports ports, const struct mc_fw_gap *g, size_t n) {
        const char *path = mc_json_str(mc_json_path(ctx->facts, "firewall", "persisted", NULL), "path");

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *line = rule_line(&g[i], ports);
                mc_plan_ipt_insert(ctx, path, chain_of(&g[i]), g[i].before, line);
        }
}

static int fix_ports(struct mc_fix_ctx *ctx, enum mc_fw_ports ports) {
        json_object *fw = mc_json_get(ctx->facts, "firewall");
        const char *managed = mc_json_str(fw, "managed_by"), *backend = mc_json_str(fw, "backend");
        _cleanup_free_ struct mc_fw_gap *live = NULL, *saved = NULL;
        _cleanup_free_ char *err = NULL, *joined = NULL;
        _cleanup_strv_free_ char **cmds = NULL;
        size_t n_live = 0, n_saved = 0;
        bool is_live = facts_live(ctx->facts);
        int r;

        if (!fw)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the firewall was not collected");
        if (!is_live && !managed) {
                /* Offline the checks evaluate the saved file: that is what
                 * there is to fix. */
                r = saved_lines(ctx, ports, &saved, &n_saved);
                if (r < 0)
                        return r;
                if (n_saved == 0)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id, "the saved rules already accept every peer");
                plan_saved(ctx, ports, saved, n_saved);
                return 0;
        }

        r = mc_firewall_gaps(ctx->cluster, ctx->node, ports, is_live ? MC_FW_RULES_LIVE : MC_FW_RULES_SAVED, &live,
                             &n_live, &err);
        if (r < 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s", err);
        if (n_live == 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "every peer is accepted already");

        if (managed) {
                /* firewalld or ufw rewrites the table: the change goes through it. */
                for (size_t i = 0; i < n_live; i++)
                        strv_push(&cmds, command_of(managed, &live[i], ports));
                joined = join_commands(cmds);
                if (!is_live)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s manages the firewall: on the node, run: %s",
                                                 managed, joined);
                if (!ctx->opts->apply_firewall_commands)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "%s manages the firewall: run: %s (migcheck fix --apply-firewall-commands "
                                                 "runs it)",
                                                 managed, joined);
                for (char **c = cmds; *c; c++)
                        mc_plan_command(ctx, *c);
                return 0;
        }

        if (!backend || (!streq(backend, "legacy") && !streq(backend, "nft")))
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the live rules are in no table migcheck can change "
                                                                    "(backend %s)",
                                         backend ?: "unknown");
        /* Decide everything before planning anything: a check is fixed
         * whole or named as not fixed, never half. */
        r = saved_lines(ctx, ports, &saved, &n_saved);
        if (r < 0)
                return r;
        if (streq(backend, "nft")) {
                /* libiptc does not see iptables-nft's rules (nor change them). */
                for (size_t i = 0; i < n_live; i++)
                        strv_push(&cmds, command_of("iptables-nft", &live[i], ports));
                joined = join_commands(cmds);
                if (!ctx->opts->apply_firewall_commands)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "the live rules are iptables-nft's, which migcheck changes only by command: "
                                                 "run: %s (migcheck fix --apply-firewall-commands runs it)",
                                                 joined);
                for (char **c = cmds; *c; c++)
                        mc_plan_command(ctx, *c);
        } else
                for (size_t i = 0; i < n_live; i++) {
                        struct mc_ipt_accept a = accept_of(&live[i], ports);
                        mc_plan_live_accept(ctx, &a);
                }
        plan_saved(ctx, ports, saved, n_saved);
        return 0;
}

int mc_fix_firewall_libvirt_port(struct mc_fix_ctx *ctx) {
        return fix_ports(ctx, MC_FW_PORTS_LIBVIRT);
}

int mc_fix_firewall_migration_ports(struct mc_fix_ctx *ctx) {
        return fix_ports(ctx, MC_FW_PORTS_MIGRATION);
}

int mc_fix_firewall_persistent(struct mc_fix_ctx *ctx) {
        static const enum mc_fw_ports all[] = { MC_FW_PORTS_LIBVIRT, MC_FW_PORTS_MIGRATION };
        struct mc_fw_gap *g[ELEMENTSOF(all)] = {};
        size_t n[ELEMENTSOF(all)] = {}, total = 0;
        int r = 0;

        /* The live rules accept what the saved ones refuse: the saved
         * file gets the ACCEPTs. Where the live rules refuse too, that is
         * the port checks' to fix (their fixers change both). */
        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                long lo, hi;

                /* No valid range: the check compared the libvirt port alone. */
                if (all[i] == MC_FW_PORTS_MIGRATION &&
                    (mc_qemu_migration_range(ctx->facts, &lo, &hi) < 0 || lo <= 0 || hi > 65535 || lo > hi))
                        continue;
                r = saved_lines(ctx, all[i], &g[i], &n[i]);
                if (r < 0)
                        goto out;
                total += n[i];
        }
        if (total == 0) {
                r = mc_plan_unfixable(ctx->plan, ctx->check->id,
                                      "the saved rules accept the libvirt port and the migration ports: where they differ "
                                      "from the live ones, the live rules refuse (fix firewall-libvirt-port and "
                                      "firewall-migration-ports)");
                goto out;
        }
        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                plan_saved(ctx, all[i], g[i], n[i]);
out:
        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                free(g[i]);
        return r;
}
