/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TCP connects from this node to each peer's libvirt port, as the source's
 * libvirtd will make them when a migration starts.
 *
 *   probes[] {peer, address?, port, scheme, result, errno, error?, ms, deadline_ms (timeouts)}
 *   result: connected | refused (ECONNREFUSED) | no-route (EHOSTUNREACH)
 *         | net-unreachable (ENETUNREACH) | timeout (no answer by the deadline)
 *         | error (any other errno) | unresolved (no address for the peer)
 *         | not-probed (the migration URI names no port)
 *
 * libvirt's own connect() is blocking and unbounded: a DROP holds it for
 * the kernel's SYN retries (~130 s). Here every peer is probed at once
 * with non-blocking sockets in one poll loop, and the whole batch ends at
 * MC_PROBE_DEADLINE_MS: 200 peers behind a DROP cost one deadline, not 200.
 * The port is the one this node's own nova would use (mc_migration_transport
 * on the nova facts collected before this collector runs). Live only. */
#include "collect.h"
#include "collect_net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "facts.h"
#include "nova_options.h"
#include "util.h"

#define MC_PROBE_DEADLINE_MS 3000u
/* Sockets open at once; more peers than this are probed in rounds of one
 * deadline each, to stay below RLIMIT_NOFILE's usual 1024. */
#define MC_PROBE_BATCH 512u

struct probe {
        const struct mc_peer_target *target;
        int fd;
        int err;       /* 0 connected; an errno; ETIMEDOUT for our own deadline */
        bool done;
        uint64_t start, end;
};

static void finish(struct probe *p, int err) {
        p->err = err;
        p->done = true;
        p->end = mc_now_us();
        if (p->fd >= 0)
                close(p->fd);
        p->fd = -1;
}

static void start(struct probe *p, unsigned port) {
        struct sockaddr_storage ss = {};
        socklen_t len;
        int fam;

        p->fd = -1;
        p->start = mc_now_us();
        if (inet_pton(AF_INET, p->target->address, &((struct sockaddr_in *) &ss)->sin_addr) == 1) {
                struct sockaddr_in *in = (struct sockaddr_in *) &ss;

                fam = in->sin_family = AF_INET;
                in->sin_port = htons((uint16_t) port);
                len = sizeof(*in);
        } else if (inet_pton(AF_INET6, p->target->address, &((struct sockaddr_in6 *) &ss)->sin6_addr) == 1) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;

                fam = in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t) port);
                len = sizeof(*in6);
        } else {
                finish(p, EINVAL);
                return;
        }
        p->fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        if (p->fd < 0) {
                finish(p, errno);
                return;
        }
        if (connect(p->fd, (struct sockaddr *) &ss, len) == 0)
                finish(p, 0);
        else if (errno != EINPROGRESS)
                finish(p, errno);  /* e.g. ENETUNREACH, known before any packet leaves */
}

