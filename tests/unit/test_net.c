/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network checks from facts: route-peer, mtu-consistent,
 * dns-resolution, reach-libvirt-port, and mc_node_address(). Each facts
 * fixture has the shapes src/collect_net.c, src/collect_probes.c and
 * src/collect_hosts.c write (tests/net/net-test runs the real collectors). */
#include <string.h>

#include "mc_test.h"
#include "peers.h"
#include "util.h"

/* Facts written with ' for " to stay readable. */
static struct mc_node *add(struct mc_cluster *c, const char *name, const char *quoted) {
        _cleanup_free_ char *json = mc_strdup(quoted);

        for (char *p = json; *p; p++)
                if (*p == '\'')
                        *p = '"';
        return cluster_add_json(c, name, json);
}

static void assert_summary_has(const struct mc_result *r, const char *part) {
        if (!strstr(r->summary, part))
                fail_msg("summary '%s' lacks '%s'", r->summary, part);
}

static void assert_hint_has(const struct mc_result *r, const char *part) {
        if (!r->hint || !strstr(r->hint, part))
                fail_msg("hint '%s' lacks '%s'", r->hint ?: "", part);
}

#define LIVE "'collection': {'root': '/', 'live': true}"
#define OFFLINE "'collection': {'root': 'tree', 'live': false}"
#define LINKS(mtu)                                                                                                      \
        "'links': [{'name': 'lo', 'ifindex': 1, 'mtu': 65536, 'operstate': 'unknown', 'up': true, 'carrier': true},"   \
        " {'name': 'eth0', 'ifindex': 2, 'mtu': " #mtu ", 'operstate': 'up', 'up': true, 'carrier': true},"             \
        " {'name': 'eth1', 'ifindex': 3, 'mtu': 1500, 'operstate': 'lowerlayerdown', 'up': true, 'carrier': false},"     \
        " {'name': 'eth2', 'ifindex': 4, 'mtu': 1500, 'operstate': 'down', 'up': false, 'carrier': false}]"
#define DIRECT(addr, src, mtu)                                                                                          \
        "{'address': '" addr "', 'address_source': 'peer', 'type': 'unicast', 'table': 254, 'ifindex': 2, 'dev': 'eth0'," \
        " 'prefsrc': '" src "', 'mtu': " #mtu ", 'linkdown': false, 'nexthops': 1}"
#define PROBE(peer, addr, result, err, errnum, ms)                                                                     \
        "{'peer': '" peer "', 'address': '" addr "', 'port': 16509, 'scheme': 'tcp', 'result': '" result "',"          \
        " 'errno': " #errnum ", 'error': '" err "', 'ms': " #ms "}"
#define PEER_LINKS(mtu) "'peer_links': [{'ifindex': 2, 'dev': 'eth0', 'mtu': " #mtu ", 'peers': 2}]"

/* --- route-peer ---------------------------------------------------------- */

