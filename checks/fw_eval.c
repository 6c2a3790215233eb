/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The filter table evaluator: see fw_eval.h for the semantics.
 *
 * A port range is walked as boxes of (destination ports x source ports):
 * a rule whose port condition covers part of a box splits it at the
 * rule's boundary, and each piece goes on from that rule by itself. So a
 * 64-port range costs one walk when no rule cuts it, and a chain of N
 * rules costs O(N x pieces), never O(N x ports). */
#include "fw_eval.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "iptables_rule.h"
#include "util.h"

/* Nested user chains deeper than this are refused by nobody but are
 * not seen in practice (firewalld nests 4). */
#define MAX_DEPTH 32
/* Rules whose outcome cannot be decided and that jump somewhere make the
 * walk follow both ways; this bounds the doubling. */
#define MAX_FORKS 12
/* Rule visits per evaluation: a bound for hostile facts, far above a
 * real table (5,000 rules x 64 ports cost ~5,000 visits). */
#define MAX_STEPS 4000000u

enum tri { NO, YES, MAYBE };

enum tkind { T_ACCEPT, T_DROP, T_REJECT, T_RETURN, T_CONTINUE, T_JUMP, T_OTHER };

struct cidr {
        uint32_t addr, mask;  /* host order, addr masked */
};

struct addrs {
        bool set, inv, name;  /* name: not an address (resolved when the rules were loaded) */
        size_t n;
        struct cidr *c;
        const char *text;
};

struct crule {
        struct mc_fw_rule pub;  /* first: mc_fw_rule pointers are crule pointers */
        size_t gi;              /* index over the whole table */
        bool proto_match;       /* -p allows TCP (after !) */
        struct addrs src, dst;
        const char *in, *out;
        bool in_inv, out_inv;
        bool frag_match;        /* -f allows a first fragment/unfragmented packet */
        bool has_d, has_s, has_e, e_inv;
        struct mc_ports d, s, e;  /* d, s with ! applied; e: multiport --ports, ! kept in e_inv */
        bool ct_match;          /* the state condition allows NEW */
        bool flags_match;       /* the TCP flags condition allows a SYN */
        char *why_unknown, *why_in, *why_out, *why_src, *why_dst, *why_src_name, *why_dst_name, *why_target;
        enum tkind kind;
        bool is_goto;
        int target_chain;
};

struct cchain {
        const char *name;
        struct crule *rules;
        size_t n;
        struct crule policy;  /* num 0 */
        char *policy_text;
};

struct mc_fw_table {
        char *label;
        struct cchain *chains;
        size_t n_chains;
        int hook[_MC_FW_HOOK_MAX];  /* the chains the kernel enters: INPUT, OUTPUT */
        size_t n_rules;
};

static const char *const hook_table[_MC_FW_HOOK_MAX] = {
        [MC_FW_HOOK_INPUT] = "INPUT",
        [MC_FW_HOOK_OUTPUT] = "OUTPUT",
};

const char *mc_fw_hook_to_string(enum mc_fw_hook h) {
        return h < _MC_FW_HOOK_MAX ? hook_table[h] : NULL;
}

static const char *const verdict_table[_MC_FW_VERDICT_MAX] = {
        [MC_FW_ACCEPT] = "accept",
        [MC_FW_DROP] = "drop",
        [MC_FW_REJECT] = "reject",
        [MC_FW_UNCERTAIN] = "uncertain",
};

const char *mc_fw_verdict_to_string(enum mc_fw_verdict v) {
        return v < _MC_FW_VERDICT_MAX ? verdict_table[v] : NULL;
}

/* ---- loading ------------------------------------------------------------ */

static int parse_cidr(const char *s, struct cidr *ret) {
        char buf[64];
        const char *slash = strchr(s, '/');
        struct in_addr a, m;
        size_t n = slash ? (size_t) (slash - s) : strlen(s);
        uint32_t mask = 0xffffffffu;

        if (n == 0 || n >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (inet_pton(AF_INET, buf, &a) != 1)
                return -EINVAL;
        if (slash) {
                char *end;
                unsigned long bits;

                if (strchr(slash + 1, '.')) {
                        if (inet_pton(AF_INET, slash + 1, &m) != 1)
                                return -EINVAL;
                        mask = ntohl(m.s_addr);
                } else {
                        errno = 0;
                        bits = strtoul(slash + 1, &end, 10);
                        if (errno || *end || end == slash + 1 || bits > 32)
                                return -EINVAL;
                        mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
                }
        }
        *ret = (struct cidr) { ntohl(a.s_addr) & mask, mask };
        return 0;
}

static void load_addrs(json_object *rule, const char *key, const char *inv_key, struct addrs *ret) {
        const char *text = mc_json_str(rule, key);
        _cleanup_strv_free_ char **items = NULL;

        *ret = (struct addrs) {};
        if (!text)
                return;
        ret->set = true;
        ret->text = text;
        ret->inv = mc_json_bool(rule, inv_key, false);
        /* "a,b" (hand-written files): iptables-restore makes one rule per
         * address, which matches the same packets. */
        items = mc_split(text, ",");
        for (char **i = items; i && *i; i++) {
                struct cidr c;

                if (parse_cidr(mc_strip(*i), &c) < 0) {
                        ret->name = true;
                        continue;
                }
                ret->c = mc_assert_alloc(reallocarray(ret->c, ret->n + 1, sizeof(*ret->c)));
                ret->c[ret->n++] = c;
        }
}

static bool load_ports(json_object *rule, const char *key, struct mc_ports *ret) {
        json_object *a = mc_json_get(rule, key);

        *ret = (struct mc_ports) {};
        if (!a || !json_object_is_type(a, json_type_array))
                return false;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *p = json_object_array_get_idx(a, i);
                int64_t lo, hi;

                if (!json_object_is_type(p, json_type_array) || json_object_array_length(p) != 2)
                        continue;
                lo = json_object_get_int64(json_object_array_get_idx(p, 0));
                hi = json_object_get_int64(json_object_array_get_idx(p, 1));
                if (lo < 0 || hi > 65535 || lo > hi)
                        continue;
                mc_ports_add(ret, (uint16_t) lo, (uint16_t) hi);
        }
        mc_ports_normalize(ret);
        return true;
}