/* One round: connect all, wait for all or the deadline. */
static void run_round(struct probe *p, size_t n, unsigned port) {
        _cleanup_free_ struct pollfd *pfd = mc_assert_alloc(calloc(n + 1, sizeof(*pfd)));
        _cleanup_free_ size_t *idx = mc_assert_alloc(calloc(n + 1, sizeof(*idx)));
        uint64_t deadline;

        for (size_t i = 0; i < n; i++)
                start(&p[i], port);
        deadline = mc_now_us() + (uint64_t) MC_PROBE_DEADLINE_MS * 1000u;

        for (;;) {
                size_t m = 0;
                uint64_t now = mc_now_us();
                int r;

                for (size_t i = 0; i < n; i++)
                        if (!p[i].done) {
                                pfd[m] = (struct pollfd) { .fd = p[i].fd, .events = POLLOUT };
                                idx[m++] = i;
                        }
                if (m == 0)
                        break;
                if (now >= deadline) {
                        for (size_t k = 0; k < m; k++)
                                finish(&p[idx[k]], ETIMEDOUT);
                        break;
                }
                r = poll(pfd, m, (int) ((deadline - now + 999) / 1000));
                if (r < 0 && errno != EINTR) {
                        int err = errno;

                        for (size_t k = 0; k < m; k++)
                                finish(&p[idx[k]], err);
                        break;
                }
                for (size_t k = 0; r > 0 && k < m; k++) {
                        int err = 0;
                        socklen_t len = sizeof(err);

                        if (!(pfd[k].revents & (POLLOUT | POLLERR | POLLHUP)))
                                continue;
                        if (getsockopt(pfd[k].fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                                err = errno;
                        finish(&p[idx[k]], err);
                }
        }
}

static const char *result_of(int err) {
        switch (err) {
        case 0:
                return "connected";
        case ECONNREFUSED:
                return "refused";
        case EHOSTUNREACH:
                return "no-route";
        case ENETUNREACH:
                return "net-unreachable";
        case ETIMEDOUT:
                return "timeout";
        default:
                return "error";
        }
}

void mc_collect_probes(struct mc_collector *c) {
        json_object *arr = json_object_new_array();
        struct mc_peer_target *t = NULL;
        _cleanup_free_ struct probe *p = NULL;
        struct mc_transport tr;
        size_t n = 0, m = 0;

        json_object_object_add(c->facts, "probes", arr);
        mc_migration_transport(c->facts, &tr);
        mc_peer_targets(c->facts, &t, &n);

        p = mc_assert_alloc(calloc(n + 1, sizeof(*p)));
        for (size_t i = 0; i < n; i++)
                if (t[i].address && tr.port > 0)
                        p[m++] = (struct probe) { .target = &t[i], .fd = -1 };
        for (size_t i = 0; i < m; i += MC_PROBE_BATCH)
                run_round(p + i, m - i < MC_PROBE_BATCH ? m - i : MC_PROBE_BATCH, tr.port);

        for (size_t i = 0, k = 0; i < n; i++) {
                json_object *e = json_object_new_object();

                json_object_object_add(e, "peer", json_object_new_string(t[i].name));
                if (t[i].address)
                        json_object_object_add(e, "address", json_object_new_string(t[i].address));
                json_object_object_add(e, "port", json_object_new_int((int) tr.port));
                json_object_object_add(e, "scheme", json_object_new_string(tr.scheme_name));
                if (k < m && p[k].target == &t[i]) {
                        const struct probe *x = &p[k++];

                        json_object_object_add(e, "result", json_object_new_string(result_of(x->err)));
                        json_object_object_add(e, "errno", json_object_new_int(x->err));
                        if (x->err != 0)
                                json_object_object_add(e, "error", json_object_new_string(strerror(x->err)));
                        json_object_object_add(e, "ms", json_object_new_int64((int64_t) ((x->end - x->start) / 1000u)));
                        if (x->err == ETIMEDOUT)
                                json_object_object_add(e, "deadline_ms", json_object_new_int(MC_PROBE_DEADLINE_MS));
                } else if (!t[i].address) {
                        json_object_object_add(e, "result", json_object_new_string("unresolved"));
                        json_object_object_add(e, "error", json_object_new_string(t[i].error ?: "no address"));
                } else {
                        _cleanup_free_ char *why = mc_strdup_printf("the migration uri's scheme '%s' implies no port",
                                                                    tr.scheme_name);

                        json_object_object_add(e, "result", json_object_new_string("not-probed"));
                        json_object_object_add(e, "error", json_object_new_string(why));
                }
                json_object_array_add(arr, e);
        }
        mc_peer_targets_free(t, n);
}

/* Connects to addresses[i]:port, all at once and bounded like the peers'
 * (collect_targets.c: the names the destinations hand out). ret_err[i] is
 * 0 or an errno (ETIMEDOUT at the deadline), ret_ms[i] how long it took. */
void mc_probe_addresses(const char *const *addresses, size_t n, unsigned port, int *ret_err, unsigned *ret_ms) {
        _cleanup_free_ struct mc_peer_target *t = mc_assert_alloc(calloc(n + 1, sizeof(*t)));
        _cleanup_free_ struct probe *p = mc_assert_alloc(calloc(n + 1, sizeof(*p)));

        for (size_t i = 0; i < n; i++) {
                t[i].address = (char *) addresses[i];
                p[i] = (struct probe) { .target = &t[i], .fd = -1 };
        }
        for (size_t i = 0; i < n; i += MC_PROBE_BATCH)
                run_round(p + i, n - i < MC_PROBE_BATCH ? n - i : MC_PROBE_BATCH, port);
        for (size_t i = 0; i < n; i++) {
                ret_err[i] = p[i].err;
                ret_ms[i] = (unsigned) ((p[i].end - p[i].start) / 1000u);
        }
}

const char *mc_probe_result(int err) {
        return result_of(err);
}