static void test_route_offline_skips(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" OFFLINE "}");
        add(&c, "b", "{" OFFLINE "}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "a"), MC_SKIP, "network facts are collected live only");
        assert_row(row_of(&rs, "b"), MC_SKIP, "network facts are collected live only");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_route_direct_passes(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", " PEER_LINKS(1500) ", 'routes': {"
                     "'b': " DIRECT("10.98.0.2", "10.98.0.1", 1500) ", 'c': " DIRECT("10.98.0.3", "10.98.0.1", 1500) "}}}");
        add(&c, "b", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {}}}");
        add(&c, "c", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {}}}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "a"), MC_PASS, "b (10.98.0.2) on eth0 from 10.98.0.1");
        assert_summary_has(row_of(&rs, "a"), "c (10.98.0.3) on eth0 from 10.98.0.1");
        assert_evidence(row_of(&rs, "a"), "netlink RTM_GETROUTE", 0, "10.98.0.2 dev eth0 src 10.98.0.1");
        /* b was collected without peers: an error, never a pass. */
        assert_row(row_of(&rs, "b"), MC_ERROR, "no route facts for a");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_route_gateway_warns(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {"
                     "'b': " DIRECT("10.98.0.2", "10.98.0.1", 1500) ", "
                     "'c': {'address': '10.99.0.3', 'type': 'unicast', 'ifindex': 2, 'dev': 'eth0', 'gateway': '10.98.0.254',"
                     " 'prefsrc': '10.98.0.1', 'mtu': 1500}}}}");
        add(&c, "b", "{" OFFLINE "}");
        add(&c, "c", "{" OFFLINE "}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "c (10.99.0.3) is reached through gateway 10.98.0.254 on eth0");
        assert_summary_has(row_of(&rs, "a"), "on-link: b (10.98.0.2) on eth0");
        assert_evidence(row_of(&rs, "a"), "netlink RTM_GETROUTE", 0, "10.99.0.3 via 10.98.0.254 dev eth0");
        assert_hint_has(row_of(&rs, "a"), "through a router");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_route_missing_or_refused_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {"
                     "'b': {'address': '192.0.2.2', 'error': 'Network is unreachable', 'errno': 101},"
                     "'c': {'address': '10.98.3.1', 'error': 'No route to host', 'errno': 113, 'type': 'unreachable'},"
                     "'d': {'address': '10.98.2.1', 'error': 'Permission denied', 'errno': 13, 'type': 'prohibit'},"
                     "'e': {'address': '10.98.4.1', 'error': 'Invalid argument', 'errno': 22, 'type': 'blackhole'}}}}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        add(&c, "d", "{" LIVE "}");
        add(&c, "e", "{" LIVE "}");
        run_cluster_check(&c, "route-peer", &rs);
        const struct mc_result *r = row_of(&rs, "a");
        assert_row(r, MC_FAIL, "no route to b (192.0.2.2): 'Network is unreachable'");
        assert_summary_has(r, "c (10.98.3.1) matches an unreachable route: 'No route to host'");
        assert_summary_has(r, "d (10.98.2.1) matches a prohibit route");
        assert_summary_has(r, "e (10.98.4.1) matches a blackhole route");
        assert_evidence(r, "netlink RTM_GETROUTE", 0, "ip route get 192.0.2.2: RTNETLINK answers: Network is unreachable");
        assert_hint_has(r, "add a route to 192.0.2.2");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_route_link_down_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {"
                     "'b': {'address': '10.98.1.2', 'type': 'unicast', 'ifindex': 3, 'dev': 'eth1', 'prefsrc': '10.98.1.1',"
                     " 'mtu': 1500, 'linkdown': true},"
                     "'c': {'address': '10.98.5.3', 'type': 'unicast', 'ifindex': 4, 'dev': 'eth2', 'mtu': 1500}}}}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL, "the route to b (10.98.1.2) leaves through eth1, which is without carrier");
        assert_summary_has(row_of(&rs, "a"), "the route to c (10.98.5.3) leaves through eth2, which is down");
        assert_evidence(row_of(&rs, "a"), "netlink RTM_GETROUTE", 0, "dev eth1 src 10.98.1.1 mtu 1500 linkdown");
        assert_hint_has(row_of(&rs, "a"), "ip link set eth1 up");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_route_local_and_unresolved(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {"
                     "'b': {'address': '10.98.0.1', 'type': 'local', 'ifindex': 1, 'dev': 'lo', 'mtu': 65536},"
                     "'c': {'resolve_error': 'c does not resolve: Name or service not known'}}}}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        run_cluster_check(&c, "route-peer", &rs);
        /* FAIL outranks ERROR: the definite failure is the row's status, both are named. */
        assert_row(row_of(&rs, "a"), MC_FAIL, "b's address 10.98.0.1 is this node's own");
        assert_summary_has(row_of(&rs, "a"), "no address for c: c does not resolve");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_route_net_error_and_single_node(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {'error': 'netlink: Operation not permitted'}}");
        add(&c, "b", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {}}}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "a"), MC_ERROR, "netlink: Operation not permitted");
        mc_results_done(&rs);
        mc_cluster_done(&c);

        add(&c, "alone", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {}}}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "alone"), MC_SKIP, "no peers");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* --from names nodes by hostname; the coordinator had passed other names. */
static void test_peers_found_by_address(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "compute1", "{" LIVE ", 'net': {" LINKS(1500) ", 'routes': {'b': " DIRECT("10.98.0.2", "10.98.0.1", 1500) "}},"
                            " 'probes': [" PROBE("b", "10.98.0.2", "refused", "Connection refused", 111, 0) "]}");
        add(&c, "compute2", "{" LIVE ", 'net': {" LINKS(1500) ", 'addresses': [{'family': 'inet', 'local': '10.98.0.2',"
                            " 'prefixlen': 24, 'scope': 'global', 'ifindex': 2, 'ifname': 'eth0', 'secondary': false}]}}");
        run_cluster_check(&c, "route-peer", &rs);
        assert_row(row_of(&rs, "compute1"), MC_PASS, "compute2 (10.98.0.2) on eth0 from 10.98.0.1");
        mc_results_done(&rs);
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "compute1"), MC_FAIL, "nothing listens on compute2:16509");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* --- mtu-consistent ------------------------------------------------------- */

