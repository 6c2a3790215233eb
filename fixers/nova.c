/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixers for the nova-* checks. A value is changed where nova reads it:
 * the file, section and name of the effective definition; a new one goes
 * into nova.conf, in the section the node's release reads. */
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "fixers.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "nova_rules.h"
#include "util.h"

#define NOVA_CONF "/etc/nova/nova.conf"

static void set_at(struct mc_fix_ctx *ctx, const struct mc_setting *s, const char *value) {
        _cleanup_free_ char *path = mc_strdup_printf("%s/%s", s->section, s->key);

        mc_plan_set(ctx, s->file, LENS_NOVA, MC_CONF_INI, path, value);
}

static void rm_at(struct mc_fix_ctx *ctx, const struct mc_setting *s) {
        _cleanup_free_ char *path = mc_strdup_printf("%s/%s", s->section, s->key);

        mc_plan_rm(ctx, s->file, LENS_NOVA, MC_CONF_INI, path);
}

/* Set option o for release: where it is defined, else in nova.conf under
 * the first name that release reads. */
static void set_opt(struct mc_fix_ctx *ctx, enum mc_nova_release rel, const struct mc_nova_opt *o, const char *value) {
        struct mc_setting s;

        if (mc_nova_opt_get(ctx->facts, rel, o, &s) >= 0) {
                set_at(ctx, &s, value);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(o->names) && o->names[i].key; i++) {
                const struct mc_nova_name *n = &o->names[i];

                if (mc_nova_name_read_by(n, rel)) {
                        _cleanup_free_ char *path = mc_strdup_printf("%s/%s", n->section, n->key);
                        mc_plan_set(ctx, NOVA_CONF, LENS_NOVA, MC_CONF_INI, path, value);
                        return;
                }
        }
}

/* Remove every definition of o, in every file, under every name release
 * does not read (MC_NOVA_UNKNOWN: under every name). */
static void rm_names(struct mc_fix_ctx *ctx, const struct mc_nova_opt *o, enum mc_nova_release unread_by) {
        json_object *files = mc_json_path(ctx->facts, "nova", "files", NULL);

        for (size_t f = 0; files && f < json_object_array_length(files); f++) {
                const char *path = mc_json_str(json_object_array_get_idx(files, f), NULL);

                for (size_t i = 0; path && i < ELEMENTSOF(o->names) && o->names[i].key; i++) {
                        struct mc_setting s;

                        if ((unread_by == MC_NOVA_UNKNOWN || !mc_nova_name_read_by(&o->names[i], unread_by)) &&
                            mc_facts_setting(ctx->facts, path, o->names[i].section, o->names[i].key, &s) >= 0)
                                rm_at(ctx, &s);
                }
        }
}

static void rm_opt(struct mc_fix_ctx *ctx, const struct mc_nova_opt *o) {
        rm_names(ctx, o, MC_NOVA_UNKNOWN);
}

/* o set to value under a name release reads. An unset option whose value
 * sits under a name release no longer reads (the operator's, which the
 * check reports as not read) moves: the old line out, the new one in. */
static void move_or_set(struct mc_fix_ctx *ctx, enum mc_nova_release rel, const struct mc_nova_opt *o, const char *value) {
        rm_names(ctx, o, rel);
        set_opt(ctx, rel, o, value);
}

static void restart_nova(struct mc_fix_ctx *ctx) {
        _cleanup_free_ char *cmd = mc_restart_command(ctx->facts, "nova-compute");

        mc_plan_restart(ctx, cmd);
}

