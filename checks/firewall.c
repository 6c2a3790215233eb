/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* firewall-backend, firewall-libvirt-port, firewall-migration-ports,
 * firewall-persistent: the filter table of each node as the DESTINATION of
 * a migration, evaluated (checks/fw_eval.c) for a new TCP connection from
 * every other node's address (mc_node_address) to the libvirt port of the
 * migration URI and to qemu.conf's migration port range.
 *
 * Live facts give the rules the kernel holds now; offline (--root, a
 * sosreport) only the saved file is known, and the port checks evaluate
 * that, saying so. The ingress interface (for -i) is the one this node's
 * route to the peer leaves through (net.routes, else firewall.ingress);
 * without it, -i rules are "maybe" and only matter where they change the
 * verdict. */
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "checks.h"
#include "firewall.h"
#include "fw_eval.h"
#include "nova_options.h"
#include "peers.h"
#include "util.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"
/* Peers named in a summary; the evidence lists every one. */
#define SUMMARY_GROUPS 4
/* Peers named per group of equal verdicts, and peers without an address
 * named, before the rest is counted. */
#define GROUP_NAMED 8
#define MISSING_NAMED 8

/* The rules a check evaluates: the live tables (legacy, and nft when
 * both hold rules) or the saved file. */
struct ruleset {
        struct mc_fw_table *t[2];
        size_t n;
        const char *where;  /* evidence "file": "libiptc", "iptables-nft-save", a saved file */
        bool saved;         /* the persisted file, not the kernel */
        bool multi;         /* name the table in messages */
};

static void ruleset_done(struct ruleset *s) {
        for (size_t i = 0; i < s->n; i++)
                mc_fw_table_free(s->t[i]);
        *s = (struct ruleset) {};
}

static bool ruleset_open(const struct ruleset *s) {
        for (size_t i = 0; i < s->n; i++)
                if (!mc_fw_table_open(s->t[i]))
                        return false;
        return true;
}

static int load_live(json_object *fw, struct ruleset *s, char **ret_error) {
        json_object *filter = mc_json_get(fw, "filter"), *nft = mc_json_get(fw, "filter_nft");
        const char *backend = mc_json_str(fw, "backend");
        int r;

        *s = (struct ruleset) { .where = mc_json_str(fw, "source") ?: "live rules" };
        if (!filter) {
                *ret_error = mc_strdup("the live filter table was not collected");
                return -ENOENT;
        }
        r = mc_fw_table_load(filter, nft ? "legacy" : backend && streq(backend, "nft") ? "nft" : "legacy", &s->t[s->n],
                             ret_error);
        if (r < 0)
                return r;
        s->n++;
        if (nft) {
                r = mc_fw_table_load(nft, "nft", &s->t[s->n], ret_error);
                if (r < 0) {
                        ruleset_done(s);
                        return r;
                }
                s->n++;
                s->multi = true;
        }
        return 0;
}

/* The rules after a reboot: the saved file, or none at all. */
static int load_saved(json_object *fw, struct ruleset *s, char **ret_error) {
        json_object *p = mc_json_get(fw, "persisted");
        const char *state = mc_json_str(p, "state"), *path = mc_json_str(p, "path") ?: "the saved rules";
        _cleanup_json_ json_object *empty = NULL;
        json_object *filter = mc_json_get(p, "filter");
        int r;

        *s = (struct ruleset) { .where = path, .saved = true };
        if (!state) {
                *ret_error = mc_strdup("the saved rules were not collected");
                return -ENOENT;
        }
        if (streq(state, "error")) {
                *ret_error = mc_strdup_printf("%s: %s", path, mc_json_str(p, "error") ?: "cannot be read");
                return -EBADMSG;
        }
        if (!filter) {
                empty = json_object_new_object();
                json_object_object_add(empty, "chains", json_object_new_object());
                filter = empty;
        }
        r = mc_fw_table_load(filter, "saved", &s->t[0], ret_error);
        if (r < 0)
                return r;
        s->n = 1;
        return 0;
}

/* ---- words -------------------------------------------------------------- */

/* *s += sep (when *s is not empty) + the formatted text. */
static void append(char **s, const char *sep, const char *fmt, ...) _printf_(3, 4);
static void append(char **s, const char *sep, const char *fmt, ...) {
        _cleanup_free_ char *piece = NULL;
        char *old = *s;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&piece, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        *s = mc_strdup_printf("%s%s%s", old ?: "", old && *old ? sep : "", piece);
        free(old);
}

static char *rule_ref(const struct ruleset *s, const struct mc_fw_rule *r, const struct mc_fw_rule *via) {
        _cleanup_free_ char *where = s->multi ? mc_strdup_printf("%s ", r->table) : mc_strdup("");
        _cleanup_free_ char *line = s->saved && r->line > 0 ? mc_strdup_printf(" (%s line %d)", s->where, r->line)
                                                             : mc_strdup("");
        char *base;

        if (r->num == 0)
                return mc_strdup_printf("the %s%s policy %s", where, r->chain, r->target);
        base = mc_strdup_printf("%s%s rule %u%s (%s)", where, r->chain, r->num, line, r->text);
        if (via) {
                char *x = mc_strdup_printf("%s, reached through %s rule %u (%s)", base, via->chain, via->num, via->text);
                free(base);
                base = x;
        }
        return base;
}

/* What the source's connect(2) reports, as in libvirt's error message. */
static const char *reject_error(const char *with) {
        if (!with || streq(with, "icmp-port-unreachable") || streq(with, "tcp-reset"))
                return "Connection refused";
        if (streq(with, "icmp-net-unreachable") || streq(with, "icmp-net-prohibited"))
                return "Network is unreachable";
        if (streq(with, "icmp-proto-unreachable"))
                return "Protocol not available";
        return "No route to host";
}

static char *outcome_text(const struct ruleset *s, const struct mc_fw_outcome *o) {
        _cleanup_free_ char *ref = rule_ref(s, o->rule, o->via);

        switch (o->verdict) {
        case MC_FW_ACCEPT:
                return mc_strdup_printf("accepted by %s", ref);
        case MC_FW_DROP:
                return mc_strdup_printf("dropped by %s: the connection times out", ref);
        case MC_FW_REJECT:
                return mc_strdup_printf("rejected with %s ('%s') by %s", o->rule->reject_with ?: "icmp-port-unreachable",
                                        reject_error(o->rule->reject_with), ref);
        default:
                return mc_strdup_printf("uncertain at %s: %s", ref, o->why ?: "cannot be evaluated");
        }
}

static char *ports_text(uint16_t lo, uint16_t hi) {
        return lo == hi ? mc_strdup_printf("%u", lo) : mc_strdup_printf("%u-%u", lo, hi);
}

static enum mc_status part_status(const struct mc_fw_outcome *o) {
        return o->verdict == MC_FW_ACCEPT ? MC_PASS : o->verdict == MC_FW_UNCERTAIN ? MC_WARN : MC_FAIL;
}

/* "49152-49200 accepted by ...; 49201-49215 rejected by ...". Where the
 * verdict depends on the peer's source port (multiport --ports matches
 * either side), each verdict names the source ports it holds for. */
static char *spans_text(const struct ruleset *s, const struct mc_fw_result *res, bool with_ports) {
        char *out = mc_strdup("");

        for (size_t i = 0; i < res->n_spans; i++) {
                const struct mc_fw_span *sp = &res->spans[i];
                _cleanup_free_ char *p = ports_text(sp->lo, sp->hi), *t = NULL;
                bool *done = mc_assert_alloc(calloc(sp->n_parts + 1, sizeof(bool)));
                const struct mc_fw_part *w = mc_fw_span_worst(sp);

                /* The worst verdict first. */
                for (size_t pass = 0; pass < 2; pass++)
                        for (size_t k = 0; k < sp->n_parts; k++) {
                                const struct mc_fw_part *x = &sp->parts[k];
                                _cleanup_free_ char *xt = NULL, *sports = NULL;
                                char *old;

                                if (done[k] || (pass == 0 && !mc_fw_outcome_equal(&x->o, &w->o)))
                                        continue;
                                xt = outcome_text(s, &x->o);
                                if (sp->n_parts > 1) {
                                        sports = mc_strdup_printf(" from source ports %u-%u", x->slo, x->shi);
                                        for (size_t j = k + 1; j < sp->n_parts; j++)
                                                if (!done[j] && mc_fw_outcome_equal(&sp->parts[j].o, &x->o)) {
                                                        char *o2 = sports;
                                                        sports = mc_strdup_printf("%s, %u-%u", o2, sp->parts[j].slo,
                                                                                  sp->parts[j].shi);
                                                        free(o2);
                                                        done[j] = true;
                                                }
                                }
                                done[k] = true;
                                old = t;
                                t = mc_strdup_printf("%s%s%s%s", old ?: "", old ? "; " : "", xt, sports ?: "");
                                free(old);
                        }
                free(done);
                char *old = out;
                out = mc_strdup_printf("%s%s%s%s%s", old, *old ? "; " : "", with_ports ? p : "", with_ports ? " " : "", t ?: "");
                free(old);
        }
        return out;
}

