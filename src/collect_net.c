/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node's network as its kernel sees it, through rtnetlink (libnl-route):
 * links, addresses, and for each peer the kernel's own route lookup, the
 * one a connect() would get. Then reverse DNS of the peers' addresses.
 *
 *   net.links[]      {name, ifindex, mtu, operstate, up, carrier, kind?, master?}
 *   net.addresses[]  {family, local, prefixlen, scope, ifindex, ifname, secondary}
 *   net.routes{PEER} {address, address_source, resolved?, type, table, ifindex, dev, gateway?, prefsrc?,
 *                     mtu, route_mtu?, prefix?, linkdown, nexthops}
 *                  | {address, address_source, error, errno, type?}   (the lookup failed)
 *                  | {resolve_error}                                   (no address for the peer)
 *   net.peer_links[] {ifindex, dev, mtu, peers}: the interfaces towards the peers, most used first
 *   net.reverse{ADDR} {name} | {error}
 *
 * Live only: a tree has no kernel. */
#include "collect.h"
#include "collect_net.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <string.h>

#include "facts.h"
#include "lookup.h"
#include "util.h"

static inline void nl_socket_freep(struct nl_sock **s) {
        if (*s)
                nl_socket_free(*s);
}
static inline void nl_cache_freep(struct nl_cache **c) {
        if (*c)
                nl_cache_free(*c);
}
static inline void nl_cb_putp(struct nl_cb **cb) {
        if (*cb)
                nl_cb_put(*cb);
}
static inline void nlmsg_freep(struct nl_msg **m) {
        if (*m)
                nlmsg_free(*m);
}
static inline void rtnl_route_putp(struct rtnl_route **r) {
        if (*r)
                rtnl_route_put(*r);
}

bool mc_is_numeric_address(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];

        return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

/* An nl_addr as a plain numeric address, without libnl's "/prefixlen". */
static bool addr_str(struct nl_addr *a, char *buf, size_t len) {
        int fam = a ? nl_addr_get_family(a) : AF_UNSPEC;

        if (fam != AF_INET && fam != AF_INET6)
                return false;
        if (nl_addr_get_len(a) != (fam == AF_INET ? 4u : 16u))
                return false;
        return inet_ntop(fam, nl_addr_get_binary_addr(a), buf, (socklen_t) len) != NULL;
}

/* The first usable address of a "resolve" entry: strings, or objects
 * with an "address" member, whichever the hosts collector records. */
static const char *resolve_first(json_object *entry) {
        json_object *a = mc_json_get(entry, "addresses");

        if (!a || !json_object_is_type(a, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *e = json_object_array_get_idx(a, i);
                const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e)
                                                                          : mc_json_str(e, "address");

                if (mc_is_numeric_address(s))
                        return s;
        }
        return NULL;
}

void mc_peer_targets(json_object *facts, struct mc_peer_target **ret, size_t *ret_n) {
        json_object *peers = mc_json_get(facts, "peers");
        size_t n = peers && json_object_is_type(peers, json_type_array) ? json_object_array_length(peers) : 0;
        struct mc_peer_target *t = mc_assert_alloc(calloc(n + 1, sizeof(*t)));
        _cleanup_free_ struct mc_lookup *l = mc_assert_alloc(calloc(n + 1, sizeof(*l)));
        _cleanup_free_ size_t *which = mc_assert_alloc(calloc(n + 1, sizeof(*which)));
        size_t k = 0, m = 0;

        for (size_t i = 0; i < n; i++) {
                json_object *p = json_object_array_get_idx(peers, i);
                const char *name = mc_json_str(p, "name"), *given, *a;
                json_object *route, *res;

                if (!name)
                        continue;
                t[k].name = name;
                route = mc_json_path(facts, "net", "routes", name, NULL);
                res = mc_json_path(facts, "resolve", name, NULL);
                given = mc_json_str(p, "address");
                if (given && mc_is_numeric_address(given)) {
                        t[k].address = mc_strdup(given);
                        t[k].source = "peer";
                } else if (mc_is_numeric_address(name)) {
                        t[k].address = mc_strdup(name);
                        t[k].source = "peer";
                } else if ((a = mc_json_str(route, "address"))) {
                        /* The net collector already chose; the probes use the same address. */
                        t[k].address = mc_strdup(a);
                        t[k].source = "net";
                } else if (res && !given) {
                        if ((a = resolve_first(res))) {
                                t[k].address = mc_strdup(a);
                                t[k].source = "resolve";
                        } else
                                t[k].error = mc_strdup_printf("'%s' does not resolve: %s", name,
                                                              mc_json_str(res, "error") ?: "no address");
                } else if (mc_json_str(route, "resolve_error"))
                        t[k].error = mc_strdup(mc_json_str(route, "resolve_error"));
                else {
                        /* An inventory address may be a name (an ssh target): that is what is
                         * connected to. AI_ADDRCONFIG as libvirt's virNetSocketNewConnectTCP. */
                        l[m] = (struct mc_lookup) { .kind = MC_LOOKUP_FORWARD, .query = given ?: name, .ai_flags = AI_ADDRCONFIG };
                        which[m++] = k;
                }
                k++;
        }

        /* Only names the hosts collector did not look up (it runs for the hosts
         * and dns checks only) and inventory addresses that are names. */
        if (m > 0 && mc_lookup_run(l, m, MC_NET_FORWARD_DEADLINE_MS) < 0)
                for (size_t i = 0; i < m; i++)
                        l[i].done = false;
        for (size_t i = 0; i < m; i++) {
                struct mc_peer_target *x = &t[which[i]];

                x->source = "getaddrinfo";
                if (l[i].done && l[i].gai_error == 0 && l[i].addresses) {
                        x->address = mc_strdup(l[i].addresses[0]);
                        x->resolved = TAKE_PTR(l[i].addresses);
                } else {
                        _cleanup_free_ char *why = mc_lookup_error(&l[i], MC_NET_FORWARD_DEADLINE_MS);
                        x->error = mc_strdup_printf("'%s' does not resolve: %s", l[i].query, why);
                }
        }
        mc_lookup_done(l, m);
        *ret = t;
        *ret_n = k;
}