static bool strv_equal(char *const *a, char *const *b) {
        size_t i = 0;

        for (; a[i] && b[i]; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return !a[i] && !b[i];
}

/* a and b hold the same flags in any order, but. */
static bool same_flags_but(char *const *a, char *const *b, const char *but) {
        for (size_t i = 0; a[i]; i++)
                if (!streq(a[i], but) && !mc_strv_contains(b, a[i]))
                        return false;
        for (size_t i = 0; b[i]; i++)
                if (!streq(b[i], but) && !mc_strv_contains(a, b[i]))
                        return false;
        return true;
}

/* The list the check passes (mc_nova_flags_repaired), from what the
 * operator wrote (where release reads it, else where it no longer does)
 * or the release's default. TUNNELLED that Mitaka puts back into the
 * block flags (live_migration_tunnelled = True) stays as nova uses it:
 * *tunnelled says so. Returns whether anything was planned. */
static bool repair_flags(struct mc_fix_ctx *ctx, enum mc_nova_release rel, const struct mc_nova_opt *o, bool block,
                         bool *tunnelled) {
        _cleanup_strv_free_ char **items = NULL, **want = NULL, **used = NULL;
        _cleanup_free_ char *value = NULL;
        struct mc_setting s, ign;
        bool set = mc_nova_opt_get(ctx->facts, rel, o, &s) >= 0;
        bool unread = !set && mc_nova_opt_ignored(ctx->facts, rel, o, &ign) >= 0, forced;

        items = mc_nova_flag_items(set ? s.value : unread ? ign.value : mc_nova_flags_default(rel, block));
        want = mc_nova_flags_repaired(rel, block, items);
        used = mc_nova_flags_used(ctx->facts, rel, block, want);
        forced = block && mc_strv_contains(used, "VIR_MIGRATE_TUNNELLED") && !mc_strv_contains(want, "VIR_MIGRATE_TUNNELLED");
        *tunnelled = *tunnelled || forced;
        if (!unread && (strv_equal(items, want) || (forced && same_flags_but(items, want, "VIR_MIGRATE_TUNNELLED"))))
                return false;
        value = mc_strdup("");
        for (size_t i = 0; want[i]; i++)
                mc_strappendf(&value, "%s%s", i ? ", " : "", want[i]);
        if (unread)
                move_or_set(ctx, rel, o, value);
        else
                set_opt(ctx, rel, o, value);
        return true;
}

/* One run fixes both lists: a fixed live_migration_flag would otherwise
 * uncover the block flags' warning in the next check. */
int mc_fix_nova_live_migration_flag(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);
        bool planned, tunnelled = false;

        if (rel == MC_NOVA_UNKNOWN)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the nova release is unknown (--nova-release)");
        if (rel >= MC_NOVA_NEWTON) {
                rm_opt(ctx, &mc_nova_live_migration_flag);
                planned = true;
        } else {
                planned = repair_flags(ctx, rel, &mc_nova_live_migration_flag, false, &tunnelled);
                planned = repair_flags(ctx, rel, &mc_nova_block_migration_flag, true, &tunnelled) || planned;
        }
        if (!planned)
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         tunnelled ? "live_migration_tunnelled = True makes nova %s tunnel block "
                                                     "migrations: turning it off is the operator's choice"
                                                   : "no fixer for this finding on nova %s",
                                         mc_nova_release_name(rel));
        restart_nova(ctx);
        return 0;
}

int mc_fix_nova_cpu_mode(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);
        struct mc_setting mode, model;
        bool has_mode = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_mode, &mode) >= 0;

        if (has_mode && strcasecmp(mode.value, "custom") == 0) {
                size_t n;
                const char *baseline = mc_cpu_baseline_model(ctx->cluster, &n);

                /* One node alone has no baseline to agree on: the model
                 * must suit every node a guest may move to. */
                if (rel == MC_NOVA_UNKNOWN)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "the nova release is unknown (--nova-release): which name it reads "
                                                 "the model under is too");
                if (!baseline || n < 2)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "cpu_mode = custom needs the CPU model every node supports: run migcheck "
                                                 "across the cluster (every node's usable CPU models collected), where the "
                                                 "baseline is known");
                set_opt(ctx, rel, &mc_nova_cpu_models, baseline);
                restart_nova(ctx);
                return 0;
        }
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_models, &model) < 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "cpu_mode is not a mode nova knows; which one is right is the operator's choice");
        /* A model with host-model or host-passthrough: nova refuses it, so
         * removing it changes no working setup. Every spelling and file:
         * the effective line alone would uncover the next one. */
        rm_opt(ctx, &mc_nova_cpu_models);
        restart_nova(ctx);
        return 0;
}

/* What the operator meant by force_config_drive = v, read by the
 * releases' own rules: off where Mitaka's boolean reads off (false, 0,
 * off, no), on where Juno's reading is on (always or a true boolean
 * string); -1 for neither. */
static int config_drive_meant(const char *v) {
        if (mc_nova_config_drive_forced(MC_NOVA_MITAKA, v) == MC_NOVA_FORCED_NO)
                return 0;
        if (mc_nova_config_drive_forced(MC_NOVA_JUNO, v) == MC_NOVA_FORCED_YES)
                return 1;
        return -1;
}

