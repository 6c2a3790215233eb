/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-uuid-unique: libvirt identifies a migration's destination by its host
 * UUID and refuses one equal to the source's ("Attempt to migrate guest to
 * the same host"). Cloned firmware and cloned images share UUIDs. */
#include <assert.h>
#include <ctype.h>
#include <glib.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "clauses.h"
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

/* Every node's UUID read once per run, and the nodes grouped by it: a row
 * looks up its group instead of comparing with every peer, so a rack
 * cloned from one image costs n, not n^2. */
struct uuid_index {
        struct host_uuid *of;      /* per node; of[i].value NULL: unknown */
        GHashTable *groups;        /* norm -> struct mc_members */
        size_t n_known;
        struct mc_members unknown; /* nodes without facts or without a known UUID */
};

static void uuid_index_free(void *data) {
        struct uuid_index *x = data;

        if (!x)
                return;
        if (x->groups)
                g_hash_table_destroy(x->groups);
        free(x->of);
        free(x);
}

static void *uuid_index_new(const struct mc_cluster *c) {
        struct uuid_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));

        x->of = mc_assert_alloc(calloc(c->n_nodes ?: 1, sizeof(*x->of)));
        x->groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
        for (size_t i = 0; i < c->n_nodes; i++) {
                struct mc_members *g;

                if (c->nodes[i].facts)
                        host_uuid_of(c->nodes[i].facts, &x->of[i]);
                if (!c->nodes[i].facts || !x->of[i].value) {
                        mc_members_add(&x->unknown, i);
                        continue;
                }
                x->n_known++;
                g = g_hash_table_lookup(x->groups, x->of[i].norm);
                if (!g) {
                        g = mc_assert_alloc(calloc(1, sizeof(*g)));
                        g_hash_table_insert(x->groups, x->of[i].norm, g);
                }
                mc_members_add(g, i);
        }
        return x;
}

static const char *fix_hint =
        "set host_uuid = \"$(uuidgen)\" in /etc/libvirt/libvirtd.conf (virtqemud.conf on modular hosts) or "
        "host_uuid_source = \"machine-id\"";

void mc_check_host_uuid_unique(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        const struct uuid_index *x = mc_check_scratch(ctx, uuid_index_new, uuid_index_free);
        size_t self = (size_t) (ctx->node - c->nodes);
        const struct host_uuid *me = &x->of[self];
        const struct mc_members *g;
        _cleanup_free_ char *dups = NULL, *unknown = NULL;
        struct mc_result *r;
        size_t n_known;

        if (!me->value) {
                /* A file that did not parse may hold host_uuid: say so rather than guess. */
                if (!mc_require_file(ctx, "/etc/libvirt/libvirtd.conf") ||
                    !mc_require_file(ctx, "/etc/libvirt/virtqemud.conf"))
                        return;
                r = mc_report(ctx, c->n_nodes > 1 ? MC_ERROR : MC_SKIP, "%s: %s",
                              c->n_nodes > 1 ? "cannot evaluate" : "single node, and nothing to compare", me->why);
                mc_result_hint(r, "%s", mc_libvirt_missing_hint(ctx->facts, "collect the node live (libvirtd running), or "
                                                                          "set host_uuid in /etc/libvirt/libvirtd.conf so "
                                                                          "that it is known offline"));
                return;
        }

        g = g_hash_table_lookup(x->groups, me->norm);
        assert(g && g->count >= 1);
        n_known = x->n_known - 1;
        unknown = mc_members_text(c, &x->unknown, SIZE_MAX);
        if (g->count > 1) {
                dups = mc_members_text(c, g, self);
                if (g->count == 2 || g->count - 1 <= MC_NAMES_SHOWN)
                        r = mc_report(ctx, MC_FAIL,
                                      "host UUID %s%s is also %s's: libvirt refuses to migrate between them "
                                      "('Attempt to migrate guest to the same host %s')",
                                      me->value, mc_uuid_is_firmware_default(me->value) ? " (a firmware default)" : "",
                                      dups, me->value);
                else
                        r = mc_report(ctx, MC_FAIL,
                                      "host UUID %s%s is also that of %zu other nodes (%s): libvirt refuses to migrate "
                                      "between them ('Attempt to migrate guest to the same host %s')",
                                      me->value, mc_uuid_is_firmware_default(me->value) ? " (a firmware default)" : "",
                                      g->count - 1, dups, me->value);
                evidence_uuid(r, NULL, me);
                /* The peers' own evidence, as many as the summary names. */
                for (size_t k = 0, shown = 0; k < g->count && k < ELEMENTSOF(g->ex) && shown < MC_NAMES_SHOWN; k++)
                        if (g->ex[k] != self) {
                                evidence_uuid(r, c->nodes[g->ex[k]].name, &x->of[g->ex[k]]);
                                shown++;
                        }
                mc_result_hint(r, "%s", fix_hint);
                mc_result_hint(r, "then restart the daemon; every node needs its own UUID");
                return;
        }

        if (me->from_libvirt && me->has_conf) {
                char conf_norm[40];

                mc_uuid_normalise(me->conf.value, conf_norm, sizeof(conf_norm));
                if (!streq(conf_norm, me->norm)) {
                        r = mc_report(ctx, MC_WARN, "libvirt runs with host UUID %s, but %s sets %s: the daemon was "
                                                    "not restarted since, and its UUID will change",
                                      me->value, me->conf_path, me->conf.value);
                        evidence_uuid(r, NULL, me);
                        mc_evidence_setting(r, &me->conf);
                        mc_result_hint(r, "restart the daemon, then run migcheck again");
                        return;
                }
        }

        if (mc_uuid_is_firmware_default(me->value)) {
                r = mc_report(ctx, MC_WARN, "host UUID %s is a firmware default shared by many machines%s", me->value,
                              c->n_nodes > 1 ? ": unique in this cluster, but not for the next node of the same make"
                                             : "");
                evidence_uuid(r, NULL, me);
                mc_result_hint(r, "%s", fix_hint);
                return;
        }

        if (c->n_nodes < 2) {
                r = mc_report(ctx, MC_SKIP, "single node: no other node to compare host UUID %s with", me->value);
                evidence_uuid(r, NULL, me);
                return;
        }
        if (n_known == 0) {
                /* Their own rows say why; a pass here would compare nothing. */
                r = mc_report(ctx, MC_SKIP, "no other node's host UUID is known (%s): nothing to compare %s with",
                              unknown, me->value);
                evidence_uuid(r, NULL, me);
                return;
        }
        r = mc_report(ctx, MC_PASS, "host UUID %s is unique among the %zu nodes whose UUID is known%s%s%s", me->value,
                      n_known + 1, unknown ? " (unknown: " : "", unknown ?: "", unknown ? ")" : "");
        evidence_uuid(r, NULL, me);
}