void mc_peer_targets_free(struct mc_peer_target *t, size_t n) {
        if (!t)
                return;
        for (size_t i = 0; i < n; i++) {
                free(t[i].address);
                strv_free(t[i].resolved);
                free(t[i].error);
        }
        free(t);
}

static void collect_links(struct nl_cache *links, json_object *net) {
        json_object *arr = json_object_new_array();

        for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
                struct rtnl_link *l = (struct rtnl_link *) o;
                json_object *e = json_object_new_object();
                char buf[64];
                unsigned flags = rtnl_link_get_flags(l);

                json_object_object_add(e, "name", json_object_new_string(rtnl_link_get_name(l) ?: ""));
                json_object_object_add(e, "ifindex", json_object_new_int(rtnl_link_get_ifindex(l)));
                json_object_object_add(e, "mtu", json_object_new_int64(rtnl_link_get_mtu(l)));
                json_object_object_add(e, "operstate", json_object_new_string(
                        rtnl_link_operstate2str(rtnl_link_get_operstate(l), buf, sizeof(buf))));
                json_object_object_add(e, "up", json_object_new_boolean(flags & IFF_UP));
                json_object_object_add(e, "carrier", json_object_new_boolean(rtnl_link_get_carrier(l)));
                if (rtnl_link_get_type(l))
                        json_object_object_add(e, "kind", json_object_new_string(rtnl_link_get_type(l)));
                if (rtnl_link_get_master(l) > 0)
                        json_object_object_add(e, "master", json_object_new_int(rtnl_link_get_master(l)));
                json_object_array_add(arr, e);
        }
        json_object_object_add(net, "links", arr);
}

static void collect_addresses(struct nl_cache *addrs, struct nl_cache *links, json_object *net) {
        json_object *arr = json_object_new_array();

        for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
                struct rtnl_addr *a = (struct rtnl_addr *) o;
                int fam = rtnl_addr_get_family(a);
                char local[INET6_ADDRSTRLEN], scope[32], ifname[IF_NAMESIZE + 1];
                json_object *e;

                if ((fam != AF_INET && fam != AF_INET6) || !addr_str(rtnl_addr_get_local(a), local, sizeof(local)))
                        continue;
                e = json_object_new_object();
                json_object_object_add(e, "family", json_object_new_string(fam == AF_INET ? "inet" : "inet6"));
                json_object_object_add(e, "local", json_object_new_string(local));
                json_object_object_add(e, "prefixlen", json_object_new_int(rtnl_addr_get_prefixlen(a)));
                json_object_object_add(e, "scope", json_object_new_string(
                        rtnl_scope2str(rtnl_addr_get_scope(a), scope, sizeof(scope))));
                json_object_object_add(e, "ifindex", json_object_new_int(rtnl_addr_get_ifindex(a)));
                if (rtnl_link_i2name(links, rtnl_addr_get_ifindex(a), ifname, sizeof(ifname)))
                        json_object_object_add(e, "ifname", json_object_new_string(ifname));
                json_object_object_add(e, "secondary",
                                       json_object_new_boolean(rtnl_addr_get_flags(a) & IFA_F_SECONDARY));
                json_object_array_add(arr, e);
        }
        json_object_object_add(net, "addresses", arr);
}