int mc_fix_nova_config_drive(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);
        struct mc_setting s, fmt;
        const char *spelling;
        int meant;

        if (rel == MC_NOVA_UNKNOWN)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the nova release is unknown (--nova-release)");
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_force_config_drive, &s) < 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "force_config_drive was not found");
        meant = config_drive_meant(s.value);
        if (meant < 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "force_config_drive = '%s' says neither on nor off: which is meant is the "
                                         "operator's choice",
                                         s.value);
        if (meant && mc_nova_config_drive_forced(rel, s.value) == MC_NOVA_FORCED_YES &&
            !mc_nova_config_drive_vfat_helps(rel)) {
                spelling = mc_nova_config_drive_spelling(rel, false);
                if (spelling)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "before Kilo only shared storage or force_config_drive = %s helps: an "
                                                 "operator's choice",
                                                 spelling);
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "before Juno only shared storage or removing the force_config_drive line helps "
                                         "(any value but an empty one, 'false' too, turns it on): an operator's choice");
        }
        /* Written as this release reads the meaning; off with no spelling
         * (before Juno) is no line at all. */
        spelling = mc_nova_config_drive_spelling(rel, meant);
        if (mc_nova_config_drive_forced(rel, s.value) == (meant ? MC_NOVA_FORCED_YES : MC_NOVA_FORCED_NO))
                ;  /* read as meant: the value stays */
        else if (!spelling)
                rm_opt(ctx, &mc_nova_force_config_drive);
        else
                set_at(ctx, &s, spelling);
        if (meant && mc_nova_config_drive_vfat_helps(rel) &&
            !(mc_nova_opt_get(ctx->facts, rel, &mc_nova_config_drive_format, &fmt) >= 0 && streq(fmt.value, "vfat")))
                set_opt(ctx, rel, &mc_nova_config_drive_format, "vfat");
        restart_nova(ctx);
        return 0;
}

/* o's address where release reads it: kept where it migrates
 * (mc_nova_listen_migrates), else the wildcard; moved from a name release
 * no longer reads. Returns whether anything was planned. */
static bool fix_listen(struct mc_fix_ctx *ctx, enum mc_nova_release rel, const struct mc_nova_opt *o) {
        struct mc_setting s, ign;
        bool set = mc_nova_opt_get(ctx->facts, rel, o, &s) >= 0;
        bool unread = !set && mc_nova_opt_ignored(ctx->facts, rel, o, &ign) >= 0;
        const char *addr = set ? s.value : unread ? ign.value : MC_NOVA_LISTEN_DEFAULT;
        const char *want = mc_nova_listen_migrates(ctx->facts, ctx->cluster, ctx->node, rel, addr) ? addr : "0.0.0.0";

        if (unread)
                move_or_set(ctx, rel, o, want);
        else if (!streq(want, addr))
                set_opt(ctx, rel, o, want);
        else
                return false;
        return true;
}

/* VNC and SPICE both: the check stops at the first that fails. */
int mc_fix_nova_vnc_listen(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);
        bool planned = false;

        if (rel == MC_NOVA_UNKNOWN)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the nova release is unknown (--nova-release)");
        if (mc_nova_vnc_on(ctx->facts, rel))
                planned = fix_listen(ctx, rel, &mc_nova_vnc_listen);
        if (mc_nova_spice_on(ctx->facts, rel))
                planned = fix_listen(ctx, rel, &mc_nova_spice_listen) || planned;
        if (!planned)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "no fixer for this finding");
        restart_nova(ctx);
        return 0;
}

int mc_fix_nova_instances_path(struct mc_fix_ctx *ctx) {
        json_object *ip = mc_json_path(ctx->facts, "nova", "instances_path", NULL);
        const char *path = mc_json_str(ip, "path");
        int64_t uid = mc_json_int(ip, "nova_uid", -1), gid = mc_json_int(ip, "nova_gid", -1);

        if (!path || uid < 0 || gid < 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the nova user or the path is unknown");
        if (mc_json_get(ip, "exists") && mc_json_bool(ip, "exists", false) && !mc_json_bool(ip, "is_dir", false))
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s exists and is not a directory", path);
        mc_plan_mkdir(ctx, path, (uid_t) uid, (gid_t) gid, 0755);
        return 0;
}

/* uri with its authority (between "://" and the next "/") replaced. */
static char *uri_with_authority(const char *uri, const char *authority) {
        const char *start = strstr(uri, "://"), *end;

        if (!start)
                return NULL;
        start += 3;
        end = start + strcspn(start, "/?");
        return mc_strdup_printf("%.*s%s%s", (int) (start - uri), uri, authority, end);
}

/* tcp_port (tls_port) of this node's libvirtd set to the port every
 * node's migration URI connects to, when the cluster agrees on one: the
 * peers are the sources that connect here with their own URIs. */
static int fix_listen_port(struct mc_fix_ctx *ctx, const struct mc_transport *t, const struct mc_libvirt_mode *m) {
        const char *key = t->scheme == MC_SCHEME_TLS ? "tls_port" : "tcp_port";
        _cleanup_free_ char *restart = NULL;
        char port[16];

        for (size_t i = 0; ctx->cluster && i < ctx->cluster->n_nodes; i++) {
                const struct mc_node *n = &ctx->cluster->nodes[i];
                struct mc_transport p;

                if (!n->facts || n == ctx->node)
                        continue;
                mc_migration_transport(n->facts, &p);
                if (p.scheme != t->scheme || p.port != t->port)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "the cluster's migration URIs disagree: this node's connects over %s to "
                                                 "port %u, %s's over %s to port %u; make the URIs agree first, then %s "
                                                 "follows them",
                                                 t->scheme_name, t->port, n->name, p.scheme_name, p.port, key);
        }
        snprintf(port, sizeof(port), "%u", t->port);
        mc_plan_set_virt_string(ctx, m->daemon_conf, key, port);
        restart = mc_restart_command(ctx->facts, m->daemon);
        mc_plan_restart(ctx, restart);
        return 0;
}