/* For a summary: the refused and uncertain spans in full, then the
 * accepted ports in one list; NULL when everything is accepted (the full
 * text says by what). */
static char *spans_brief(const struct ruleset *s, const struct mc_fw_result *res) {
        struct mc_fw_result bad = { .truncated = res->truncated };
        char *out, *ok = NULL;

        for (size_t i = 0; i < res->n_spans; i++) {
                const struct mc_fw_span *sp = &res->spans[i];

                if (mc_fw_span_worst(sp)->o.verdict == MC_FW_ACCEPT) {
                        _cleanup_free_ char *p = ports_text(sp->lo, sp->hi);
                        char *old = ok;
                        ok = mc_strdup_printf("%s%s%s", old ?: "", old ? ", " : "", p);
                        free(old);
                        continue;
                }
                bad.spans = mc_assert_alloc(reallocarray(bad.spans, bad.n_spans + 1, sizeof(*bad.spans)));
                bad.spans[bad.n_spans++] = *sp;  /* borrowed parts */
        }
        if (bad.n_spans == 0) {
                free(ok);
                return NULL;
        }
        out = spans_text(s, &bad, true);
        free(bad.spans);
        if (ok) {
                char *x = mc_strdup_printf("%s; accepted: %s", out, ok);
                free(out);
                free(ok);
                out = x;
        }
        return out;
}

static enum mc_status span_status(const struct mc_fw_span *sp) {
        enum mc_status st = MC_PASS;

        for (size_t k = 0; k < sp->n_parts; k++)
                st = mc_status_worse(st, part_status(&sp->parts[k].o));
        return st;
}

static const struct mc_fw_span *span_at(const struct mc_fw_result *res, unsigned port) {
        for (size_t i = 0; i < res->n_spans; i++)
                if (res->spans[i].lo <= port && port <= res->spans[i].hi)
                        return &res->spans[i];
        return NULL;
}

/* libvirt gives an incoming migration the lowest free ports of the range
 * (virPortAllocatorAcquire walks it from migration_port_min): one for the
 * migration stream and, when the disks are copied (block migration, what
 * nova does without shared storage), one before it for the NBD server. The
 * lowest FIRST_PORTS ports thus decide the first two migrations at once;
 * refused ports above them limit only how many can come in together: a
 * warning, with *ret_open the ports open from the bottom (0: not lowered). */
#define FIRST_PORTS 4
static enum mc_status range_status(const struct mc_fw_result *res, long lo, long hi, unsigned *ret_open) {
        enum mc_status first = MC_PASS, rest = MC_PASS;
        const struct mc_fw_span *sp;
        unsigned open = 0;

        *ret_open = 0;
        for (size_t i = 0; i < res->n_spans; i++) {
                enum mc_status st = span_status(&res->spans[i]);

                if (res->spans[i].lo < lo + FIRST_PORTS)
                        first = mc_status_worse(first, st);
                if (res->spans[i].hi >= lo + FIRST_PORTS)
                        rest = mc_status_worse(rest, st);
        }
        if (hi < lo + FIRST_PORTS || first != MC_PASS || rest != MC_FAIL)
                return mc_status_worse(first, rest);
        for (long port = lo; port <= hi && (sp = span_at(res, (unsigned) port)) && span_status(sp) == MC_PASS;
             port = sp->hi + 1L)
                open += (unsigned) (sp->hi - port + 1);
        *ret_open = open;
        return MC_WARN;
}

static enum mc_status result_status(const struct mc_fw_result *res) {
        enum mc_status st = MC_PASS;

        for (size_t i = 0; i < res->n_spans; i++)
                for (size_t k = 0; k < res->spans[i].n_parts; k++)
                        st = mc_status_worse(st, part_status(&res->spans[i].parts[k].o));
        return st;
}

/* ---- peers -------------------------------------------------------------- */

struct peer {
        const struct mc_node *node;  /* NULL: any address (a single node) */
        const char *addr;
        const char *in;
        bool egress;                 /* this node's OUTPUT toward the peer: this node is the source */
        const char *src;             /* egress: this node's address on its route to the peer; NULL: unknown */
        const char *out;             /* egress: the interface of that route; NULL: unknown */
        uint16_t lo, hi;             /* egress: the peer's migration range (firewall-migration-ports) */
        unsigned port;               /* libvirt port of the peer's migration URI */
        const char *scheme;
        uint16_t sport_lo, sport_hi;
        struct mc_fw_result res;
        enum mc_status st;
        char *text;                  /* the verdicts, without the peer (evidence) */
        char *brief;                 /* the same for the summary; NULL: text */
        size_t rep;                  /* index + 1 of the peer whose evaluation this one shares; 0: none */
        bool capped;                 /* refused ports limit concurrent migrations only (range_status) */
};

static void peers_free(struct peer *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                mc_fw_result_done(&p[i].res);
                free(p[i].text);
                free(p[i].brief);
        }
        free(p);
}

static enum mc_fw_hook hook_of(const struct peer *p) {
        return p->egress ? MC_FW_HOOK_OUTPUT : MC_FW_HOOK_INPUT;
}

static char *peer_name(const struct peer *p) {
        if (!p->node)
                return mc_strdup("any address");
        if (p->addr && !streq(p->addr, p->node->name))
                return mc_strdup_printf("%s (%s)", p->node->name, p->addr);
        return mc_strdup(p->node->name);
}

/* The interface this node's packets to the peer leave through, where the
 * peer's arrive (symmetric routing). */
static const char *ingress_of(json_object *routes, json_object *ingress, const struct mc_node *peer, const char *addr) {
        const char *dev = mc_json_str(mc_json_get(routes, peer->name), "dev");

        if (dev)
                return dev;
        return addr ? mc_json_str(ingress, addr) : NULL;
}

/* Each node's migration transport, read once per run: a row asks for
 * every peer's, and nova's options take a dozen lookups to read. */
struct transport_of {
        bool own;            /* from the node's own nova.conf */
        unsigned port;
        const char *scheme;
        uint16_t sport_lo, sport_hi;  /* its ephemeral ports; 0: the default */
};

static void transport_get(json_object *facts, struct transport_of *ret) {
        struct mc_transport t;

        if (mc_migration_transport(facts, &t) < 0)
                *ret = (struct transport_of) { .port = 16509, .scheme = "tcp" };
        else
                *ret = (struct transport_of) { .port = t.port, .scheme = mc_scheme_to_string(t.scheme) };
}

static void *transports_build(const struct mc_cluster *c) {
        struct transport_of *v = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*v)));

        for (size_t i = 0; i < c->n_nodes; i++) {
                json_object *range = mc_json_path(c->nodes[i].facts, "firewall", "local_port_range", NULL);

                if (c->nodes[i].facts && mc_nova_configured(c->nodes[i].facts)) {
                        transport_get(c->nodes[i].facts, &v[i]);
                        v[i].own = true;
                }
                /* A source's connections leave from its own ephemeral ports. */
                if (range && json_object_is_type(range, json_type_array) && json_object_array_length(range) == 2) {
                        int64_t lo = json_object_get_int64(json_object_array_get_idx(range, 0));
                        int64_t hi = json_object_get_int64(json_object_array_get_idx(range, 1));
                        if (lo > 0 && lo <= hi && hi <= 65535)
                                v[i].sport_lo = (uint16_t) lo, v[i].sport_hi = (uint16_t) hi;
                }
        }
        return v;
}

/* The egress twin of each of the n peers: the kernel picks the source
 * address of this node's connection from the route (prefsrc, as `ip route
 * get` shows it), else the address the inventory gives this node; the
 * source ports are this node's ephemeral ones. */
static size_t add_egress(struct mc_check_ctx *ctx, struct peer *p, size_t n, const struct transport_of *v,
                         json_object *routes, json_object *ingress) {
        size_t self = (size_t) (ctx->node - ctx->cluster->nodes);
        const char *own = mc_node_address(ctx->cluster, ctx->node);
        size_t k = n;

        for (size_t i = 0; i < n; i++) {
                const char *prefsrc = mc_json_str(mc_json_get(routes, p[i].node->name), "prefsrc");

                p[k++] = (struct peer) {
                        .node = p[i].node, .addr = p[i].addr, .egress = true, .src = prefsrc ?: own,
                        .out = ingress_of(routes, ingress, p[i].node, p[i].addr),
                        .sport_lo = self < ctx->cluster->n_nodes ? v[self].sport_lo : 0,
                        .sport_hi = self < ctx->cluster->n_nodes ? v[self].sport_hi : 0,
                };
        }
        return k;
}