static bool is_tcp(const char *p) {
        return streq(p, "tcp") || streq(p, "6");
}

/* Targets that log, mark or count and let the packet go on. */
static bool continues(const char *target) {
        static const char *const names[] = {
                "LOG", "NFLOG", "ULOG", "AUDIT", "CONNMARK", "MARK", "SET", "TRACE", "CLASSIFY", "TCPMSS",
                "SECMARK", "CONNSECMARK", "IDLETIMER", "LED", "RATEEST", "TEE", "NOTRACK", "CT", "CHECKSUM", "DSCP", "TOS",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(target, names[i]))
                        return true;
        return false;
}

static void load_rule(json_object *o, struct crule *r) {
        const char *proto = mc_json_str(o, "proto"), *target = mc_json_str(o, "target") ?: "";
        json_object *ct = mc_json_get(o, "ctstate"), *flags = mc_json_get(o, "tcp_flags"), *unknown = mc_json_get(o, "unknown");
        struct mc_ports p;

        r->pub.num = (unsigned) mc_json_int(o, "num", 0);
        r->pub.text = mc_json_str(o, "text") ?: "";
        r->pub.target = target;
        r->pub.reject_with = mc_json_str(o, "reject_with");
        r->pub.line = (int) mc_json_int(o, "line", 0);

        r->proto_match = !proto || streq(proto, "all") || streq(proto, "0") || is_tcp(proto);
        if (mc_json_bool(o, "proto_inv", false))
                r->proto_match = !r->proto_match;
        load_addrs(o, "src", "src_inv", &r->src);
        load_addrs(o, "dst", "dst_inv", &r->dst);
        r->in = mc_json_str(o, "in");
        r->in_inv = mc_json_bool(o, "in_inv", false);
        r->out = mc_json_str(o, "out");
        r->out_inv = mc_json_bool(o, "out_inv", false);
        /* -f matches second and later fragments; a SYN is never one. */
        r->frag_match = !mc_json_bool(o, "frag", false) || mc_json_bool(o, "frag_inv", false);

        if ((r->has_d = load_ports(o, "dports", &p))) {
                if (mc_json_bool(o, "dports_inv", false))
                        mc_ports_complement(&p, &r->d);
                else
                        r->d = p;
        }
        if ((r->has_s = load_ports(o, "sports", &p))) {
                if (mc_json_bool(o, "sports_inv", false))
                        mc_ports_complement(&p, &r->s);
                else
                        r->s = p;
        }
        if ((r->has_e = load_ports(o, "ports", &r->e)))
                r->e_inv = mc_json_bool(o, "ports_inv", false);

        r->ct_match = true;
        if (ct && json_object_is_type(ct, json_type_array)) {
                bool has_new = false;

                /* The packet is NEW; SNAT/DNAT do not apply to a connection to the node itself. */
                for (size_t i = 0; i < json_object_array_length(ct); i++) {
                        const char *s = json_object_get_string(json_object_array_get_idx(ct, i));
                        if (s && strcasecmp(s, "NEW") == 0)
                                has_new = true;
                }
                r->ct_match = has_new != mc_json_bool(o, "ctstate_inv", false);
        }
        r->flags_match = true;
        if (flags && json_object_is_type(flags, json_type_object)) {
                uint8_t mask = 0, cmp = 0;

                if (mc_tcp_flags_parse(mc_json_str(flags, "mask") ?: "", &mask) < 0 ||
                    mc_tcp_flags_parse(mc_json_str(flags, "set") ?: "", &cmp) < 0)
                        r->why_unknown = mc_strdup("--tcp-flags is not understood");
                else
                        r->flags_match = ((MC_TCP_SYN & mask) == cmp) != mc_json_bool(flags, "inv", false);
        }
        if (unknown && json_object_is_type(unknown, json_type_array) && json_object_array_length(unknown) > 0 &&
            !r->why_unknown) {
                char *list = mc_strdup("");

                for (size_t i = 0; i < json_object_array_length(unknown); i++) {
                        const char *u = json_object_get_string(json_object_array_get_idx(unknown, i)) ?: "?";
                        char *old = list;

                        list = mc_strdup_printf("%s%s%s%s", old, i ? ", " : "", u[0] == '-' ? "" : "-m ", u);
                        free(old);
                }
                r->why_unknown = mc_strdup_printf("%s %s not evaluated by migcheck", list,
                                                  json_object_array_length(unknown) > 1 ? "are" : "is");
                free(list);
        }
        if (r->in)
                r->why_in = mc_strdup_printf("%s-i %s: the interface the peer's packets arrive on is not known",
                                             r->in_inv ? "! " : "", r->in);
        if (r->out)
                r->why_out = mc_strdup_printf("%s-o %s: the interface of the route to the peer is not known",
                                              r->out_inv ? "! " : "", r->out);
        if (r->src.set) {
                r->why_src = mc_strdup_printf("%s-s %s: depends on the source address", r->src.inv ? "! " : "", r->src.text);
                r->why_src_name = mc_strdup_printf("-s %s is a name, resolved when the rules were loaded", r->src.text);
        }
        if (r->dst.set) {
                r->why_dst = mc_strdup_printf("%s-d %s: this node's address is not known", r->dst.inv ? "! " : "",
                                              r->dst.text);
                r->why_dst_name = mc_strdup_printf("-d %s is a name, resolved when the rules were loaded", r->dst.text);
        }

        if (streq(target, "ACCEPT"))
                r->kind = T_ACCEPT;
        else if (streq(target, "DROP"))
                r->kind = T_DROP;
        else if (streq(target, "REJECT"))
                r->kind = T_REJECT;
        else if (streq(target, "RETURN"))
                r->kind = T_RETURN;
        else if (!*target || continues(target))
                r->kind = T_CONTINUE;
        else
                r->kind = T_JUMP;  /* resolved against the chains below */
        r->is_goto = mc_json_bool(o, "goto", false);
        r->target_chain = -1;
}