struct route_reply {
        struct rtnl_route *route;
        int error;  /* negative errno from the kernel's NLMSG_ERROR */
        bool acked;
};

static int on_valid(struct nl_msg *msg, void *userdata) {
        struct route_reply *rr = userdata;
        struct nlmsghdr *h = nlmsg_hdr(msg);

        if (h->nlmsg_type == RTM_NEWROUTE && !rr->route)
                if (rtnl_route_parse(h, &rr->route) < 0)
                        rr->route = NULL;
        return NL_OK;
}

/* libnl folds ENETUNREACH and friends into NLE_FAILURE: keep the kernel's errno. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *userdata) {
        struct route_reply *rr = userdata;

        rr->error = e->error;
        return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *userdata) {
        struct route_reply *rr = userdata;

        rr->acked = true;
        return NL_STOP;
}

/* RTM_GETROUTE for one destination, the lookup `ip route get` does. The
 * request asks for an ACK and the loop reads until it (or the error) came:
 * a reply left unread would answer the next lookup. */
static int route_get(struct nl_sock *sk, int fam, const void *dst, unsigned flags, struct rtnl_route **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        _cleanup_(nl_cb_putp) struct nl_cb *cb = NULL, *sk_cb = NULL;
        struct rtmsg rtm = {
                .rtm_family = (unsigned char) fam,
                .rtm_dst_len = fam == AF_INET ? 32 : 128,
                .rtm_flags = flags,
        };
        struct route_reply rr = {};
        int r;

        m = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_ACK);
        if (!m)
                return -ENOMEM;
        if (nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
            nla_put(m, RTA_DST, fam == AF_INET ? 4 : 16, dst) < 0)
                return -ENOMEM;
        /* nl_socket_get_cb() takes a reference of its own. */
        sk_cb = nl_socket_get_cb(sk);
        cb = sk_cb ? nl_cb_clone(sk_cb) : NULL;
        if (!cb)
                return -ENOMEM;
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &rr);
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &rr);
        nl_cb_err(cb, NL_CB_CUSTOM, on_error, &rr);
        r = nl_send_auto(sk, m);
        if (r < 0)
                return -EIO;
        while (!rr.acked && rr.error == 0) {
                r = nl_recvmsgs(sk, cb);
                if (r < 0 && rr.error == 0) {
                        rr.error = -EIO;
                        break;
                }
        }
        if (rr.error < 0) {
                if (rr.route)
                        rtnl_route_put(rr.route);
                return rr.error;
        }
        if (!rr.route)
                return -ENODATA;
        *ret = rr.route;
        return 0;
}

/* The kernel refuses a lookup that matches an unreachable, prohibit or
 * blackhole route with that route's errno (fib_props[] in net/ipv4/fib_semantics.c). */
static const char *type_of_errno(int err) {
        switch (err) {
        case EHOSTUNREACH:
                return "unreachable";
        case EACCES:
                return "prohibit";
        case EINVAL:
                return "blackhole";
        case EAGAIN:
                return "throw";
        default:
                return NULL;  /* ENETUNREACH: no route at all */
        }
}

struct peer_link {
        int ifindex;
        char dev[IF_NAMESIZE + 1];
        int64_t mtu;
        unsigned peers;
};

