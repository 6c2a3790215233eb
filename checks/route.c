/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* route-peer and mtu-consistent: the node as the migration source, from
 * the kernel's own route lookup towards each peer (net.routes, see
 * src/collect_net.c). One row per node, its status the worst over the
 * peers, one evidence line per peer written as `ip route get` would. */
#include <stdarg.h>
#include <string.h>

#include "checks.h"
#include "clauses.h"
#include "peers.h"
#include "pmtu.h"
#include "util.h"

/* Peers listed in a summary before "and N more": the evidence has them all. */




static json_object *link_of(json_object *net, int64_t ifindex) {
        json_object *links = mc_json_get(net, "links");

        if (!links || !json_object_is_type(links, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);

                if (mc_json_int(l, "ifindex", -1) == ifindex)
                        return l;
        }
        return NULL;
}

/* The route facts for peer p: by the name the coordinator passed, else (facts
 * loaded with --from name nodes by hostname) by one of p's addresses. */
static json_object *route_of(const struct mc_cluster *c, json_object *routes, const struct mc_node *p) {
        json_object *e = mc_json_get(routes, p->name);

        if (e || !routes || !json_object_is_type(routes, json_type_object))
                return e;
        json_object_object_foreach(routes, name, v) {
                (void) name;
                if (mc_node_has_address(c, p, mc_json_str(v, "address")))
                        return v;
        }
        return NULL;
}

/* Why a node has no network facts to read, or NULL when it has them. */
static const char *net_missing(json_object *facts) {
        if (mc_json_get(facts, "net"))
                return NULL;
        if (!mc_json_bool(mc_json_get(facts, "collection"), "live", false))
                return "network facts are collected live only";
        return "network facts were not collected";
}

enum verdict_kind {
        V_DIRECT,
        V_GATEWAY,
        V_LINK_DOWN,
        V_NO_ROUTE,
        V_LOCAL,
        V_NO_ADDRESS,
        V_NO_FACTS,
};

