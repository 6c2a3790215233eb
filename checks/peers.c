/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "peers.h"

#include <arpa/inet.h>
#include <strings.h>

#include "results.h"
#include "util.h"

bool mc_address_is_numeric(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];

        return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

bool mc_address_is_loopback(const char *s) {
        struct in6_addr a6;
        struct in_addr a4;

        if (s && inet_pton(AF_INET, s, &a4) == 1)
                return (ntohl(a4.s_addr) >> 24) == 127;
        if (s && inet_pton(AF_INET6, s, &a6) == 1)
                return IN6_IS_ADDR_LOOPBACK(&a6) ||
                       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
        return false;
}

static const char *addr_of(json_object *e) {
        return json_object_is_type(e, json_type_string) ? json_object_get_string(e) : mc_json_str(e, "address");
}

const char *mc_resolve_first(json_object *entry) {
        json_object *a = mc_json_get(entry, "addresses");

        if (!a || !json_object_is_type(a, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                const char *s = addr_of(json_object_array_get_idx(a, i));

                if (mc_address_is_numeric(s) && !mc_address_is_loopback(s))
                        return s;
        }
        return NULL;
}

bool mc_resolve_has(json_object *entry, const char *addr) {
        json_object *a = mc_json_get(entry, "addresses");

        if (!addr || !a || !json_object_is_type(a, json_type_array))
                return false;
        for (size_t i = 0; i < json_object_array_length(a); i++)
                if (streq_ptr(addr_of(json_object_array_get_idx(a, i)), addr))
                        return true;
        return false;
}

/* The name without one trailing dot, as a length. */
static size_t name_len(const char *s) {
        size_t n = strlen(s);

        return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

bool mc_host_name_matches(const char *a, const char *b) {
        size_t la, lb, fa, fb;

        if (isempty(a) || isempty(b))
                return false;
        la = name_len(a);
        lb = name_len(b);
        if (la == lb && strncasecmp(a, b, la) == 0)
                return true;
        fa = strcspn(a, ".");
        fb = strcspn(b, ".");
        /* One of them is a single label: compare it with the other's first. */
        if (fa >= la && fa == fb)
                return strncasecmp(a, b, fa) == 0;
        if (fb >= lb && fa == fb)
                return strncasecmp(a, b, fb) == 0;
        return false;
}

enum mc_status mc_status_worse(enum mc_status a, enum mc_status b) {
        static const int rank[_MC_STATUS_MAX] = {
                [MC_PASS] = 0, [MC_SKIP] = 0, [MC_FIXED] = 0, [MC_WARN] = 1, [MC_ERROR] = 2, [MC_FAIL] = 3,
        };

        return rank[b] > rank[a] ? b : a;
}

/* n as listed in node j's facts.peers, or NULL. The coordinator lists the
 * cluster in order without j itself, so n is almost always where its index
 * says; the scan is for facts that were collected in another order. */
static json_object *peer_entry(const struct mc_cluster *c, size_t j, const struct mc_node *n, size_t idx) {
        json_object *peers = mc_json_get(c->nodes[j].facts, "peers");
        size_t len, guess;

        if (!peers || !json_object_is_type(peers, json_type_array))
                return NULL;
        len = json_object_array_length(peers);
        guess = idx < j ? idx : idx - 1;
        if (idx < c->n_nodes && guess < len) {
                json_object *p = json_object_array_get_idx(peers, guess);

                if (streq_ptr(mc_json_str(p, "name"), n->name))
                        return p;
        }
        for (size_t k = 0; k < len; k++) {
                json_object *p = json_object_array_get_idx(peers, k);

                if (streq_ptr(mc_json_str(p, "name"), n->name))
                        return p;
        }
        return NULL;
}

struct vote {
        const char *address;
        size_t count;
};

const char *mc_node_address(const struct mc_cluster *c, const struct mc_node *n) {
        size_t idx = n >= c->nodes && n < c->nodes + c->n_nodes ? (size_t) (n - c->nodes) : SIZE_MAX;
        _cleanup_free_ struct vote *votes = NULL;
        size_t n_votes = 0, best = SIZE_MAX;

        if (n->address)
                return n->address;
        if (mc_address_is_numeric(n->name))
                return n->name;

        /* The coordinator told every node its peers' addresses; with --from
         * the saved facts still carry them. */
        for (size_t j = 0; j < c->n_nodes; j++) {
                const char *a;

                if (j == idx)
                        continue;
                a = mc_json_str(peer_entry(c, j, n, idx), "address");
                if (a)
                        return a;
        }

        /* Nobody was told: what the others' NSS says, by majority. A node that
         * maps the name to loopback (127.0.1.1 HOSTNAME) has no vote. */
        for (size_t j = 0; j < c->n_nodes; j++) {
                const char *a;
                size_t k;

                if (j == idx)
                        continue;
                a = mc_resolve_first(mc_json_path(c->nodes[j].facts, "resolve", n->name, NULL));
                if (!a)
                        continue;
                if (!votes)
                        votes = mc_assert_alloc(calloc(c->n_nodes, sizeof(*votes)));
                for (k = 0; k < n_votes && !streq(votes[k].address, a); k++)
                        ;
                if (k == n_votes)
                        votes[n_votes++] = (struct vote) { .address = a };
                votes[k].count++;
                if (best == SIZE_MAX || votes[k].count > votes[best].count)
                        best = k;
        }
        return best == SIZE_MAX ? NULL : votes[best].address;
}

bool mc_node_has_address(const struct mc_cluster *c, const struct mc_node *n, const char *addr) {
        json_object *a = mc_json_path(n->facts, "net", "addresses", NULL);

        if (!addr)
                return false;
        if (streq_ptr(mc_node_address(c, n), addr))
                return true;
        if (mc_address_is_loopback(addr) || !a || !json_object_is_type(a, json_type_array))
                return false;
        for (size_t i = 0; i < json_object_array_length(a); i++)
                if (streq_ptr(mc_json_str(json_object_array_get_idx(a, i), "local"), addr))
                        return true;
        return false;
}