static void free_rule(struct crule *r) {
        free(r->src.c);
        free(r->dst.c);
        free(r->why_unknown);
        free(r->why_in);
        free(r->why_out);
        free(r->why_src);
        free(r->why_dst);
        free(r->why_src_name);
        free(r->why_dst_name);
        free(r->why_target);
}

struct mc_fw_table *mc_fw_table_free(struct mc_fw_table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_chains; i++) {
                for (size_t k = 0; k < t->chains[i].n; k++)
                        free_rule(&t->chains[i].rules[k]);
                free(t->chains[i].rules);
                free_rule(&t->chains[i].policy);
                free(t->chains[i].policy_text);
        }
        free(t->chains);
        free(t->label);
        free(t);
        return NULL;
}

static bool is_builtin(const char *chain) {
        return streq(chain, "INPUT") || streq(chain, "OUTPUT") || streq(chain, "FORWARD");
}

static int find_chain(const struct mc_fw_table *t, const char *name) {
        for (size_t i = 0; i < t->n_chains; i++)
                if (streq(t->chains[i].name, name))
                        return (int) i;
        return -1;
}

int mc_fw_table_load(json_object *filter, const char *label, struct mc_fw_table **ret, char **ret_error) {
        struct mc_fw_table *t;
        json_object *chains = mc_json_get(filter, "chains");
        size_t gi = 0;

        if (!chains || !json_object_is_type(chains, json_type_object)) {
                *ret_error = mc_strdup("the filter table has no chains");
                return -EINVAL;
        }
        t = mc_assert_alloc(calloc(1, sizeof(*t)));
        t->label = mc_strdup(label);
        for (size_t h = 0; h < _MC_FW_HOOK_MAX; h++)
                t->hook[h] = -1;
        json_object_object_foreach(chains, name, chain) {
                json_object *rules = mc_json_get(chain, "rules");
                const char *policy = mc_json_str(chain, "policy");
                struct cchain *c;

                t->chains = mc_assert_alloc(reallocarray(t->chains, t->n_chains + 1, sizeof(*t->chains)));
                c = &t->chains[t->n_chains++];
                *c = (struct cchain) { .name = name };
                if (rules && json_object_is_type(rules, json_type_array)) {
                        c->n = json_object_array_length(rules);
                        c->rules = mc_assert_alloc(calloc(c->n ?: 1, sizeof(*c->rules)));
                        for (size_t i = 0; i < c->n; i++) {
                                json_object *o = json_object_array_get_idx(rules, i);

                                load_rule(o, &c->rules[i]);
                                c->rules[i].pub.table = t->label;
                                c->rules[i].pub.chain = name;
                                /* Position is what netfilter walks; num is what the facts say. */
                                if (c->rules[i].pub.num == 0)
                                        c->rules[i].pub.num = (unsigned) i + 1;
                                c->rules[i].gi = gi++;
                        }
                }
                c->policy_text = mc_strdup_printf("-P %s %s", name, policy ?: "ACCEPT");
                c->policy.pub = (struct mc_fw_rule) {
                        .table = t->label, .chain = name, .num = 0, .text = c->policy_text, .target = policy ?: "ACCEPT",
                };
                c->policy.kind = !policy || streq(policy, "ACCEPT") ? T_ACCEPT : streq(policy, "DROP") ? T_DROP : T_OTHER;
                for (size_t h = 0; h < _MC_FW_HOOK_MAX; h++)
                        if (streq(name, hook_table[h]))
                                t->hook[h] = (int) (t->n_chains - 1);
        }
        for (size_t h = 0; h < _MC_FW_HOOK_MAX; h++) {
                if (t->hook[h] >= 0)
                        continue;
                /* Not in the facts: the kernel's built-in chain is empty and accepts. */
                t->chains = mc_assert_alloc(reallocarray(t->chains, t->n_chains + 1, sizeof(*t->chains)));
                struct cchain *c = &t->chains[t->n_chains];
                *c = (struct cchain) { .name = hook_table[h], .policy_text = mc_strdup_printf("-P %s ACCEPT", hook_table[h]) };
                c->policy.pub = (struct mc_fw_rule) {
                        .table = t->label, .chain = hook_table[h], .text = c->policy_text, .target = "ACCEPT",
                };
                c->policy.kind = T_ACCEPT;
                t->hook[h] = (int) t->n_chains++;
        }
        for (size_t i = 0; i < t->n_chains; i++)
                for (size_t k = 0; k < t->chains[i].n; k++) {
                        struct crule *r = &t->chains[i].rules[k];

                        if (r->kind != T_JUMP)
                                continue;
                        r->target_chain = find_chain(t, r->pub.target);
                        /* A built-in chain cannot be a target; an unknown name is a
                         * target extension migcheck does not know (NFQUEUE, ...). */
                        if (r->target_chain < 0 || is_builtin(t->chains[r->target_chain].name)) {
                                r->kind = T_OTHER;
                                r->why_target = mc_strdup_printf("-j %s is not evaluated by migcheck", r->pub.target);
                        }
                }
        t->n_rules = gi;
        *ret = t;
        return 0;
}

size_t mc_fw_table_n_rules(const struct mc_fw_table *t) {
        return t->n_rules;
}

const struct mc_fw_rule *mc_fw_table_policy(const struct mc_fw_table *t) {
        return mc_fw_table_hook_policy(t, MC_FW_HOOK_INPUT);
}

const struct mc_fw_rule *mc_fw_table_hook_policy(const struct mc_fw_table *t, enum mc_fw_hook h) {
        return &t->chains[t->hook[h]].policy.pub;
}

const struct mc_fw_rule *mc_fw_table_input_rule(const struct mc_fw_table *t, unsigned num) {
        return mc_fw_table_hook_rule(t, MC_FW_HOOK_INPUT, num);
}