static json_object *route_entry(struct nl_sock *sk, struct nl_cache *links, const struct mc_peer_target *t,
                                struct peer_link *pl, size_t *n_pl) {
        _cleanup_(rtnl_route_putp) struct rtnl_route *route = NULL, *fib = NULL;
        json_object *e = json_object_new_object();
        bool linkdown = false;
        unsigned char bin[sizeof(struct in6_addr)];
        int fam, r;

        if (!t->address) {
                json_object_object_add(e, "resolve_error", json_object_new_string(t->error ?: "no address"));
                return e;
        }
        json_object_object_add(e, "address", json_object_new_string(t->address));
        json_object_object_add(e, "address_source", json_object_new_string(t->source));
        if (t->resolved) {
                json_object *all = json_object_new_array();

                for (char **a = t->resolved; *a; a++)
                        json_object_array_add(all, json_object_new_string(*a));
                json_object_object_add(e, "resolved", all);
        }
        fam = inet_pton(AF_INET, t->address, bin) == 1 ? AF_INET : AF_INET6;
        if (fam == AF_INET6 && inet_pton(AF_INET6, t->address, bin) != 1) {
                json_object_object_add(e, "error", json_object_new_string("not a numeric address"));
                return e;
        }

        r = route_get(sk, fam, bin, 0, &route);
        if (r < 0) {
                const char *type = type_of_errno(-r);

                json_object_object_add(e, "error", json_object_new_string(strerror(-r)));
                json_object_object_add(e, "errno", json_object_new_int(-r));
                if (type)
                        json_object_object_add(e, "type", json_object_new_string(type));
                return e;
        }

        {
                struct rtnl_nexthop *nh = rtnl_route_get_nnexthops(route) > 0 ? rtnl_route_nexthop_n(route, 0) : NULL;
                int ifindex = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
                struct rtnl_link *link = ifindex > 0 ? rtnl_link_get(links, ifindex) : NULL;
                char buf[INET6_ADDRSTRLEN], type[32];
                uint32_t metric;
                int64_t mtu = link ? (int64_t) rtnl_link_get_mtu(link) : -1;

                json_object_object_add(e, "type", json_object_new_string(
                        nl_rtntype2str(rtnl_route_get_type(route), type, sizeof(type))));
                json_object_object_add(e, "table", json_object_new_int64(rtnl_route_get_table(route)));
                if (ifindex > 0)
                        json_object_object_add(e, "ifindex", json_object_new_int(ifindex));
                if (link)
                        json_object_object_add(e, "dev", json_object_new_string(rtnl_link_get_name(link)));
                if (nh && addr_str(rtnl_route_nh_get_gateway(nh), buf, sizeof(buf)))
                        json_object_object_add(e, "gateway", json_object_new_string(buf));
                if (addr_str(rtnl_route_get_pref_src(route), buf, sizeof(buf)))
                        json_object_object_add(e, "prefsrc", json_object_new_string(buf));
                if (mtu >= 0)
                        json_object_object_add(e, "mtu", json_object_new_int64(mtu));
                /* A route's own mtu, or a learnt path MTU, lowers the link's. */
                if (rtnl_route_get_metric(route, RTAX_MTU, &metric) == 0 && metric > 0)
                        json_object_object_add(e, "route_mtu", json_object_new_int64(metric));
                /* The route a lookup returns carries no RTNH_F_LINKDOWN: that flag, and the
                 * prefix that matched, are on the FIB entry (RTM_F_FIB_MATCH, Linux >= 4.13). */
                if (route_get(sk, fam, bin, RTM_F_FIB_MATCH, &fib) >= 0) {
                        struct rtnl_nexthop *fnh = rtnl_route_get_nnexthops(fib) > 0 ? rtnl_route_nexthop_n(fib, 0) : NULL;
                        char prefix[INET6_ADDRSTRLEN + 8];

                        if (rtnl_route_get_dst(fib) && nl_addr2str(rtnl_route_get_dst(fib), prefix, sizeof(prefix)))
                                json_object_object_add(e, "prefix", json_object_new_string(prefix));
                        linkdown = fnh && (rtnl_route_nh_get_flags(fnh) & RTNH_F_LINKDOWN);
                }
                json_object_object_add(e, "linkdown",
                                       json_object_new_boolean(linkdown || (nh && (rtnl_route_nh_get_flags(nh) & RTNH_F_LINKDOWN))));
                json_object_object_add(e, "nexthops", json_object_new_int(rtnl_route_get_nnexthops(route)));

                if (link && rtnl_route_get_type(route) == RTN_UNICAST) {
                        size_t i;

                        for (i = 0; i < *n_pl && pl[i].ifindex != ifindex; i++)
                                ;
                        if (i == *n_pl) {
                                pl[i] = (struct peer_link) { .ifindex = ifindex, .mtu = mtu };
                                snprintf(pl[i].dev, sizeof(pl[i].dev), "%s", rtnl_link_get_name(link) ?: "");
                                (*n_pl)++;
                        }
                        pl[i].peers++;
                }
                if (link)
                        rtnl_link_put(link);
        }
        return e;
}

