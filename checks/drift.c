/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config-drift: the settings that should read the same on every node.
 *
 * What each difference breaks decides its status (see the table below):
 *   - migration transport (scheme and port of the URI): FAIL. The source
 *     connects to the destination's libvirtd with its own URI; a
 *     destination set up for another scheme or port listens there and not
 *     on the source's, so migrations between the two are refused.
 *   - cpu_mode, cpu_model(s): WARN. The guest CPU definition travels with
 *     the guest and the destination's own cpu_mode plays no part in
 *     accepting it, so a difference alone fails no migration; it makes
 *     portability depend on where a guest started (host-passthrough guests
 *     move only to identical CPUs). Whether the CPUs can run each other's
 *     guests is cpu-compatible's judgement, from CPU facts.
 *   - live_migration_flag: WARN. The source's flags decide how a migration
 *     runs (live or paused, tunnelled or direct), so behaviour depends on
 *     the source; no destination refuses because of its own flags. Each
 *     node's flags are judged by nova-live-migration-flag.
 *   - qemu.conf migration ports: WARN. Each destination picks a port from
 *     its own range and tells the source, so migrations work, but a
 *     firewall rule written once for the cluster misses the other ranges.
 *
 * Verdicts: as in instances-path-consistent, a node whose value differs
 * from the cluster's most common one carries the status; with a tie, all
 * nodes of the tie do; nodes on the most common value pass and name the
 * nodes that differ.
 *
 * Cost: O(nodes x settings) to group the values (hash tables), once per
 * run; a row is O(settings x groups named). */
#include <glib.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "tally.h"
#include "nova_options.h"
#include "util.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"

enum drift_setting {
        D_TRANSPORT,
        D_CPU_MODE,
        D_CPU_MODELS,
        D_FLAGS,
        D_PORTS,
        _D_MAX,
};

static const struct {
        const char *name;
        enum mc_status status;
        const char *why;
        const char *hint;
} settings[_D_MAX] = {
        [D_TRANSPORT] = {
                "migration transport", MC_FAIL,
                "the source connects with its own scheme and port, which a destination set up for another does not serve",
                "use one live_migration_scheme (or live_migration_uri) in [libvirt] on every node, and make libvirtd "
                "listen for it on every node",
        },
        [D_CPU_MODE] = {
                "cpu_mode", MC_WARN,
                "no migration fails on that alone (the guest CPU travels with the guest), but guests started on "
                "host-passthrough or host-model nodes move only to CPUs that offer what they were given",
                "set one cpu_mode in [libvirt] on every node; custom with a model every CPU supports makes every guest "
                "portable",
        },
        [D_CPU_MODELS] = {
                "cpu_model(s)", MC_WARN,
                "guests carry the model of the node that started them, and can move only to nodes whose CPU runs it",
                "set the same CPU model (the cluster's baseline, 'virsh cpu-baseline') on every node",
        },
        [D_FLAGS] = {
                "live_migration_flag", MC_WARN,
                "the source's flags decide how a migration runs (live or paused, tunnelled or direct), so guests move "
                "differently depending on where they are",
                "use the same live_migration_flag on every node (nova-live-migration-flag says which)",
        },
        [D_PORTS] = {
                "migration ports", MC_WARN,
                "each destination uses its own range, but a firewall rule written once for the cluster misses the "
                "others",
                "use one migration_port_min/migration_port_max in qemu.conf on every node and open that range",
        },
};



struct dnode {
        const struct mc_node *node;
        json_object *facts;
        char *value[_D_MAX];           /* NULL: unknown or not applicable here */
        struct mc_setting src[_D_MAX][2];
        size_t n_src[_D_MAX];
        const char *error;             /* a file that did not parse */
        bool compute;                  /* has nova.conf or qemu.conf */
};

struct drift_index {
        const struct mc_cluster *cluster;
        const struct mc_node *nodes;
        size_t n_nodes;
        struct dnode *n;
        struct mc_tally dim[_D_MAX];
};