/* The peers and their addresses; a peer without one is an ERROR line.
 * Each peer twice: first as the source of a migration to this node (its
 * connections pass this node's INPUT), then as its destination (this
 * node's connections to it pass this node's OUTPUT). */
static struct peer *peers_of(struct mc_check_ctx *ctx, size_t *ret_n, char **ret_missing) {
        const struct mc_cluster *c = ctx->cluster;
        struct peer *p = mc_assert_alloc(calloc(2 * c->n_nodes + 1, sizeof(*p)));
        size_t n = 0, n_missing = 0;
        char *missing = NULL;

        const struct transport_of *v = mc_check_scratch(ctx, transports_build, free);
        /* This node's routes and ingress map, looked up once for all peers. */
        json_object *routes = mc_json_path(ctx->facts, "net", "routes", NULL);
        json_object *ingress = mc_json_path(ctx->facts, "firewall", "ingress", NULL);

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *o = &c->nodes[i];
                const char *addr;

                if (o == ctx->node)
                        continue;
                addr = mc_node_address(c, o);
                if (!addr) {
                        /* Named up to a few, then counted: a row stays a line
                         * however many peers lack an address. */
                        if (n_missing++ < MISSING_NAMED)
                                append(&missing, ", ", "%s", o->name);
                        continue;
                }
                p[n] = (struct peer) { .node = o, .addr = addr, .in = ingress_of(routes, ingress, o, addr),
                                       .sport_lo = v[i].sport_lo, .sport_hi = v[i].sport_hi };
                n++;
        }
        if (n_missing > MISSING_NAMED)
                append(&missing, " ", "and %zu more", n_missing - MISSING_NAMED);
        if (c->n_nodes <= 1)
                /* A node alone: from wherever a peer may come (and no peer to go to). */
                p[n++] = (struct peer) { .node = NULL };
        else
                n = add_egress(ctx, p, n, v, routes, ingress);
        *ret_n = n;
        *ret_missing = missing;
        return p;
}

/* Peers whose queries the rules cannot tell apart get one evaluation per
 * row: key = source signature (mc_fw_src_signature), ingress, source and
 * destination ports; value = index + 1 of the first peer evaluated. In a
 * cluster whose rules accept a subnet, the thousand peers of a node are
 * one evaluation, not a thousand. */
/* "SIG|IN|a|b|c|d" into buf without printf (this runs for every peer of
 * every node); false when it does not fit. */
static bool memo_key(char *buf, size_t size, const char *sig, const char *in, const uint16_t num[static 4]) {
        size_t ls = strlen(sig), li = strlen(in), k = 0;

        if (ls + li + 2 + 4 * 6 + 1 > size)
                return false;
        memcpy(buf, sig, ls);
        k = ls;
        buf[k++] = '|';
        memcpy(buf + k, in, li);
        k += li;
        for (int i = 0; i < 4; i++) {
                char d[6];
                int nd = 0;
                unsigned v = num[i];

                buf[k++] = '|';
                do
                        d[nd++] = (char) ('0' + v % 10);
                while ((v /= 10) > 0);
                while (nd > 0)
                        buf[k++] = d[--nd];
        }
        buf[k] = '\0';
        return true;
}

static size_t eval_memo_find(GHashTable *memo, const struct ruleset *s, const struct peer *p, uint16_t lo, uint16_t hi,
                             char **ret_key) {
        const struct mc_fw_table *const *t = (const struct mc_fw_table *const *) s->t;
        const uint16_t num[4] = { p->sport_lo, p->sport_hi, lo, hi };
        _cleanup_free_ char *heap = NULL, *big = NULL, *eg = NULL;
        char sig[256], buf[512], ebuf[128];
        const char *key = buf, *in = p->in ?: "";
        size_t at;

        /* Egress: the interface and this node's source address decide too
         * (on the stack as well: one per peer of every node). */
        if (p->egress) {
                int k = snprintf(ebuf, sizeof(ebuf), ">%s>%s", p->out ?: "", p->src ?: "");

                in = k >= 0 && (size_t) k < sizeof(ebuf) ? ebuf
                                                        : (eg = mc_strdup_printf(">%s>%s", p->out ?: "", p->src ?: ""));
        }
        /* Built and looked up on the stack: only a miss keeps a copy (one
         * per distinct key, where a row has hundreds of peers). */
        if (!mc_fw_peer_signature_buf(t, s->n, hook_of(p), p->addr, sig, sizeof(sig)))
                heap = mc_fw_peer_signature(t, s->n, hook_of(p), p->addr);
        if (!memo_key(buf, sizeof(buf), heap ?: sig, in, num)) {
                size_t size = strlen(heap ?: sig) + strlen(in) + 64;

                big = mc_assert_alloc(malloc(size));
                memo_key(big, size, heap ?: sig, in, num);
                key = big;
        }
        at = GPOINTER_TO_SIZE(g_hash_table_lookup(memo, key));
        *ret_key = at ? NULL : mc_strdup(key);
        return at;
}

/* An IPv6 peer's connections pass ip6tables, which is not collected. */
static bool ipv6_peer(struct peer *p) {
        if (!p->addr || !strchr(p->addr, ':'))
                return false;
        p->st = MC_WARN;
        p->text = mc_strdup("an IPv6 address: its connections pass ip6tables, whose rules migcheck does not read");
        return true;
}

/* dst: this node's address. */
static bool eval_peer(const struct ruleset *s, const char *dst, struct peer *p, uint16_t lo, uint16_t hi,
                      struct mc_fw_result *ret) {
        const struct mc_fw_query q = p->egress ? (struct mc_fw_query) {
                .hook = MC_FW_HOOK_OUTPUT, .src = p->src, .dst = p->addr, .out = p->out, .dport_lo = lo, .dport_hi = hi,
                .sport_lo = p->sport_lo, .sport_hi = p->sport_hi,
        } : (struct mc_fw_query) {
                .src = p->addr, .dst = dst, .in = p->in, .dport_lo = lo, .dport_hi = hi,
                .sport_lo = p->sport_lo, .sport_hi = p->sport_hi,
        };

        return mc_fw_eval((const struct mc_fw_table *const *) s->t, s->n, &q, ret) >= 0;
}

/* ---- the rules a port check uses ---------------------------------------- */

/* Live rules, or offline the saved ones. Reports ERROR/SKIP itself and
 * returns false when there is nothing to evaluate. */
static bool rules_for_ports(struct mc_check_ctx *ctx, json_object *fw, struct ruleset *s) {
        _cleanup_free_ char *err = NULL;
        struct mc_result *r;

        if (!fw) {
                mc_report(ctx, MC_ERROR, "the firewall was not collected (a migcheck without firewall support collected "
                                         "this node)");
                return false;
        }
        if (!mc_json_bool(mc_json_get(ctx->facts, "collection"), "live", false)) {
                const char *state = mc_json_str(mc_json_get(fw, "persisted"), "state");

                if (state && streq(state, "absent")) {
                        mc_report(ctx, MC_SKIP, "offline: the live rules are not known and %s does not exist",
                                  mc_json_str(mc_json_get(fw, "persisted"), "path") ?: "no saved rules file");
                        return false;
                }
                if (load_saved(fw, s, &err) < 0) {
                        r = mc_report(ctx, MC_ERROR, "cannot evaluate the saved rules: %s", err);
                        mc_result_hint(r, "correct the file at the line named (iptables-restore --test FILE checks it)");
                        return false;
                }
                return true;
        }
        if (mc_json_str(fw, "error")) {
                r = mc_report(ctx, MC_ERROR, "cannot read the firewall rules: %s", mc_json_str(fw, "error"));
                mc_result_hint(r, "run migcheck as root on the node (reading the filter table needs CAP_NET_ADMIN)");
                return false;
        }
        if (load_live(fw, s, &err) < 0) {
                mc_report(ctx, MC_ERROR, "cannot evaluate the firewall rules: %s", err);
                return false;
        }
        return true;
}

/* Caveats that turn a PASS into a WARN: a backend that could not be read,
 * firewalld's native nft rules that iptables-save does not show. */
