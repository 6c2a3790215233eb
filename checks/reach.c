/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* reach-libvirt-port: the node as the migration source, from its own TCP
 * connects to each peer's libvirt port (facts.probes, src/collect_probes.c).
 * Each outcome is what the source's libvirtd will meet, translated into
 * its cause (nova-libvirt-facts.md section 5):
 *   connected        PASS
 *   refused          nothing listens: libvirtd without --listen / socket unit
 *   no-route         with a route: REJECT --reject-with icmp-host-prohibited on
 *                    the peer, or in this node's OUTPUT (the same errno: named
 *                    unless this node's OUTPUT is known to be empty) ("unable to
 *                    connect to server at 'PEER:16509': No route to host");
 *                    without one: the route (route-peer)
 *   net-unreachable  no route from this node (route-peer)
 *   timeout          a DROP: libvirt's blocking connect waits ~130 s, the
 *                    migration hangs for minutes before failing */
#include <stdarg.h>
#include <string.h>

#include "checks.h"
#include "clauses.h"
#include "peers.h"
#include "util.h"





/* Whether this node's own OUTPUT can refuse a connect: a REJECT there
 * answers the source's connect with the same 'No route to host' as one in
 * the peer's INPUT, so the probe alone cannot tell where it was. */
static bool output_filters(json_object *facts) {
        json_object *out = mc_json_path(facts, "firewall", "filter", "chains", "OUTPUT", NULL);
        json_object *rules = mc_json_get(out, "rules");
        const char *policy = mc_json_str(out, "policy");

        if (!out)
                return true;    /* not collected: either place */
        return (policy && !streq(policy, "ACCEPT")) ||
               (rules && json_object_is_type(rules, json_type_array) && json_object_array_length(rules) > 0);
}

static int probe_cmp(const void *a, const void *b) {
        const char *x = mc_json_str(*(json_object *const *) a, "peer"), *y = mc_json_str(*(json_object *const *) b, "peer");

        return strcmp(x ?: "", y ?: "");
}

