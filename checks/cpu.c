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
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "util.h"

/* Feature lists in a summary stop after this many names. */
#define MAX_NAMED 12

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

                if (f && !array_has(has, f) && n++ < MAX_NAMED)
                        mc_strappendf(&s, "%s%s", s ? ", " : "", f);
        }
        /* Features a peer disables in the model both name. */
        for (size_t i = 0; also && i < json_object_array_length(also); i++) {
                const char *f = mc_json_str(json_object_array_get_idx(also, i), NULL);

                if (f && !array_has(also_has_not, f) && !array_has(want, f) && n++ < MAX_NAMED)
                        mc_strappendf(&s, "%s%s", s ? ", " : "", f);
        }
        if (n > MAX_NAMED)
                mc_strappendf(&s, " and %zu more", n - MAX_NAMED);
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

/* The newest model every node can run: the intersection of the usable
 * lists, in the order of the first node's list (libvirt's CPU map order
 * when collected live: oldest first), last one wins. NULL when a node's
 * models are unknown or nothing is common. */
const char *mc_cpu_baseline_model(const struct mc_cluster *c, size_t *ret_n) {
        json_object *first = NULL;
        const char *best = NULL;

        *ret_n = 0;
        for (size_t i = 0; i < c->n_nodes; i++) {
                struct cpu_facts f;

                if (!c->nodes[i].facts)
                        return NULL;
                cpu_facts_of(c->nodes[i].facts, &f);
                if (!array_of(f.custom, "usable"))
                        return NULL;
                if (!first)
                        first = array_of(f.custom, "usable");
        }
        for (size_t k = 0; first && k < json_object_array_length(first); k++) {
                const char *m = mc_json_str(json_object_array_get_idx(first, k), NULL);
                bool everywhere = m != NULL;

                for (size_t i = 0; everywhere && i < c->n_nodes; i++) {
                        struct cpu_facts f;

                        cpu_facts_of(c->nodes[i].facts, &f);
                        everywhere = array_has(array_of(f.custom, "usable"), m);
                }
                if (everywhere)
                        best = m;
        }
        *ret_n = c->n_nodes;
        return best;
}