static char *live_caveat(json_object *fw) {
        json_object *tables = mc_json_get(fw, "tables");
        const char *managed = mc_json_str(fw, "managed_by"), *fb = mc_json_str(fw, "firewalld_backend");

        if (tables && json_object_is_type(tables, json_type_object)) {
                json_object_object_foreach(tables, name, t) {
                        const char *e = mc_json_str(t, "error");
                        if (e)
                                return mc_strdup_printf("the %s rules could not be read (%s)", name, e);
                }
        }
        if (managed && streq(managed, "firewalld") && (!fb || strcasecmp(fb, "iptables") != 0))
                return mc_strdup("firewalld with its nftables backend keeps its own rules in table inet firewalld, "
                                 "which iptables-save does not show and migcheck does not read");
        return NULL;
}

/* ---- hints -------------------------------------------------------------- */

static const char *save_command(json_object *fw) {
        const char *path = mc_json_str(mc_json_get(fw, "persisted"), "path");

        if (path && streq(path, "/etc/iptables/rules.v4"))
                return "netfilter-persistent save, or iptables-save > /etc/iptables/rules.v4";
        return "service iptables save, or iptables-save > /etc/sysconfig/iptables";
}

/* The ports as a multiport list (15 slots, a range takes two), else lo:hi. */
static char *dports_list(const uint16_t (*ranges)[2], size_t n, uint16_t lo, uint16_t hi) {
        size_t slots = 0;
        char *out;

        for (size_t i = 0; i < n; i++)
                slots += ranges[i][0] == ranges[i][1] ? 1 : 2;
        if (n == 0 || slots > 15)
                return lo == hi ? mc_strdup_printf("%u", lo) : mc_strdup_printf("%u:%u", lo, hi);
        out = mc_strdup("");
        for (size_t i = 0; i < n; i++) {
                char *old = out;
                if (ranges[i][0] == ranges[i][1])
                        out = mc_strdup_printf("%s%s%u", old, i ? "," : "", ranges[i][0]);
                else
                        out = mc_strdup_printf("%s%s%u:%u", old, i ? "," : "", ranges[i][0], ranges[i][1]);
                free(old);
        }
        return out;
}

/* The fix for refused ports: through the manager when one owns the rules,
 * else an ACCEPT before the first rule that refuses. */
static void hint_open(struct mc_result *r, json_object *fw, const struct ruleset *s,
                      const char *dports, const char *what, unsigned before, const char *table, const struct peer *peer) {
        const char *managed = mc_json_str(fw, "managed_by"), *backend = mc_json_str(fw, "backend");
        enum mc_fw_hook hook = hook_of(peer);
        const char *chain = mc_fw_hook_to_string(hook);
        /* Egress: to the peer only, which is all a migration needs of this
         * node's outgoing connections. */
        _cleanup_free_ char *match = peer->egress && peer->addr ? mc_strdup_printf(" -d %s/32", peer->addr) : mc_strdup("");
        _cleanup_free_ char *rule = mc_strdup_printf("-A %s%s -p tcp -m multiport --dports %s -j ACCEPT", chain, match,
                                                     dports);
        _cleanup_free_ char *fw_ports = mc_strdup(dports);
        const struct mc_fw_table *t = s->t[0];
        const char *tool;

        /* The rule numbers are those of the table that refuses. */
        for (size_t i = 0; table && i < s->n; i++)
                if (streq(mc_fw_table_policy(s->t[i])->table, table))
                        t = s->t[i];
        tool = streq(mc_fw_table_policy(t)->table, "nft") ? "iptables-nft"
             : s->multi || (backend && streq(backend, "both")) ? "iptables-legacy"
                                                                : "iptables";
        const struct mc_fw_rule *at = before ? mc_fw_table_hook_rule(t, hook, before) : NULL;

        for (char *c = fw_ports; *c; c++)
                if (*c == ':')
                        *c = '-';
        if (managed && streq(managed, "firewalld") && !s->saved && peer->egress) {
                /* Zones and ports filter what comes in; outgoing rules are direct rules. */
                mc_result_hint(r, "firewalld owns the rules and drops changes made with iptables at its next reload: "
                                  "firewall-cmd --permanent --direct --add-rule ipv4 filter OUTPUT 0%s -p tcp -m multiport "
                                  "--dports %s -j ACCEPT && firewall-cmd --reload",
                               match, dports);
                return;
        }
        if (managed && streq(managed, "ufw") && !s->saved && peer->egress) {
                mc_result_hint(r, "ufw owns the rules: ufw allow out proto tcp to %s port %s",
                               peer->addr ? peer->addr : "any", dports);
                return;
        }
        if (managed && streq(managed, "firewalld") && !s->saved) {
                _cleanup_free_ char *adds = mc_strdup("");
                _cleanup_strv_free_ char **items = mc_split(fw_ports, ",");

                for (char **i = items; i && *i; i++) {
                        char *old = adds;
                        adds = mc_strdup_printf("%s --add-port=%s/tcp", old, *i);
                        free(old);
                }
                mc_result_hint(r, "firewalld owns the rules and drops changes made with iptables at its next reload: "
                                  "firewall-cmd --permanent%s && firewall-cmd --reload", adds);
                return;
        }
        if (managed && streq(managed, "ufw") && !s->saved) {
                _cleanup_free_ char *ufw_ports = mc_strdup(dports);
                mc_result_hint(r, "ufw owns the rules: ufw allow proto tcp from %s to any port %s",
                               peer && peer->addr ? peer->addr : "any", ufw_ports);
                return;
        }
        if (s->saved) {
                if (at && at->line > 0)
                        mc_result_hint(r, "add %s before line %d of %s (%s), the rule that %s", rule, at->line, s->where,
                                       at->text, what);
                else
                        mc_result_hint(r, "add %s to the *filter section of %s, after the last %s rule", rule, s->where,
                                       chain);
                return;
        }
        if (at)
                mc_result_hint(r, "insert %s before rule %u (%s): %s -I %s %u%s -p tcp -m multiport --dports %s -j ACCEPT, "
                                  "then save it: %s",
                               rule, before, at->text, tool, chain, before, match, dports, save_command(fw));
        else
                mc_result_hint(r, "append %s (the %s policy %s decides): %s -A %s%s -p tcp -m multiport --dports %s "
                                  "-j ACCEPT, then save it: %s",
                               rule, chain, mc_fw_table_hook_policy(t, hook)->target, tool, chain, match, dports,
                               save_command(fw));
}

/* ---- rows --------------------------------------------------------------- */

/* One row from the peers' verdicts: the worst status, the peers grouped
 * by identical verdicts, one evidence line per peer. what names the ports
 * ("migration ports"); NULL: each peer's libvirt port. */
/* Peers with the same verdict on the same port, in order of first peer. */
struct group {
        size_t first, count;
        char *names;  /* the first GROUP_NAMED */
};

/* "migration ports from", "16509/tcp from", "egress 49152-49215/tcp to":
 * the row's node is the destination of the first two, the source of the
 * last, whose rules (its OUTPUT) decide. */
static char *peer_label(const struct peer *p, const char *what) {
        if (p->egress && what)
                return mc_strdup_printf("egress %u-%u/tcp to", p->lo, p->hi);
        if (p->egress)
                return mc_strdup_printf("egress %u/tcp to", p->port);
        if (what)
                return mc_strdup_printf("%s from", what);
        return mc_strdup_printf("%u/tcp from", p->port);
}

