/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migration-address-resolvable: the address a destination tells its
 * sources to connect to, resolved and reached from every peer.
 *
 * Which address (this node as the destination D):
 *  - nova's live_migration_inbound_addr (Mitaka+, nova commit af41accff9
 *    "Split-network-plane-for-live-migration"): check_can_live_migrate_
 *    destination stores it as migrate_data.target_connect_addr; the source
 *    then opens its libvirt connection to qemu+SCHEME://ADDR/system and,
 *    unless tunnelled, passes migrate_uri tcp://ADDR for the stream
 *    (26.0.0:nova/virt/libvirt/driver.py _live_migration_operation,
 *    _live_migration_uri, _migrate_uri).
 *  - else qemu.conf's migration_host: with no migrate URI from the source,
 *    libvirt's qemuMigrationDstPrepareDirect answers "tcp:HOST:PORT" with
 *    migrateHost (or its hostname when unset; that case is
 *    libvirt-hostname-resolvable's), and the source's QEMU resolves HOST
 *    (src/qemu/qemu_migration.c, v9.0.0).
 *  - migration_address is where D's QEMU binds (-incoming tcp:ADDR:PORT,
 *    qemuMigrationDstPrepare), never what the source is told: a numeric,
 *    non-wildcard one is the only address of D that accepts the stream.
 * Each peer S resolves the name as S would: its /etc/hosts first (glibc's
 * files backend: every line naming it, in file order), else its NSS
 * answer (facts.migration_targets, asked by `collect --migration-target`,
 * or facts.resolve). A probe from S (facts.migration_targets.NAME.probe)
 * says whether the address answers. */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "nova_options.h"
#include "nova_rules.h"
#include "peers.h"
#include "util.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"
#define HOSTS "/etc/hosts"
/* Peers named in a summary; the rest are counted. */
#define MAX_NAMED 8
/* Evidence lines per row; the rest are counted (rows stay lines). */
#define MAX_EVIDENCE 16

struct target {
        struct mc_setting s;
        const char *from;
        bool libvirt;  /* the libvirt connection goes there too (inbound_addr) */
        const char *bind;  /* migration_address when numeric and not a wildcard */
};

static bool find_target(json_object *f, struct target *t) {
        enum mc_nova_release rel = mc_nova_release_of(f);
        struct mc_setting s;

        *t = (struct target) {};
        if ((rel == MC_NOVA_UNKNOWN || rel >= MC_NOVA_MITAKA) &&
            mc_nova_opt_get(f, rel, &mc_nova_live_migration_inbound_addr, &t->s) >= 0 && !isempty(t->s.value)) {
                t->from = "live_migration_inbound_addr in nova.conf";
                t->libvirt = true;
        } else if (mc_facts_setting(f, QEMU_CONF, NULL, "migration_host", &t->s) >= 0 && !isempty(t->s.value))
                t->from = "migration_host in qemu.conf";
        else
                return false;
        if (mc_facts_setting(f, QEMU_CONF, NULL, "migration_address", &s) >= 0 && mc_address_is_numeric(s.value) &&
            !streq(s.value, "0.0.0.0") && !streq(s.value, "::"))
                t->bind = s.value;
        return true;
}

/* A peer's verdict; the failures in the order the summary names them. */
enum verdict { V_OK, V_UNKNOWN, V_UNRESOLVED, V_ELSEWHERE, V_LOOPBACK, V_UNREACHED, _V_MAX };

static const char *const verdict_text[_V_MAX] = {
        [V_UNRESOLVED] = "cannot resolve it",
        [V_ELSEWHERE] = "resolve it to another host",
        [V_LOOPBACK] = "resolve it to loopback",
        [V_UNREACHED] = "cannot reach it",
};

static bool oslo_true(const char *v) {
        return g_ascii_strcasecmp(v, "true") == 0 || streq(v, "1") || g_ascii_strcasecmp(v, "on") == 0 ||
               g_ascii_strcasecmp(v, "yes") == 0;
}

/* Whether source f tunnels the stream through its libvirt connection: then
 * the destination's libvirt starts QEMU on a stream, not on a URI, and
 * migration_host is never handed out (qemuMigrationDstPrepareTunnel).
 * Before Mitaka the flags say it (Juno to Liberty's default has
 * VIR_MIGRATE_TUNNELLED); Mitaka's live_migration_tunnelled, when set,
 * adds or removes it (nova 621594fc41); from Newton the option alone,
 * default False. */