/* net.pmtu entries as src/collect_pmtu.c writes them (shapes from a run of
 * tests/net/pmtu-test: jumbo nodes behind a 1500 bridge port). */
#define PMTU(addr, size, result, extra)                                                                                 \
        "{'address': '" addr "', 'dev': 'eth0', 'size': " #size ", 'method': 'icmp-raw', 'result': '" result "'"     \
        extra ", 'ms': 753, 'rounds': 4, 'deadline_ms': 1000}"
#define NODE_PMTU(mtu, peer, entry) "{" LIVE ", 'net': {" LINKS(mtu) ", " PEER_LINKS(mtu) ", 'pmtu': {'" peer "': " entry "}}}"

static void test_mtu_same_unmeasured_passes(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(9000) ", " PEER_LINKS(9000) "}}");
        add(&c, "b", "{" LIVE ", 'net': {" LINKS(9000) ", " PEER_LINKS(9000) "}}");
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_PASS, "mtu 9000 on eth0, as on every peer; the path was not measured to b (no "
                                              "probe facts: collected offline or by a migcheck without the path-MTU probe)");
        assert_row(row_of(&rs, "b"), MC_PASS, "mtu 9000 on eth0");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_mtu_differs_unmeasured_warns(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", " PEER_LINKS(1500) "}}");
        add(&c, "b", "{" LIVE ", 'net': {" LINKS(1500) ", " PEER_LINKS(1500) "}}");
        add(&c, "c", "{" LIVE ", 'net': {" LINKS(1400) ", " PEER_LINKS(1400) "}}");
        add(&c, "d", "{" OFFLINE "}");
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "c has mtu 1400, this node 1500, and the path could not be measured: no probe facts");
        assert_row(row_of(&rs, "c"), MC_WARN, "a has mtu 1500, this node 1400, and the path could not be measured");
        assert_evidence(row_of(&rs, "a"), "net.peer_links", 0, "interface MTUs: 1500 on a (eth0), b (eth0); 1400 on c (eth0)");
        assert_evidence(row_of(&rs, "a"), "net.peer_links", 0, "c: mtu 1400 on eth0");
        assert_evidence(row_of(&rs, "a"), "net.peer_links", 0, "unknown (no live network facts): d");
        assert_hint_has(row_of(&rs, "c"), "set 1500");
        assert_hint_has(row_of(&rs, "c"), "ICMP echo allowed");
        assert_row(row_of(&rs, "d"), MC_SKIP, "network facts are collected live only");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_mtu_blackhole_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", NODE_PMTU(9000, "b", PMTU("10.97.0.2", 9000, "partial", ", 'largest': 1500, 'lost': 1501")));
        add(&c, "b", NODE_PMTU(9000, "a", PMTU("10.97.0.1", 9000, "reached", ", 'largest': 9000")));
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL, "the path to b drops don't-fragment frames over 1500 bytes without an icmp "
                                              "error (none answered at 1501), below the 9000 both ends send");
        assert_evidence(row_of(&rs, "a"), "net.pmtu", 0, "b (10.97.0.2): don't-fragment echo from 9000 bytes on eth0: "
                                                         "partial, largest answered 1500, none at 1501 (icmp-raw, 753 ms)");
        assert_hint_has(row_of(&rs, "a"), "has an MTU of 1500 and drops larger frames");
        /* The way back carries 9000: each row is its own node's paths. */
        assert_row(row_of(&rs, "b"), MC_PASS, "mtu 9000 on eth0, as on every peer; the path carries it to a (measured)");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* The search may end before it narrowed down to one byte: a loss at or
 * below the endpoints' MTU is still a blackhole, a gap around it is not known. */
