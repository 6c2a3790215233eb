/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cpu-compatible: a guest keeps the CPU it was started with, so every node
 * it may migrate to must provide that CPU. What the guest gets depends on
 * the source's cpu_mode:
 *   host-passthrough  the source's CPU exactly: peers must be identical;
 *   host-model        the source's host-model CPU: a peer must have each of
 *                     its features ("guest CPU doesn't match specification:
 *                     missing features");
 *   custom            the first of cpu_models: it must be usable everywhere.
 * The CPU facts come from the running libvirt (facts.libvirt, collected
 * live); this check only compares them. */
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "clauses.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "util.h"


enum cpu_mode {
        MODE_HOST_MODEL,
        MODE_HOST_PASSTHROUGH,
        MODE_CUSTOM,
        MODE_NONE,
        _MODE_MAX,
};

static const char *const mode_names[_MODE_MAX] = {
        [MODE_HOST_MODEL] = "host-model",
        [MODE_HOST_PASSTHROUGH] = "host-passthrough",
        [MODE_CUSTOM] = "custom",
        [MODE_NONE] = "none",
};

struct cpu_facts {
        json_object *cpu, *host_model, *custom;
        char why[320];  /* when cpu is NULL */
};


static void cpu_facts_of(json_object *facts, struct cpu_facts *ret) {
        json_object *lv = mc_json_get(facts, "libvirt"), *cpu = mc_json_get(lv, "cpu");

        *ret = (struct cpu_facts) {};
        if (!lv)
                snprintf(ret->why, sizeof(ret->why), "CPU unknown: collected offline, and the CPU comes from the "
                                                     "running libvirt");
        else if (!streq_ptr(mc_json_str(lv, "state"), "ok"))
                snprintf(ret->why, sizeof(ret->why), "CPU unknown: libvirt did not answer (%s)",
                         mc_json_str(lv, "error") ?: "unknown error");
        else if (!cpu || !json_object_is_type(cpu, json_type_object) || !mc_json_str(cpu, "model"))
                snprintf(ret->why, sizeof(ret->why), "CPU unknown: libvirt names no host CPU model%s%s",
                         mc_json_str(mc_json_get(lv, "errors"), "cpu") ? ": " : "",
                         mc_json_str(mc_json_get(lv, "errors"), "cpu") ?: "");
        else
                ret->cpu = cpu;
        ret->host_model = mc_json_get(lv, "host_model");
        if (ret->host_model && !json_object_is_type(ret->host_model, json_type_object))
                ret->host_model = NULL;
        ret->custom = mc_json_get(lv, "custom_models");
        if (ret->custom && !json_object_is_type(ret->custom, json_type_object))
                ret->custom = NULL;
}

/* What to do when libvirt's facts are missing, by why they are. */

static json_object *array_of(json_object *o, const char *key) {
        json_object *a = mc_json_get(o, key);

        return a && json_object_is_type(a, json_type_array) ? a : NULL;
}

static bool array_has(json_object *a, const char *s) {
        for (size_t i = 0; a && i < json_object_array_length(a); i++)
                if (streq_ptr(mc_json_str(json_object_array_get_idx(a, i), NULL), s))
                        return true;
        return false;
}

static bool array_has_case(json_object *a, const char *s) {
        for (size_t i = 0; a && i < json_object_array_length(a); i++) {
                const char *e = mc_json_str(json_object_array_get_idx(a, i), NULL);

                if (e && strcasecmp(e, s) == 0)
                        return true;
        }
        return false;
}

/* Names of want (and of also) that have lacks, as "a, b and 3 more"; NULL when none. */
static char *missing(json_object *want, json_object *has, json_object *also, json_object *also_has_not) {
        _cleanup_free_ char *s = NULL;
        size_t n = 0;

        for (size_t i = 0; want && i < json_object_array_length(want); i++) {
                const char *f = mc_json_str(json_object_array_get_idx(want, i), NULL);

                if (f && !array_has(has, f) && n++ < MC_NAMES_SHOWN)
                        mc_strappendf(&s, "%s%s", s ? ", " : "", f);
        }
        /* Features a peer disables in the model both name. */
        for (size_t i = 0; also && i < json_object_array_length(also); i++) {
                const char *f = mc_json_str(json_object_array_get_idx(also, i), NULL);

                if (f && !array_has(also_has_not, f) && !array_has(want, f) && n++ < MC_NAMES_SHOWN)
                        mc_strappendf(&s, "%s%s", s ? ", " : "", f);
        }
        if (n > MC_NAMES_SHOWN)
                mc_strappendf(&s, " and %zu more", n - MC_NAMES_SHOWN);
        return TAKE_PTR(s);
}

static const char *cpu_name(json_object *cpu, char *buf, size_t n) {
        snprintf(buf, n, "%s%s%s", mc_json_str(cpu, "vendor") ?: "", mc_json_str(cpu, "vendor") ? " " : "",
                 mc_json_str(cpu, "model") ?: "unknown model");
        return buf;
}

enum verdict { PAIR_OK, PAIR_FAIL, PAIR_UNKNOWN };

struct pair {
        enum verdict v;
        char *lacks;   /* what the peer lacks of this node's guest CPU */
        char *extra;   /* host-passthrough: what this node lacks of the peer's */
        char *why;     /* vendor or model differences, or why unknown */
};

static void pair_done(struct pair *p) {
        free(p->lacks);
        free(p->extra);
        free(p->why);
}

static bool same_str(json_object *a, json_object *b, const char *key) {
        return mc_json_str(a, key) && mc_json_str(b, key) && streq(mc_json_str(a, key), mc_json_str(b, key));
}

static bool differ_str(json_object *a, json_object *b, const char *key) {
        return mc_json_str(a, key) && mc_json_str(b, key) && !streq(mc_json_str(a, key), mc_json_str(b, key));
}

/* host-passthrough: the peer must be the same CPU. */
static void compare_passthrough(const struct cpu_facts *me, const struct cpu_facts *peer, struct pair *out) {
        json_object *a = NULL, *b = NULL;
        char n1[128], n2[128];

        if (differ_str(me->cpu, peer->cpu, "vendor") || differ_str(me->cpu, peer->cpu, "model"))
                out->why = mc_strdup_printf("%s, not %s", cpu_name(peer->cpu, n2, sizeof(n2)),
                                            cpu_name(me->cpu, n1, sizeof(n1)));
        if (array_of(me->cpu, "all_features") && array_of(peer->cpu, "all_features"))
                a = array_of(me->cpu, "all_features"), b = array_of(peer->cpu, "all_features");
        else if (same_str(me->cpu, peer->cpu, "model"))
                a = array_of(me->cpu, "features"), b = array_of(peer->cpu, "features");
        if (a && b) {
                out->lacks = missing(a, b, NULL, NULL);
                out->extra = missing(b, a, NULL, NULL);
        }
        out->v = out->why || out->lacks || out->extra ? PAIR_FAIL : PAIR_OK;
}

/* host-model: the peer must have every feature of this node's host-model
 * CPU. libvirt's own host-model description (domain capabilities) is the
 * better basis; without it, the host CPU it is derived from. */
static void compare_host_model(const struct cpu_facts *me, const struct cpu_facts *peer, struct pair *out) {
        json_object *hm = me->host_model, *phm = peer->host_model;
        char n1[128], n2[128];

        if (differ_str(me->cpu, peer->cpu, "vendor")) {
                out->v = PAIR_FAIL;
                out->why = mc_strdup_printf("%s, not %s", cpu_name(peer->cpu, n2, sizeof(n2)),
                                            cpu_name(me->cpu, n1, sizeof(n1)));
                return;
        }
        if (hm && phm && array_of(hm, "all_features") && array_of(phm, "all_features"))
                out->lacks = missing(array_of(hm, "all_features"), array_of(phm, "all_features"), NULL, NULL);
        else if (hm && phm && same_str(hm, phm, "model"))
                /* Same base model: what this node adds that the peer does not,
                 * and what the peer removes from the model that this node keeps. */
                out->lacks = missing(array_of(hm, "features"), array_of(phm, "features"), array_of(phm, "disabled"),
                                     array_of(hm, "disabled"));
        else if (array_of(me->cpu, "all_features") && array_of(peer->cpu, "all_features"))
                out->lacks = missing(array_of(me->cpu, "all_features"), array_of(peer->cpu, "all_features"), NULL, NULL);
        else if (same_str(me->cpu, peer->cpu, "model"))
                out->lacks = missing(array_of(me->cpu, "features"), array_of(peer->cpu, "features"), NULL, NULL);
        else {
                out->v = PAIR_UNKNOWN;
                out->why = mc_strdup_printf("the CPUs are different models (%s here, %s there) and libvirt did not "
                                            "expand their features",
                                            cpu_name(me->cpu, n1, sizeof(n1)), cpu_name(peer->cpu, n2, sizeof(n2)));
                return;
        }
        out->v = out->lacks ? PAIR_FAIL : PAIR_OK;
}

/* Nodes with the same CPU facts (libvirt's cpu, host_model and
 * custom_models, or the same reason they are unknown) get the same verdict
 * from every node: a run sorts the nodes into such classes once, and each
 * row compares its node with one member of each class, not with every peer.
 * A rack of one CPU model is one class. */
struct cpu_class {
        struct cpu_facts f;     /* its first member's */
        bool no_facts;
        struct mc_members members;
};

struct cpu_index {
        size_t *class_of;       /* per node */
        struct cpu_class *classes;  /* by first member */
        size_t n_classes;
        const char *baseline;   /* mc_cpu_baseline_model's answer */
        size_t baseline_n;
};

static const char *json_text(json_object *o) {
        return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "";
}

static void cpu_index_free(void *data) {
        struct cpu_index *x = data;

        if (!x)
                return;
        free(x->class_of);
        free(x->classes);
        free(x);
}

/* The newest model every class can run: the intersection of the usable
 * lists, in the order of the first class's list (libvirt's CPU map order
 * when collected live: oldest first), last one wins. NULL when a node's
 * models are unknown or nothing is common. */
static const char *baseline_of(const struct cpu_index *x) {
        json_object *first = NULL;
        const char *best = NULL;

        for (size_t i = 0; i < x->n_classes; i++) {
                if (x->classes[i].no_facts || !array_of(x->classes[i].f.custom, "usable"))
                        return NULL;
                if (!first)
                        first = array_of(x->classes[i].f.custom, "usable");
        }
        for (size_t k = 0; first && k < json_object_array_length(first); k++) {
                const char *m = mc_json_str(json_object_array_get_idx(first, k), NULL);
                bool everywhere = m != NULL;

                for (size_t i = 0; everywhere && i < x->n_classes; i++)
                        everywhere = array_has(array_of(x->classes[i].f.custom, "usable"), m);
                if (everywhere)
                        best = m;
        }
        return best;
}

static void *cpu_index_new(const struct mc_cluster *c) {
        struct cpu_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));
        g_autoptr(GHashTable) by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        x->class_of = mc_assert_alloc(calloc(c->n_nodes ?: 1, sizeof(*x->class_of)));
        x->classes = mc_assert_alloc(calloc(c->n_nodes ?: 1, sizeof(*x->classes)));
        for (size_t i = 0; i < c->n_nodes; i++) {
                json_object *lv = mc_json_get(c->nodes[i].facts, "libvirt");
                struct cpu_facts f = {};
                gpointer k;
                char *key;

                if (c->nodes[i].facts) {
                        cpu_facts_of(c->nodes[i].facts, &f);
                        key = g_strjoin("\n", f.cpu ? "" : f.why, json_text(mc_json_get(lv, "cpu")),
                                        json_text(f.host_model), json_text(f.custom), NULL);
                } else
                        key = g_strdup("\001no facts");
                if (g_hash_table_lookup_extended(by_key, key, NULL, &k)) {
                        g_free(key);
                        x->class_of[i] = GPOINTER_TO_SIZE(k);
                } else {
                        x->class_of[i] = x->n_classes++;
                        x->classes[x->class_of[i]].f = f;
                        x->classes[x->class_of[i]].no_facts = !c->nodes[i].facts;
                        g_hash_table_insert(by_key, key, GSIZE_TO_POINTER(x->class_of[i]));
                }
                mc_members_add(&x->classes[x->class_of[i]].members, i);
        }
        x->baseline = baseline_of(x);
        x->baseline_n = c->n_nodes;
        return x;
}