static void index_free(struct drift_index *x) {
        if (!x)
                return;
        for (size_t k = 0; k < x->n_nodes; k++)
                for (size_t s = 0; s < _D_MAX; s++)
                        free(x->n[k].value[s]);
        free(x->n);
        for (size_t s = 0; s < _D_MAX; s++)
                mc_tally_free(&x->dim[s]);
        free(x);
}

static void add_src(struct dnode *dn, enum drift_setting s, const struct mc_setting *src) {
        if (dn->n_src[s] < ELEMENTSOF(dn->src[s]))
                dn->src[s][dn->n_src[s]++] = *src;
}

static int cmp_strp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* "A, B|C" -> "A,B,C", sorted: the flags are a set. */
static char *flag_set(const char *v) {
        _cleanup_strv_free_ char **w = mc_split(v, ", |\t\n");
        _cleanup_free_ char *s = mc_strdup("");
        size_t n = mc_strv_length(w);

        qsort(w, n, sizeof(char *), cmp_strp);
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && streq(w[i], w[i - 1]))
                        continue;
                char *t = mc_strdup_printf("%s%s%s", s, *s ? "," : "", w[i]);
                free(s);
                s = t;
        }
        return TAKE_PTR(s);
}

static void nova_values(struct dnode *dn) {
        json_object *f = dn->facts;
        enum mc_nova_release rel = mc_nova_release_of(f);
        struct mc_setting mode, model, vt, fl;
        struct mc_transport t;
        bool has_mode, has_model;

        /* cpu_mode as nova-compute uses it: unset is host-model for kvm and
         * qemu, none for other virt types. */
        has_mode = mc_nova_opt_get(f, rel, &mc_nova_cpu_mode, &mode) >= 0 && !isempty(mode.value);
        has_model = mc_nova_opt_get(f, rel, &mc_nova_cpu_models, &model) >= 0 && !isempty(model.value);
        if (has_mode) {
                dn->value[D_CPU_MODE] = mc_strdup(mode.value);
                for (char *p = dn->value[D_CPU_MODE]; *p; p++)
                        *p = g_ascii_tolower(*p);
                add_src(dn, D_CPU_MODE, &mode);
        } else {
                bool kvm = mc_nova_opt_get(f, rel, &mc_nova_virt_type, &vt) < 0 || streq(vt.value, "kvm") ||
                           streq(vt.value, "qemu");
                dn->value[D_CPU_MODE] = mc_strdup(kvm ? "host-model" : "none");
        }
        /* The models matter only with custom, where they are the guest CPU. */
        if (streq(dn->value[D_CPU_MODE], "custom") && has_model) {
                _cleanup_strv_free_ char **m = mc_split(model.value, ",");
                _cleanup_free_ char *s = mc_strdup("");

                for (char **p = m; *p; p++) {
                        char *n = mc_strdup_printf("%s%s%s", s, *s ? "," : "", *p);
                        free(s);
                        s = n;
                }
                dn->value[D_CPU_MODELS] = TAKE_PTR(s);
                add_src(dn, D_CPU_MODELS, &model);
        }

        mc_migration_transport(f, &t);
        dn->value[D_TRANSPORT] = mc_strdup_printf("%s port %u", t.scheme_name, t.port);
        if (t.has_source)
                add_src(dn, D_TRANSPORT, &t.source);

        /* From Newton nova sets the flags itself and reads no option. */
        if (rel >= MC_NOVA_NEWTON)
                dn->value[D_FLAGS] = mc_strdup("set by nova (newton and later)");
        else if (mc_nova_opt_get(f, rel, &mc_nova_live_migration_flag, &fl) >= 0) {
                dn->value[D_FLAGS] = flag_set(fl.value);
                add_src(dn, D_FLAGS, &fl);
        } else if (rel != MC_NOVA_UNKNOWN)
                dn->value[D_FLAGS] = flag_set(rel <= MC_NOVA_ICEHOUSE
                                                      ? "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER"
                                                      : "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                                        "VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED");
}

static void qemu_values(struct dnode *dn) {
        struct mc_setting lo, hi;
        bool has_lo = mc_facts_setting(dn->facts, QEMU_CONF, NULL, "migration_port_min", &lo) >= 0,
             has_hi = mc_facts_setting(dn->facts, QEMU_CONF, NULL, "migration_port_max", &hi) >= 0;

        /* libvirt's defaults when unset (or without qemu.conf). */
        dn->value[D_PORTS] = mc_strdup_printf("%s-%s", has_lo ? lo.value : "49152", has_hi ? hi.value : "49215");
        if (has_lo)
                add_src(dn, D_PORTS, &lo);
        if (has_hi)
                add_src(dn, D_PORTS, &hi);
}

static void node_values(struct dnode *dn) {
        json_object *files = mc_json_path(dn->facts, "nova", "files", NULL);
        enum mc_file_state qs;

        /* A hostile or truncated facts file: anything but an array is none. */
        for (size_t i = 0; files && json_object_is_type(files, json_type_array) && i < json_object_array_length(files); i++) {
                const char *p = mc_json_str(json_object_array_get_idx(files, i), NULL);

                if (p && mc_facts_file(dn->facts, p, NULL) == MC_FILE_ERROR)
                        dn->error = p;
        }
        qs = mc_facts_file(dn->facts, QEMU_CONF, NULL);
        if (qs == MC_FILE_ERROR && mc_json_path(dn->facts, "files", QEMU_CONF, NULL))
                dn->error = QEMU_CONF;
        if (dn->error)
                return;
        if (mc_nova_configured(dn->facts)) {
                dn->compute = true;
                nova_values(dn);
        }
        if (qs == MC_FILE_OK || dn->compute) {
                dn->compute = true;
                qemu_values(dn);
        }
}

static struct drift_index *index_build(const struct mc_cluster *c) {
        struct drift_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));

        x->cluster = c;
        x->nodes = c->nodes;
        x->n_nodes = c->n_nodes;
        x->n = mc_assert_alloc(calloc(c->n_nodes ?: 1, sizeof(*x->n)));
        for (size_t s = 0; s < _D_MAX; s++)
                mc_tally_init(&x->dim[s]);
        for (size_t k = 0; k < c->n_nodes; k++) {
                struct dnode *dn = &x->n[k];

                dn->node = &c->nodes[k];
                dn->facts = c->nodes[k].facts;
                if (!dn->facts)
                        continue;
                node_values(dn);
                for (size_t s = 0; s < _D_MAX; s++)
                        if (dn->value[s])
                                mc_tally_add(&x->dim[s], dn->value[s], k);
        }
        for (size_t s = 0; s < _D_MAX; s++)
                mc_tally_done(&x->dim[s]);
        return x;
}