static void test_mtu_search_bounds(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", NODE_PMTU(9000, "b", PMTU("10.97.0.2", 9000, "partial", ", 'largest': 1500, 'lost': 4352")));
        add(&c, "b", NODE_PMTU(9000, "a", PMTU("10.97.0.1", 9000, "partial", ", 'largest': 1500")));
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL, "over 1500 bytes without an icmp error (none answered at 4352)");
        assert_row(row_of(&rs, "b"), MC_PASS, "the path was not measured to a (answers up to 1500 bytes; the search "
                                              "ended before 9000)");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_mtu_mismatch_carried_warns(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        /* veth (and many NICs) take 4 bytes over the MTU for a VLAN tag: 1504. */
        add(&c, "a", NODE_PMTU(9000, "b", PMTU("10.97.0.2", 9000, "partial", ", 'largest': 1504, 'lost': 1505")));
        add(&c, "b", NODE_PMTU(1500, "a", PMTU("10.97.0.1", 1500, "reached", ", 'largest': 1500")));
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "b has mtu 1500, this node 9000: the path carries 1500 bytes (measured), so "
                                              "tcp's mss takes the smaller");
        assert_row(row_of(&rs, "b"), MC_WARN, "a has mtu 9000, this node 1500: the path carries 1500 bytes (measured)");
        assert_hint_has(row_of(&rs, "a"), "migration works across a measured path");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_mtu_no_answer(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", NODE_PMTU(9000, "b", PMTU("10.97.0.2", 9000, "no-answer", ", 'lost': 576")));
        add(&c, "b", NODE_PMTU(1500, "a", PMTU("10.97.0.1", 1500, "no-answer", ", 'lost': 576")));
        add(&c, "c", NODE_PMTU(9000, "a", PMTU("10.97.0.1", 9000, "no-answer", ", 'lost': 576")));
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "b has mtu 1500, this node 9000, and the path could not be measured: no "
                                              "answer to an ICMP echo of any size within 1000 ms");
        assert_evidence(row_of(&rs, "a"), "net.pmtu", 0, "b (10.97.0.2): don't-fragment echo from 9000 bytes on eth0: "
                                                         "no-answer, none at 576 (icmp-raw, 753 ms)");
        /* c has no facts for b: passed no --peer for it. */
        assert_row(row_of(&rs, "c"), MC_WARN, "b has mtu 1500, this node 9000, and the path could not be measured: not "
                                              "probed (b was not passed to this node as a peer)");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_mtu_emsgsize(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", NODE_PMTU(1500, "b", PMTU("10.97.0.2", 1500, "emsgsize", ", 'largest': 1400, 'lost': 1401, 'path_mtu': 1400")));
        add(&c, "b", NODE_PMTU(1500, "a", PMTU("10.97.0.1", 1500, "emsgsize", ", 'largest': 1500, 'path_mtu': 1500")));
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "the path to b has mtu 1400, below the 1500 both ends send (a router reports "
                                              "it; tcp adapts)");
        assert_row(row_of(&rs, "b"), MC_PASS, "the path carries it to a (measured)");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* Facts are hostile: a size the probe could not have sent decides nothing. */