static bool source_tunnels(json_object *f) {
        enum mc_nova_release rel = mc_nova_release_of(f);
        struct mc_setting s;

        if (rel == MC_NOVA_UNKNOWN || rel >= MC_NOVA_NEWTON)
                return mc_nova_opt_get(f, rel, &mc_nova_live_migration_tunnelled, &s) >= 0 && oslo_true(s.value);
        /* Mitaka: the option, when set, overrides the flags. */
        if (rel == MC_NOVA_MITAKA && mc_nova_opt_get(f, rel, &mc_nova_live_migration_tunnelled, &s) >= 0)
                return oslo_true(s.value);
        _cleanup_strv_free_ char **flags = mc_nova_flag_items(
                mc_nova_opt_get(f, rel, &mc_nova_live_migration_flag, &s) >= 0 ? s.value
                                                                                : mc_nova_flags_default(rel, false));
        return mc_strv_contains(flags, "VIR_MIGRATE_TUNNELLED");
}

/* One peer's answer for the name. */
struct answer {
        const char *addrs[16];
        size_t n;
        const char *how;   /* "/etc/hosts line N", "NSS", "numeric" */
        unsigned line;
        const char *error; /* NSS's error */
        bool asked;        /* some source answered (or refused) */
};

static char **targets_of(const struct mc_cluster *c, size_t max);

/* Per run (mc_check_scratch): for each distinct /etc/hosts entries array
 * (nodes with equal files share one, docs/architecture.md "Scale"), the
 * entries that name each target, in file order; built at the first look,
 * so that n destinations times n sources do not rescan every file. */
struct run_index {
        GHashTable *targets;  /* lower-cased target -> itself */
        GHashTable *lists;    /* entries array -> GHashTable(lower-cased name -> GPtrArray of entries) */
        bool *tunnels;        /* per node: source_tunnels(), read once */
};

static void *index_new(const struct mc_cluster *c) {
        struct run_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));
        _cleanup_strv_free_ char **names = targets_of(c, SIZE_MAX);

        x->targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        x->lists = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_hash_table_unref);
        x->tunnels = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*x->tunnels)));
        for (size_t k = 0; k < c->n_nodes; k++)
                x->tunnels[k] = c->nodes[k].facts && source_tunnels(c->nodes[k].facts);
        for (char **n = names; n && *n; n++) {
                char *lc = g_ascii_strdown(*n, -1);
                g_hash_table_replace(x->targets, lc, lc);
        }
        return x;
}

static void index_free(void *p) {
        struct run_index *x = p;

        g_hash_table_unref(x->targets);
        g_hash_table_unref(x->lists);
        free(x->tunnels);
        free(x);
}

static GHashTable *list_index(struct run_index *x, json_object *entries) {
        GHashTable *h = g_hash_table_lookup(x->lists, entries);

        if (h)
                return h;
        h = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
        for (size_t e = 0; e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = mc_json_get(en, "names");

                if (!mc_json_str(en, "address") || !names || !json_object_is_type(names, json_type_array))
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *n = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        g_autofree char *lc = n ? g_ascii_strdown(n, -1) : NULL;
                        const char *key = lc ? g_hash_table_lookup(x->targets, lc) : NULL;
                        GPtrArray *a;

                        /* glibc: whole names, ASCII case-insensitive; a line
                         * naming it twice answers once. */
                        if (!key)
                                continue;
                        a = g_hash_table_lookup(h, key);
                        if (!a) {
                                a = g_ptr_array_new();
                                g_hash_table_insert(h, (char *) key, a);
                        }
                        if (a->len == 0 || a->pdata[a->len - 1] != en)
                                g_ptr_array_add(a, en);
                }
        }
        g_hash_table_insert(x->lists, entries, h);
        return h;
}

static void from_hosts(struct run_index *x, json_object *entries, const char *name, struct answer *a) {
        g_autofree char *lc = g_ascii_strdown(name, -1);
        GPtrArray *hits;

        if (!entries || !json_object_is_type(entries, json_type_array))
                return;
        hits = g_hash_table_lookup(list_index(x, entries), lc);
        for (guint i = 0; hits && i < hits->len; i++) {
                if (i == 0)
                        a->line = (unsigned) mc_json_int(hits->pdata[i], "line", 0);
                if (a->n < ELEMENTSOF(a->addrs))
                        a->addrs[a->n++] = mc_json_str(hits->pdata[i], "address");
        }
        if (hits && hits->len > 0) {
                a->asked = true;
                a->how = HOSTS;
        }
}