static void *index_new(const struct mc_cluster *c) {
        return index_build(c);
}

static void index_destroy(void *x) {
        index_free(x);
}

/* Built at the run's first node, kept for the others (mc_check_scratch). */
static struct drift_index *index_get(struct mc_check_ctx *ctx) {
        struct drift_index *x = mc_check_scratch(ctx, index_new, index_destroy);
        return x;
}

static const char *drift_label(const void *data, const struct mc_tally_group *g) {
        (void) data;
        return g->key;
}

static const char *drift_name(const void *data, size_t k) {
        return ((const struct drift_index *) data)->n[k].node->name;
}

/* "tls, port 16514 on 2 nodes (c2, c3)", most common first, without skip. */
static char *groups_text(const struct drift_index *x, const struct mc_tally *d, const char *skip) {
        return mc_tally_text(d, skip ? g_hash_table_lookup(d->groups, skip) : NULL, ", ", drift_label, drift_name, x);
}

static char *append(char *s, const char *sep, const char *t) {
        char *n = mc_strdup_printf("%s%s%s", s ?: "", s && *s ? sep : "", t);

        free(s);
        return n;
}

void mc_check_config_drift(struct mc_check_ctx *ctx) {
        struct drift_index *x = index_get(ctx);
        size_t j = (size_t) (ctx->node - ctx->cluster->nodes);
        const struct dnode *dn = &x->n[j];
        _cleanup_free_ char *problems = NULL, *agreed = NULL, *odd = NULL;
        enum mc_status worst = MC_PASS;
        int worst_setting = -1;
        struct mc_result *r;

        if (dn->error) {
                mc_require_file(ctx, dn->error);
                return;
        }
        if (!dn->compute) {
                mc_report(ctx, MC_SKIP, "no nova.conf and no qemu.conf: not a compute node");
                return;
        }

        for (size_t s = 0; s < _D_MAX; s++) {
                const struct mc_tally *d = &x->dim[s];
                const char *v = dn->value[s];
                _cleanup_free_ char *t = NULL;

                if (!v)
                        continue;
                if (g_hash_table_size(d->groups) <= 1) {
                        t = mc_strdup_printf("%s %s", settings[s].name, v);
                        agreed = append(agreed, ", ", t);
                        continue;
                }
                if (!d->tie && streq(v, d->best->key)) {
                        _cleanup_free_ char *others = groups_text(x, d, v);

                        t = mc_strdup_printf("%s: %s", settings[s].name, others);
                        odd = append(odd, "; ", t);
                        free(t);
                        t = mc_strdup_printf("%s %s", settings[s].name, v);
                        agreed = append(agreed, ", ", t);
                        continue;
                }
                _cleanup_free_ char *others = groups_text(x, d, v);
                t = mc_strdup_printf("%s differs: %s here, %s (%s)", settings[s].name, v, others, settings[s].why);
                problems = append(problems, "; ", t);
                /* The hint is for the setting that breaks most, the first of those. */
                if (worst_setting < 0 || (settings[s].status == MC_FAIL && worst != MC_FAIL)) {
                        worst = settings[s].status;
                        worst_setting = (int) s;
                }
        }

        if (problems) {
                r = mc_report(ctx, worst, "%s", problems);
                for (size_t s = 0; s < _D_MAX; s++) {
                        const struct mc_tally *d = &x->dim[s];

                        if (!dn->value[s] || g_hash_table_size(d->groups) <= 1 ||
                            (!d->tie && streq(dn->value[s], d->best->key)))
                                continue;
                        for (size_t i = 0; i < dn->n_src[s]; i++)
                                mc_evidence_setting(r, &dn->src[s][i]);
                        if (dn->n_src[s] == 0)
                                mc_result_evidence(r, "default", 0, "%s = %s", settings[s].name, dn->value[s]);
                }
                if (x->dim[worst_setting].tie)
                        mc_result_hint(r, "%s", settings[worst_setting].hint);
                else
                        mc_result_hint(r, "%s (most nodes: %s)", settings[worst_setting].hint,
                                       x->dim[worst_setting].best->key);
                return;
        }
        if (x->n_nodes == 1)
                r = mc_report(ctx, MC_PASS, "a cluster of one: nothing to compare yet (%s)", agreed ?: "no settings");
        else if (odd)
                r = mc_report(ctx, MC_PASS, "%s, as on most nodes; differing (see their rows): %s", agreed, odd);
        else
                r = mc_report(ctx, MC_PASS, "%s: the same on all %zu nodes", agreed ?: "nothing comparable", x->dim[D_PORTS].total);
        for (size_t s = 0; s < _D_MAX; s++)
                for (size_t i = 0; i < dn->n_src[s]; i++)
                        mc_evidence_setting(r, &dn->src[s][i]);
}