static struct mc_result *report_peers(struct mc_check_ctx *ctx, const struct ruleset *s, struct peer *p, size_t n,
                                      const char *what, const char *missing, const char *caveat) {
        g_autoptr(GHashTable) by_verdict = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
        _cleanup_free_ struct group *g = mc_assert_alloc(calloc(n + 1, sizeof(*g)));
        _cleanup_free_ size_t *order = mc_assert_alloc(calloc(n + 1, sizeof(*order)));
        _cleanup_free_ size_t *group_of = mc_assert_alloc(calloc(n + 1, sizeof(*group_of)));
        enum mc_status st = MC_PASS;
        char *summary = mc_strdup("");
        size_t n_groups = 0, k = 0, left = 0;
        struct mc_result *r;

        for (size_t i = 0; i < n; i++)
                st = mc_status_worse(st, p[i].st);
        if (missing)
                st = mc_status_worse(st, MC_ERROR);
        if (caveat && st == MC_PASS)
                st = MC_WARN;
        /* One hash lookup per peer: grouping by comparing every pair was
         * quadratic in the peers of a row. */
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *name = NULL;
                size_t at;

                if (p[i].rep && group_of[p[i].rep - 1]) {
                        /* A shared evaluation: its representative's group. */
                        at = group_of[p[i].rep - 1];
                } else {
                        /* The full text too: the evidence line shows it for all of the group. */
                        char *key = mc_strdup_printf("%u|%d|%u-%u|%s|%s", p[i].port, p[i].egress, p[i].lo, p[i].hi,
                                                     p[i].brief ?: "", p[i].text ?: "");

                        at = GPOINTER_TO_SIZE(g_hash_table_lookup(by_verdict, key));
                        if (at == 0) {
                                g[n_groups] = (struct group) { .first = i };
                                at = ++n_groups;
                                g_hash_table_insert(by_verdict, key, GSIZE_TO_POINTER(at));
                        } else
                                free(key);
                }
                group_of[i] = at;
                if (g[at - 1].count++ < GROUP_NAMED) {
                        name = peer_name(&p[i]);
                        append(&g[at - 1].names, ", ", "%s", name);
                }
        }
        for (size_t i = 0; i < n_groups; i++)
                if (g[i].count > GROUP_NAMED)
                        append(&g[i].names, " ", "and %zu more", g[i].count - GROUP_NAMED);
        /* The worst first, so that the summary leads with what breaks. */
        for (size_t i = 0; i < n_groups; i++) {
                enum mc_status gs = p[g[i].first].st;
                if (gs == st || (st == MC_ERROR && gs == MC_FAIL))
                        order[k++] = i;
        }
        for (size_t i = 0; i < n_groups; i++) {
                enum mc_status gs = p[g[i].first].st;
                if (!(gs == st || (st == MC_ERROR && gs == MC_FAIL)))
                        order[k++] = i;
        }
        for (size_t o = 0, shown = 0; o < n_groups; o++) {
                const struct group *x = &g[order[o]];
                const struct peer *pi = &p[x->first];
                _cleanup_free_ char *label = peer_label(pi, what);

                /* Egress that passes is in the evidence: the summary stays
                 * what it was for the common OUTPUT that accepts all. */
                if (pi->egress && pi->st == MC_PASS)
                        continue;
                if (shown++ >= SUMMARY_GROUPS) {
                        left += x->count;
                        continue;
                }
                append(&summary, "; ", "%s %s: %s", label, x->names, pi->brief ?: pi->text);
        }
        if (left)
                append(&summary, "; ", "%zu more peers listed in the evidence", left);
        if (missing)
                append(&summary, "; ", "no address known for %s", missing);
        if (caveat)
                append(&summary, "; ", "but %s", caveat);
        if (s->saved)
                append(&summary, " ", "(offline: evaluated from the saved rules in %s)", s->where);
        r = mc_report(ctx, st, "%s", summary);
        /* One evidence line per verdict, naming its peers (the first few). */
        for (size_t o = 0; o < n_groups; o++) {
                const struct group *x = &g[order[o]];
                const struct peer *pi = &p[x->first];
                _cleanup_free_ char *label = peer_label(pi, what);

                mc_result_evidence(r, s->where, 0, "%s %s: %s", label, x->names, pi->text);
        }
        for (size_t i = 0; i < n_groups; i++)
                free(g[i].names);
        free(summary);
        return r;
}

/* The lowest "insert before" position over the refused parts, and the
 * ranges they cover. */
static unsigned refused_ranges(const struct mc_fw_result *res, uint16_t (**ret)[2], size_t *ret_n, bool *ret_policy,
                               const char **ret_table) {
        unsigned before = 0;
        uint16_t (*v)[2] = NULL;
        size_t n = 0;

        *ret_policy = false;
        *ret_table = NULL;
        for (size_t i = 0; i < res->n_spans; i++) {
                const struct mc_fw_span *sp = &res->spans[i];
                bool refused = false;

                for (size_t k = 0; k < sp->n_parts; k++) {
                        const struct mc_fw_outcome *o = &sp->parts[k].o;

                        if (!mc_fw_refused(o->verdict))
                                continue;
                        refused = true;
                        if (!*ret_table)
                                *ret_table = o->rule->table;
                        if (o->before == 0)
                                *ret_policy = true;
                        else if (before == 0 || o->before < before) {
                                before = o->before;
                                *ret_table = o->rule->table;
                        }
                }
                if (!refused)
                        continue;
                if (n > 0 && v[n - 1][1] + 1u == sp->lo) {
                        v[n - 1][1] = sp->hi;
                        continue;
                }
                v = mc_assert_alloc(reallocarray(v, n + 1, sizeof(*v)));
                v[n][0] = sp->lo;
                v[n][1] = sp->hi;
                n++;
        }
        *ret = v;
        *ret_n = n;
        return before;
}

/* "INPUT rule 9 (...) accepts 16509 only from 10.1.0.0/24" and "... comes
 * after rule 7": an ACCEPT that exists but does not help. */
static char *missed_text(const struct ruleset *s, const struct peer *p, const char *dst, uint16_t port,
                         const struct mc_fw_outcome *o) {
        const struct mc_fw_query q = p->egress ? (struct mc_fw_query) {
                .hook = MC_FW_HOOK_OUTPUT, .src = p->src, .dst = p->addr, .out = p->out, .dport_lo = port, .dport_hi = port,
        } : (struct mc_fw_query) { .src = p->addr, .dst = dst, .in = p->in, .dport_lo = port, .dport_hi = port };
        struct mc_fw_missed_accept m[4];
        char *out = NULL;

        for (size_t t = 0; t < s->n; t++) {
                /* Only the table whose rule decided. */
                if (!o->rule || !streq(o->rule->table, mc_fw_table_policy(s->t[t])->table))
                        continue;
                size_t k = mc_fw_missed_accepts(s->t[t], &q, port, o, m, ELEMENTSOF(m));
                for (size_t i = 0; i < k; i++) {
                        _cleanup_free_ char *ref = rule_ref(s, m[i].rule, NULL), *piece = NULL;
                        bool inv = false;
                        const char *addr = mc_fw_rule_peer(m[i].rule, hook_of(p), &inv);

                        if (m[i].other_source)
                                piece = mc_strdup_printf("%s accepts %u only %s %s%s, not %s %s", ref, port,
                                                         p->egress ? "to" : "from", inv ? "addresses other than " : "",
                                                         addr ?: "other addresses", p->egress ? "to" : "from",
                                                         p->addr ?: "this peer");
                        else
                                piece = mc_strdup_printf("an ACCEPT for %u exists as %s but comes after the rule that decides",
                                                         port, ref);
                        char *old = out;
                        out = mc_strdup_printf("%s%s%s", old ?: "", old ? "; " : "", piece);
                        free(old);
                }
        }
        return out;
}

/* ---- firewall-libvirt-port ---------------------------------------------- */

/* The migration range an egress peer listens on: its own qemu.conf, this
 * node's when the peer has no facts (as peer_port does for the URI).
 * false when the peer's range is invalid (its qemu-migration-ports says so). */
static bool peer_range(struct peer *p, long lo, long hi) {
        json_object *facts = p->node ? p->node->facts : NULL;

        if (facts && (mc_qemu_migration_range(facts, &lo, &hi) < 0 || lo <= 0 || hi > 65535 || lo > hi))
                return false;
        p->lo = (uint16_t) lo;
        p->hi = (uint16_t) hi;
        return true;
}

/* After the row: how to open what refuses, for the worst peer of each
 * direction (INPUT, then OUTPUT), or what to look at. */
static void hint_worst(struct mc_result *r, json_object *fw, const struct ruleset *s, struct peer *p, size_t n,
                       const char *what, const char *missing) {
        bool hinted = false;

        for (int eg = 0; eg < 2; eg++) {
                size_t worst = SIZE_MAX;

                for (size_t i = 0; i < n; i++)
                        if (p[i].egress == eg && (worst == SIZE_MAX || mc_status_worse(p[worst].st, p[i].st) != p[worst].st))
                                worst = i;
                if (worst == SIZE_MAX)
                        continue;
                if (p[worst].st == MC_FAIL || p[worst].capped) {
                        uint16_t (*ranges)[2] = NULL;
                        size_t nr = 0;
                        bool policy;
                        const char *table;
                        unsigned before = refused_ranges(&p[worst].res, &ranges, &nr, &policy, &table);
                        uint16_t lo = what ? p[worst].lo : (uint16_t) p[worst].port;
                        uint16_t hi = what ? p[worst].hi : (uint16_t) p[worst].port;
                        _cleanup_free_ char *list = dports_list((const uint16_t(*)[2]) ranges, nr, lo, hi);

                        hint_open(r, fw, s, list, what ? "refuses them" : "refuses it", before, table, &p[worst]);
                        free(ranges);
                        hinted = true;
                } else if (p[worst].st == MC_WARN) {
                        if (what)
                                mc_result_hint(r, "check the rule named by hand: migcheck cannot tell whether it matches; "
                                                  "an ACCEPT for %u:%u before it settles the question", p[worst].lo,
                                               p[worst].hi);
                        else
                                mc_result_hint(r, "check the rule named by hand: migcheck cannot tell whether it matches; "
                                                  "an ACCEPT for %u/tcp before it settles the question", p[worst].port);
                        hinted = true;
                }
        }
        if (!hinted && missing)
                mc_result_hint(r, "give every node's address (-n NAME=ADDRESS or an inventory) so that the rules can be "
                                  "evaluated for its connections");
}