static void cpu_index_freep(struct cpu_index **x) {
        cpu_index_free(*x);
}

const char *mc_cpu_baseline_model(const struct mc_cluster *c, size_t *ret_n) {
        _cleanup_(cpu_index_freep) struct cpu_index *x = cpu_index_new(c);

        *ret_n = x->baseline ? x->baseline_n : 0;
        return x->baseline;
}

/* The members of class k but the row's node: "compute2", "a, b and 7 more". */
static char *class_names(const struct mc_check_ctx *ctx, const struct cpu_index *x, size_t k) {
        size_t self = (size_t) (ctx->node - ctx->cluster->nodes);

        return mc_members_text(ctx->cluster, &x->classes[k].members, x->class_of[self] == k ? self : SIZE_MAX);
}

static void hint_baseline(const struct cpu_index *x, struct mc_result *r, const char *models_key) {
        size_t n = x->baseline_n;
        const char *b = x->baseline;

        if (b)
                mc_result_hint(r, "set cpu_mode = custom and %s = %s in [libvirt] of nova.conf on every node: the newest "
                                  "CPU model usable on all %zu nodes",
                               models_key, b, n);
        else
                mc_result_hint(r, "set cpu_mode = custom and %s to a model every node lists as usable "
                                  "('virsh domcapabilities', mode custom), e.g. from 'virsh hypervisor-cpu-baseline' "
                                  "over the nodes' CPUs",
                               models_key);
}