int mc_fix_nova_migration_uri(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);
        const char *summary = ctx->result->summary;
        struct mc_transport t;
        struct mc_setting s;

        mc_migration_transport(ctx->facts, &t);
        if (t.scheme == MC_SCHEME_OTHER)
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "which transport nova should use (tcp, tls or ssh) is the operator's choice");
        if (strstr(summary, "has no %s")) {
                /* One fixed host in the URI: every guest would go there. */
                _cleanup_free_ char *u = uri_with_authority(t.uri, "%s");

                if (!u)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id, "'%s' is not a URI", t.uri);
                set_at(ctx, &t.source, u);
        } else if (strstr(summary, "makes sources connect to themselves")) {
                /* nova then hands out the node's hostname, as before the option. */
                if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_live_migration_inbound_addr, &s) < 0)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id, "live_migration_inbound_addr was not found");
                rm_at(ctx, &s);
        } else if (strstr(summary, "listens on port")) {
                /* nova's URI follows the port this node's libvirt serves:
                 * under socket activation the unit's, which libvirtd.conf
                 * cannot move. The other nodes' URIs reach this node the
                 * same way when their libvirt serves the same port
                 * (config-drift says when not). */
                const char *colon;
                unsigned dflt = t.scheme == MC_SCHEME_TLS ? 16514 : 16509, port = dflt;
                struct mc_libvirt_mode m;
                _cleanup_free_ char *host = NULL, *u = NULL;
                const char *start = strstr(t.uri, "://");

                mc_libvirt_mode(ctx->facts, &m);
                /* A URI without a port: the peers connect to the scheme's
                 * default, so this node's libvirtd goes back to the port the
                 * cluster's URIs use (socket units ignore tcp_port). */
                if (!t.port_explicit && !m.socket_activated)
                        return fix_listen_port(ctx, &t, &m);
                if (!t.has_source || !streq(t.source.key, "live_migration_uri") || !start)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "live_migration_scheme has no port and %s listens where its socket unit "
                                                 "says: set ListenStream= back to %u, or name the port in "
                                                 "live_migration_uri",
                                                 m.daemon, dflt);
                if (!m.socket_activated &&
                    mc_facts_setting(ctx->facts, m.daemon_conf, NULL, t.scheme == MC_SCHEME_TLS ? "tls_port" : "tcp_port", &s) >= 0)
                        port = (unsigned) strtoul(s.value, NULL, 10);
                start += 3;
                host = mc_assert_alloc(strndup(start, strcspn(start, "/?")));
                colon = strrchr(host, ':');
                if (colon && !strchr(colon, ']'))
                        host[colon - host] = '\0';
                if (port != dflt) {
                        char *a = mc_strdup_printf("%s:%u", host, port);

                        free(host);
                        host = a;
                }
                u = uri_with_authority(t.uri, host);
                set_at(ctx, &t.source, u);
        } else if (strstr(summary, "deprecated")) {
                /* The plain form only: anything more (a user, a port, a
                 * query) is the operator's to move. */
                _cleanup_free_ char *plain = mc_strdup_printf("qemu+%s://%%s/system", t.scheme_name);

                if (!streq(t.uri, plain))
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "'%s' says more than a scheme: moving it to live_migration_scheme and "
                                                 "live_migration_inbound_addr is the operator's",
                                                 t.uri);
                rm_opt(ctx, &mc_nova_live_migration_uri);
                set_opt(ctx, rel, &mc_nova_live_migration_scheme, t.scheme_name);
        } else
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "no fixer for this finding");
        restart_nova(ctx);
        return 0;
}