static void test_mtu_invalid_probe_facts(void **state) {
        static const struct {
                const char *entry, *error;
        } cases[] = {
                { PMTU("10.97.0.2", 9000, "partial", ", 'largest': 12000"), "'net.pmtu.b.largest' is not an integer from 1 to size (9000)" },
                { PMTU("10.97.0.2", 9000, "partial", ", 'largest': 1500, 'lost': 1500"), "'net.pmtu.b.lost' is not an integer above largest" },
                { PMTU("10.97.0.2", 9000, "fine", ""), "'net.pmtu.b.result' is 'fine', not one of reached" },
                { PMTU("10.97.0.2", 70000, "reached", ", 'largest': 70000"), "'net.pmtu.b.size' is not an integer from 68 to 65535" },
                { PMTU("10.97.0.2", '9000', "reached", ", 'largest': 9000"), "'net.pmtu.b.size' is not an integer" },
                { PMTU("10.97.0.2", 9000, "reached", ", 'largest': 1500"), "'net.pmtu.b' is 'reached' but 'largest' is not 'size'" },
                { PMTU("10.97.0.2", 9000, "no-answer", ", 'largest': 1500"), "'net.pmtu.b' is 'no-answer' with 'largest'" },
                { "'reached'", "'net.pmtu.b' is not an object" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct mc_cluster c = {};
                struct mc_results rs = {};
                _cleanup_free_ char *a = mc_strdup_printf(NODE_PMTU(9000, "b", "%s"), cases[i].entry);

                add(&c, "a", a);
                add(&c, "b", NODE_PMTU(9000, "a", PMTU("10.97.0.1", 9000, "reached", ", 'largest': 9000")));
                run_cluster_check(&c, "mtu-consistent", &rs);
                assert_row(row_of(&rs, "a"), MC_ERROR, cases[i].error);
                assert_hint_has(row_of(&rs, "a"), "collect this node's facts again");
                mc_results_done(&rs);
                mc_cluster_done(&c);
        }
        {
                struct mc_cluster c = {};
                struct mc_results rs = {};

                add(&c, "a", "{" LIVE ", 'net': {" LINKS(9000) ", " PEER_LINKS(9000) ", 'pmtu': []}}");
                add(&c, "b", "{" LIVE ", 'net': {" LINKS(9000) ", " PEER_LINKS(9000) "}}");
                run_cluster_check(&c, "mtu-consistent", &rs);
                assert_row(row_of(&rs, "a"), MC_ERROR, "the probe facts for b are not valid: 'net.pmtu' is not an object");
                mc_results_done(&rs);
                mc_cluster_done(&c);
        }
}

static void test_mtu_mixed_interfaces_warns(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'net': {" LINKS(1500) ", 'peer_links': [{'ifindex': 2, 'dev': 'eth0', 'mtu': 1500, 'peers': 1},"
                     " {'ifindex': 5, 'dev': 'eth5', 'mtu': 9000, 'peers': 1}]}}");
        add(&c, "b", "{" LIVE ", 'net': {" LINKS(1500) ", " PEER_LINKS(1500) "}}");
        run_cluster_check(&c, "mtu-consistent", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "interfaces of different MTUs");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* --- dns-resolution ------------------------------------------------------- */

#define HOSTS_B(addr) "'hosts': {'path': '/etc/hosts', 'state': 'ok', 'entries': [" \
        "{'address': '127.0.0.1', 'names': ['localhost'], 'line': 1}, {'address': '" addr "', 'names': ['b.example.org', 'b'], 'line': 3}]}"

static void test_dns_offline_skips(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" OFFLINE ", " HOSTS_B("10.98.0.2") "}");
        add(&c, "b", "{" OFFLINE "}");
        run_cluster_check(&c, "dns-resolution", &rs);
        assert_row(row_of(&rs, "a"), MC_SKIP, "collected live only");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_dns_forward_and_reverse_pass(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", " HOSTS_B("10.98.0.2") ", 'resolve': {'b': {'addresses': ['10.98.0.2'], 'canonical': 'b.example.org'}},"
                     " 'net': {'reverse': {'10.98.0.2': {'name': 'b.example.org'}}}}");
        add(&c, "b", "{" LIVE "}")->address = mc_strdup("10.98.0.2");
        run_cluster_check(&c, "dns-resolution", &rs);
        assert_row(row_of(&rs, "a"), MC_PASS, "b -> 10.98.0.2 -> b.example.org");
        assert_evidence(row_of(&rs, "a"), "nss", 0, "getnameinfo(10.98.0.2): b.example.org");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_dns_not_resolving_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'resolve': {'b': {'addresses': [], 'error': 'Name or service not known'},"
                     " 'c': {'addresses': ['127.0.1.1']}}, 'net': {'reverse': {}}}");
        add(&c, "b", "{" LIVE "}")->address = mc_strdup("10.98.0.2");
        add(&c, "c", "{" LIVE "}");
        run_cluster_check(&c, "dns-resolution", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL, "b does not resolve: 'Name or service not known'");
        assert_summary_has(row_of(&rs, "a"), "c resolves to loopback only (127.0.1.1)");
        assert_hint_has(row_of(&rs, "a"), "Unable to resolve address");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_dns_wrong_address_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'resolve': {'b': {'addresses': ['192.168.1.2']}},"
                     " 'net': {'reverse': {'192.168.1.2': {'name': 'b'}}}}");
        add(&c, "b", "{" LIVE "}")->address = mc_strdup("10.98.0.2");
        run_cluster_check(&c, "dns-resolution", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL, "b resolves to 192.168.1.2, not to its address 10.98.0.2");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_dns_reverse_mismatch_warns(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'resolve': {'b': {'addresses': ['10.98.0.2']}, 'c': {'addresses': ['10.98.0.3']},"
                     " 'd': {'addresses': ['10.98.0.4']}},"
                     " 'net': {'reverse': {'10.98.0.2': {'name': 'oldname.example.org'},"
                     " '10.98.0.3': {'error': 'Name or service not known'}, '10.98.0.4': {'name': 'D.example.org.'}}}}");
        add(&c, "b", "{" LIVE "}")->address = mc_strdup("10.98.0.2");
        add(&c, "c", "{" LIVE "}")->address = mc_strdup("10.98.0.3");
        add(&c, "d", "{" LIVE "}")->address = mc_strdup("10.98.0.4");
        run_cluster_check(&c, "dns-resolution", &rs);
        const struct mc_result *r = row_of(&rs, "a");
        assert_row(r, MC_WARN, "b's address 10.98.0.2 reverses to 'oldname.example.org', not to b");
        assert_summary_has(r, "c (10.98.0.3) has no reverse name: 'Name or service not known'");
        /* d: the short name matches the FQDN's first label, any case, trailing dot. */
        if (strstr(r->summary, "d's address"))
                fail_msg("d reported: %s", r->summary);
        assert_hint_has(r, "PTR record");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_dns_hosts_disagrees_warns(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        /* NSS answered from DNS; this node's /etc/hosts says otherwise. */
        add(&c, "a", "{" LIVE ", " HOSTS_B("10.98.7.7") ", 'resolve': {'b': {'addresses': ['10.98.0.2']}},"
                     " 'net': {'reverse': {'10.98.0.2': {'name': 'b'}}}}");
        add(&c, "b", "{" LIVE "}")->address = mc_strdup("10.98.0.2");
        run_cluster_check(&c, "dns-resolution", &rs);
        assert_row(row_of(&rs, "a"), MC_WARN, "/etc/hosts:3 maps b to 10.98.7.7, but nss answers 10.98.0.2");
        assert_hint_has(row_of(&rs, "a"), "nsswitch.conf");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_dns_without_reverse_facts(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        /* --only hosts-*: resolve collected, net not: forward alone decides. */
        add(&c, "a", "{" LIVE ", 'resolve': {'b': {'addresses': ['10.98.0.2']}}}");
        add(&c, "b", "{" LIVE "}")->address = mc_strdup("10.98.0.2");
        run_cluster_check(&c, "dns-resolution", &rs);
        assert_row(row_of(&rs, "a"), MC_PASS, "every peer resolves to its address: b -> 10.98.0.2");
        assert_evidence(row_of(&rs, "a"), "nss", 0, "reverse lookups not collected");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* --- reach-libvirt-port -------------------------------------------------- */


static void test_reach_offline_skips(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" OFFLINE "}");
        add(&c, "b", "{" OFFLINE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "a"), MC_SKIP, "connection probes are run live only");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_reach_connected_passes(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [{'peer': 'b', 'address': '10.98.0.2', 'port': 16509, 'scheme': 'tcp',"
                     " 'result': 'connected', 'errno': 0, 'ms': 0}]}");
        add(&c, "b", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "a"), MC_PASS, "every peer's libvirt port accepts a connection: b:16509");
        assert_evidence(row_of(&rs, "a"), "connect(2)", 0, "connect 10.98.0.2:16509 (b): connected, errno 0");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_reach_refused_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [" PROBE("b", "10.98.0.2", "refused", "Connection refused", 111, 0) "]}");
        add(&c, "b", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL,
                   "nothing listens on b:16509 (see libvirtd-listen and libvirtd-startup on b)");
        assert_hint_has(row_of(&rs, "a"), "listen on tcp/16509 on b");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_reach_reject_with_route_fails(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [" PROBE("b", "10.98.0.2", "no-route", "No route to host", 113, 1) "],"
                     " 'net': {" LINKS(1500) ", 'routes': {'b': " DIRECT("10.98.0.2", "10.98.0.1", 1500) "}}}");
        add(&c, "b", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        /* a's own rules were not collected: its OUTPUT may be the REJECT. */
        assert_row(row_of(&rs, "a"), MC_FAIL,
                   "a REJECT --reject-with icmp-host-prohibited on b or in this node's OUTPUT chain: b:16509 answers "
                   "'No route to host' although a route exists");
        assert_evidence(row_of(&rs, "a"), "connect(2)", 0, "'No route to host', errno 113");
        assert_hint_has(row_of(&rs, "a"), "or on this node before the REJECT in OUTPUT");
        mc_results_done(&rs);
        mc_cluster_done(&c);

        /* a's OUTPUT is empty with policy ACCEPT: the REJECT is b's. */
        add(&c, "a", "{" LIVE ", 'probes': [" PROBE("b", "10.98.0.2", "no-route", "No route to host", 113, 1) "],"
                     " 'firewall': {'filter': {'chains': {'OUTPUT': {'policy': 'ACCEPT', 'rules': []}}}},"
                     " 'net': {" LINKS(1500) ", 'routes': {'b': " DIRECT("10.98.0.2", "10.98.0.1", 1500) "}}}");
        add(&c, "b", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL,
                   "a REJECT --reject-with icmp-host-prohibited on b: b:16509 answers 'No route to host' although a route exists");
        assert_hint_has(row_of(&rs, "a"), "before the REJECT in INPUT, e.g. 'iptables -I INPUT -p tcp --dport 16509 -j "
                                          "ACCEPT' (see firewall-libvirt-port on b)");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_reach_no_route_is_the_route(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [" PROBE("b", "10.98.3.2", "no-route", "No route to host", 113, 0) ", "
                     PROBE("c", "192.0.2.3", "net-unreachable", "Network is unreachable", 101, 0) "],"
                     " 'net': {'routes': {'b': {'address': '10.98.3.2', 'error': 'No route to host', 'errno': 113,"
                     " 'type': 'unreachable'}, 'c': {'address': '192.0.2.3', 'error': 'Network is unreachable', 'errno': 101}}}}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        const struct mc_result *r = row_of(&rs, "a");
        assert_row(r, MC_FAIL, "no route to b (10.98.3.2:16509 'No route to host', see route-peer)");
        assert_summary_has(r, "no route to c (192.0.2.3:16509 'Network is unreachable', see route-peer)");
        if (strstr(r->summary, "REJECT"))
                fail_msg("an unreachable route read as a REJECT: %s", r->summary);
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_reach_timeout_is_a_drop(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [{'peer': 'b', 'address': '10.98.0.2', 'port': 16509, 'scheme': 'tcp',"
                     " 'result': 'timeout', 'errno': 110, 'error': 'Connection timed out', 'ms': 3000, 'deadline_ms': 3000},"
                     PROBE("c", "10.98.0.3", "connected", "", 0, 0) "]}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL,
                   "a DROP on b: b:16509 did not answer within 3000 ms: a real migration hangs for minutes");
        assert_summary_has(row_of(&rs, "a"), "(connected: c:16509)");
        assert_hint_has(row_of(&rs, "a"), "before the DROP");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* A timeout or "no route to host" behind a gateway or a dead link: the route's
 * facts say where to look. */
static void test_reach_uses_the_route(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [" PROBE("b", "10.99.0.2", "timeout", "Connection timed out", 110, 3000) ", "
                     PROBE("c", "10.98.1.3", "timeout", "Connection timed out", 110, 3000) ", "
                     PROBE("d", "10.98.1.4", "no-route", "No route to host", 113, 2990) "],"
                     " 'net': {" LINKS(1500) ", 'routes': {"
                     "'b': {'address': '10.99.0.2', 'type': 'unicast', 'ifindex': 2, 'dev': 'eth0', 'gateway': '10.98.0.254'},"
                     "'c': {'address': '10.98.1.3', 'type': 'unicast', 'ifindex': 3, 'dev': 'eth1'},"
                     "'d': {'address': '10.98.1.4', 'type': 'unicast', 'ifindex': 3, 'dev': 'eth1'}}}}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        add(&c, "d", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        const struct mc_result *r = row_of(&rs, "a");
        assert_row(r, MC_FAIL, "a DROP on b (or on gateway 10.98.0.254 or beyond): b:16509 did not answer");
        assert_summary_has(r, "c:16509 did not answer within 3000 ms: the route leaves through eth1, which is down");
        assert_summary_has(r, "d:16509 'No route to host': the route leaves through eth1, which is down");
        if (strstr(r->summary, "REJECT") || strstr(r->summary, "DROP on c"))
                fail_msg("a dead link read as a firewall: %s", r->summary);
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_reach_ssh_and_missing_probe(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        add(&c, "a", "{" LIVE ", 'probes': [{'peer': 'b', 'address': '10.98.0.2', 'port': 22, 'scheme': 'ssh',"
                     " 'result': 'refused', 'errno': 111, 'error': 'Connection refused', 'ms': 0}]}");
        add(&c, "b", "{" LIVE "}");
        add(&c, "c", "{" LIVE "}");
        run_cluster_check(&c, "reach-libvirt-port", &rs);
        assert_row(row_of(&rs, "a"), MC_FAIL, "nothing listens on b:22 (sshd, for qemu+ssh)");
        assert_summary_has(row_of(&rs, "a"), "c was not probed");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* --- mc_node_address ------------------------------------------------------ */

static void test_node_address_sources(void **state) {
        struct mc_cluster c = {};

        /* 1. the inventory; 2. a numeric name; 3. the coordinator's --peer in any node's facts. */
        add(&c, "a", "{'peers': [{'name': 'b'}, {'name': 'c', 'address': '10.98.0.3'}, {'name': '10.98.0.4'}, {'name': 'e'}]}")
                ->address = mc_strdup("10.98.0.1");
        /* 4. what the others resolve e to: b and c say 10.98.0.5 (c lists a loopback first), a says 10.98.9.9. */
        add(&c, "b", "{'resolve': {'e': {'addresses': ['10.98.0.5']}}}");
        add(&c, "c", "{'resolve': {'e': {'addresses': ['127.0.1.1', '10.98.0.5']}}}");
        add(&c, "10.98.0.4", "{" LIVE "}");
        add(&c, "e", "{" LIVE "}");
        add(&c, "f", "{'resolve': {'e': {'addresses': ['10.98.9.9']}}}");
        add(&c, "g", "{'resolve': {'g': {'addresses': ['10.98.0.7']}}}");

        assert_string_equal(mc_node_address(&c, &c.nodes[0]), "10.98.0.1");
        assert_null(mc_node_address(&c, &c.nodes[1]));
        assert_string_equal(mc_node_address(&c, &c.nodes[2]), "10.98.0.3");
        assert_string_equal(mc_node_address(&c, &c.nodes[3]), "10.98.0.4");
        assert_string_equal(mc_node_address(&c, &c.nodes[4]), "10.98.0.5");
        /* A node's own resolution of itself has no vote. */
        assert_null(mc_node_address(&c, &c.nodes[6]));
        mc_cluster_done(&c);
}

static void test_host_name_matches(void **state) {
        assert_true(mc_host_name_matches("compute2", "compute2"));
        assert_true(mc_host_name_matches("compute2", "COMPUTE2.example.org"));
        assert_true(mc_host_name_matches("compute2.example.org.", "compute2"));
        assert_true(mc_host_name_matches("compute2.example.org", "compute2.example.org."));
        assert_false(mc_host_name_matches("compute2.a.org", "compute2.b.org"));
        assert_false(mc_host_name_matches("compute2", "compute22.example.org"));
        assert_false(mc_host_name_matches("compute", "compute2"));
        assert_false(mc_host_name_matches("", "x"));
        assert_true(mc_address_is_loopback("127.0.1.1"));
        assert_true(mc_address_is_loopback("::1"));
        assert_false(mc_address_is_loopback("10.0.0.1"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_route_offline_skips),
                cmocka_unit_test(test_route_direct_passes),
                cmocka_unit_test(test_route_gateway_warns),
                cmocka_unit_test(test_route_missing_or_refused_fails),
                cmocka_unit_test(test_route_link_down_fails),
                cmocka_unit_test(test_route_local_and_unresolved),
                cmocka_unit_test(test_route_net_error_and_single_node),
                cmocka_unit_test(test_peers_found_by_address),
                cmocka_unit_test(test_mtu_same_unmeasured_passes),
                cmocka_unit_test(test_mtu_differs_unmeasured_warns),
                cmocka_unit_test(test_mtu_blackhole_fails),
                cmocka_unit_test(test_mtu_search_bounds),
                cmocka_unit_test(test_mtu_mismatch_carried_warns),
                cmocka_unit_test(test_mtu_no_answer),
                cmocka_unit_test(test_mtu_emsgsize),
                cmocka_unit_test(test_mtu_invalid_probe_facts),
                cmocka_unit_test(test_mtu_mixed_interfaces_warns),
                cmocka_unit_test(test_dns_offline_skips),
                cmocka_unit_test(test_dns_forward_and_reverse_pass),
                cmocka_unit_test(test_dns_not_resolving_fails),
                cmocka_unit_test(test_dns_wrong_address_fails),
                cmocka_unit_test(test_dns_reverse_mismatch_warns),
                cmocka_unit_test(test_dns_hosts_disagrees_warns),
                cmocka_unit_test(test_dns_without_reverse_facts),
                cmocka_unit_test(test_reach_offline_skips),
                cmocka_unit_test(test_reach_connected_passes),
                cmocka_unit_test(test_reach_refused_fails),
                cmocka_unit_test(test_reach_reject_with_route_fails),
                cmocka_unit_test(test_reach_no_route_is_the_route),
                cmocka_unit_test(test_reach_timeout_is_a_drop),
                cmocka_unit_test(test_reach_uses_the_route),
                cmocka_unit_test(test_reach_ssh_and_missing_probe),
                cmocka_unit_test(test_node_address_sources),
                cmocka_unit_test(test_host_name_matches),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