static void from_nss(json_object *entry, struct answer *a) {
        json_object *l = mc_json_get(entry, "addresses");

        a->asked = true;
        a->how = "nss";
        for (size_t i = 0; l && json_object_is_type(l, json_type_array) && i < json_object_array_length(l); i++) {
                const char *s = mc_json_str(json_object_array_get_idx(l, i), NULL);

                if (s && a->n < ELEMENTSOF(a->addrs))
                        a->addrs[a->n++] = s;
        }
        if (a->n == 0)
                a->error = mc_json_str(entry, "error") ?: "no address";
}

static json_object *target_facts(json_object *f, const char *name) {
        json_object *t = mc_json_path(f, "migration_targets", name, NULL);

        return t && json_object_is_type(t, json_type_object) ? t : NULL;
}

static void resolve_on(struct run_index *x, json_object *f, const char *name, struct answer *a) {
        json_object *e;

        *a = (struct answer) {};
        if (mc_address_is_numeric(name)) {
                a->addrs[a->n++] = name;
                a->how = "numeric";
                a->asked = true;
                return;
        }
        from_hosts(x, mc_json_path(f, "hosts", "entries", NULL), name, a);
        if (a->asked)
                return;
        if ((e = target_facts(f, name)) || (e = mc_json_path(f, "resolve", name, NULL)))
                from_nss(e, a);
}

/* Whether addr is where D accepts the stream: its bind address when
 * migration_address pins one, else any of D's own addresses. */
static bool is_dest_addr(const struct mc_cluster *c, const struct mc_node *d, const struct target *t, const char *addr) {
        if (t->bind)
                return mc_address_is_numeric(addr) && g_ascii_strcasecmp(addr, t->bind) == 0;
        return mc_node_has_address(c, d, addr);
}

static bool dest_addrs_known(const struct mc_cluster *c, const struct mc_node *d, const struct target *t) {
        json_object *a = mc_json_path(d->facts, "net", "addresses", NULL);

        return t->bind || mc_node_address(c, d) || (a && json_object_is_type(a, json_type_array));
}

static void evidence_done(struct mc_result *r, GPtrArray *ev, size_t more) {
        for (size_t i = 0; i < ev->len; i++)
                mc_result_evidence(r, "cluster", 0, "%s", (const char *) ev->pdata[i]);
        if (more)
                mc_result_evidence(r, "cluster", 0, "and %zu more peer%s", more, more == 1 ? "" : "s");
}

struct group {
        GString *peers;
        size_t n;
};

static void group_add(struct group *g, const char *peer) {
        if (!g->peers)
                g->peers = g_string_new(NULL);
        if (g->n < MAX_NAMED)
                g_string_append_printf(g->peers, "%s%s", g->n ? ", " : "", peer);
        g->n++;
}

static char *group_text(const struct group *g) {
        if (g->n > MAX_NAMED)
                return mc_strdup_printf("%s and %zu more", g->peers->str, g->n - MAX_NAMED);
        return mc_strdup(g->peers ? g->peers->str : "");
}

static const char *addr_list(GString *buf, const struct answer *a) {
        g_string_truncate(buf, 0);
        for (size_t i = 0; i < a->n; i++)
                g_string_append_printf(buf, "%s%s", i ? " " : "", a->addrs[i]);
        return buf->str;
}

/* Reached: the probe connected, or (migration_host) the host refused the
 * libvirt port, which proves the address answers. NULL: no probe. */
static const char *probe_failure(json_object *probe, bool libvirt, bool *ret_probed) {
        const char *res = mc_json_str(probe, "result");

        *ret_probed = res != NULL;
        if (!res || streq(res, "connected") || (!libvirt && streq(res, "refused")))
                return NULL;
        return res;
}

#define EVIDENCE(text)                                  \
        do {                                            \
                if (ev->len < MAX_EVIDENCE)             \
                        g_ptr_array_add(ev, (text));    \
                else                                    \
                        ev_more++;                      \
        } while (0)

