/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-uuid-unique: libvirt identifies a migration's destination by its host
 * UUID and refuses one equal to the source's ("Attempt to migrate guest to
 * the same host"). Cloned firmware and cloned images share UUIDs. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "libvirt_mode.h"
#include "util.h"


struct host_uuid {
        const char *value;      /* as found; NULL: unknown */
        char norm[40];          /* lower-case hex digits only: libvirt takes both spellings */
        bool from_libvirt;      /* the running daemon's, else a configuration file's */
        struct mc_setting conf; /* host_uuid in a daemon's file, when set */
        bool has_conf;
        const char *conf_path;  /* the file that decides when the daemon is not asked */
        char why[320];          /* why unknown */
};



/* The UUID libvirt uses on the node: the running daemon's when it was asked
 * (live), else host_uuid from the file of the daemon that runs the QEMU
 * driver (virtqemud.conf on modular hosts, libvirtd.conf otherwise). */
static void host_uuid_of(json_object *facts, struct host_uuid *ret) {
        json_object *lv = mc_json_get(facts, "libvirt");
        struct mc_libvirt_mode m;
        const char *confs[2];
        struct mc_setting src;

        *ret = (struct host_uuid) {};
        mc_libvirt_mode(facts, &m);
        confs[0] = m.modular ? "/etc/libvirt/virtqemud.conf" : "/etc/libvirt/libvirtd.conf";
        confs[1] = m.modular ? "/etc/libvirt/libvirtd.conf" : "/etc/libvirt/virtqemud.conf";
        for (size_t i = 0; i < ELEMENTSOF(confs) && !ret->has_conf; i++)
                if (mc_facts_setting(facts, confs[i], NULL, "host_uuid", &ret->conf) >= 0 && !isempty(ret->conf.value)) {
                        ret->has_conf = true;
                        ret->conf_path = confs[i];
                }

        if (streq_ptr(mc_json_str(lv, "state"), "ok") && !isempty(mc_json_str(lv, "uuid"))) {
                ret->value = mc_json_str(lv, "uuid");
                ret->from_libvirt = true;
        } else if (ret->has_conf)
                ret->value = ret->conf.value;
        if (ret->value) {
                mc_uuid_normalise(ret->value, ret->norm, sizeof(ret->norm));
                return;
        }

        if (lv && streq_ptr(mc_json_str(lv, "state"), "error"))
                snprintf(ret->why, sizeof(ret->why), "libvirt at %s did not answer (%s) and no host_uuid is configured",
                         mc_json_str(lv, "uri") ?: "?", mc_json_str(lv, "error") ?: "unknown error");
        else if (lv)
                snprintf(ret->why, sizeof(ret->why), "libvirt reported no host UUID and no host_uuid is configured");
        else if (mc_facts_setting(facts, confs[0], NULL, "host_uuid_source", &src) >= 0 &&
                 streq(src.value, "machine-id"))
                snprintf(ret->why, sizeof(ret->why), "host UUID unknown offline: host_uuid_source = machine-id in %s, "
                         "and facts do not record /etc/machine-id", confs[0]);
        else
                snprintf(ret->why, sizeof(ret->why), "host UUID unknown offline without host_uuid (libvirt takes it "
                         "from SMBIOS, which only the running daemon reports)");
}

/* What to do when libvirt's facts are missing, by why they are. */

static void evidence_uuid(struct mc_result *r, const char *node, const struct host_uuid *u) {
        if (u->from_libvirt) {
                _cleanup_free_ char *f = node ? mc_strdup_printf("%s: libvirt capabilities", node) : NULL;
                mc_result_evidence(r, f ?: "libvirt capabilities", 0, "host uuid %s", u->value);
        } else if (node) {
                _cleanup_free_ char *f = mc_strdup_printf("%s: %s", node, u->conf.file);
                mc_result_evidence(r, f, (unsigned) u->conf.line, "%s", u->conf.text ?: u->conf.value);
        } else
                mc_evidence_setting(r, &u->conf);
}

/* "a, b" + name. */
static void append_name(char **list, const char *name) {
        char *t = mc_strdup_printf("%s%s%s", *list ?: "", *list ? ", " : "", name);

        free(*list);
        *list = t;
}