const struct mc_fw_rule *mc_fw_table_hook_rule(const struct mc_fw_table *t, enum mc_fw_hook h, unsigned num) {
        const struct cchain *c = &t->chains[t->hook[h]];

        for (size_t i = 0; i < c->n; i++)
                if (c->rules[i].pub.num == num)
                        return &c->rules[i].pub;
        return NULL;
}

bool mc_fw_table_open(const struct mc_fw_table *t) {
        if (t->n_rules > 0)
                return false;
        for (size_t i = 0; i < t->n_chains; i++)
                if (t->chains[i].policy.kind != T_ACCEPT)
                        return false;
        return true;
}

const char *mc_fw_rule_src(const struct mc_fw_rule *r, bool *ret_inv) {
        return mc_fw_rule_peer(r, MC_FW_HOOK_INPUT, ret_inv);
}

const char *mc_fw_rule_peer(const struct mc_fw_rule *r, enum mc_fw_hook h, bool *ret_inv) {
        const struct crule *c = (const struct crule *) r;
        const struct addrs *a = h == MC_FW_HOOK_OUTPUT ? &c->dst : &c->src;

        if (r->num == 0 || !a->set)
                return NULL;
        if (ret_inv)
                *ret_inv = a->inv;
        return a->text;
}

/* ---- matching ----------------------------------------------------------- */

struct qctx {
        enum mc_fw_hook hook;
        bool have_src, have_dst;
        uint32_t src, dst;
        const char *in, *out;  /* in INPUT the packet has no output interface, in OUTPUT no input one: "" */
};

static bool parse_host(const char *s, uint32_t *ret) {
        struct in_addr a;

        if (!s || inet_pton(AF_INET, s, &a) != 1)
                return false;
        *ret = ntohl(a.s_addr);
        return true;
}

static enum tri addr_match(const struct addrs *a, bool have, uint32_t addr, const char *why_unknown, const char *why_name,
                           const char **why) {
        bool m = false;

        if (!a->set)
                return YES;
        if (have)
                for (size_t i = 0; i < a->n; i++)
                        if ((addr & a->c[i].mask) == a->c[i].addr)
                                m = true;
        if (!have || (a->name && !m)) {
                /* A match on a listed address decides even beside a name. */
                *why = a->name ? why_name : why_unknown;
                return MAYBE;
        }
        return m != a->inv ? YES : NO;
}

/* -i/-o as the kernel compares them (ifname_compare_aligned): "eth+"
 * matches by prefix, and so "+" matches even the empty name a packet has
 * on the side it does not cross (no -o in INPUT, no -i in OUTPUT). */
static enum tri iface_match(const char *name, bool inv, const char *dev) {
        size_t n = strlen(name);
        bool wild = n > 0 && name[n - 1] == '+', m;

        if (!dev) {
                /* A peer's packets never cross loopback. */
                if (streq(name, "lo"))
                        return inv ? YES : NO;
                return MAYBE;
        }
        m = wild ? strncmp(name, dev, n - 1) == 0 : streq(name, dev);
        return m != inv ? YES : NO;
}

/* Everything but the ports, which split boxes. Certain "no"s first: a rule
 * that cannot match is never "maybe". */
/* ignore_peer: leave out the peer's address (the source in INPUT, the
 * destination in OUTPUT). */
static enum tri static_match(const struct crule *r, const struct qctx *q, bool ignore_peer, const char **why) {
        enum tri res = YES, t;
        const char *w = NULL;

        if (!r->proto_match || !r->frag_match || !r->ct_match || !r->flags_match)
                return NO;
        if (!ignore_peer || q->hook != MC_FW_HOOK_INPUT) {
                t = addr_match(&r->src, q->have_src, q->src, r->why_src, r->why_src_name, &w);
                if (t == NO)
                        return NO;
                if (t == MAYBE && res == YES) {
                        res = MAYBE;
                        *why = w;
                }
        }
        t = ignore_peer && q->hook == MC_FW_HOOK_OUTPUT ? YES
                                                         : addr_match(&r->dst, q->have_dst, q->dst, r->why_dst,
                                                                      r->why_dst_name, &w);
        if (t == NO)
                return NO;
        if (t == MAYBE && res == YES) {
                res = MAYBE;
                *why = w;
        }
        if (r->in) {
                t = iface_match(r->in, r->in_inv, q->in);
                if (t == NO)
                        return NO;
                if (t == MAYBE && res == YES) {
                        res = MAYBE;
                        *why = r->why_in;
                }
        }
        if (r->out) {
                t = iface_match(r->out, r->out_inv, q->out);
                if (t == NO)
                        return NO;
                if (t == MAYBE && res == YES) {
                        res = MAYBE;
                        *why = r->why_out;
                }
        }
        if (r->why_unknown && res == YES) {
                res = MAYBE;
                *why = r->why_unknown;
        }
        return res;
}

struct box {
        uint16_t dlo, dhi, slo, shi;
};

enum rel { R_OUT, R_IN, R_PART };

/* Where lo..hi lies against set p; for R_PART, *cut ends the first piece
 * that lies wholly in or out. */
static enum rel relate(const struct mc_ports *p, uint16_t lo, uint16_t hi, uint16_t *cut) {
        for (size_t i = 0; i < p->n; i++) {
                if (p->r[i].hi < lo)
                        continue;
                if (p->r[i].lo > hi)
                        return R_OUT;
                if (p->r[i].lo <= lo) {
                        if (p->r[i].hi >= hi)
                                return R_IN;
                        *cut = p->r[i].hi;
                        return R_PART;
                }
                *cut = (uint16_t) (p->r[i].lo - 1);
                return R_PART;
        }
        return R_OUT;
}

enum pm { PM_NONE, PM_FULL, PM_SPLIT };

/* Whether the rule's port conditions hold for all of *b, none of it, or
 * part: then *b keeps the first piece and *rest gets the others. */
static enum pm port_match(const struct crule *r, struct box *b, struct box *rest) {
        uint16_t cut;
        enum rel k;