void mc_check_migration_address_resolvable(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        const struct mc_node *d = ctx->node;
        struct group g[_V_MAX] = {};
        struct target t;
        struct mc_result *r;
        g_autoptr(GString) buf = g_string_new(NULL);
        size_t evaluated = 0, no_facts = 0, probed = 0, fails = 0, tunnelled = 0;
        struct run_index *x;
        bool known;
        GPtrArray *ev = g_ptr_array_new_with_free_func(free);
        size_t ev_more = 0;

        if (!find_target(ctx->facts, &t)) {
                mc_report(ctx, MC_SKIP, "neither live_migration_inbound_addr (nova.conf) nor migration_host (qemu.conf) is "
                                        "set: sources connect to the hostname libvirt reports (libvirt-hostname-resolvable)");
                g_ptr_array_free(ev, true);
                return;
        }
        known = dest_addrs_known(c, d, &t);
        x = mc_check_scratch(ctx, index_new, index_free);
        for (size_t k = 0; k < c->n_nodes; k++) {
                const struct mc_node *s = &c->nodes[k];
                struct answer a;
                enum verdict v = V_OK;
                const char *fail;
                bool was_probed;

                if (s == d)
                        continue;
                if (!s->facts) {
                        no_facts++;
                        continue;
                }
                if (!t.libvirt && x->tunnels[k]) {
                        tunnelled++;
                        continue;
                }
                resolve_on(x, s->facts, t.s.value, &a);
                if (!a.asked) {
                        group_add(&g[V_UNKNOWN], s->name);
                        EVIDENCE(mc_strdup_printf("%s: '%s' is not in " HOSTS " and %s", s->name, t.s.value,
                                                             mc_json_get(s->facts, "resolve")
                                                                     ? "NSS was not asked for it (collect --migration-target)"
                                                                     : "offline facts cannot tell whether DNS answers for it"));
                        continue;
                }
                evaluated++;
                if (a.n == 0) {
                        v = V_UNRESOLVED;
                        EVIDENCE(mc_strdup_printf("%s: getaddrinfo(\"%s\"): %s (\"Unable to resolve address "
                                                             "'%s'\")", s->name, t.s.value, a.error, t.s.value));
                } else {
                        bool mine = false, loop = false;
                        char at[32] = "";

                        if (a.line)
                                snprintf(at, sizeof(at), " line %u", a.line);
                        for (size_t i = 0; i < a.n; i++) {
                                mine = mine || is_dest_addr(c, d, &t, a.addrs[i]);
                                loop = loop || mc_address_is_loopback(a.addrs[i]);
                        }
                        if ((known && !mine) || (!known && loop)) {
                                v = loop && !mine ? V_LOOPBACK : V_ELSEWHERE;
                                EVIDENCE(mc_strdup_printf("%s: '%s' -> %s (%s%s), not %s%s", s->name, t.s.value,
                                                                     addr_list(buf, &a), a.how,
                                                                     at,
                                                                     t.bind ? "migration_address " : "",
                                                                     t.bind ?: mc_node_address(c, d) ?: "this node"));
                        }
                }
                if (v == V_OK) {
                        json_object *probe = mc_json_get(target_facts(s->facts, t.s.value), "probe");

                        fail = probe_failure(probe, t.libvirt, &was_probed);
                        probed += was_probed;
                        if (fail) {
                                v = V_UNREACHED;
                                EVIDENCE(mc_strdup_printf("%s: connect to %s port %" PRId64 ": %s", s->name,
                                                                     mc_json_str(probe, "address") ?: "?",
                                                                     mc_json_int(probe, "port", 0),
                                                                     mc_json_str(probe, "error") ?: fail));
                        }
                }
                fails += v != V_OK;
                group_add(&g[v], s->name);
        }

        if (fails > 0) {
                g_autoptr(GString) why = g_string_new(NULL), who = g_string_new(NULL);

                for (enum verdict v = V_UNRESOLVED; v < _V_MAX; v++) {
                        _cleanup_free_ char *names = g[v].n ? group_text(&g[v]) : NULL;

                        if (!names)
                                continue;
                        g_string_append_printf(why, "%s%s %s", why->len ? "; " : "", names, verdict_text[v]);
                        g_string_append_printf(who, "%s%s", who->len ? ", " : "", names);
                }
                r = mc_report(ctx, MC_FAIL, "migrations to this node fail from %zu of %zu peer%s: %s (%s is '%s')", fails,
                              evaluated, evaluated == 1 ? "" : "s", why->str, t.from, t.s.value);
                mc_evidence_setting(r, &t.s);
                evidence_done(r, ev, ev_more);
                mc_result_hint(r, "make '%s' resolve on %s to %s (an '%s %s' line in " HOSTS " or a DNS record) and "
                                  "reachable from them, or set %s to an address every peer reaches",
                               t.s.value, who->str, t.bind ?: mc_node_address(c, d) ?: "this node's migration address",
                               t.bind ?: mc_node_address(c, d) ?: "ADDRESS", t.s.value,
                               t.libvirt ? "live_migration_inbound_addr" : "migration_host");
        } else if (g[V_UNKNOWN].n > 0) {
                _cleanup_free_ char *who = group_text(&g[V_UNKNOWN]);

                r = mc_report(ctx, MC_ERROR, "cannot evaluate whether %zu of %zu peer%s resolve '%s' (%s): %s",
                              g[V_UNKNOWN].n, g[V_UNKNOWN].n + evaluated, g[V_UNKNOWN].n + evaluated == 1 ? "" : "s",
                              t.s.value, t.from, who);
                mc_evidence_setting(r, &t.s);
                evidence_done(r, ev, ev_more);
                mc_result_hint(r, "check the nodes live (migcheck check -n/-i: each peer resolves and probes '%s'), or "
                                  "map '%s' in " HOSTS " on every node",
                               t.s.value, t.s.value);
        } else if (evaluated == 0) {
                r = mc_report(ctx, MC_SKIP, "no peer to resolve '%s' (%s)%s", t.s.value, t.from,
                              tunnelled ? ": every peer tunnels the migration through libvirt, which never hands it out"
                              : no_facts ? ": the peers have no facts"
                                         : "");
                mc_evidence_setting(r, &t.s);
        } else {
                r = mc_report(ctx, MC_PASS, "%zu peer%s '%s' (%s) to %s%s%s", evaluated, evaluated == 1 ? " resolves" : "s resolve",
                              t.s.value, t.from,
                              t.bind ? "migration_address " : known ? "this node's address" : "an address (this node's "
                                                                                               "addresses are unknown)",
                              t.bind ?: "",
                              probed == evaluated ? " and reach it"
                              : probed ? " (some not probed)"
                                       : " (reachability not measured: offline facts)");
                mc_evidence_setting(r, &t.s);
                if (no_facts)
                        mc_result_evidence(r, "cluster", 0, "%zu peer%s without facts not judged", no_facts,
                                           no_facts == 1 ? "" : "s");
                if (tunnelled)
                        mc_result_evidence(r, "cluster", 0, "%zu peer%s the migration: %s not used by %s",
                                           tunnelled, tunnelled == 1 ? " tunnels" : "s tunnel", t.from,
                                           tunnelled == 1 ? "it" : "them");
        }
        for (size_t i = 0; i < _V_MAX; i++)
                if (g[i].peers)
                        g_string_free(g[i].peers, true);
        g_ptr_array_free(ev, true);
}

/* The distinct values the nodes hand out, at most max of them. */
static char **targets_of(const struct mc_cluster *c, size_t max) {
        g_autoptr(GPtrArray) v = g_ptr_array_new();
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

        for (size_t k = 0; k < c->n_nodes && v->len < max; k++) {
                struct target t;

                if (!c->nodes[k].facts || !find_target(c->nodes[k].facts, &t) || !g_hash_table_add(seen, (char *) t.s.value))
                        continue;
                g_ptr_array_add(v, mc_strdup(t.s.value));
        }
        g_ptr_array_add(v, NULL);
        return (char **) g_ptr_array_free(g_steal_pointer(&v), false);
}

char **mc_migration_targets(const struct mc_cluster *c) {
        /* Bounded as the node side is (collect_targets.c): 256 names keep
         * a node's command line short; a name past 255 bytes cannot
         * resolve (the check says it was not asked). */
        _cleanup_strv_free_ char **all = targets_of(c, SIZE_MAX);
        char **v = mc_assert_alloc(calloc(257, sizeof(char *)));
        size_t n = 0;

        for (char **p = all; *p && n < 256; p++)
                if (strlen(*p) <= 255)
                        v[n++] = mc_strdup(*p);
        return v;
}
