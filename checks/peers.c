/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "peers.h"

#include <arpa/inet.h>
#include <glib.h>
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

/* s without the brackets of "[::1]", in buf; s itself otherwise. */
static const char *strip_brackets(const char *s, char *buf, size_t size) {
        size_t n = s ? strlen(s) : 0;

        if (n < 2 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= size)
                return s;
        memcpy(buf, s + 1, n - 2);
        buf[n - 2] = '\0';
        return buf;
}

bool mc_libvirt_is_localhost(const char *s) {
        char buf[INET6_ADDRSTRLEN + 1];
        struct in6_addr a6;
        struct in_addr a4;

        s = strip_brackets(s, buf, sizeof(buf));
        if (!s)
                return false;
        if (mc_startswith(s, "localhost"))
                return true;
        /* getaddrinfo(AI_NUMERICHOST) takes inet_aton's forms ("127.1") too. */
        if (inet_aton(s, &a4) == 1 && !strchr(s, ':'))
                return ntohl(a4.s_addr) == INADDR_LOOPBACK;
        return inet_pton(AF_INET6, s, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

bool mc_host_is_loopback(const char *s) {
        char buf[INET6_ADDRSTRLEN + 1];
        struct in_addr a4;

        s = strip_brackets(s, buf, sizeof(buf));
        if (!s)
                return false;
        if (mc_libvirt_is_localhost(s) || mc_address_is_loopback(s) || strncasecmp(s, "localhost", 9) == 0)
                return true;
        return inet_aton(s, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
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

/* Votes for one node, in the order the voters come (cluster order): best
 * is the first address to reach the highest count, as the scan did. */
struct ballot {
        struct vote *v;
        size_t n, best;
};

static void ballot_add(struct ballot *b, const char *a) {
        size_t k;

        for (k = 0; k < b->n && !streq(b->v[k].address, a); k++)
                ;
        if (k == b->n) {
                b->v = mc_assert_alloc(reallocarray(b->v, b->n + 1, sizeof(*b->v)));
                b->v[b->n++] = (struct vote) { .address = a };
        }
        b->v[k].count++;
        if (b->best == SIZE_MAX || b->v[k].count > b->v[b->best].count)
                b->best = k;
}

struct mc_address_memo {
        const struct mc_cluster *cluster;
        size_t n_nodes;
        bool built;
        const char **given;     /* per node: the --peer address in another node's facts.peers (schema 1) */
        struct ballot *ballots; /* per node: the others' NSS answers for its name */
};

struct mc_address_memo *mc_address_memo_new(const struct mc_cluster *c) {
        struct mc_address_memo *m = mc_assert_alloc(calloc(1, sizeof(*m)));

        m->cluster = c;
        m->n_nodes = c->n_nodes;
        return m;
}

void mc_address_memo_free(struct mc_address_memo *m) {
        if (!m)
                return;
        for (size_t k = 0; m->ballots && k < m->n_nodes; k++)
                free(m->ballots[k].v);
        free(m->ballots);
        free(m->given);
        free(m);
}

/* One pass over what the facts hold (every node's peers list and NSS
 * answers), however many nodes ask: O(size of the facts), where asking
 * each node about each node was O(n) per call and O(n^3) for a check
 * that asks for every peer of every node. */
static void memo_build(struct mc_address_memo *m) {
        const struct mc_cluster *c = m->cluster;
        g_autoptr(GHashTable) by_name = g_hash_table_new(g_str_hash, g_str_equal);
        _cleanup_free_ size_t *seen = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*seen)));

        m->given = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*m->given)));
        m->ballots = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*m->ballots)));
        for (size_t k = c->n_nodes; k-- > 0;) {
                /* The first node of a name answers for it, as the scan did. */
                g_hash_table_insert(by_name, c->nodes[k].name, GSIZE_TO_POINTER(k + 1));
                m->ballots[k].best = SIZE_MAX;
        }
        for (size_t j = 0; j < c->n_nodes; j++) {
                json_object *peers = mc_json_get(c->nodes[j].facts, "peers");

                for (size_t i = 0; peers && json_object_is_type(peers, json_type_array) &&
                                   i < json_object_array_length(peers); i++) {
                        json_object *p = json_object_array_get_idx(peers, i);
                        const char *name = mc_json_str(p, "name"), *a = mc_json_str(p, "address");
                        size_t k = name ? GPOINTER_TO_SIZE(g_hash_table_lookup(by_name, name)) : 0;

                        /* Only the first entry of a name in j's list counts. */
                        if (k == 0 || k - 1 == j || seen[k - 1] == j + 1)
                                continue;
                        seen[k - 1] = j + 1;
                        if (a && !m->given[k - 1])
                                m->given[k - 1] = a;
                }
        }
        for (size_t j = 0; j < c->n_nodes; j++) {
                json_object *resolve = mc_json_get(c->nodes[j].facts, "resolve");

                if (!resolve || !json_object_is_type(resolve, json_type_object))
                        continue;
                json_object_object_foreach(resolve, key, answer) {
                        size_t k = GPOINTER_TO_SIZE(g_hash_table_lookup(by_name, key));
                        const char *a;

                        if (k == 0 || k - 1 == j || !(a = mc_resolve_first(answer)))
                                continue;
                        ballot_add(&m->ballots[k - 1], a);
                }
        }
        m->built = true;
}

static const char *address_scan(const struct mc_cluster *c, const struct mc_node *n, size_t idx) {
        struct ballot b = { .best = SIZE_MAX };
        const char *ret;

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

                if (j == idx)
                        continue;
                a = mc_resolve_first(mc_json_path(c->nodes[j].facts, "resolve", n->name, NULL));
                if (a)
                        ballot_add(&b, a);
        }
        ret = b.best == SIZE_MAX ? NULL : b.v[b.best].address;
        free(b.v);
        return ret;
}

const char *mc_node_address(const struct mc_cluster *c, const struct mc_node *n) {
        size_t idx = n >= c->nodes && n < c->nodes + c->n_nodes ? (size_t) (n - c->nodes) : SIZE_MAX;
        struct mc_address_memo *m = c->address_memo;

        if (n->address)
                return n->address;
        if (mc_address_is_numeric(n->name))
                return n->name;
        /* Outside a run (or a node not of this cluster): ask the facts directly. */
        if (!m || m->cluster != c || m->n_nodes != c->n_nodes || idx == SIZE_MAX)
                return address_scan(c, n, idx);
        if (!m->built)
                memo_build(m);
        if (m->given[idx])
                return m->given[idx];
        return m->ballots[idx].best == SIZE_MAX ? NULL : m->ballots[idx].v[m->ballots[idx].best].address;
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
