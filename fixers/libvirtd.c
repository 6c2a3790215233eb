/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixers for libvirtd-listen, libvirtd-auth and libvirt-host-uuid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixers.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "util.h"

/* A generated host UUID is decided by the node, not drawn at random, so
 * that every dry run shows the UUID the real run writes, and a plan
 * (fix --plan-out) holds the value it was approved with: a name-based
 * UUID (v5) of the node's name and the host_uuid it replaces. The name
 * tells apart the nodes of a cloned image (they share host_uuid, and
 * /etc/machine-id too, which the facts do not carry: systemd's
 * machine-id(5) asks not to expose it); the old value tells apart two
 * clusters that reuse node names (compute-0 in every TripleO). */
static void uuid_for_node(struct mc_fix_ctx *ctx, const char *conf, char ret[static 37]) {
        /* A namespace of migcheck's own (a random UUID drawn once). */
        static const uint8_t ns[16] = { 0x6b, 0x1f, 0x3e, 0x52, 0x9a, 0x0c, 0x4d, 0x7e,
                                        0x8f, 0x21, 0x5c, 0x93, 0xd4, 0x60, 0xa7, 0x1b };
        struct mc_setting s;
        const char *old = mc_facts_setting(ctx->facts, conf, NULL, "host_uuid", &s) >= 0 ? s.value : NULL;
        _cleanup_free_ char *name = mc_strdup_printf("host_uuid\n%s\n%s", ctx->node->name, old ?: "");

        mc_uuid_v5(ns, name, strlen(name), ret);
}

/* Enable a socket unit the way `systemctl enable` does: its [Install]
 * WantedBy=sockets.target link. */
static int enable_socket(struct mc_fix_ctx *ctx, const char *unit) {
        json_object *u = mc_json_path(ctx->facts, "systemd", "units", unit, NULL);
        const char *installed = mc_json_str(u, "installed");
        _cleanup_free_ char *link = mc_strdup_printf("/etc/systemd/system/sockets.target.wants/%s", unit);
        _cleanup_free_ char *cmd = mc_strdup_printf("systemctl start %s", unit);

        if (mc_unit_masked(ctx->facts, unit))
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s is masked: unmask it first (systemctl unmask %s)",
                                         unit, unit);
        if (!installed)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s is not installed on this node", unit);
        mc_plan_symlink(ctx, link, installed);
        mc_plan_restart(ctx, cmd);
        return 0;
}

int mc_fix_libvirtd_listen(struct mc_fix_ctx *ctx) {
        struct mc_libvirt_mode m;
        struct mc_transport t;
        struct mc_setting s;
        _cleanup_free_ char *restart = NULL;

        mc_migration_transport(ctx->facts, &t);
        mc_libvirt_mode(ctx->facts, &m);
        if (m.socket_activated) {
                _cleanup_free_ char *unit = mc_strdup_printf("%s-%s.socket", m.daemon, t.scheme == MC_SCHEME_TLS ? "tls" : "tcp");
                return enable_socket(ctx, unit);
        }
        if (t.scheme == MC_SCHEME_TLS)
                /* Turning listen_tls on without libvirt's x509 files stops
                 * the daemon: that setup is the operator's. */
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "listen_tls needs libvirt's TLS certificates (/etc/pki/CA/cacert.pem, "
                                         "/etc/pki/libvirt/servercert.pem and private/serverkey.pem), which migcheck "
                                         "does not create");
        restart = mc_restart_command(ctx->facts, m.daemon);
        /* Without listen_addr libvirtd listens on every address, the
         * node's migration address among them. */
        if (mc_facts_setting(ctx->facts, m.daemon_conf, NULL, "listen_addr", &s) >= 0 &&
            (mc_startswith(s.value, "127.") || streq(s.value, "::1") || streq(s.value, "localhost")))
                mc_plan_rm(ctx, m.daemon_conf, LENS_LIBVIRTD, MC_CONF_VIRT, "listen_addr");
        /* The port the source connects to is the URI's: nova's URI is the
         * same on every node, tcp_port is this node's alone. */
        if (mc_facts_setting(ctx->facts, m.daemon_conf, NULL, "tcp_port", &s) >= 0 &&
            strtoul(s.value, NULL, 10) != t.port) {
                char port[16];

                snprintf(port, sizeof(port), "%u", t.port);
                mc_plan_set_virt_string(ctx, m.daemon_conf, "tcp_port", port);
        }
        mc_plan_set(ctx, m.daemon_conf, LENS_LIBVIRTD, MC_CONF_VIRT, t.scheme == MC_SCHEME_TLS ? "listen_tls" : "listen_tcp",
                    "1");
        mc_plan_restart(ctx, restart);
        return 0;
}