/* The probe of peer, by binary search over probes sorted by peer name. */
static json_object *probe_of(json_object **sorted, size_t n, const char *peer) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int k = strcmp(mc_json_str(sorted[mid], "peer") ?: "", peer);

                if (k == 0)
                        return sorted[mid];
                if (k < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

/* What this node's route lookup said about peer (net.routes, route-peer's facts). */
enum route_state {
        R_UNKNOWN,    /* net facts not collected */
        R_NONE,       /* no route, or an unreachable/prohibit/blackhole/local one */
        R_LINK_DOWN,  /* a route through an interface that is down or without carrier */
        R_GATEWAY,
        R_DIRECT,
};

static enum route_state route_state(json_object *facts, const char *peer, const char *addr, const char **ret_detail) {
        json_object *net = mc_json_get(facts, "net"), *e = mc_json_path(net, "routes", peer, NULL);
        json_object *routes = mc_json_get(net, "routes");
        json_object *links = mc_json_get(net, "links");
        int64_t ifindex;

        *ret_detail = NULL;
        /* Facts loaded with --from name nodes by hostname: match the probe's address. */
        if (!e && addr && routes && json_object_is_type(routes, json_type_object)) {
                json_object_object_foreach(routes, name, v) {
                        (void) name;
                        if (!e && streq_ptr(mc_json_str(v, "address"), addr))
                                e = v;
                }
        }
        if (!e || !mc_json_str(e, "address"))
                return R_UNKNOWN;
        ifindex = mc_json_int(e, "ifindex", -1);
        if (mc_json_str(e, "error") || !streq_ptr(mc_json_str(e, "type"), "unicast"))
                return R_NONE;
        for (size_t i = 0; links && json_object_is_type(links, json_type_array) && i < json_object_array_length(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);

                if (mc_json_int(l, "ifindex", -2) == ifindex &&
                    (!mc_json_bool(l, "up", true) || !mc_json_bool(l, "carrier", true))) {
                        *ret_detail = mc_json_str(e, "dev");
                        return R_LINK_DOWN;
                }
        }
        if (mc_json_bool(e, "linkdown", false)) {
                *ret_detail = mc_json_str(e, "dev");
                return R_LINK_DOWN;
        }
        if ((*ret_detail = mc_json_str(e, "gateway")))
                return R_GATEWAY;
        *ret_detail = mc_json_str(e, "dev");
        return R_DIRECT;
}

enum cause {
        C_REFUSED,
        C_REJECT,
        C_DROP,
        C_ROUTE,
        C_LOCAL_DENY,
        C_RESOLVE,
        _C_MAX,
};

void mc_check_reach_libvirt_port(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        json_object *probes = mc_json_get(ctx->facts, "probes");
        _cleanup_free_ json_object **sorted = NULL;
        struct mc_clauses bad = {}, good = {};
        enum mc_status st = MC_PASS;
        bool seen[_C_MAX] = {}, own_output = false;
        const char *example[_C_MAX] = {};
        int64_t example_port[_C_MAX] = {};
        struct mc_result *r;
        char **ev;
        size_t n;

        if (!probes || !json_object_is_type(probes, json_type_array)) {
                mc_report(ctx, MC_SKIP, "%s", mc_json_bool(mc_json_get(ctx->facts, "collection"), "live", false)
                                                      ? "connection probes were not run"
                                                      : "connection probes are run live only");
                return;
        }
        if (c->n_nodes < 2) {
                mc_report(ctx, MC_SKIP, "no peers: connections are probed between two nodes or more");
                return;
        }
        n = json_object_array_length(probes);
        sorted = mc_assert_alloc(calloc(n + 1, sizeof(*sorted)));
        for (size_t i = 0; i < n; i++)
                sorted[i] = json_object_array_get_idx(probes, i);
        qsort(sorted, n, sizeof(*sorted), probe_cmp);
        ev = mc_assert_alloc(calloc(c->n_nodes, sizeof(*ev)));

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *p = &c->nodes[i];
                json_object *pr;
                const char *result, *addr, *err;
                int64_t port, ms, errnum;
                enum mc_status s = MC_FAIL;
                enum cause cause = _C_MAX;
                enum route_state route;
                const char *detail;

                if (p == ctx->node)
                        continue;
                pr = probe_of(sorted, n, p->name);
                /* Facts loaded with --from name nodes by hostname: match p's addresses. */
                for (size_t k = 0; k < n && !pr; k++)
                        if (mc_node_has_address(c, p, mc_json_str(sorted[k], "address")))
                                pr = sorted[k];
                if (!pr) {
                        st = mc_status_worse(st, MC_ERROR);
                        mc_clause_add(&bad, "%s was not probed (not passed to this node as a peer)", p->name);
                        continue;
                }
                result = mc_json_str(pr, "result") ?: "?";
                addr = mc_json_str(pr, "address");
                route = route_state(ctx->facts, mc_json_str(pr, "peer") ?: p->name, addr, &detail);
                err = mc_json_str(pr, "error");
                port = mc_json_int(pr, "port", 0);
                ms = mc_json_int(pr, "ms", -1);
                errnum = mc_json_int(pr, "errno", 0);
                ev[i] = mc_strdup_printf("connect %s:%" PRId64 " (%s): %s%s%s%s", addr ?: p->name, port, p->name, result,
                                         err ? " '" : "", err ?: "", err ? "'" : "");
                if (ms >= 0) {
                        char *x = mc_strdup_printf("%s, errno %" PRId64 ", %" PRId64 " ms", ev[i], errnum, ms);
                        free(ev[i]);
                        ev[i] = x;
                }

                if (streq(result, "connected")) {
                        s = MC_PASS;
                        mc_clause_add(&good, "%s:%" PRId64, p->name, port);
                } else if (streq(result, "refused")) {
                        cause = C_REFUSED;
                        if (port == 22)
                                mc_clause_add(&bad, "nothing listens on %s:%" PRId64 " (sshd, for qemu+ssh)", p->name, port);
                        else
                                mc_clause_add(&bad, "nothing listens on %s:%" PRId64 " (see libvirtd-listen and libvirtd-startup on %s)",
                                         p->name, port, p->name);
                } else if (streq(result, "no-route")) {
                        if (route == R_NONE) {
                                cause = C_ROUTE;
                                mc_clause_add(&bad, "no route to %s (%s:%" PRId64 " 'No route to host', see route-peer)", p->name,
                                         addr ?: "?", port);
                        } else if (route == R_LINK_DOWN) {
                                /* The neighbour (ARP/NDP) never answered on a dead link. */
                                cause = C_ROUTE;
                                mc_clause_add(&bad, "%s:%" PRId64 " 'No route to host': the route leaves through %s, which is "
                                         "down (see route-peer)", p->name, port, detail ?: "?");
                        } else {
                                cause = C_REJECT;
                                own_output |= output_filters(ctx->facts);
                                mc_clause_add(&bad, "a REJECT --reject-with icmp-host-prohibited on %s%s: %s:%" PRId64
                                         " answers 'No route to host'%s%s%s", p->name,
                                         output_filters(ctx->facts) ? " or in this node's OUTPUT chain" : "", p->name, port,
                                         route == R_UNKNOWN ? " (or no route: routes not collected)" : " although a route exists",
                                         route == R_GATEWAY ? ", through gateway " : "", route == R_GATEWAY ? detail : "");
                        }
                } else if (streq(result, "net-unreachable")) {
                        cause = C_ROUTE;
                        mc_clause_add(&bad, "no route to %s (%s:%" PRId64 " 'Network is unreachable', see route-peer)", p->name,
                                 addr ?: "?", port);
                } else if (streq(result, "timeout") && route == R_LINK_DOWN) {
                        cause = C_ROUTE;
                        mc_clause_add(&bad, "%s:%" PRId64 " did not answer within %" PRId64 " ms: the route leaves through %s, "
                                 "which is down (see route-peer)", p->name, port, mc_json_int(pr, "deadline_ms", ms),
                                 detail ?: "?");
                } else if (streq(result, "timeout")) {
                        cause = C_DROP;
                        mc_clause_add(&bad, "a DROP on %s%s%s%s: %s:%" PRId64 " did not answer within %" PRId64
                                 " ms: a real migration hangs for minutes", p->name,
                                 route == R_GATEWAY ? " (or on gateway " : "", route == R_GATEWAY ? detail : "",
                                 route == R_GATEWAY ? " or beyond)" : "", p->name, port, mc_json_int(pr, "deadline_ms", ms));
                } else if (streq(result, "unresolved")) {
                        cause = C_RESOLVE;
                        mc_clause_add(&bad, "%s has no address here: %s (see dns-resolution)", p->name, err ?: "?");
                } else if (streq(result, "not-probed")) {
                        s = MC_ERROR;
                        mc_clause_add(&bad, "%s was not probed: %s", p->name, err ?: "?");
                } else if (errnum == EACCES || errnum == EPERM) {
                        /* Refused before leaving: a prohibit route or this node's OUTPUT chain. */
                        cause = C_LOCAL_DENY;
                        mc_clause_add(&bad, "this node refuses its own connect to %s:%" PRId64 ": '%s' (a prohibit route, "
                                 "see route-peer, or an OUTPUT rule)", p->name, port, err ?: "?");
                } else
                        mc_clause_add(&bad, "connect to %s:%" PRId64 " failed: '%s'", p->name, port, err ?: result);

                if (cause != _C_MAX && !seen[cause]) {
                        seen[cause] = true;
                        example[cause] = p->name;
                        example_port[cause] = port;
                }
                st = mc_status_worse(st, s);
        }

        r = mc_report_clauses(ctx, st, &bad, &good, "every peer's libvirt port accepts a connection", "connected");
        for (size_t i = 0; i < c->n_nodes; i++) {
                if (!ev[i])
                        continue;
                mc_result_evidence(r, "connect(2)", 0, "%s", ev[i]);
                free(ev[i]);
        }
        free(ev);

        if (seen[C_REFUSED] && example_port[C_REFUSED] == 22)
                mc_result_hint(r, "start sshd on %s, or use a migration scheme its libvirtd serves", example[C_REFUSED]);
        else if (seen[C_REFUSED])
                mc_result_hint(r, "make libvirtd (or virtproxyd) listen on tcp/%" PRId64 " on %s: see the libvirtd-listen "
                                  "and libvirtd-startup rows of that node", example_port[C_REFUSED], example[C_REFUSED]);
        if (seen[C_REJECT])
                mc_result_hint(r, "on %s, accept tcp/%" PRId64 " from this node before the REJECT in INPUT, e.g. 'iptables "
                                  "-I INPUT -p tcp --dport %" PRId64 " -j ACCEPT'%s (see firewall-libvirt-port on %s%s)",
                               example[C_REJECT], example_port[C_REJECT], example_port[C_REJECT],
                               own_output ? ", or on this node before the REJECT in OUTPUT" : "", example[C_REJECT],
                               own_output ? " and on this node" : "");
        if (seen[C_DROP])
                mc_result_hint(r, "on %s, accept tcp/%" PRId64 " from this node before the DROP (see firewall-libvirt-port "
                                  "on %s); a firewall between the nodes may drop it too",
                               example[C_DROP], example_port[C_DROP], example[C_DROP]);
        if (seen[C_ROUTE])
                mc_result_hint(r, "add a route from this node to %s (see route-peer)", example[C_ROUTE]);
        if (seen[C_LOCAL_DENY])
                mc_result_hint(r, "remove the prohibit route or the OUTPUT rule on this node that refuses tcp/%" PRId64,
                               example_port[C_LOCAL_DENY]);
        if (seen[C_RESOLVE])
                mc_result_hint(r, "make %s resolve on this node or give its address in the inventory (-n NAME=ADDRESS)",
                               example[C_RESOLVE]);
}