/* The libvirt port a peer's migration URI connects to: its own nova.conf
 * says how it connects, this node's when the peer has no facts. */
/* The peer's port: its own transport, else (no nova there) this node's. */
/* Egress: this node's own transport, the URI it connects to the peer with. */
static void peer_port(struct mc_check_ctx *ctx, struct peer *p) {
        const struct transport_of *v = mc_check_scratch(ctx, transports_build, free);
        size_t k = p->node ? (size_t) (p->node - ctx->cluster->nodes) : SIZE_MAX;
        struct transport_of mine;

        if (k < ctx->cluster->n_nodes && v[k].own && !p->egress) {
                p->port = v[k].port;
                p->scheme = v[k].scheme;
                return;
        }
        transport_get(ctx->facts, &mine);
        p->port = mine.port;
        p->scheme = mine.scheme;
}

void mc_check_firewall_libvirt_port(struct mc_check_ctx *ctx) {
        g_autoptr(GHashTable) memo = NULL;
        json_object *fw = mc_json_get(ctx->facts, "firewall");
        _cleanup_free_ char *missing = NULL, *caveat = NULL;
        _cleanup_(ruleset_done) struct ruleset s = {};
        const char *dst = mc_node_address(ctx->cluster, ctx->node);
        struct peer *p;
        size_t n;
        struct mc_result *r;
        bool any_port = false;

        if (!rules_for_ports(ctx, fw, &s))
                return;
        if (!s.saved)
                caveat = live_caveat(fw);
        p = peers_of(ctx, &n, &missing);
        memo = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
        for (size_t i = 0; i < n; i++) {
                peer_port(ctx, &p[i]);
                if (p[i].port == 0) {
                        p[i].st = MC_SKIP;
                        p[i].text = mc_strdup_printf("the migration transport '%s' names no TCP port", p[i].scheme ?: "?");
                        continue;
                }
                any_port = true;
                if (ipv6_peer(&p[i]))
                        continue;
                _cleanup_free_ char *key = NULL;
                size_t same = eval_memo_find(memo, &s, &p[i], (uint16_t) p[i].port, (uint16_t) p[i].port, &key);

                /* A refusal's text names the peer (missed_text): evaluated each time. */
                if (same && p[same - 1].st != MC_FAIL) {
                        /* p[i].res stays empty: only the worst peer's result is read
                         * afterwards, and a peer sharing an earlier evaluation is never
                         * worse than that earlier one. */
                        p[i].st = p[same - 1].st;
                        p[i].text = mc_strdup(p[same - 1].text);
                        p[i].rep = same;
                } else {
                        if (!eval_peer(&s, dst, &p[i], (uint16_t) p[i].port, (uint16_t) p[i].port, &p[i].res)) {
                                p[i].st = MC_ERROR;
                                p[i].text = mc_strdup("cannot be evaluated");
                                continue;
                        }
                        p[i].st = result_status(&p[i].res);
                        p[i].text = spans_text(&s, &p[i].res, false);
                        if (key)  /* NULL: a refusal evaluated again, its key already kept */
                                g_hash_table_insert(memo, TAKE_PTR(key), GSIZE_TO_POINTER(i + 1));
                }
                if (p[i].st == MC_FAIL) {
                        const struct mc_fw_part *w = mc_fw_span_worst(&p[i].res.spans[0]);
                        _cleanup_free_ char *m = missed_text(&s, &p[i], dst, (uint16_t) p[i].port, &w->o);

                        if (m) {
                                char *x = mc_strdup_printf("%s; %s", p[i].text, m);
                                free(p[i].text);
                                p[i].text = x;
                        }
                }
        }
        if (!any_port && !missing) {
                mc_report(ctx, MC_SKIP, "%s", p[0].text ?: "no peer to evaluate");
                peers_free(p, n);
                return;
        }
        if (!s.saved && ruleset_open(&s) && !caveat && !missing) {
                r = mc_report(ctx, MC_PASS, "no filter rules and policy ACCEPT: every peer may connect to the libvirt port");
                mc_result_evidence(r, "firewall", 0, "source: %s", mc_json_str(fw, "source") ?: "?");
                peers_free(p, n);
                return;
        }
        r = report_peers(ctx, &s, p, n, NULL, missing, caveat);
        hint_worst(r, fw, &s, p, n, NULL, missing);
        peers_free(p, n);
}

/* ---- firewall-migration-ports ------------------------------------------- */

static bool migration_range(struct mc_check_ctx *ctx, long *lo, long *hi) {
        if (!mc_require_file(ctx, QEMU_CONF))
                return false;
        if (mc_qemu_migration_range(ctx->facts, lo, hi) < 0 || *lo <= 0 || *hi > 65535 || *lo > *hi) {
                mc_report(ctx, MC_SKIP, "qemu.conf's migration port range is invalid (see qemu-migration-ports)");
                return false;
        }
        return true;
}

void mc_check_firewall_migration_ports(struct mc_check_ctx *ctx) {
        g_autoptr(GHashTable) memo = NULL;
        json_object *fw = mc_json_get(ctx->facts, "firewall");
        _cleanup_free_ char *missing = NULL, *caveat = NULL, *what = NULL;
        _cleanup_(ruleset_done) struct ruleset s = {};
        const char *dst = mc_node_address(ctx->cluster, ctx->node);
        struct peer *p;
        size_t n;
        struct mc_result *r;
        long lo, hi;

        if (!migration_range(ctx, &lo, &hi) || !rules_for_ports(ctx, fw, &s))
                return;
        if (!s.saved)
                caveat = live_caveat(fw);
        p = peers_of(ctx, &n, &missing);
        memo = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
        what = mc_strdup_printf("%ld-%ld/tcp", lo, hi);
        if (!s.saved && ruleset_open(&s) && !caveat && !missing) {
                r = mc_report(ctx, MC_PASS, "no filter rules and policy ACCEPT: every peer may connect to %s", what);
                mc_result_evidence(r, "firewall", 0, "source: %s", mc_json_str(fw, "source") ?: "?");
                peers_free(p, n);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                if (!p[i].egress)
                        p[i].lo = (uint16_t) lo, p[i].hi = (uint16_t) hi;
                else if (!peer_range(&p[i], lo, hi)) {
                        p[i].st = MC_SKIP;
                        p[i].text = mc_strdup("its qemu.conf's migration port range is invalid (see its "
                                              "qemu-migration-ports)");
                        continue;
                }
                if (ipv6_peer(&p[i]))
                        continue;
                _cleanup_free_ char *key = NULL;
                size_t same = eval_memo_find(memo, &s, &p[i], p[i].lo, p[i].hi, &key);

                if (same) {
                        /* p[i].res stays empty: only the worst peer's result is read
                         * afterwards, and a peer sharing an earlier evaluation is never
                         * worse than that earlier one. */
                        p[i].st = p[same - 1].st;
                        p[i].text = mc_strdup(p[same - 1].text);
                        p[i].brief = mc_strdup(p[same - 1].brief);
                        p[i].capped = p[same - 1].capped;
                        p[i].rep = same;
                } else {
                        if (!eval_peer(&s, dst, &p[i], p[i].lo, p[i].hi, &p[i].res)) {
                                p[i].st = MC_ERROR;
                                p[i].text = mc_strdup("cannot be evaluated");
                                continue;
                        }
                        unsigned open;

                        p[i].st = range_status(&p[i].res, p[i].lo, p[i].hi, &open);
                        p[i].text = spans_text(&s, &p[i].res, true);
                        p[i].brief = spans_brief(&s, &p[i].res);
                        if (open) {
                                char *b = mc_strdup_printf("%s: only %u ports open from the bottom of the range, so "
                                                           "only %u migrations at once can %s (%u copying "
                                                           "disks; libvirt takes the lowest free ports)",
                                                           p[i].brief ?: p[i].text, open, open,
                                                           p[i].egress ? "go out" : "come in", open / 2);
                                free(p[i].brief);
                                p[i].brief = b;
                                p[i].capped = true;
                        }
                        if (key)  /* NULL: a refusal evaluated again, its key already kept */
                                g_hash_table_insert(memo, TAKE_PTR(key), GSIZE_TO_POINTER(i + 1));
                }
        }
        r = report_peers(ctx, &s, p, n, "migration ports", missing, caveat);
        hint_worst(r, fw, &s, p, n, "migration ports", missing);
        peers_free(p, n);
}

