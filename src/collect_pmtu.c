/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The path MTU towards each peer, measured: ICMP echo requests with the
 * don't-fragment bit (IP_PMTUDISC_DO, IPV6_DONTFRAG) at the size the route's
 * interface sends, and smaller, until the largest size the path carries is
 * known. Interface MTUs alone cannot tell a harmless endpoint mismatch on one
 * L2 (TCP's MSS takes care of it) from jumbo hosts behind a 1500-byte switch
 * port, which drops the frames without a word: the migration stream stalls.
 *
 *   net.pmtu{PEER} {address, dev?, size, method, result, largest?, lost?,
 *                   path_mtu?, errno?, error?, ms, rounds, deadline_ms}
 *   result: reached (an answer at size) | emsgsize (the kernel knows a
 *           smaller path MTU, path_mtu: a router said so, TCP adapts)
 *         | partial (answers up to largest, none at lost..size)
 *         | no-answer (none at any size) | error (errno) | not-probed
 *
 * A ping socket (SOCK_DGRAM, IPPROTO_ICMP) needs no privilege where
 * net.ipv4.ping_group_range admits the group; else a raw socket (root).
 * All peers at once in one poll loop, MC_PMTU_DEADLINE_MS for all of them;
 * each round sends every size up to three times. Live only; reads net.routes. */
#include "collect.h"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "facts.h"
#include "util.h"

#define MC_PMTU_DEADLINE_MS 1000u
#define MC_PMTU_FIRST_ROUND_MS 300u
#define MC_PMTU_ROUND_MS 150u
#define MC_PMTU_TRIES 3u
#define MC_PMTU_BATCH 512u
#define MAX_CANDS 16u

/* Sizes tried in the first round besides the interface's: the MTUs
 * networks are usually built with, so that the search ends at once. */
static const unsigned common_mtus[] = { 1280, 1400, 1450, 1492, 1500, 4352, 8192, 9000 };

enum cand_state { C_PENDING, C_ANSWERED, C_EMSGSIZE, C_ERROR };

struct pmtu {
        const char *name, *address, *dev;
        int fam, fd, err;
        bool raw;
        uint16_t ident;    /* raw sockets only: the kernel sets a ping socket's */
        unsigned size, small, hdr;
        unsigned lo, hi;   /* largest answered, smallest lost above it (0: none) */
        unsigned path_mtu; /* the kernel's, after EMSGSIZE */
        bool emsg, done;
        unsigned cand[MAX_CANDS], n_cand, rounds;
        uint8_t state[MAX_CANDS];
        uint16_t seq_base;
        uint64_t start, end;
};

static uint16_t inet_csum(const uint8_t *b, size_t len) {
        uint32_t s = 0;

        for (size_t i = 0; i + 1 < len; i += 2)
                s += (uint32_t) (b[i] << 8 | b[i + 1]);
        if (len & 1)
                s += (uint32_t) b[len - 1] << 8;
        while (s >> 16)
                s = (s & 0xffff) + (s >> 16);
        return htons((uint16_t) ~s);
}

static void kernel_path_mtu(struct pmtu *p) {
        int mtu = 0;
        socklen_t len = sizeof(mtu);

        if (getsockopt(p->fd, p->fam == AF_INET ? IPPROTO_IP : IPPROTO_IPV6, p->fam == AF_INET ? IP_MTU : IPV6_MTU,
                       &mtu, &len) == 0 && mtu > 0)
                p->path_mtu = (unsigned) mtu;
        p->emsg = true;
}

/* A connected ICMP socket towards the peer with DF on every datagram. */
static int open_socket(struct pmtu *p) {
        struct sockaddr_storage ss = {};
        socklen_t len;
        int proto = p->fam == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, on = 1, r;

        if (p->fam == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *) &ss;

                in->sin_family = AF_INET;
                inet_pton(AF_INET, p->address, &in->sin_addr);
                len = sizeof(*in);
        } else {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;

                in6->sin6_family = AF_INET6;
                inet_pton(AF_INET6, p->address, &in6->sin6_addr);
                len = sizeof(*in6);
        }
        p->fd = socket(p->fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
        if (p->fd < 0 && (errno == EACCES || errno == EPERM)) {
                p->fd = socket(p->fam, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
                p->raw = true;
        }
        if (p->fd < 0)
                return -errno;
        if (p->fam == AF_INET) {
                int v = IP_PMTUDISC_DO;

                r = setsockopt(p->fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
        } else {
                int v = IPV6_PMTUDISC_DO;

                r = setsockopt(p->fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof(v));
                if (r == 0)
                        r = setsockopt(p->fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof(on));
                if (r == 0 && p->raw) {
                        struct icmp6_filter f;

                        ICMP6_FILTER_SETBLOCKALL(&f);
                        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
                        r = setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
                }
        }
        /* A connected raw socket gets only the peer's packets. */
        if (r == 0)
                r = connect(p->fd, (struct sockaddr *) &ss, len);
        return r < 0 ? -errno : 0;
}

static void send_cand(struct pmtu *p, size_t k, unsigned try, uint8_t *buf) {
        size_t len = p->cand[k] - p->hdr;
        uint16_t seq = (uint16_t) (p->seq_base + k * MC_PMTU_TRIES + try);

        memset(buf, 0, 8);
        buf[0] = p->fam == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
        memcpy(buf + 4, &(uint16_t) { htons(p->ident) }, 2);
        memcpy(buf + 6, &(uint16_t) { htons(seq) }, 2);
        if (p->fam == AF_INET) {
                uint16_t c = inet_csum(buf, len);

                memcpy(buf + 2, &c, 2);
        }
        if (send(p->fd, buf, len, 0) >= 0)
                return;
        if (errno == EMSGSIZE) {
                p->state[k] = C_EMSGSIZE;
                kernel_path_mtu(p);
        } else if (errno != EAGAIN && errno != EINTR && errno != ENOBUFS) {
                /* ENOBUFS: the first hop dropped it (a veth whose peer's MTU
                 * is smaller, a full queue): not answered, as on the wire. */
                p->state[k] = C_ERROR;
                p->err = p->err ?: errno;
        }
}

/* Echo replies: mark the size they answer. */
static void receive(struct pmtu *p, uint8_t *buf, size_t cap) {
        for (;;) {
                ssize_t n = recv(p->fd, buf, cap, 0);
                const uint8_t *icmp = buf;
                uint16_t id, seq;

                if (n < 0) {
                        if (errno == EMSGSIZE)
                                kernel_path_mtu(p);
                        else if (errno != EAGAIN && errno != EINTR)
                                p->err = p->err ?: errno;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return;
                        continue;
                }
                if (p->raw && p->fam == AF_INET) {
                        size_t ihl = n > 0 ? (size_t) (buf[0] & 0x0f) * 4 : 0;

                        if (ihl < 20 || (size_t) n < ihl + 8)
                                continue;
                        icmp += ihl;
                        n -= (ssize_t) ihl;
                }
                if (n < 8 || icmp[0] != (p->fam == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY))
                        continue;
                memcpy(&id, icmp + 4, 2);
                memcpy(&seq, icmp + 6, 2);
                if (p->raw && ntohs(id) != p->ident)
                        continue;
                seq = (uint16_t) (ntohs(seq) - p->seq_base);
                if (seq / MC_PMTU_TRIES < p->n_cand && p->state[seq / MC_PMTU_TRIES] == C_PENDING &&
                    (size_t) n + p->hdr == p->cand[seq / MC_PMTU_TRIES])
                        p->state[seq / MC_PMTU_TRIES] = C_ANSWERED;
        }
}

static void add_cand(struct pmtu *p, unsigned s) {
        for (size_t k = 0; k < p->n_cand; k++)
                if (p->cand[k] == s)
                        return;
        if (p->n_cand < MAX_CANDS && s >= p->hdr + 8)
                p->cand[p->n_cand++] = s;
}

/* The sizes of the next round; false when the search is over. */
static bool plan_round(struct pmtu *p) {
        p->seq_base = (uint16_t) (p->seq_base + MAX_CANDS * MC_PMTU_TRIES);
        p->n_cand = 0;
        memset(p->state, 0, sizeof(p->state));
        if (p->rounds == 0) {
                add_cand(p, p->size);
                add_cand(p, p->small);
                for (size_t i = 0; i < ELEMENTSOF(common_mtus); i++)
                        if (common_mtus[i] > p->small && common_mtus[i] < p->size)
                                add_cand(p, common_mtus[i]);
                return true;
        }
        if (p->emsg || p->lo == 0 || p->lo >= p->size || (p->hi && p->hi - p->lo <= 1))
                return false;
        {
                unsigned top = p->hi ?: p->size, gap = top - p->lo, n = gap - 1 < MAX_CANDS - 1 ? gap - 1 : MAX_CANDS - 1;

                for (unsigned i = 1; i <= n; i++)
                        add_cand(p, p->lo + (unsigned) ((uint64_t) gap * i / (n + 1)));
        }
        return p->n_cand > 0;
}

static void end_round(struct pmtu *p) {
        for (size_t k = 0; k < p->n_cand; k++)
                if (p->state[k] == C_ANSWERED && p->cand[k] > p->lo)
                        p->lo = p->cand[k];
        for (size_t k = 0; k < p->n_cand; k++)
                if (p->state[k] == C_PENDING && p->cand[k] > p->lo && (!p->hi || p->cand[k] < p->hi))
                        p->hi = p->cand[k];
        if (p->hi && p->hi <= p->lo)
                p->hi = 0;
        p->rounds++;
}

static bool round_complete(const struct pmtu *p) {
        for (size_t k = 0; k < p->n_cand; k++)
                if (p->state[k] == C_PENDING)
                        return false;
        return true;
}

static void run_batch(struct pmtu *p, size_t n) {
        _cleanup_free_ struct pollfd *pfd = mc_assert_alloc(calloc(n + 1, sizeof(*pfd)));
        _cleanup_free_ size_t *idx = mc_assert_alloc(calloc(n + 1, sizeof(*idx)));
        _cleanup_free_ uint8_t *buf = mc_assert_alloc(calloc(1, 65536));
        uint64_t t0 = mc_now_us(), deadline = t0 + MC_PMTU_DEADLINE_MS * 1000u;
        unsigned round_ms = MC_PMTU_FIRST_ROUND_MS;

        for (size_t i = 0; i < n; i++) {
                int r;

                p[i].start = t0;
                r = open_socket(&p[i]);
                if (r < 0) {
                        p[i].err = -r;
                        p[i].done = true;
                }
        }
        for (;;) {
                uint64_t rs = mc_now_us(), re = rs + round_ms * 1000u;
                bool any = false;

                if (re > deadline)
                        break;
                for (size_t i = 0; i < n; i++)
                        if (!p[i].done && !(p[i].done = !plan_round(&p[i])))
                                any = true;
                if (!any)
                        break;
                for (unsigned t = 0; t < MC_PMTU_TRIES; t++) {
                        uint64_t until = rs + (uint64_t) round_ms * 1000u * (t + 1) / MC_PMTU_TRIES;

                        for (size_t i = 0; i < n; i++)
                                for (size_t k = 0; !p[i].done && k < p[i].n_cand; k++)
                                        if (p[i].state[k] == C_PENDING)
                                                send_cand(&p[i], k, t, buf);
                        for (;;) {
                                size_t m = 0;
                                uint64_t now = mc_now_us();

                                for (size_t i = 0; i < n; i++)
                                        if (!p[i].done && !round_complete(&p[i])) {
                                                pfd[m] = (struct pollfd) { .fd = p[i].fd, .events = POLLIN };
                                                idx[m++] = i;
                                        }
                                if (m == 0 || now >= until)
                                        break;
                                if (poll(pfd, m, (int) ((until - now + 999) / 1000)) < 0 && errno != EINTR)
                                        break;
                                for (size_t k = 0; k < m; k++)
                                        if (pfd[k].revents)
                                                receive(&p[idx[k]], buf, 65536);
                        }
                }
                for (size_t i = 0; i < n; i++)
                        if (!p[i].done) {
                                end_round(&p[i]);
                                p[i].end = mc_now_us();
                        }
                round_ms = MC_PMTU_ROUND_MS;
        }
        for (size_t i = 0; i < n; i++) {
                if (!p[i].end)
                        p[i].end = mc_now_us();
                if (p[i].fd >= 0)
                        close(p[i].fd);
                p[i].fd = -1;
        }
}

static const char *result_of(const struct pmtu *p) {
        if (p->lo >= p->size)
                return "reached";
        if (p->emsg)
                return "emsgsize";
        if (p->lo > 0)
                return "partial";
        if (p->err)
                return "error";
        return "no-answer";
}

static json_object *entry_of(const struct pmtu *p) {
        json_object *e = json_object_new_object();

        json_object_object_add(e, "address", json_object_new_string(p->address));
        if (p->dev)
                json_object_object_add(e, "dev", json_object_new_string(p->dev));
        json_object_object_add(e, "size", json_object_new_int64(p->size));
        json_object_object_add(e, "method", json_object_new_string(p->raw ? "icmp-raw" : "icmp-ping"));
        json_object_object_add(e, "result", json_object_new_string(result_of(p)));
        if (p->lo > 0)
                json_object_object_add(e, "largest", json_object_new_int64(p->lo));
        if (p->hi > 0 && p->lo < p->size)
                json_object_object_add(e, "lost", json_object_new_int64(p->hi));
        if (p->emsg && p->path_mtu > 0)
                json_object_object_add(e, "path_mtu", json_object_new_int64(p->path_mtu));
        if (p->err) {
                json_object_object_add(e, "errno", json_object_new_int(p->err));
                json_object_object_add(e, "error", json_object_new_string(strerror(p->err)));
        }
        json_object_object_add(e, "ms", json_object_new_int64((int64_t) ((p->end - p->start) / 1000u)));
        json_object_object_add(e, "rounds", json_object_new_int((int) p->rounds));
        json_object_object_add(e, "deadline_ms", json_object_new_int(MC_PMTU_DEADLINE_MS));
        return e;
}

static json_object *not_probed(const char *address, const char *why) {
        json_object *e = json_object_new_object();

        if (address)
                json_object_object_add(e, "address", json_object_new_string(address));
        json_object_object_add(e, "result", json_object_new_string("not-probed"));
        json_object_object_add(e, "error", json_object_new_string(why));
        return e;
}

void mc_collect_pmtu(struct mc_collector *c) {
        json_object *net = mc_json_get(c->facts, "net"), *routes = mc_json_get(net, "routes");
        json_object *out;
        _cleanup_free_ struct pmtu *p = NULL;
        size_t n = 0, m = 0;

        if (!net || !routes || !json_object_is_type(routes, json_type_object))
                return;
        out = json_object_new_object();
        json_object_object_add(net, "pmtu", out);
        n = (size_t) json_object_object_length(routes);
        p = mc_assert_alloc(calloc(n + 1, sizeof(*p)));
        json_object_object_foreach(routes, name, e) {
                const char *addr = mc_json_str(e, "address");
                int64_t mtu = mc_json_int(e, "mtu", -1), route_mtu = mc_json_int(e, "route_mtu", -1);
                unsigned char bin[sizeof(struct in6_addr)];
                int fam;

                if (!addr || mc_json_str(e, "error") || !streq_ptr(mc_json_str(e, "type"), "unicast")) {
                        json_object_object_add(out, name, not_probed(addr, "no unicast route to the peer (see route-peer)"));
                        continue;
                }
                fam = inet_pton(AF_INET, addr, bin) == 1 ? AF_INET : inet_pton(AF_INET6, addr, bin) == 1 ? AF_INET6 : 0;
                if (route_mtu > 0 && (mtu < 0 || route_mtu < mtu))
                        mtu = route_mtu;
                if (!fam || mtu < 68 || mtu > 65535) {
                        json_object_object_add(out, name, not_probed(addr, "the route's interface MTU is not known"));
                        continue;
                }
                p[m] = (struct pmtu) {
                        .name = name, .address = addr, .dev = mc_json_str(e, "dev"), .fam = fam, .fd = -1,
                        .size = (unsigned) mtu, .hdr = fam == AF_INET ? 20u : 40u,
                        .ident = (uint16_t) (getpid() ^ (pid_t) m),
                };
                p[m].small = fam == AF_INET ? 576u : 1280u;
                if (p[m].small > p[m].size)
                        p[m].small = p[m].size;
                m++;
        }
        for (size_t i = 0; i < m; i += MC_PMTU_BATCH)
                run_batch(p + i, m - i < MC_PMTU_BATCH ? m - i : MC_PMTU_BATCH);
        for (size_t i = 0; i < m; i++)
                json_object_object_add(out, p[i].name, entry_of(&p[i]));
}