static void evidence_cpu(struct mc_result *r, const char *node, const struct cpu_facts *f, bool host_model) {
        _cleanup_free_ char *file = node ? mc_strdup_printf("%s: libvirt", node) : NULL;
        json_object *cpu = host_model && f->host_model ? f->host_model : f->cpu;
        json_object *feat = array_of(cpu, "all_features") ?: array_of(cpu, "features");
        char n1[128];

        mc_result_evidence(r, file ?: "libvirt", 0, "%s %s, %zu features", cpu == f->cpu ? "host CPU" : "host-model CPU",
                           cpu_name(cpu, n1, sizeof(n1)), feat ? json_object_array_length(feat) : 0);
}

static void evidence_mode(struct mc_result *r, enum cpu_mode mode, bool set, const struct mc_setting *s) {
        if (set)
                mc_evidence_setting(r, s);
        else
                mc_result_evidence(r, "nova default", 0, "cpu_mode unset: %s", mode_names[mode]);
}

/* cpu_mode = custom: each configured model must be usable on every node. */
static void check_custom(struct mc_check_ctx *ctx, const struct cpu_index *x, bool mode_set,
                         const struct mc_setting *mode_s, const struct mc_setting *models_s) {
        const struct mc_cluster *c = ctx->cluster;
        size_t self = (size_t) (ctx->node - c->nodes);
        _cleanup_strv_free_ char **models = mc_split(models_s->value, ", \t\n");
        _cleanup_free_ char *fails_text = NULL, *unknown_text = NULL;
        struct mc_clauses fails = {}, unknown = {};
        struct mc_names ok_on = {};
        bool fail_here = false;
        struct mc_result *r;
        enum mc_status st;

        /* This node first, in its own clause, then every class of peers. */
        for (size_t k = 0, mine = 1; k < x->n_classes; k += !mine, mine = 0) {
                const struct cpu_class *cl = &x->classes[mine ? x->class_of[self] : k];
                _cleanup_free_ char *names = mine ? mc_strdup("this node") : class_names(ctx, x, k);
                bool all_ok = true;

                if (!names)
                        continue;  /* the row's node alone: its clause came first */
                if (cl->no_facts) {
                        mc_clause_add(&unknown, "%s (no facts)", names);
                        continue;
                }
                if (!array_of(cl->f.custom, "usable")) {
                        mc_clause_add(&unknown, "%s (%s)", names,
                                      cl->f.cpu ? "usable CPU models unknown: libvirt did not list them" : cl->f.why);
                        continue;
                }
                for (char **m = models; *m; m++) {
                        if (array_has_case(array_of(cl->f.custom, "usable"), *m))
                                continue;
                        all_ok = false;
                        fail_here = fail_here || mine;
                        if (array_has_case(array_of(cl->f.custom, "unusable"), *m)) {
                                _cleanup_free_ char *lacks = missing(array_of(mc_json_get(cl->f.custom, "blockers"), *m),
                                                                     NULL, NULL, NULL);

                                mc_clause_add(&fails, "%s is not usable on %s%s%s%s", *m, names, lacks ? " (lacks " : "",
                                              lacks ?: "", lacks ? ")" : "");
                        } else
                                mc_clause_add(&fails, "%s is unknown to libvirt on %s", *m, names);
                }
                if (all_ok && !mine) {
                        size_t others = cl->members.count - (x->class_of[self] == k), named = 0;

                        for (size_t e = 0; e < cl->members.count && e < ELEMENTSOF(cl->members.ex); e++)
                                if (cl->members.ex[e] != self) {
                                        mc_names_add(&ok_on, c->nodes[cl->members.ex[e]].name);
                                        named++;
                                }
                        ok_on.n += others - named;  /* counted, not named */
                }
        }
        fails_text = fails.n ? mc_clauses_text(&fails) : NULL;
        unknown_text = unknown.n ? mc_clauses_text(&unknown) : NULL;
        mc_clauses_done(&fails);
        mc_clauses_done(&unknown);

        if (fails_text) {
                r = mc_report(ctx, MC_FAIL, "cpu_mode = custom, %s = %s: %s: %s", models_s->key, models_s->value,
                              fails_text,
                              fail_here ? "nova-compute refuses the model here ('not compatible with host CPU')"
                                        : "guests started here cannot run there");
                st = MC_FAIL;
        } else if (unknown_text && c->n_nodes > 1) {
                _cleanup_free_ char *ok_text = mc_names_text(&ok_on);

                r = mc_report(ctx, MC_ERROR, "cannot evaluate cpu_mode = custom, %s = %s everywhere: %s%s%s",
                              models_s->key, models_s->value, unknown_text, ok_text ? "; usable on " : "", ok_text ?: "");
                st = MC_ERROR;
        } else if (c->n_nodes < 2) {
                if (unknown_text)
                        r = mc_report(ctx, MC_SKIP, "single node: whether %s = %s is usable is unknown (%s)",
                                      models_s->key, models_s->value, unknown_text);
                else
                        r = mc_report(ctx, MC_SKIP, "single node: %s = %s is usable here; no peer to compare with",
                                      models_s->key, models_s->value);
                st = MC_SKIP;
        } else {
                r = mc_report(ctx, MC_PASS, "cpu_mode = custom, %s = %s is usable on every node", models_s->key,
                              models_s->value);
                st = MC_PASS;
        }
        mc_names_done(&ok_on);
        evidence_mode(r, MODE_CUSTOM, mode_set, mode_s);
        mc_evidence_setting(r, models_s);
        if (st == MC_FAIL)
                hint_baseline(x, r, models_s->key);
        else if (st == MC_ERROR)
                mc_result_hint(r, "collect every node live, with libvirtd running, so that its usable CPU models are "
                                  "known");
}