/* ---- firewall-persistent ------------------------------------------------ */

/* Where live and saved rules disagree over lo..hi, as text; the worst
 * difference sets *st: live ACCEPT, saved refusal is a FAIL (the fix
 * vanishes at reboot), the reverse a WARN, an uncertain side a WARN. */
static char *diff_text(const struct ruleset *live, const struct ruleset *saved, const struct mc_fw_result *a,
                       const struct mc_fw_result *b, enum mc_status *st) {
        char *out = NULL;
        size_t i = 0, k = 0;

        while (i < a->n_spans && k < b->n_spans) {
                const struct mc_fw_span *x = &a->spans[i], *y = &b->spans[k];
                uint16_t lo = x->lo > y->lo ? x->lo : y->lo, hi = x->hi < y->hi ? x->hi : y->hi;
                const struct mc_fw_part *wx = mc_fw_span_worst(x), *wy = mc_fw_span_worst(y);
                enum mc_status sx = part_status(&wx->o), sy = part_status(&wy->o), d = MC_PASS;

                if (sx != sy) {
                        if (sx == MC_PASS && sy == MC_FAIL)
                                d = MC_FAIL;
                        else
                                d = MC_WARN;
                }
                if (d != MC_PASS && lo <= hi) {
                        _cleanup_free_ char *ports = ports_text(lo, hi), *tx = outcome_text(live, &wx->o),
                                            *ty = outcome_text(saved, &wy->o);
                        char *old = out;

                        out = mc_strdup_printf("%s%s%s: now %s; after a reboot %s", old ?: "", old ? "; " : "", ports, tx, ty);
                        free(old);
                        *st = mc_status_worse(*st, d);
                }
                if (x->hi <= y->hi)
                        i++;
                if (y->hi <= x->hi)
                        k++;
        }
        return out;
}

void mc_check_firewall_persistent(struct mc_check_ctx *ctx) {
        json_object *fw = mc_json_get(ctx->facts, "firewall"), *per = mc_json_get(fw, "persisted"), *restored;
        _cleanup_(ruleset_done) struct ruleset live = {}, saved = {};
        _cleanup_free_ char *err = NULL, *missing = NULL, *diffs = NULL, *loader = NULL;
        const char *dst = mc_node_address(ctx->cluster, ctx->node), *managed = mc_json_str(fw, "managed_by");
        const char *path = mc_json_str(per, "path") ?: "the saved rules", *state = mc_json_str(per, "state");
        enum mc_status st = MC_PASS;
        struct peer *p;
        size_t n;
        long lo = 49152, hi = 49215;
        bool have_range;
        struct mc_result *r;

        if (!fw) {
                mc_report(ctx, MC_ERROR, "the firewall was not collected");
                return;
        }
        if (!mc_json_bool(mc_json_get(ctx->facts, "collection"), "live", false)) {
                mc_report(ctx, MC_SKIP, "offline: only the saved rules are known, there are no live rules to compare them with");
                return;
        }
        if (managed) {
                mc_report(ctx, MC_SKIP, "%s manages the rules and restores its own configuration at boot, not %s", managed,
                          path);
                return;
        }
        if (mc_json_str(fw, "error")) {
                mc_report(ctx, MC_ERROR, "cannot read the live rules: %s", mc_json_str(fw, "error"));
                return;
        }
        if (load_live(fw, &live, &err) < 0 || load_saved(fw, &saved, &err) < 0) {
                r = mc_report(ctx, MC_ERROR, "cannot compare the live and saved rules: %s", err);
                if (state && streq(state, "error"))
                        mc_result_hint(r, "correct %s at the line named, or save the live rules over it: %s", path,
                                       save_command(fw));
                return;
        }
        have_range = mc_qemu_migration_range(ctx->facts, &lo, &hi) >= 0 && lo > 0 && hi <= 65535 && lo <= hi;
        p = peers_of(ctx, &n, &missing);
        for (size_t i = 0; i < n; i++) {
                struct {
                        uint16_t lo, hi;
                } ranges[2];
                size_t nr = 0;

                peer_port(ctx, &p[i]);
                if (p[i].addr && strchr(p[i].addr, ':'))
                        continue;  /* ip6tables: not collected */
                if (p[i].port)
                        ranges[nr].lo = ranges[nr].hi = (uint16_t) p[i].port, nr++;
                /* Egress: the peer's range, as firewall-migration-ports evaluates it. */
                if (have_range && !p[i].egress) {
                        ranges[nr].lo = (uint16_t) lo, ranges[nr].hi = (uint16_t) hi;
                        nr++;
                } else if (have_range && peer_range(&p[i], lo, hi)) {
                        ranges[nr].lo = p[i].lo, ranges[nr].hi = p[i].hi;
                        nr++;
                }
                _cleanup_free_ char *peer_diffs = NULL, *name = peer_name(&p[i]);

                for (size_t k = 0; k < nr; k++) {
                        struct mc_fw_result a = {}, b = {};
                        _cleanup_free_ char *d = NULL;

                        if (!eval_peer(&live, dst, &p[i], ranges[k].lo, ranges[k].hi, &a) ||
                            !eval_peer(&saved, dst, &p[i], ranges[k].lo, ranges[k].hi, &b)) {
                                st = mc_status_worse(st, MC_ERROR);
                                mc_fw_result_done(&a);
                                mc_fw_result_done(&b);
                                continue;
                        }
                        d = diff_text(&live, &saved, &a, &b, &st);
                        if (d) {
                                char *old = peer_diffs;
                                peer_diffs = mc_strdup_printf("%s%s%s", old ?: "", old ? "; " : "", d);
                                free(old);
                        }
                        mc_fw_result_done(&a);
                        mc_fw_result_done(&b);
                }
                if (peer_diffs) {
                        char *old = diffs;
                        diffs = mc_strdup_printf("%s%s%s %s: %s", old ?: "", old ? "; " : "", p[i].egress ? "egress to" : "from",
                                                 name, peer_diffs);
                        free(old);
                }
        }
        restored = mc_json_get(per, "restored_by");
        if (restored && json_object_is_type(restored, json_type_array) && json_object_array_length(restored) > 0)
                loader = mc_strdup_printf("restored at boot by %s",
                                          json_object_get_string(json_object_array_get_idx(restored, 0)));
        else
                loader = mc_strdup("no iptables.service or netfilter-persistent was found enabled to restore it at boot");

        if (missing)
                st = mc_status_worse(st, MC_ERROR);
        if (st == MC_PASS && state && streq(state, "absent"))
                /* Without saved rules a reboot filters nothing: the same only where the live rules accept. */
                r = mc_report(ctx, MC_PASS, "no saved rules (%s does not exist), and the live rules accept the libvirt "
                                            "port%s as a reboot without rules would",
                              path, have_range ? " and the migration ports" : "");
        else if (st == MC_PASS)
                r = mc_report(ctx, MC_PASS, "%s gives the same verdicts as the live rules for the libvirt port%s (%s)", path,
                              have_range ? " and the migration ports" : "", loader);
        else if (st == MC_FAIL) {
                r = mc_report(ctx, MC_FAIL, "a live ACCEPT vanishes at reboot: %s", diffs);
                mc_result_hint(r, "save the live rules so that they survive a reboot: %s", save_command(fw));
        } else if (diffs) {
                if (state && streq(state, "absent"))
                        r = mc_report(ctx, st, "no saved rules (%s does not exist): after a reboot nothing is filtered, "
                                               "unlike now: %s", path, diffs);
                else
                        r = mc_report(ctx, st, "the saved rules in %s differ from the live ones: %s", path, diffs);
                if (state && streq(state, "absent"))
                        mc_result_hint(r, "once the live rules are right, save them so that a reboot restores them: %s",
                                       save_command(fw));
                else
                        mc_result_hint(r, "make the live and saved rules agree: once the live rules are right, save them "
                                          "(%s), or load the saved ones (iptables-restore < %s)", save_command(fw), path);
        } else
                r = mc_report(ctx, st, "no address known for %s", missing ?: "a peer");
        mc_result_evidence(r, path, 0, "%s; %s", state ?: "?", loader);
        peers_free(p, n);
}

/* ---- firewall-backend --------------------------------------------------- */