        if (r->has_d) {
                k = relate(&r->d, b->dlo, b->dhi, &cut);
                if (k == R_OUT)
                        return PM_NONE;
                if (k == R_PART) {
                        *rest = *b;
                        rest->dlo = (uint16_t) (cut + 1);
                        b->dhi = cut;
                        return PM_SPLIT;
                }
        }
        if (r->has_s) {
                k = relate(&r->s, b->slo, b->shi, &cut);
                if (k == R_OUT)
                        return PM_NONE;
                if (k == R_PART) {
                        *rest = *b;
                        rest->slo = (uint16_t) (cut + 1);
                        b->shi = cut;
                        return PM_SPLIT;
                }
        }
        if (r->has_e) {
                bool m;

                /* --ports: the destination or the source port is listed. */
                k = relate(&r->e, b->dlo, b->dhi, &cut);
                if (k == R_PART) {
                        *rest = *b;
                        rest->dlo = (uint16_t) (cut + 1);
                        b->dhi = cut;
                        return PM_SPLIT;
                }
                m = k == R_IN;
                if (!m) {
                        k = relate(&r->e, b->slo, b->shi, &cut);
                        if (k == R_PART) {
                                *rest = *b;
                                rest->slo = (uint16_t) (cut + 1);
                                b->shi = cut;
                                return PM_SPLIT;
                        }
                        m = k == R_IN;
                }
                if (m == r->e_inv)
                        return PM_NONE;
        }
        return PM_FULL;
}

/* ---- the walk ----------------------------------------------------------- */

struct frame {
        int chain;
        unsigned rule;
};

struct pending {
        const struct crule *r;
        const struct mc_fw_rule *via;
        unsigned before;
        const char *why;
};

struct task {
        struct box b;
        int chain;
        unsigned rule;  /* index */
        int depth;
        struct frame frames[MAX_DEPTH];
        const struct crule *entry;  /* the rule the walk left the hook's chain by; NULL in it */
        struct pending acc, ref;    /* first "maybe" ACCEPT / DROP-or-REJECT passed */
        bool forced;                /* take the current rule as matching */
};

struct boxout {
        struct box b;
        struct mc_fw_outcome o;
};

struct outv {
        struct boxout *v;
        size_t n, cap;
};

struct ev {
        const struct mc_fw_table *t;
        int entry;  /* the hook's chain: INPUT or OUTPUT */
        struct qctx q;
        enum tri *stat;
        const char **why;
        size_t steps;
        bool truncated;
};

static void out_add(struct outv *o, const struct box *b, const struct mc_fw_outcome *oc) {
        if (o->n == o->cap) {
                o->cap = o->cap ? o->cap * 2 : 16;
                o->v = mc_assert_alloc(reallocarray(o->v, o->cap, sizeof(*o->v)));
        }
        o->v[o->n++] = (struct boxout) { *b, *oc };
}

static bool in_entry_chain(const struct ev *ev, const struct task *t) {
        return t->depth == 0 && t->chain == ev->entry;
}

static unsigned before_of(const struct ev *ev, const struct task *t, const struct crule *r) {
        return in_entry_chain(ev, t) ? r->pub.num : t->entry ? t->entry->pub.num : 0;
}

static unsigned min_before(unsigned a, unsigned b) {
        /* 0 is "after every rule" */
        return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

static int verdict_class(enum mc_fw_verdict v) {
        return v == MC_FW_ACCEPT ? 0 : mc_fw_refused(v) ? 1 : 2;
}

static void emit(struct ev *ev, const struct task *t, enum mc_fw_verdict v, const struct crule *r, bool policy,
                 const char *why, struct outv *out) {
        struct mc_fw_outcome o = {
                .verdict = v,
                .rule = &r->pub,
                .via = policy || in_entry_chain(ev, t) || !t->entry ? NULL : &t->entry->pub,
                .before = policy ? 0 : before_of(ev, t, r),
                .why = why,
        };
        const struct pending *other = v == MC_FW_ACCEPT ? &t->ref : mc_fw_refused(v) ? &t->acc : NULL;
        const struct pending *same = v == MC_FW_ACCEPT ? &t->acc : mc_fw_refused(v) ? &t->ref : NULL;

        if (other && other->r)
                /* An earlier rule that may or may not match would decide the other way. */
                o = (struct mc_fw_outcome) {
                        .verdict = MC_FW_UNCERTAIN, .rule = &other->r->pub, .via = other->via,
                        .before = other->before, .why = other->why,
                };
        else if (same && same->r)
                o.before = min_before(o.before, same->before);
        out_add(out, &t->b, &o);
}

static void emit_policy(struct ev *ev, const struct task *t, struct outv *out) {
        const struct crule *p = &ev->t->chains[ev->entry].policy;
        enum mc_fw_verdict v = p->kind == T_ACCEPT ? MC_FW_ACCEPT : p->kind == T_DROP ? MC_FW_DROP : MC_FW_UNCERTAIN;

        emit(ev, t, v, p, true, v == MC_FW_UNCERTAIN ? "the policy is not ACCEPT or DROP" : NULL, out);
}

static void push_task(struct task **v, size_t *n, size_t *cap, const struct task *t) {
        if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 8;
                *v = mc_assert_alloc(reallocarray(*v, *cap, sizeof(**v)));
        }
        (*v)[(*n)++] = *t;
}

static bool intersect(const struct box *a, const struct box *b, struct box *ret) {
        struct box x = {
                a->dlo > b->dlo ? a->dlo : b->dlo, a->dhi < b->dhi ? a->dhi : b->dhi,
                a->slo > b->slo ? a->slo : b->slo, a->shi < b->shi ? a->shi : b->shi,
        };

        if (x.dlo > x.dhi || x.slo > x.shi)
                return false;
        *ret = x;
        return true;
}

static void walk(struct ev *ev, const struct task *start, struct outv *out, unsigned forks);

/* A rule that may or may not match jumps, goes to or returns: follow both
 * ways; where they agree the verdict stands, elsewhere it is uncertain. */