static int peer_link_cmp(const void *a, const void *b) {
        const struct peer_link *x = a, *y = b;

        return x->peers != y->peers ? (x->peers < y->peers ? 1 : -1) : (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static void collect_routes(struct nl_sock *sk, struct nl_cache *links, json_object *net,
                           struct mc_peer_target *t, size_t n) {
        json_object *routes = json_object_new_object();
        _cleanup_free_ struct peer_link *pl = mc_assert_alloc(calloc(n + 1, sizeof(*pl)));
        json_object *arr = json_object_new_array();
        size_t n_pl = 0;

        json_object_object_add(net, "routes", routes);
        for (size_t i = 0; i < n; i++)
                json_object_object_add(routes, t[i].name, route_entry(sk, links, &t[i], pl, &n_pl));

        qsort(pl, n_pl, sizeof(*pl), peer_link_cmp);
        for (size_t i = 0; i < n_pl; i++) {
                json_object *e = json_object_new_object();

                json_object_object_add(e, "ifindex", json_object_new_int(pl[i].ifindex));
                json_object_object_add(e, "dev", json_object_new_string(pl[i].dev));
                json_object_object_add(e, "mtu", json_object_new_int64(pl[i].mtu));
                json_object_object_add(e, "peers", json_object_new_int((int) pl[i].peers));
                json_object_array_add(arr, e);
        }
        json_object_object_add(net, "peer_links", arr);
}

/* Every address this node may use for a peer: the chosen one, and all
 * that forward resolution gave, so that dns-resolution can compare. */
static void add_reverse_query(const char ***q, size_t *n, const char *addr) {
        if (!addr || !mc_is_numeric_address(addr))
                return;
        for (size_t i = 0; i < *n; i++)
                if (streq((*q)[i], addr))
                        return;
        *q = mc_assert_alloc(reallocarray(*q, *n + 1, sizeof(char *)));
        (*q)[(*n)++] = addr;
}

static void collect_reverse(json_object *facts, json_object *net, const struct mc_peer_target *t, size_t n) {
        json_object *rev = json_object_new_object();
        _cleanup_free_ const char **q = NULL;
        _cleanup_free_ struct mc_lookup *l = NULL;
        size_t m = 0;

        for (size_t i = 0; i < n; i++) {
                json_object *a = mc_json_path(facts, "resolve", t[i].name, "addresses", NULL);

                add_reverse_query(&q, &m, t[i].address);
                for (char **r = t[i].resolved; r && *r; r++)
                        add_reverse_query(&q, &m, *r);
                if (a && json_object_is_type(a, json_type_array))
                        for (size_t k = 0; k < json_object_array_length(a); k++) {
                                json_object *x = json_object_array_get_idx(a, k);

                                add_reverse_query(&q, &m, json_object_is_type(x, json_type_string)
                                                                  ? json_object_get_string(x)
                                                                  : mc_json_str(x, "address"));
                        }
        }
        l = mc_assert_alloc(calloc(m + 1, sizeof(*l)));
        for (size_t i = 0; i < m; i++)
                l[i] = (struct mc_lookup) { .kind = MC_LOOKUP_REVERSE, .query = q[i] };
        if (m > 0 && mc_lookup_run(l, m, MC_NET_REVERSE_DEADLINE_MS) < 0)
                for (size_t i = 0; i < m; i++)
                        l[i].done = false;
        for (size_t i = 0; i < m; i++) {
                json_object *e = json_object_new_object();

                if (l[i].done && l[i].gai_error == 0 && l[i].name)
                        json_object_object_add(e, "name", json_object_new_string(l[i].name));
                else {
                        _cleanup_free_ char *why = mc_lookup_error(&l[i], MC_NET_REVERSE_DEADLINE_MS);
                        json_object_object_add(e, "error", json_object_new_string(why ?: "no name"));
                }
                /* json-c copies the key: q[i] may borrow from what we add now. */
                json_object_object_add(rev, q[i], e);
        }
        mc_lookup_done(l, m);
        json_object_object_add(net, "reverse", rev);
        json_object_object_add(net, "reverse_deadline_ms", json_object_new_int(MC_NET_REVERSE_DEADLINE_MS));
}

void mc_collect_net(struct mc_collector *c) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(nl_cache_freep) struct nl_cache *links = NULL, *addrs = NULL;
        json_object *net = mc_json_get_or_add_object(c->facts, "net");
        struct mc_peer_target *t = NULL;
        size_t n = 0;
        int r;

        sk = nl_socket_alloc();
        if (!sk) {
                json_object_object_add(net, "error", json_object_new_string("cannot allocate a netlink socket"));
                return;
        }
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r >= 0)
                r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
        if (r >= 0)
                r = rtnl_addr_alloc_cache(sk, &addrs);
        if (r < 0) {
                _cleanup_free_ char *why = mc_strdup_printf("netlink: %s", nl_geterror(r));

                json_object_object_add(net, "error", json_object_new_string(why));
                return;
        }
        collect_links(links, net);
        collect_addresses(addrs, links, net);

        mc_peer_targets(c->facts, &t, &n);
        collect_routes(sk, links, net, t, n);
        collect_reverse(c->facts, net, t, n);
        mc_peer_targets_free(t, n);
}