void mc_check_firewall_backend(struct mc_check_ctx *ctx) {
        json_object *fw = mc_json_get(ctx->facts, "firewall"), *tables = mc_json_get(fw, "tables");
        const char *backend = mc_json_str(fw, "backend"), *managed = mc_json_str(fw, "managed_by");
        const char *evidence = mc_json_str(fw, "managed_evidence");
        _cleanup_free_ char *caveat = NULL;
        bool live = mc_json_bool(mc_json_get(ctx->facts, "collection"), "live", false);
        long lo = 49152, hi = 49215;
        unsigned port = 16509;
        struct mc_transport t;
        struct mc_result *r;

        if (!fw) {
                mc_report(ctx, MC_ERROR, "the firewall was not collected");
                return;
        }
        if (mc_migration_transport(ctx->facts, &t) >= 0 && t.port)
                port = t.port;
        if (mc_qemu_migration_range(ctx->facts, &lo, &hi) < 0)
                lo = 49152, hi = 49215;
        if (managed) {
                r = mc_report(ctx, MC_WARN, "%s manages the firewall%s%s%s: rules added with iptables are lost when it "
                                            "reloads, fixes must go through it",
                              managed, evidence ? " (" : "", evidence ?: "", evidence ? ")" : "");
                if (evidence)
                        mc_result_evidence(r, "firewall", 0, "%s", evidence);
                if (streq(managed, "firewalld"))
                        mc_result_hint(r, "firewall-cmd --permanent --add-port=%u/tcp --add-port=%ld-%ld/tcp && "
                                          "firewall-cmd --reload",
                                       port, lo, hi);
                else
                        mc_result_hint(r, "ufw allow proto tcp from PEER to any port %u; ufw allow proto tcp from PEER to "
                                          "any port %ld:%ld (for each peer's address)",
                                       port, lo, hi);
                return;
        }
        if (!live) {
                mc_report(ctx, MC_SKIP, "offline: which backend holds the live rules is not known");
                return;
        }
        if (mc_json_str(fw, "error")) {
                r = mc_report(ctx, MC_ERROR, "cannot read the firewall rules: %s", mc_json_str(fw, "error"));
                mc_result_hint(r, "run migcheck as root on the node (reading the filter table needs CAP_NET_ADMIN)");
                return;
        }
        caveat = live_caveat(fw);
        if (!backend) {
                mc_report(ctx, MC_ERROR, "the firewall backend is not known");
                return;
        }
        {
                int64_t nl = mc_json_int(mc_json_get(tables, "legacy"), "rules", 0);
                int64_t nn = mc_json_int(mc_json_get(tables, "nft"), "rules", 0);

                if (streq(backend, "both")) {
                        r = mc_report(ctx, MC_WARN, "both backends hold rules (legacy %" PRId64 ", nft %" PRId64 "): "
                                                    "iptables-legacy-save and iptables-nft-save each show half, and a "
                                                    "connection must pass both",
                                      nl, nn);
                        mc_result_hint(r, "keep one backend: move the legacy rules into nft (iptables-legacy-save | "
                                          "iptables-nft-restore --noflush) and flush the legacy table, or the reverse");
                } else if (caveat) {
                        r = mc_report(ctx, MC_WARN, "%s rules%s, but %s", backend,
                                      streq(backend, "none") ? " (none)" : "", caveat);
                } else if (streq(backend, "none"))
                        r = mc_report(ctx, MC_PASS, "no filter rules in either backend: nothing is filtered");
                else
                        r = mc_report(ctx, MC_PASS, "%s rules only (%" PRId64 " rules, read through %s), managed by hand",
                                      backend, streq(backend, "legacy") ? nl : nn, mc_json_str(fw, "source") ?: "?");
        }
        mc_result_evidence(r, "firewall", 0, "source: %s", mc_json_str(fw, "source") ?: "?");
}

/* ---- for the fixers ----------------------------------------------------- */

static void gap_add(struct mc_fw_gap **g, size_t *n, const struct peer *p, uint16_t lo, uint16_t hi, unsigned before,
                    const char *table) {
        /* Egress: one ACCEPT per peer, to its address only. */
        const char *to = p->egress ? p->addr : NULL;

        for (size_t i = 0; i < *n; i++)
                if ((*g)[i].lo == lo && (*g)[i].hi == hi && (*g)[i].hook == hook_of(p) && streq_ptr((*g)[i].dst, to)) {
                        /* 0 is "after every rule": any number is earlier. */
                        unsigned b = (*g)[i].before;
                        (*g)[i].before = b == 0 ? before : before == 0 ? b : b < before ? b : before;
                        return;
                }
        *g = mc_assert_alloc(reallocarray(*g, *n + 1, sizeof(**g)));
        (*g)[(*n)++] = (struct mc_fw_gap) {
                .lo = lo, .hi = hi, .before = before, .table = table, .hook = hook_of(p), .dst = to,
        };
}

int mc_firewall_gaps(const struct mc_cluster *c, const struct mc_node *n, enum mc_fw_ports ports, enum mc_fw_rules rules,
                     struct mc_fw_gap **ret, size_t *ret_n, char **ret_error) {
        /* The checks' own helpers, outside a run: a scratch of our own. */
        _cleanup_(mc_scratch_done) struct mc_scratch scratch = {};
        struct mc_check_ctx ctx = { .cluster = c, .node = n, .facts = n->facts, .scratch = &scratch };
        json_object *fw = mc_json_get(n->facts, "firewall");
        _cleanup_(ruleset_done) struct ruleset s = {};
        _cleanup_free_ char *missing = NULL;
        const char *dst = mc_node_address(c, n), *table;
        struct mc_fw_gap *g = NULL;
        size_t ng = 0, np = 0;
        unsigned n_rules[_MC_FW_HOOK_MAX] = {};
        long lo = 0, hi = 0, own_lo = 0, own_hi = 0;
        struct peer *p;
        int r;

        if (!fw) {
                *ret_error = mc_strdup("the firewall was not collected");
                return -ENOENT;
        }
        r = rules == MC_FW_RULES_SAVED ? load_saved(fw, &s, ret_error) : load_live(fw, &s, ret_error);
        if (r < 0)
                return r;
        if (s.n != 1) {
                *ret_error = mc_strdup("both backends hold rules: a connection must pass the legacy and the nft table, "
                                       "and migcheck does not choose which one to change (see firewall-backend)");
                return -EOPNOTSUPP;
        }
        /* A literal: the table's own label goes with it. */
        table = streq(mc_fw_table_policy(s.t[0])->table, "nft") ? "nft" : s.saved ? "saved" : "legacy";
        for (size_t h = 0; h < _MC_FW_HOOK_MAX; h++)
                while (mc_fw_table_hook_rule(s.t[0], h, n_rules[h] + 1))
                        n_rules[h]++;
        if (ports == MC_FW_PORTS_MIGRATION &&
            (mc_qemu_migration_range(n->facts, &own_lo, &own_hi) < 0 || own_lo <= 0 || own_hi > 65535 || own_lo > own_hi)) {
                *ret_error = mc_strdup("qemu.conf's migration port range is invalid (see qemu-migration-ports)");
                return -EINVAL;
        }
        p = peers_of(&ctx, &np, &missing);
        for (size_t i = 0; i < np; i++) {
                struct mc_fw_result res = {};

                if (p[i].addr && strchr(p[i].addr, ':'))
                        continue;  /* ip6tables: not collected, not fixed */
                if (ports == MC_FW_PORTS_LIBVIRT) {
                        peer_port(&ctx, &p[i]);
                        if (p[i].port == 0)
                                continue;
                        lo = hi = p[i].port;
                } else if (!p[i].egress)
                        lo = own_lo, hi = own_hi;
                else if (peer_range(&p[i], own_lo, own_hi))
                        lo = p[i].lo, hi = p[i].hi;
                else
                        continue;  /* the peer's own range is invalid: its qemu-migration-ports */
                if (!eval_peer(&s, dst, &p[i], (uint16_t) lo, (uint16_t) hi, &res)) {
                        *ret_error = mc_strdup("the rules cannot be evaluated");
                        peers_free(p, np);
                        free(g);
                        return -EINVAL;
                }
                for (size_t k = 0; k < res.n_spans; k++)
                        for (size_t j = 0; j < res.spans[k].n_parts; j++) {
                                const struct mc_fw_outcome *o = &res.spans[k].parts[j].o;

                                if (o->verdict != MC_FW_ACCEPT)
                                        gap_add(&g, &ng, &p[i], (uint16_t) lo, (uint16_t) hi, o->before, table);
                        }
                mc_fw_result_done(&res);
        }
        peers_free(p, np);
        for (size_t i = 0; i < ng; i++)
                g[i].n_rules = n_rules[g[i].hook];
        *ret = g;
        *ret_n = ng;
        return 0;
}