static void fork_walk(struct ev *ev, const struct task *t, const struct crule *r, const char *why, struct outv *out,
                      unsigned forks) {
        struct task ta = *t, tb = *t;
        struct outv a = {}, b = {};

        ta.forced = true;
        tb.rule++;
        walk(ev, &ta, &a, forks + 1);
        walk(ev, &tb, &b, forks + 1);
        for (size_t i = 0; i < a.n; i++)
                for (size_t k = 0; k < b.n; k++) {
                        struct box x;
                        struct mc_fw_outcome o;

                        if (!intersect(&a.v[i].b, &b.v[k].b, &x))
                                continue;
                        if (verdict_class(a.v[i].o.verdict) == verdict_class(b.v[k].o.verdict) &&
                            a.v[i].o.verdict != MC_FW_UNCERTAIN) {
                                o = b.v[k].o;
                                o.before = min_before(a.v[i].o.before, b.v[k].o.before);
                        } else if (b.v[k].o.verdict == MC_FW_UNCERTAIN)
                                o = b.v[k].o;
                        else
                                o = (struct mc_fw_outcome) {
                                        .verdict = MC_FW_UNCERTAIN, .rule = &r->pub,
                                        .via = in_entry_chain(ev, t) || !t->entry ? NULL : &t->entry->pub,
                                        .before = before_of(ev, t, r), .why = why,
                                };
                        out_add(out, &x, &o);
                }
        free(a.v);
        free(b.v);
}

static void walk(struct ev *ev, const struct task *start, struct outv *out, unsigned forks) {
        const struct mc_fw_table *T = ev->t;
        struct task *work = NULL, t;
        size_t n_work = 0, cap = 0;

        push_task(&work, &n_work, &cap, start);
        while (n_work > 0) {
                t = work[--n_work];
                for (;;) {
                        const struct cchain *ch = &T->chains[t.chain];
                        const struct crule *r;
                        const char *why = NULL;
                        enum tri st;
                        enum pm pm;
                        struct box rest;

                        if (++ev->steps > MAX_STEPS) {
                                ev->truncated = true;
                                emit(ev, &t, MC_FW_UNCERTAIN, t.rule < ch->n ? &ch->rules[t.rule] : &ch->policy,
                                     t.rule >= ch->n, "too many rule combinations to evaluate", out);
                                break;
                        }
                        if (t.rule >= ch->n) {
                                /* Off the end of a chain: back to the caller; off INPUT
                                 * (or a chain INPUT went to with -g): the policy. */
                                if (t.depth == 0) {
                                        emit_policy(ev, &t, out);
                                        break;
                                }
                                t.depth--;
                                t.chain = t.frames[t.depth].chain;
                                t.rule = t.frames[t.depth].rule;
                                if (in_entry_chain(ev, &t))
                                        t.entry = NULL;
                                continue;
                        }
                        r = &ch->rules[t.rule];
                        if (t.forced) {
                                t.forced = false;
                                st = YES;
                        } else {
                                st = ev->stat[r->gi];
                                why = ev->why[r->gi];
                                if (st == NO) {
                                        t.rule++;
                                        continue;
                                }
                                while ((pm = port_match(r, &t.b, &rest)) == PM_SPLIT) {
                                        struct task t2 = t;

                                        t2.b = rest;
                                        push_task(&work, &n_work, &cap, &t2);
                                }
                                if (pm == PM_NONE) {
                                        t.rule++;
                                        continue;
                                }
                        }
                        if (st == MAYBE) {
                                struct pending *p = r->kind == T_ACCEPT ? &t.acc
                                                  : r->kind == T_DROP || r->kind == T_REJECT ? &t.ref
                                                                                               : NULL;
                                if (r->kind == T_CONTINUE) {
                                        t.rule++;
                                        continue;
                                }
                                if (p) {
                                        /* Decided later: where the rest agrees with this rule, it stands. */
                                        if (!p->r)
                                                *p = (struct pending) {
                                                        r, in_entry_chain(ev, &t) || !t.entry ? NULL : &t.entry->pub,
                                                        before_of(ev, &t, r), why,
                                                };
                                        t.rule++;
                                        continue;
                                }
                                if (forks >= MAX_FORKS) {
                                        ev->truncated = true;
                                        emit(ev, &t, MC_FW_UNCERTAIN, r, false, why, out);
                                } else
                                        fork_walk(ev, &t, r, why, out, forks);
                                break;
                        }
                        switch (r->kind) {
                        case T_ACCEPT:
                                emit(ev, &t, MC_FW_ACCEPT, r, false, NULL, out);
                                break;
                        case T_DROP:
                                emit(ev, &t, MC_FW_DROP, r, false, NULL, out);
                                break;
                        case T_REJECT:
                                emit(ev, &t, MC_FW_REJECT, r, false, NULL, out);
                                break;
                        case T_CONTINUE:
                                t.rule++;
                                continue;
                        case T_RETURN:
                                t.rule = (unsigned) ch->n;  /* as falling off the chain */
                                continue;
                        case T_JUMP:
                                if (!r->is_goto) {
                                        if (t.depth == MAX_DEPTH) {
                                                emit(ev, &t, MC_FW_UNCERTAIN, r, false, "user chains nested too deep", out);
                                                break;
                                        }
                                        t.frames[t.depth++] = (struct frame) { t.chain, t.rule + 1 };
                                }
                                if (t.chain == ev->entry && (t.depth == 1 || (r->is_goto && t.depth == 0)))
                                        t.entry = r;
                                t.chain = r->target_chain;
                                t.rule = 0;
                                continue;
                        case T_OTHER:
                                emit(ev, &t, MC_FW_UNCERTAIN, r, false, r->why_target, out);
                                break;
                        }
                        break;
                }
        }
        free(work);
}

/* ---- results ------------------------------------------------------------ */