void mc_check_cpu_compatible(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        json_object *files = mc_json_path(ctx->facts, "nova", "files", NULL);
        enum mc_nova_release rel;
        struct mc_setting mode_s, models_s, vt;
        bool mode_set, models_set;
        enum cpu_mode mode = _MODE_MAX;
        const char *models_key;
        const struct cpu_index *x = mc_check_scratch(ctx, cpu_index_new, cpu_index_free);
        size_t self = (size_t) (ctx->node - c->nodes), failing[MC_NAMES_SHOWN], n_ev = 0;
        _cleanup_free_ char *fails_text = NULL, *unknown_text = NULL;
        struct mc_clauses fails = {}, unknown = {};
        struct cpu_facts me;
        struct mc_result *r;
        char n1[128];

        if (!mc_nova_configured(ctx->facts)) {
                mc_report(ctx, MC_SKIP, "no /etc/nova/nova.conf: not a nova compute node");
                return;
        }
        for (size_t i = 0; i < json_object_array_length(files); i++) {
                const char *p = mc_json_str(json_object_array_get_idx(files, i), NULL);

                if (p && !mc_require_file(ctx, p))
                        return;
        }
        rel = mc_nova_release_of(ctx->facts);
        models_key = rel == MC_NOVA_UNKNOWN || rel >= MC_NOVA_TRAIN ? "cpu_models" : "cpu_model";
        mode_set = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_mode, &mode_s) >= 0 && !isempty(mode_s.value);
        models_set = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_models, &models_s) >= 0 && !isempty(models_s.value);
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_virt_type, &vt) >= 0 && !isempty(vt.value) &&
            strcasecmp(vt.value, "kvm") != 0) {
                r = mc_report(ctx, MC_SKIP, "virt_type = %s: guests do not run on the host CPU, and nova compares CPUs "
                                            "only for kvm", vt.value);
                mc_evidence_setting(r, &vt);
                return;
        }
        if (!mode_set)
                mode = MODE_HOST_MODEL;  /* nova's default for kvm */
        else
                for (size_t i = 0; i < _MODE_MAX; i++)
                        if (strcasecmp(mode_s.value, mode_names[i]) == 0)
                                mode = i;
        if (mode == _MODE_MAX) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: cpu_mode '%s' is not a mode nova knows (see nova-cpu-mode)",
                              mode_s.value);
                mc_evidence_setting(r, &mode_s);
                return;
        }
        if (mode == MODE_NONE) {
                r = mc_report(ctx, MC_PASS, "cpu_mode = none: guests get the hypervisor's default CPU model, which "
                                            "every node provides");
                mc_evidence_setting(r, &mode_s);
                return;
        }
        if (mode == MODE_CUSTOM) {
                if (!models_set) {
                        r = mc_report(ctx, MC_SKIP, "cpu_mode = custom without %s: nova-compute does not start (see "
                                                    "nova-cpu-mode)", models_key);
                        mc_evidence_setting(r, &mode_s);
                        return;
                }
                check_custom(ctx, x, mode_set, &mode_s, &models_s);
                return;
        }

        cpu_facts_of(ctx->facts, &me);
        if (!me.cpu) {
                r = mc_report(ctx, c->n_nodes > 1 ? MC_ERROR : MC_SKIP, "%s: %s",
                              c->n_nodes > 1 ? "cannot evaluate" : "single node, and nothing to compare", me.why);
                evidence_mode(r, mode, mode_set, &mode_s);
                mc_result_hint(r, "%s", mc_libvirt_missing_hint(ctx->facts, "collect the node live, with libvirtd running: "
                                                                          "the CPU facts come from libvirt"));
                return;
        }
        if (c->n_nodes < 2) {
                r = mc_report(ctx, MC_SKIP, "single node: no peer for guests with cpu_mode = %s (%s) to migrate to",
                              mode_names[mode], cpu_name(mode == MODE_HOST_MODEL && me.host_model ? me.host_model : me.cpu,
                                                         n1, sizeof(n1)));
                evidence_mode(r, mode, mode_set, &mode_s);
                evidence_cpu(r, NULL, &me, mode == MODE_HOST_MODEL);
                return;
        }

        for (size_t k = 0; k < x->n_classes; k++) {
                const struct cpu_class *cl = &x->classes[k];
                _cleanup_free_ char *names = class_names(ctx, x, k);
                const char *has = cl->members.count - (x->class_of[self] == k) == 1 ? "has" : "have";
                const char *lacks = cl->members.count - (x->class_of[self] == k) == 1 ? "lacks" : "lack";
                struct pair p = {};

                if (!names)
                        continue;  /* the row's node alone */
                if (cl->no_facts) {
                        mc_clause_add(&unknown, "%s (no facts)", names);
                        continue;
                }
                if (!cl->f.cpu) {
                        mc_clause_add(&unknown, "%s (%s)", names, cl->f.why);
                        continue;
                }
                if (mode == MODE_HOST_PASSTHROUGH)
                        compare_passthrough(&me, &cl->f, &p);
                else
                        compare_host_model(&me, &cl->f, &p);
                if (p.v == PAIR_UNKNOWN)
                        mc_clause_add(&unknown, "%s (%s)", names, p.why);
                else if (p.v == PAIR_FAIL) {
                        bool pt = mode == MODE_HOST_PASSTHROUGH;

                        /* Each clause names its subject: several peers read apart. */
                        if (p.why)
                                mc_clause_add(&fails, "%s %s %s", names, has, p.why);
                        if (p.lacks)
                                mc_clause_add(&fails, "%s %s %s%s", names, lacks, p.lacks,
                                              pt ? " (guests from here cannot run there)" : "");
                        if (p.extra)
                                mc_clause_add(&fails, "this node lacks %s of %s's CPU (its guests cannot run here)",
                                              p.extra, names);
                        if (n_ev < MC_NAMES_SHOWN)
                                failing[n_ev++] = k;
                }
                pair_done(&p);
        }
        fails_text = fails.n ? mc_clauses_text(&fails) : NULL;
        unknown_text = unknown.n ? mc_clauses_text(&unknown) : NULL;
        mc_clauses_done(&fails);
        mc_clauses_done(&unknown);

        if (fails_text) {
                if (mode == MODE_HOST_PASSTHROUGH)
                        r = mc_report(ctx, MC_FAIL, "cpu_mode = host-passthrough needs the same CPU on every node: %s",
                                      fails_text);
                else
                        r = mc_report(ctx, MC_FAIL, "cpu_mode = host-model: guests started here cannot run on every "
                                                    "peer ('CPU doesn't have compatibility'): %s", fails_text);
        } else if (unknown_text) {
                r = mc_report(ctx, MC_ERROR, "cannot compare this node's CPU (cpu_mode = %s) with %s", mode_names[mode],
                              unknown_text);
                mc_result_hint(r, "collect every node live, with libvirtd running: the CPU facts come from libvirt");
        } else {
                r = mc_report(ctx, MC_PASS,
                              mode == MODE_HOST_PASSTHROUGH ? "cpu_mode = host-passthrough and every node has the same CPU (%s)"
                                                            : "cpu_mode = host-model: every peer has every feature of "
                                                              "this node's CPU (%s)",
                              cpu_name(mode == MODE_HOST_MODEL && me.host_model ? me.host_model : me.cpu, n1, sizeof(n1)));
        }
        evidence_mode(r, mode, mode_set, &mode_s);
        evidence_cpu(r, NULL, &me, mode == MODE_HOST_MODEL);
        if (fails_text) {
                /* One line per CPU that fails, under the name of a member of its class. */
                for (size_t e = 0; e < n_ev; e++) {
                        const struct cpu_class *cl = &x->classes[failing[e]];
                        size_t who = cl->members.ex[0] != self ? cl->members.ex[0] : cl->members.ex[1];

                        evidence_cpu(r, c->nodes[who].name, &cl->f, mode == MODE_HOST_MODEL);
                }
                hint_baseline(x, r, models_key);
        }
}