void mc_check_route_peer(struct mc_check_ctx *ctx) {
        json_object *net = mc_json_get(ctx->facts, "net"), *routes = mc_json_get(net, "routes");
        const char *why = net_missing(ctx->facts);
        struct mc_clauses bad = {}, good = {};
        enum mc_status st = MC_PASS;
        struct mc_result *r;
        /* Evidence and hints are added after the row exists: keep them per peer. */
        struct {
                const char *peer;
                char *evidence;
                enum verdict_kind kind;
                const char *dev, *gateway, *address;
        } *v = NULL;

        if (why) {
                mc_report(ctx, MC_SKIP, "%s", why);
                return;
        }
        if (mc_json_str(net, "error")) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: the network could not be read: %s", mc_json_str(net, "error"));
                mc_result_hint(r, "run 'migcheck collect' on the node as root and look at net.error");
                return;
        }
        if (ctx->cluster->n_nodes < 2) {
                mc_report(ctx, MC_SKIP, "no peers: routes are checked between two nodes or more");
                return;
        }
        v = mc_assert_alloc(calloc(ctx->cluster->n_nodes, sizeof(*v)));

        for (size_t i = 0; i < ctx->cluster->n_nodes; i++) {
                const struct mc_node *p = &ctx->cluster->nodes[i];
                json_object *e = p == ctx->node ? NULL : route_of(ctx->cluster, routes, p), *link;
                const char *addr, *dev, *gw, *src, *type, *err;
                enum mc_status s;

                if (p == ctx->node)
                        continue;
                v[i].peer = p->name;
                addr = mc_json_str(e, "address");
                dev = mc_json_str(e, "dev");
                gw = mc_json_str(e, "gateway");
                src = mc_json_str(e, "prefsrc");
                type = mc_json_str(e, "type");
                err = mc_json_str(e, "error");
                v[i].address = addr;
                v[i].dev = dev;
                v[i].gateway = gw;

                if (!e) {
                        s = MC_ERROR;
                        v[i].kind = V_NO_FACTS;
                        mc_clause_add(&bad, "no route facts for %s (not passed to this node as a peer)", p->name);
                        v[i].evidence = mc_strdup_printf("%s: not looked up", p->name);
                } else if (!addr) {
                        s = MC_ERROR;
                        v[i].kind = V_NO_ADDRESS;
                        mc_clause_add(&bad, "no address for %s: %s (see dns-resolution)", p->name,
                                   mc_json_str(e, "resolve_error") ?: "unknown");
                        v[i].evidence = mc_strdup_printf("%s: %s", p->name, mc_json_str(e, "resolve_error") ?: "no address");
                } else if (err) {
                        s = MC_FAIL;
                        v[i].kind = V_NO_ROUTE;
                        if (type)
                                mc_clause_add(&bad, "%s (%s) matches a%s %s route: '%s'", p->name, addr,
                                           streq(type, "unreachable") ? "n" : "", type, err);
                        else
                                mc_clause_add(&bad, "no route to %s (%s): '%s'", p->name, addr, err);
                        v[i].evidence = mc_strdup_printf("ip route get %s: RTNETLINK answers: %s", addr, err);
                } else if (!streq_ptr(type, "unicast")) {
                        s = MC_FAIL;
                        v[i].kind = streq_ptr(type, "local") ? V_LOCAL : V_NO_ROUTE;
                        if (streq_ptr(type, "local"))
                                mc_clause_add(&bad, "%s's address %s is this node's own", p->name, addr);
                        else
                                mc_clause_add(&bad, "%s (%s) matches a %s route", p->name, addr, type ?: "unknown");
                        v[i].evidence = mc_strdup_printf("ip route get %s: %s %s dev %s", addr, type ?: "?", addr, dev ?: "?");
                } else {
                        link = link_of(net, mc_json_int(e, "ifindex", -1));
                        const char *oper = mc_json_str(link, "operstate");
                        bool up = mc_json_bool(link, "up", true);
                        bool carrier = mc_json_bool(link, "carrier", true) && !mc_json_bool(e, "linkdown", false) &&
                                       !streq_ptr(oper, "down") && !streq_ptr(oper, "lowerlayerdown");

                        v[i].evidence = mc_strdup_printf("ip route get %s: %s%s%s dev %s%s%s mtu %" PRId64 "%s", addr, addr,
                                                         gw ? " via " : "", gw ?: "", dev ?: "?", src ? " src " : "",
                                                         src ?: "", mc_json_int(e, "mtu", -1),
                                                         mc_json_bool(e, "linkdown", false) ? " linkdown" : "");
                        if (!up || !carrier) {
                                s = MC_FAIL;
                                v[i].kind = V_LINK_DOWN;
                                mc_clause_add(&bad, "the route to %s (%s) leaves through %s, which is %s", p->name, addr,
                                           dev ?: "?", !up ? "down" : "without carrier");
                        } else if (gw) {
                                s = MC_WARN;
                                v[i].kind = V_GATEWAY;
                                mc_clause_add(&bad, "%s (%s) is reached through gateway %s on %s", p->name, addr, gw, dev ?: "?");
                        } else {
                                s = MC_PASS;
                                v[i].kind = V_DIRECT;
                                mc_clause_add(&good, "%s (%s) on %s from %s", p->name, addr, dev ?: "?", src ?: "?");
                        }
                }
                st = mc_status_worse(st, s);
        }

        r = mc_report_clauses(ctx, st, &bad, &good, "every peer is on-link", "on-link");

        bool hinted[V_NO_FACTS + 1] = {};
        for (size_t i = 0; i < ctx->cluster->n_nodes; i++) {
                if (!v[i].peer)
                        continue;
                mc_result_evidence(r, "netlink RTM_GETROUTE", 0, "%s", v[i].evidence);
                free(v[i].evidence);
                if (hinted[v[i].kind])
                        continue;
                hinted[v[i].kind] = true;
                switch (v[i].kind) {
                case V_NO_ROUTE:
                        mc_result_hint(r, "add a route to %s on this node (or remove the unreachable/prohibit/blackhole "
                                          "route that matches it), or correct the peer's address in the inventory",
                                       v[i].address);
                        break;
                case V_LINK_DOWN:
                        mc_result_hint(r, "bring %s up ('ip link set %s up') and check its cable or switch port: the "
                                          "route to %s leaves through it", v[i].dev, v[i].dev, v[i].peer);
                        break;
                case V_GATEWAY:
                        mc_result_hint(r, "migration works through a router if it forwards tcp/16509 (or 16514, 22) and "
                                          "the migration ports 49152-49215 both ways; the usual setup puts the nodes on "
                                          "one subnet, e.g. an address for %s on %s's network", v[i].peer, v[i].dev);
                        break;
                case V_LOCAL:
                        mc_result_hint(r, "%s's address %s is configured on this node: correct the inventory or remove "
                                          "the duplicate address", v[i].peer, v[i].address);
                        break;
                case V_NO_ADDRESS:
                        mc_result_hint(r, "make %s resolve on this node (/etc/hosts or DNS) or give its address in the "
                                          "inventory (-n NAME=ADDRESS)", v[i].peer);
                        break;
                case V_NO_FACTS:
                        mc_result_hint(r, "collect this node's facts with the coordinator ('migcheck -n ... ' passes "
                                          "--peer for every other node)");
                        break;
                case V_DIRECT:
                        break;
                }
        }
        free(v);
}