bool mc_fw_outcome_equal(const struct mc_fw_outcome *a, const struct mc_fw_outcome *b) {
        return a->verdict == b->verdict && a->rule == b->rule && a->via == b->via && a->before == b->before &&
               a->why == b->why;
}

static int worse(const struct mc_fw_outcome *a, const struct mc_fw_outcome *b) {
        static const int rank[] = { [MC_FW_ACCEPT] = 0, [MC_FW_UNCERTAIN] = 1, [MC_FW_REJECT] = 2, [MC_FW_DROP] = 2 };

        return rank[a->verdict] - rank[b->verdict];
}

/* Both tables see the packet: the worse outcome is what happens. */
static void combine(const struct outv *a, const struct outv *b, struct outv *out) {
        for (size_t i = 0; i < a->n; i++)
                for (size_t k = 0; k < b->n; k++) {
                        struct box x;

                        if (intersect(&a->v[i].b, &b->v[k].b, &x))
                                out_add(out, &x, worse(&b->v[k].o, &a->v[i].o) > 0 ? &b->v[k].o : &a->v[i].o);
                }
}

static int cmp_u32(const void *a, const void *b) {
        return (int) *(const uint32_t *) a - (int) *(const uint32_t *) b;
}

static int cmp_part(const void *a, const void *b) {
        const struct mc_fw_part *x = a, *y = b;

        return (int) x->slo - (int) y->slo;
}

static bool parts_equal(const struct mc_fw_span *a, const struct mc_fw_span *b) {
        if (a->n_parts != b->n_parts)
                return false;
        for (size_t i = 0; i < a->n_parts; i++)
                if (a->parts[i].slo != b->parts[i].slo || a->parts[i].shi != b->parts[i].shi ||
                    !mc_fw_outcome_equal(&a->parts[i].o, &b->parts[i].o))
                        return false;
        return true;
}

/* Boxes to spans: cut the destination ports at every box edge, list each
 * piece's outcomes by source port, merge neighbours that read the same. */
static void to_spans(const struct outv *o, uint16_t lo, uint16_t hi, struct mc_fw_result *ret) {
        uint32_t *cuts = mc_assert_alloc(calloc(2 * o->n + 2, sizeof(*cuts)));
        size_t n_cuts = 0;

        cuts[n_cuts++] = lo;
        cuts[n_cuts++] = (uint32_t) hi + 1;
        for (size_t i = 0; i < o->n; i++) {
                cuts[n_cuts++] = o->v[i].b.dlo;
                cuts[n_cuts++] = (uint32_t) o->v[i].b.dhi + 1;
        }
        qsort(cuts, n_cuts, sizeof(*cuts), cmp_u32);
        for (size_t c = 0; c + 1 < n_cuts; c++) {
                struct mc_fw_span s;

                if (cuts[c] == cuts[c + 1] || cuts[c] < lo || cuts[c] > hi)
                        continue;
                s = (struct mc_fw_span) { (uint16_t) cuts[c], (uint16_t) (cuts[c + 1] - 1), NULL, 0 };
                for (size_t i = 0; i < o->n; i++) {
                        if (o->v[i].b.dlo > s.lo || o->v[i].b.dhi < s.hi)
                                continue;
                        s.parts = mc_assert_alloc(reallocarray(s.parts, s.n_parts + 1, sizeof(*s.parts)));
                        s.parts[s.n_parts++] = (struct mc_fw_part) { o->v[i].b.slo, o->v[i].b.shi, o->v[i].o };
                }
                qsort(s.parts, s.n_parts, sizeof(*s.parts), cmp_part);
                {
                        size_t k = 0;
                        for (size_t i = 0; i < s.n_parts; i++) {
                                if (k > 0 && mc_fw_outcome_equal(&s.parts[k - 1].o, &s.parts[i].o) &&
                                    (uint32_t) s.parts[k - 1].shi + 1 == s.parts[i].slo) {
                                        s.parts[k - 1].shi = s.parts[i].shi;
                                        continue;
                                }
                                s.parts[k++] = s.parts[i];
                        }
                        s.n_parts = k;
                }
                if (ret->n_spans > 0 && ret->spans[ret->n_spans - 1].hi + 1u == s.lo &&
                    parts_equal(&ret->spans[ret->n_spans - 1], &s)) {
                        ret->spans[ret->n_spans - 1].hi = s.hi;
                        free(s.parts);
                        continue;
                }
                ret->spans = mc_assert_alloc(reallocarray(ret->spans, ret->n_spans + 1, sizeof(*ret->spans)));
                ret->spans[ret->n_spans++] = s;
        }
        free(cuts);
}

static void eval_one(const struct mc_fw_table *t, const struct qctx *q, const struct box *b, struct outv *out,
                     bool *truncated) {
        struct ev ev = { .t = t, .entry = t->hook[q->hook], .q = *q };
        struct task start = { .b = *b, .chain = ev.entry };

        ev.stat = mc_assert_alloc(calloc(t->n_rules ?: 1, sizeof(*ev.stat)));
        ev.why = mc_assert_alloc(calloc(t->n_rules ?: 1, sizeof(*ev.why)));
        for (size_t i = 0; i < t->n_chains; i++)
                for (size_t k = 0; k < t->chains[i].n; k++) {
                        const struct crule *r = &t->chains[i].rules[k];
                        ev.stat[r->gi] = static_match(r, q, false, &ev.why[r->gi]);
                }
        walk(&ev, &start, out, 0);
        *truncated |= ev.truncated;
        free(ev.stat);
        free(ev.why);
}

static size_t src_signature_len(const struct mc_fw_table *const *tables, size_t n_tables) {
        size_t len = 1;

        for (size_t t = 0; t < n_tables; t++)
                len += tables[t]->n_rules + 1;
        return len;
}