static const char *fix_hint =
        "set host_uuid = \"$(uuidgen)\" in /etc/libvirt/libvirtd.conf (virtqemud.conf on modular hosts) or "
        "host_uuid_source = \"machine-id\"";

void mc_check_host_uuid_unique(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        _cleanup_free_ char *dups = NULL, *unknown = NULL;
        struct host_uuid me, peer;
        struct mc_result *r;
        size_t n_known = 0;

        host_uuid_of(ctx->facts, &me);
        if (!me.value) {
                /* A file that did not parse may hold host_uuid: say so rather than guess. */
                if (!mc_require_file(ctx, "/etc/libvirt/libvirtd.conf") ||
                    !mc_require_file(ctx, "/etc/libvirt/virtqemud.conf"))
                        return;
                r = mc_report(ctx, c->n_nodes > 1 ? MC_ERROR : MC_SKIP, "%s: %s",
                              c->n_nodes > 1 ? "cannot evaluate" : "single node, and nothing to compare", me.why);
                mc_result_hint(r, "%s", mc_libvirt_missing_hint(ctx->facts, "collect the node live (libvirtd running), or "
                                                                          "set host_uuid in /etc/libvirt/libvirtd.conf so "
                                                                          "that it is known offline"));
                return;
        }

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *p = &c->nodes[i];

                if (p == ctx->node)
                        continue;
                if (p->facts)
                        host_uuid_of(p->facts, &peer);
                if (!p->facts || !peer.value) {
                        append_name(&unknown, p->name);
                        continue;
                }
                n_known++;
                if (streq(peer.norm, me.norm))
                        append_name(&dups, p->name);
        }

        if (dups) {
                r = mc_report(ctx, MC_FAIL,
                              "host UUID %s%s is also %s's: libvirt refuses to migrate between them "
                              "('Attempt to migrate guest to the same host %s')",
                              me.value, mc_uuid_is_firmware_default(me.value) ? " (a firmware default)" : "", dups, me.value);
                evidence_uuid(r, NULL, &me);
                for (size_t i = 0; i < c->n_nodes; i++) {
                        const struct mc_node *p = &c->nodes[i];

                        if (p == ctx->node || !p->facts)
                                continue;
                        host_uuid_of(p->facts, &peer);
                        if (peer.value && streq(peer.norm, me.norm))
                                evidence_uuid(r, p->name, &peer);
                }
                mc_result_hint(r, "%s", fix_hint);
                mc_result_hint(r, "then restart the daemon; every node needs its own UUID");
                return;
        }

        if (me.from_libvirt && me.has_conf) {
                char conf_norm[40];

                mc_uuid_normalise(me.conf.value, conf_norm, sizeof(conf_norm));
                if (!streq(conf_norm, me.norm)) {
                        r = mc_report(ctx, MC_WARN, "libvirt runs with host UUID %s, but %s sets %s: the daemon was "
                                                    "not restarted since, and its UUID will change",
                                      me.value, me.conf_path, me.conf.value);
                        evidence_uuid(r, NULL, &me);
                        mc_evidence_setting(r, &me.conf);
                        mc_result_hint(r, "restart the daemon, then run migcheck again");
                        return;
                }
        }

        if (mc_uuid_is_firmware_default(me.value)) {
                r = mc_report(ctx, MC_WARN, "host UUID %s is a firmware default shared by many machines%s", me.value,
                              c->n_nodes > 1 ? ": unique in this cluster, but not for the next node of the same make"
                                             : "");
                evidence_uuid(r, NULL, &me);
                mc_result_hint(r, "%s", fix_hint);
                return;
        }

        if (c->n_nodes < 2) {
                r = mc_report(ctx, MC_SKIP, "single node: no other node to compare host UUID %s with", me.value);
                evidence_uuid(r, NULL, &me);
                return;
        }
        if (n_known == 0) {
                /* Their own rows say why; a pass here would compare nothing. */
                r = mc_report(ctx, MC_SKIP, "no other node's host UUID is known (%s): nothing to compare %s with",
                              unknown, me.value);
                evidence_uuid(r, NULL, &me);
                return;
        }
        r = mc_report(ctx, MC_PASS, "host UUID %s is unique among the %zu nodes whose UUID is known%s%s%s", me.value,
                      n_known + 1, unknown ? " (unknown: " : "", unknown ?: "", unknown ? ")" : "");
        evidence_uuid(r, NULL, &me);
}