/* The MTU a node sends migration traffic with: its interface towards most
 * of its peers (net.peer_links[0], counted by the collector, so O(1) here). */
struct node_mtu {
        const char *node;
        int64_t mtu;    /* -1: unknown */
        const char *dev;
        bool mixed;     /* the node uses interfaces of different MTUs towards its peers */
};

static struct node_mtu node_mtu_of(const struct mc_node *n) {
        json_object *pl = mc_json_path(n->facts, "net", "peer_links", NULL);
        struct node_mtu m = { .node = n->name, .mtu = -1 };

        if (!pl || !json_object_is_type(pl, json_type_array) || json_object_array_length(pl) == 0)
                return m;
        m.mtu = mc_json_int(json_object_array_get_idx(pl, 0), "mtu", -1);
        m.dev = mc_json_str(json_object_array_get_idx(pl, 0), "dev");
        for (size_t i = 1; i < json_object_array_length(pl); i++)
                if (mc_json_int(json_object_array_get_idx(pl, i), "mtu", -1) != m.mtu)
                        m.mixed = true;
        return m;
}

/* What the path to one peer carries, against the frames both ends send. */
enum path_kind {
        P_CARRIES,     /* a don't-fragment echo of the endpoints' MTU was answered */
        P_SMALLER,     /* the kernel knows a smaller path MTU: a router said so, TCP adapts */
        P_BLACKHOLE,   /* answers up to a size below the endpoints' MTU, silence above */
        P_UNMEASURED,  /* no facts, no answer at all, or the search did not get that far */
        P_INVALID,     /* the facts are not what the collector writes */
};

struct path {
        enum path_kind kind;
        struct mc_pmtu m;
        int64_t need;  /* the frames both ends send: the smaller MTU */
        char *why;     /* P_UNMEASURED, P_INVALID */
};

