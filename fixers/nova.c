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
#include "util.h"

#define NOVA_CONF "/etc/nova/nova.conf"
#define LIVE_FLAGS "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE"
#define BLOCK_FLAGS "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC"

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

                if ((n->since == MC_NOVA_UNKNOWN || rel >= n->since) && (n->until == MC_NOVA_UNKNOWN || rel <= n->until)) {
                        _cleanup_free_ char *path = mc_strdup_printf("%s/%s", n->section, n->key);
                        mc_plan_set(ctx, NOVA_CONF, LENS_NOVA, MC_CONF_INI, path, value);
                        return;
                }
        }
}

/* Remove every definition of o, in every file, under every name. */
static void rm_opt(struct mc_fix_ctx *ctx, const struct mc_nova_opt *o) {
        json_object *files = mc_json_path(ctx->facts, "nova", "files", NULL);

        for (size_t f = 0; files && f < json_object_array_length(files); f++) {
                const char *path = mc_json_str(json_object_array_get_idx(files, f), NULL);

                for (size_t i = 0; path && i < ELEMENTSOF(o->names) && o->names[i].key; i++) {
                        struct mc_setting s;

                        if (mc_facts_setting(ctx->facts, path, o->names[i].section, o->names[i].key, &s) >= 0)
                                rm_at(ctx, &s);
                }
        }
}

static void restart_nova(struct mc_fix_ctx *ctx) {
        _cleanup_free_ char *cmd = mc_restart_command(ctx->facts, "nova-compute");

        mc_plan_restart(ctx, cmd);
}

int mc_fix_nova_live_migration_flag(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);

        if (rel == MC_NOVA_UNKNOWN)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the nova release is unknown (--nova-release)");
        if (rel >= MC_NOVA_NEWTON)
                rm_opt(ctx, &mc_nova_live_migration_flag);
        else if (strstr(ctx->result->summary, "block_migration_flag"))
                set_opt(ctx, rel, &mc_nova_block_migration_flag, BLOCK_FLAGS);
        else
                set_opt(ctx, rel, &mc_nova_live_migration_flag, LIVE_FLAGS);
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
         * removing it changes no working setup. */
        rm_at(ctx, &model);
        restart_nova(ctx);
        return 0;
}

int mc_fix_nova_config_drive(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);

        if (rel < MC_NOVA_KILO || rel >= MC_NOVA_NEWTON)
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "before Kilo only shared storage or force_config_drive = false helps: an "
                                         "operator's choice");
        set_opt(ctx, rel, &mc_nova_config_drive_format, "vfat");
        restart_nova(ctx);
        return 0;
}

int mc_fix_nova_vnc_listen(struct mc_fix_ctx *ctx) {
        enum mc_nova_release rel = mc_nova_release_of(ctx->facts);
        struct mc_setting s;

        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_vnc_listen, &s) >= 0)
                set_at(ctx, &s, "0.0.0.0");
        else {
                /* A name this release no longer reads: move it. */
                rm_opt(ctx, &mc_nova_vnc_listen);
                set_opt(ctx, rel, &mc_nova_vnc_listen, "0.0.0.0");
        }
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

                if (!t.has_source || !streq(t.source.key, "live_migration_uri") || !start)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "live_migration_scheme has no port: set tcp_port in libvirtd.conf back to "
                                                 "%u, or name the port in live_migration_uri",
                                                 dflt);
                mc_libvirt_mode(ctx->facts, &m);
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