static void hint_baseline(struct mc_check_ctx *ctx, struct mc_result *r, const char *models_key) {
        size_t n;
        const char *b = mc_cpu_baseline_model(ctx->cluster, &n);

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
static void check_custom(struct mc_check_ctx *ctx, bool mode_set, const struct mc_setting *mode_s,
                         const struct mc_setting *models_s) {
        const struct mc_cluster *c = ctx->cluster;
        _cleanup_strv_free_ char **models = mc_split(models_s->value, ", \t\n");
        _cleanup_free_ char *fails = NULL, *unknown = NULL, *ok_on = NULL;
        bool fail_here = false;
        struct mc_result *r;
        enum mc_status st;

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *n = &c->nodes[i];
                bool self = n == ctx->node, all_ok = true;
                const char *who = self ? "this node" : n->name;
                struct cpu_facts f;

                if (!n->facts) {
                        mc_strappendf(&unknown, "%s%s (no facts)", unknown ? "; " : "", n->name);
                        continue;
                }
                cpu_facts_of(n->facts, &f);
                if (!array_of(f.custom, "usable")) {
                        mc_strappendf(&unknown, "%s%s (%s)", unknown ? "; " : "", who,
                               f.cpu ? "usable CPU models unknown: libvirt did not list them" : f.why);
                        continue;
                }
                for (char **m = models; *m; m++) {
                        if (array_has_case(array_of(f.custom, "usable"), *m))
                                continue;
                        all_ok = false;
                        fail_here = fail_here || self;
                        if (array_has_case(array_of(f.custom, "unusable"), *m)) {
                                _cleanup_free_ char *lacks = missing(array_of(mc_json_get(f.custom, "blockers"), *m), NULL, NULL, NULL);

                                mc_strappendf(&fails, "%s%s is not usable on %s%s%s%s", fails ? "; " : "", *m, who,
                                       lacks ? " (lacks " : "", lacks ?: "", lacks ? ")" : "");
                        } else
                                mc_strappendf(&fails, "%s%s is unknown to libvirt on %s", fails ? "; " : "", *m, who);
                }
                if (all_ok && !self)
                        mc_strappendf(&ok_on, "%s%s", ok_on ? ", " : "", n->name);
        }

        if (fails) {
                r = mc_report(ctx, MC_FAIL, "cpu_mode = custom, %s = %s: %s: %s", models_s->key, models_s->value, fails,
                              fail_here ? "nova-compute refuses the model here ('not compatible with host CPU')"
                                        : "guests started here cannot run there");
                st = MC_FAIL;
        } else if (unknown && c->n_nodes > 1) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate cpu_mode = custom, %s = %s everywhere: %s%s%s",
                              models_s->key, models_s->value, unknown, ok_on ? "; usable on " : "", ok_on ?: "");
                st = MC_ERROR;
        } else if (c->n_nodes < 2) {
                if (unknown)
                        r = mc_report(ctx, MC_SKIP, "single node: whether %s = %s is usable is unknown (%s)",
                                      models_s->key, models_s->value, unknown);
                else
                        r = mc_report(ctx, MC_SKIP, "single node: %s = %s is usable here; no peer to compare with",
                                      models_s->key, models_s->value);
                st = MC_SKIP;
        } else {
                r = mc_report(ctx, MC_PASS, "cpu_mode = custom, %s = %s is usable on every node", models_s->key,
                              models_s->value);
                st = MC_PASS;
        }
        evidence_mode(r, MODE_CUSTOM, mode_set, mode_s);
        mc_evidence_setting(r, models_s);
        if (st == MC_FAIL)
                hint_baseline(ctx, r, models_s->key);
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
        _cleanup_free_ char *fails = NULL, *unknown = NULL;
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
                check_custom(ctx, mode_set, &mode_s, &models_s);
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

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *n = &c->nodes[i];
                struct cpu_facts pf;
                struct pair p = {};

                if (n == ctx->node)
                        continue;
                if (!n->facts) {
                        mc_strappendf(&unknown, "%s%s (no facts)", unknown ? "; " : "", n->name);
                        continue;
                }
                cpu_facts_of(n->facts, &pf);
                if (!pf.cpu) {
                        mc_strappendf(&unknown, "%s%s (%s)", unknown ? "; " : "", n->name, pf.why);
                        continue;
                }
                if (mode == MODE_HOST_PASSTHROUGH)
                        compare_passthrough(&me, &pf, &p);
                else
                        compare_host_model(&me, &pf, &p);
                if (p.v == PAIR_UNKNOWN)
                        mc_strappendf(&unknown, "%s%s (%s)", unknown ? "; " : "", n->name, p.why);
                else if (p.v == PAIR_FAIL) {
                        bool pt = mode == MODE_HOST_PASSTHROUGH;

                        /* Each clause names its subject: several peers read apart. */
                        if (p.why)
                                mc_strappendf(&fails, "%s%s has %s", fails ? "; " : "", n->name, p.why);
                        if (p.lacks)
                                mc_strappendf(&fails, "%s%s lacks %s%s", fails ? "; " : "", n->name, p.lacks,
                                       pt ? " (guests from here cannot run there)" : "");
                        if (p.extra)
                                mc_strappendf(&fails, "%sthis node lacks %s of %s's CPU (its guests cannot run here)",
                                       fails ? "; " : "", p.extra, n->name);
                }
                pair_done(&p);
        }

        if (fails) {
                if (mode == MODE_HOST_PASSTHROUGH)
                        r = mc_report(ctx, MC_FAIL, "cpu_mode = host-passthrough needs the same CPU on every node: %s",
                                      fails);
                else
                        r = mc_report(ctx, MC_FAIL, "cpu_mode = host-model: guests started here cannot run on every "
                                                    "peer ('CPU doesn't have compatibility'): %s", fails);
        } else if (unknown) {
                r = mc_report(ctx, MC_ERROR, "cannot compare this node's CPU (cpu_mode = %s) with %s", mode_names[mode],
                              unknown);
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
        if (fails) {
                for (size_t i = 0; i < c->n_nodes; i++) {
                        struct cpu_facts pf;

                        if (&c->nodes[i] == ctx->node || !c->nodes[i].facts)
                                continue;
                        cpu_facts_of(c->nodes[i].facts, &pf);
                        if (pf.cpu)
                                evidence_cpu(r, c->nodes[i].name, &pf, mode == MODE_HOST_MODEL);
                }
                hint_baseline(ctx, r, models_key);
        }
}