static struct path path_to(const struct mc_cluster *c, json_object *pmtu, const struct mc_node *p, int64_t self,
                           int64_t peer) {
        json_object *e = route_of(c, pmtu, p);
        _cleanup_free_ char *where = mc_strdup_printf("net.pmtu.%s", p->name), *err = NULL;
        struct path x = { .kind = P_UNMEASURED, .need = peer > 0 && peer < self ? peer : self, .m.size = -1 };

        if (pmtu && !json_object_is_type(pmtu, json_type_object)) {
                x.kind = P_INVALID;
                x.why = mc_strdup("'net.pmtu' is not an object");
                return x;
        }
        if (!pmtu) {
                x.why = mc_strdup("no probe facts: collected offline or by a migcheck without the path-MTU probe");
                return x;
        }
        if (!e) {
                x.why = mc_strdup_printf("not probed (%s was not passed to this node as a peer)", p->name);
                return x;
        }
        if (mc_pmtu_read(e, where, &x.m, &err) < 0) {
                x.kind = P_INVALID;
                x.why = TAKE_PTR(err);
                return x;
        }
        /* The probe starts at this node's route MTU, which may be below its
         * peer_links MTU (a route's mtu): that is what it sends, too. */
        if (x.m.size > 0 && x.m.size < x.need)
                x.need = x.m.size;
        switch (x.m.result) {
        case MC_PMTU_REACHED:
                x.kind = P_CARRIES;
                break;
        case MC_PMTU_PARTIAL:
                if (x.m.largest >= x.need)
                        x.kind = P_CARRIES;
                else if (x.m.lost > 0 && x.m.lost <= x.need)
                        x.kind = P_BLACKHOLE;
                else
                        x.why = mc_strdup_printf("answers up to %" PRId64 " bytes; the search ended before %" PRId64,
                                                 x.m.largest, x.need);
                break;
        case MC_PMTU_EMSGSIZE:
                x.kind = x.m.largest >= x.need || x.m.path_mtu >= x.need ? P_CARRIES : P_SMALLER;
                break;
        case MC_PMTU_NO_ANSWER:
                x.why = mc_strdup_printf("no answer to an ICMP echo of any size within %" PRId64 " ms (ICMP filtered, "
                                         "or the peer is down)", x.m.deadline_ms);
                break;
        case MC_PMTU_ERROR:
        case MC_PMTU_NOT_PROBED:
        case _MC_PMTU_RESULT_MAX:
                x.why = mc_strdup_printf("%s: %s", x.m.result == MC_PMTU_ERROR ? "the probe failed" : "not probed",
                                         x.m.error ?: "no reason given");
                break;
        }
        return x;
}

static char *path_evidence(const struct mc_node *p, const struct path *x) {
        const struct mc_pmtu *m = &x->m;
        _cleanup_free_ char *largest = NULL, *lost = NULL, *kernel = NULL;

        if (x->kind == P_INVALID || m->size < 0)
                return mc_strdup_printf("%s: %s", p->name, x->why);
        if (m->largest > 0)
                largest = mc_strdup_printf(", largest answered %" PRId64, m->largest);
        if (m->lost > 0)
                lost = mc_strdup_printf(", none at %" PRId64, m->lost);
        if (m->path_mtu > 0)
                kernel = mc_strdup_printf(", the kernel's path mtu %" PRId64, m->path_mtu);
        return mc_strdup_printf("%s (%s): don't-fragment echo from %" PRId64 " bytes on %s: %s%s%s%s%s%s (%s, %" PRId64 " ms)",
                                p->name, m->address ?: "?", m->size, m->dev ?: "?", mc_pmtu_result_to_string(m->result),
                                largest ?: "", lost ?: "", kernel ?: "", m->error ? ": " : "", m->error ?: "",
                                m->method ?: "?", m->ms);
}