int mc_fix_libvirtd_auth(struct mc_fix_ctx *ctx) {
        struct mc_libvirt_mode m;
        struct mc_transport t;
        struct mc_setting s;
        const char *key;
        _cleanup_free_ char *restart = NULL;

        mc_migration_transport(ctx->facts, &t);
        mc_libvirt_mode(ctx->facts, &m);
        key = t.scheme == MC_SCHEME_TLS ? "auth_tls" : "auth_tcp";
        if (mc_facts_setting(ctx->facts, m.daemon_conf, NULL, key, &s) < 0 || streq(s.value, "sasl")) {
                /* SASL without what it needs on some node: credentials,
                 * a user database or a keytab, which are secrets migcheck
                 * does not invent. Turning authentication off is the
                 * operator's explicit choice. */
                if (!ctx->opts->allow_insecure_auth)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                                 "SASL needs credentials on every node (saslpasswd2, libvirt's auth.conf) "
                                                 "or Kerberos, which migcheck does not create; --allow-insecure-auth "
                                                 "sets %s = \"none\" instead (then admit only the compute nodes in the "
                                                 "firewall)",
                                                 key);
                mc_plan_set_virt_string(ctx, m.daemon_conf, key, "none");
                restart = mc_restart_command(ctx->facts, m.daemon);
                mc_plan_restart(ctx, restart);
                return 0;
        }
        if (streq(s.value, "none"))
                /* The warning: moving to SASL needs credentials on every node,
                 * which migcheck cannot invent. */
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "%s = none is a choice between security and setup work (TLS certificates or "
                                         "SASL credentials on every node) that migcheck does not make",
                                         key);
        /* An invalid type, or polkit on a network socket: sasl is what
         * libvirt itself defaults to, never weaker than what was there. */
        mc_plan_set_virt_string(ctx, m.daemon_conf, key, "sasl");
        restart = mc_restart_command(ctx->facts, m.daemon);
        mc_plan_restart(ctx, restart);
        return 0;
}

int mc_fix_libvirt_host_uuid(struct mc_fix_ctx *ctx) {
        const char *conf = ctx->result->n_evidence > 0 ? ctx->result->evidence[0].file : NULL;
        _cleanup_free_ char *restart = NULL;
        char uuid[37];

        /* The row names the file whose value is bad; the other daemon's
         * configuration keeps its own. */
        if (!conf || !mc_startswith(conf, "/etc/libvirt/"))
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "the failing host_uuid was not found in a file");
        uuid_for_node(ctx, conf, uuid);
        mc_plan_set_virt_string(ctx, conf, "host_uuid", uuid);
        restart = mc_restart_command(ctx->facts, strstr(conf, "virtqemud") ? "virtqemud" : "libvirtd");
        mc_plan_restart(ctx, restart);
        return 0;
}

int mc_fix_host_uuid_unique(struct mc_fix_ctx *ctx) {
        _cleanup_free_ char *restart = NULL;
        struct mc_libvirt_mode m;
        const char *conf;
        char uuid[37];

        /* Every node that shares the UUID gets one of its own: no node has
         * to be chosen to keep it, and the UUIDs are unique after (their
         * names differ). */
        mc_libvirt_mode(ctx->facts, &m);
        conf = m.modular ? "/etc/libvirt/virtqemud.conf" : "/etc/libvirt/libvirtd.conf";
        uuid_for_node(ctx, conf, uuid);
        mc_plan_set_virt_string(ctx, conf, "host_uuid", uuid);
        restart = mc_restart_command(ctx->facts, m.modular ? "virtqemud" : "libvirtd");
        mc_plan_restart(ctx, restart);
        return 0;
}