static void src_signature(const struct mc_fw_table *const *tables, size_t n_tables, enum mc_fw_hook h, const char *src,
                          char *sig, size_t len) {
        uint32_t a = 0;
        bool have = parse_host(src, &a);
        size_t k = 0;

        sig[k++] = have ? 'a' : 'n';
        for (size_t t = 0; t < n_tables; t++) {
                for (size_t i = 0; i < tables[t]->n_chains; i++)
                        for (size_t j = 0; j < tables[t]->chains[i].n; j++) {
                                const struct crule *r = &tables[t]->chains[i].rules[j];
                                const struct addrs *x = h == MC_FW_HOOK_OUTPUT ? &r->dst : &r->src;
                                const char *why;

                                if (!x->set || k >= len)
                                        continue;
                                sig[k++] = "01?"[addr_match(x, have, a, NULL, NULL, &why)];
                        }
                if (k < len)
                        sig[k++] = '|';
        }
        sig[k] = '\0';
}

char *mc_fw_src_signature(const struct mc_fw_table *const *tables, size_t n_tables, const char *src) {
        size_t len = src_signature_len(tables, n_tables);
        char *sig = mc_assert_alloc(malloc(len + 1));

        src_signature(tables, n_tables, MC_FW_HOOK_INPUT, src, sig, len);
        return sig;
}

bool mc_fw_src_signature_buf(const struct mc_fw_table *const *tables, size_t n_tables, const char *src, char *buf,
                             size_t size) {
        return mc_fw_peer_signature_buf(tables, n_tables, MC_FW_HOOK_INPUT, src, buf, size);
}

char *mc_fw_peer_signature(const struct mc_fw_table *const *tables, size_t n_tables, enum mc_fw_hook h, const char *addr) {
        size_t len = src_signature_len(tables, n_tables);
        char *sig = mc_assert_alloc(malloc(len + 1));

        src_signature(tables, n_tables, h, addr, sig, len);
        return sig;
}

bool mc_fw_peer_signature_buf(const struct mc_fw_table *const *tables, size_t n_tables, enum mc_fw_hook h,
                              const char *addr, char *buf, size_t size) {
        size_t len = src_signature_len(tables, n_tables);

        if (len + 1 > size)
                return false;
        src_signature(tables, n_tables, h, addr, buf, len);
        return true;
}

static void make_qctx(const struct mc_fw_query *q, struct qctx *ret) {
        *ret = (struct qctx) { .hook = q->hook };
        if (q->hook == MC_FW_HOOK_OUTPUT)
                ret->in = "", ret->out = q->out;
        else
                ret->in = q->in, ret->out = "";
        ret->have_src = parse_host(q->src, &ret->src);
        ret->have_dst = parse_host(q->dst, &ret->dst);
}

int mc_fw_eval(const struct mc_fw_table *const *tables, size_t n_tables, const struct mc_fw_query *q,
               struct mc_fw_result *ret) {
        struct qctx qc;
        struct box b = { q->dport_lo, q->dport_hi, q->sport_lo, q->sport_hi };
        struct outv acc = {};
        struct mc_fw_result res = {};

        if (n_tables == 0 || q->dport_lo > q->dport_hi || q->hook >= _MC_FW_HOOK_MAX)
                return -EINVAL;
        if (b.slo == 0 && b.shi == 0) {
                b.slo = MC_FW_SPORT_MIN;
                b.shi = MC_FW_SPORT_MAX;
        }
        if (b.slo > b.shi)
                return -EINVAL;
        make_qctx(q, &qc);
        for (size_t i = 0; i < n_tables; i++) {
                struct outv one = {}, both = {};

                eval_one(tables[i], &qc, &b, &one, &res.truncated);
                if (i == 0) {
                        acc = one;
                        continue;
                }
                combine(&acc, &one, &both);
                free(acc.v);
                free(one.v);
                acc = both;
        }
        to_spans(&acc, q->dport_lo, q->dport_hi, &res);
        free(acc.v);
        *ret = res;
        return 0;
}

void mc_fw_result_done(struct mc_fw_result *r) {
        for (size_t i = 0; i < r->n_spans; i++)
                free(r->spans[i].parts);
        free(r->spans);
        *r = (struct mc_fw_result) {};
}

const struct mc_fw_part *mc_fw_span_worst(const struct mc_fw_span *s) {
        const struct mc_fw_part *w = NULL;

        for (size_t i = 0; i < s->n_parts; i++) {
                const struct mc_fw_part *p = &s->parts[i];
                int d = w ? worse(&p->o, &w->o) : 1;

                if (d > 0 || (d == 0 && (p->shi - p->slo) > (w->shi - w->slo)))
                        w = p;
        }
        return w;
}

size_t mc_fw_missed_accepts(const struct mc_fw_table *t, const struct mc_fw_query *q, uint16_t port,
                            const struct mc_fw_outcome *decided, struct mc_fw_missed_accept *ret, size_t max) {
        struct qctx qc;
        size_t n = 0;
        const struct crule *d = decided ? (const struct crule *) decided->rule : NULL;

        make_qctx(q, &qc);
        for (size_t i = 0; i < t->n_chains && n < max; i++)
                for (size_t k = 0; k < t->chains[i].n && n < max; k++) {
                        const struct crule *r = &t->chains[i].rules[k];
                        struct box b = { port, port, MC_FW_SPORT_MIN, MC_FW_SPORT_MAX }, rest;
                        const char *why = NULL, *w2 = NULL;
                        bool other, after;

                        if (r->kind != T_ACCEPT || static_match(r, &qc, true, &why) == NO ||
                            port_match(r, &b, &rest) == PM_NONE)
                                continue;
                        other = qc.hook == MC_FW_HOOK_OUTPUT ? addr_match(&r->dst, qc.have_dst, qc.dst, NULL, NULL, &w2) == NO
                                                             : addr_match(&r->src, qc.have_src, qc.src, NULL, NULL, &w2) == NO;
                        after = d && d->pub.num > 0 &&
                                ((streq(r->pub.chain, d->pub.chain) && r->pub.num > d->pub.num) ||
                                 ((int) i == t->hook[qc.hook] && decided->before > 0 && r->pub.num > decided->before));
                        if (other || after)
                                ret[n++] = (struct mc_fw_missed_accept) { &r->pub, other, after };
                }
        return n;
}