void mc_check_mtu_consistent(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        const char *why = net_missing(ctx->facts);
        struct node_mtu self;
        _cleanup_free_ struct node_mtu *all = NULL;
        /* Distinct MTUs, each with the nodes that have it: few values, n nodes. */
        _cleanup_free_ int64_t *values = NULL;
        _cleanup_free_ size_t *counts = NULL;
        _cleanup_free_ char *groups = NULL, *unknown = NULL;
        size_t n_values = 0, n_unknown = 0;
        json_object *pmtu = mc_json_path(ctx->facts, "net", "pmtu", NULL);
        _cleanup_free_ struct path *paths = NULL;
        struct mc_clauses fail = {}, warn = {}, unmeasured = {}, measured = {};
        enum mc_status st = MC_PASS;
        int64_t most_mtu;
        struct mc_result *r;

        if (why) {
                mc_report(ctx, MC_SKIP, "%s", why);
                return;
        }
        if (c->n_nodes < 2) {
                mc_report(ctx, MC_SKIP, "no peers: MTUs are compared between two nodes or more");
                return;
        }
        self = node_mtu_of(ctx->node);
        if (self.mtu < 0) {
                mc_report(ctx, MC_SKIP, "no route from this node to any peer on an interface (see route-peer)");
                return;
        }

        all = mc_assert_alloc(calloc(c->n_nodes, sizeof(*all)));
        values = mc_assert_alloc(calloc(c->n_nodes, sizeof(*values)));
        counts = mc_assert_alloc(calloc(c->n_nodes, sizeof(*counts)));
        for (size_t i = 0; i < c->n_nodes; i++) {
                size_t k;

                all[i] = c->nodes[i].facts ? node_mtu_of(&c->nodes[i]) : (struct node_mtu) { .node = c->nodes[i].name, .mtu = -1 };
                if (all[i].mtu < 0) {
                        char *n = mc_strdup_printf("%s%s%s", unknown ?: "", unknown ? ", " : "", all[i].node);
                        free(unknown);
                        unknown = n;
                        n_unknown++;
                        continue;
                }
                for (k = 0; k < n_values && values[k] != all[i].mtu; k++)
                        ;
                if (k == n_values)
                        values[n_values++] = all[i].mtu;
                counts[k]++;
        }
        /* "1400: c; 1500: a, b": every node named once, in cluster order per value. */
        for (size_t k = 0; k < n_values; k++) {
                _cleanup_free_ char *names = NULL;

                for (size_t i = 0; i < c->n_nodes; i++) {
                        if (all[i].mtu != values[k])
                                continue;
                        char *n = mc_strdup_printf("%s%s%s%s%s%s", names ?: "", names ? ", " : "", all[i].node,
                                                   all[i].dev ? " (" : "", all[i].dev ?: "", all[i].dev ? ")" : "");
                        free(names);
                        names = n;
                }
                char *g = mc_strdup_printf("%s%s%" PRId64 " on %s", groups ?: "", groups ? "; " : "", values[k], names);
                free(groups);
                groups = g;
        }

        {
                size_t most = 0;

                for (size_t k = 1; k < n_values; k++)
                        if (counts[k] > counts[most])
                                most = k;
                most_mtu = n_values ? values[most] : self.mtu;
        }

        /* Each peer's path, as this node (the source) sends to it. */
        paths = mc_assert_alloc(calloc(c->n_nodes, sizeof(*paths)));
        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *p = &c->nodes[i];
                struct path *x = &paths[i];
                bool differs;

                if (p == ctx->node)
                        continue;
                *x = path_to(c, pmtu, p, self.mtu, all[i].mtu);
                differs = all[i].mtu >= 0 && all[i].mtu != self.mtu;
                switch (x->kind) {
                case P_BLACKHOLE:
                        st = mc_status_worse(st, MC_FAIL);
                        mc_clause_add(&fail, "the path to %s drops don't-fragment frames over %" PRId64 " bytes without an "
                                      "icmp error (none answered at %" PRId64 "), below the %" PRId64 " both ends send",
                                      p->name, x->m.largest, x->m.lost, x->need);
                        break;
                case P_INVALID:
                        st = mc_status_worse(st, MC_ERROR);
                        mc_clause_add(&warn, "the probe facts for %s are not valid: %s", p->name, x->why);
                        break;
                case P_SMALLER:
                        st = mc_status_worse(st, MC_WARN);
                        mc_clause_add(&warn, "the path to %s has mtu %" PRId64 ", below the %" PRId64 " both ends send "
                                      "(a router reports it; tcp adapts)", p->name, x->m.path_mtu, x->need);
                        break;
                case P_UNMEASURED:
                        if (differs) {
                                st = mc_status_worse(st, MC_WARN);
                                mc_clause_add(&warn, "%s has mtu %" PRId64 ", this node %" PRId64 ", and the path could "
                                              "not be measured: %s", p->name, all[i].mtu, self.mtu, x->why);
                        } else
                                mc_clause_add(&unmeasured, "%s (%s)", p->name, x->why);
                        break;
                case P_CARRIES:
                        if (differs) {
                                st = mc_status_worse(st, MC_WARN);
                                mc_clause_add(&warn, "%s has mtu %" PRId64 ", this node %" PRId64 ": the path carries "
                                              "%" PRId64 " bytes (measured), so tcp's mss takes the smaller", p->name,
                                              all[i].mtu, self.mtu, x->m.largest >= x->need ? x->need : x->m.path_mtu);
                        } else
                                mc_clause_add(&measured, "%s", p->name);
                        break;
                }
        }
        if (self.mixed)
                st = mc_status_worse(st, MC_WARN);

        {
                _cleanup_free_ char *f = mc_clauses_text(&fail), *w = mc_clauses_text(&warn),
                                    *u = mc_clauses_text(&unmeasured), *m = mc_clauses_text(&measured);

                if (st == MC_FAIL)
                        r = mc_report(ctx, st, "%s%s%s", f, warn.n ? "; " : "", warn.n ? w : "");
                else if (warn.n)
                        r = mc_report(ctx, st, "%s", w);
                else if (st == MC_WARN)
                        r = mc_report(ctx, st, "this node reaches its peers through interfaces of different MTUs (%" PRId64
                                      " on %s for most)", self.mtu, self.dev ?: "?");
                else
                        r = mc_report(ctx, MC_PASS, "mtu %" PRId64 " on %s, as on every peer%s%s%s%s%s%s", self.mtu,
                                      self.dev ?: "?", n_unknown ? " whose network is known" : "",
                                      measured.n ? "; the path carries it to " : "", measured.n ? m : "",
                                      measured.n ? " (measured)" : "", unmeasured.n ? "; the path was not measured to " : "",
                                      unmeasured.n ? u : "");
        }
        switch (st) {
        case MC_FAIL:
                for (size_t i = 0; i < c->n_nodes; i++)
                        if (paths[i].kind == P_BLACKHOLE) {
                                mc_result_hint(r, "a switch port, router or tunnel between this node and %s has an MTU of "
                                                  "%" PRId64 " and drops larger frames without icmp 'fragmentation needed' "
                                                  "(or a firewall drops that icmp): the migration stream stalls; raise "
                                                  "its MTU to %" PRId64 ", or set the nodes' migration interfaces to %" PRId64
                                                  " ('ip link set %s mtu %" PRId64 "' and in the network configuration)",
                                               c->nodes[i].name, paths[i].m.largest, paths[i].need, paths[i].m.largest,
                                               self.dev ?: "DEV", paths[i].m.largest);
                                break;
                        }
                break;
        case MC_ERROR:
                mc_result_hint(r, "collect this node's facts again with 'migcheck collect --peer ...' (the facts were "
                                  "changed or damaged)");
                break;
        case MC_WARN:
                if (self.mixed && !warn.n)
                        mc_result_hint(r, "use one network, with one MTU, for migration traffic to every peer");
                else
                        mc_result_hint(r, "migration works across a measured path (tcp's mss follows the smaller MTU); "
                                          "for one MTU everywhere set %" PRId64 " ('ip link set DEV mtu %" PRId64 "', "
                                          "and the same in the distro's network configuration and on the switches); "
                                          "a path that was not measured needs ICMP echo allowed between the nodes and "
                                          "a live run as root ('migcheck -n ...')", most_mtu, most_mtu);
                break;
        default:
                break;
        }
        mc_clauses_done(&fail);
        mc_clauses_done(&warn);
        mc_clauses_done(&unmeasured);
        mc_clauses_done(&measured);

        if (n_values > 1)
                mc_result_evidence(r, "net.peer_links", 0, "interface MTUs: %s", groups);
        /* This node, and the nodes that differ from it. */
        for (size_t i = 0; i < c->n_nodes; i++)
                if (all[i].mtu >= 0 && (&c->nodes[i] == ctx->node || all[i].mtu != self.mtu))
                        mc_result_evidence(r, "net.peer_links", 0, "%s: mtu %" PRId64 " on %s%s", all[i].node, all[i].mtu,
                                           all[i].dev ?: "?", all[i].mixed ? " (other interfaces differ)" : "");
        if (unknown)
                mc_result_evidence(r, "net.peer_links", 0, "unknown (no live network facts): %s", unknown);
        for (size_t i = 0; i < c->n_nodes; i++) {
                _cleanup_free_ char *ev = NULL;

                if (&c->nodes[i] == ctx->node)
                        continue;
                if (pmtu) {
                        ev = path_evidence(&c->nodes[i], &paths[i]);
                        mc_result_evidence(r, "net.pmtu", 0, "%s", ev);
                }
                free(paths[i].why);
        }
}
