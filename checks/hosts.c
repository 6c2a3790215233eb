/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hosts-consistent, hosts-loopback-hostname, libvirt-hostname-resolvable:
 * how each node resolves the cluster's names, from its /etc/hosts
 * (facts hosts.entries) and, on a live node, NSS (facts resolve).
 *
 * Cost. The checks run once per node; what they compare against (every
 * name of every node, the address the cluster agrees on for each node) is
 * built once per check per run in O(total /etc/hosts entries + total NSS answers)
 * with hash tables, and each node's row then costs O(its own entries and
 * answers) hash lookups plus one pass over a plain array of the cluster's
 * names or nodes to find what it lacks (integer compares, no strings).
 * Deciding whether every node resolves every node is n x n by nature;
 * only that array pass is, the string work stays linear. */
#include <arpa/inet.h>
#include <ctype.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "hosts.h"
#include "nova_options.h"
#include "util.h"

#define HOSTS "/etc/hosts"
#define QEMU_CONF "/etc/libvirt/qemu.conf"
#define NAME_MAX_LEN 255
/* Findings named in a row; the rest are counted. */
#define MAX_FINDINGS 12

enum { NAME_FORM = 1, NAME_MUST = 2 };
/* The names a node is known by (node_must_names). */
#define MUST_NAMES 6

struct hname {
        size_t owner;    /* index of the node in the cluster */
        unsigned prio;   /* NAME_MUST: the node's name, hostname, nova host, libvirt hostname; NAME_FORM: short form */
        bool ambiguous;  /* claimed by two nodes at the same priority: not judged */
        size_t id;       /* index in must[] (SIZE_MAX: none) */
        unsigned listed; /* how many nodes list it in /etc/hosts */
        size_t listed_by; /* while building: the last node counted in listed (index + 1) */
        unsigned seen;   /* scratch: stamp of the node being checked */
        char name[];     /* lower case; the table's key */
};

struct vote {
        char *address;
        unsigned count;
};

struct hnode {
        const struct mc_node *node;
        json_object *facts;       /* NULL: not collected */
        char *agreed;             /* normalised address; NULL: unknown */
        const char *agreed_from;  /* "inventory", "answers" */
        unsigned agreed_votes, total_votes;
        bool tie;
        char *own_vote;           /* what the node itself answers for its names */
        const char *hosts_fqdn;   /* its FQDN in its own /etc/hosts (hosts_canonical) */
        struct vote *votes;
        size_t n_votes;
        /* What a source must resolve to reach this node's libvirt. */
        const char *target;       /* as written */
        char *target_lc;
        const char *target_from;
        bool target_is_name;      /* one of the node's names: must resolve to agreed */
        bool target_localhost, target_ip, target_ip_loop;
        unsigned target_shared;   /* other nodes with the same target name */
        long port;                /* first migration port, for libvirt's message */
        /* libvirt-hostname-resolvable scratch for the source being checked */
        unsigned nss_seen;
        json_object *nss;
};

struct hosts_index {
        /* The cluster it was built for. */
        const struct mc_cluster *cluster;
        const struct mc_node *nodes;
        size_t n_nodes;
        struct hnode *n;
        GHashTable *names;        /* lower-case name -> struct hname */
        struct hname **must;      /* the names every node must resolve */
        size_t n_must, n_ambiguous;
        unsigned *present;        /* per must name: stamp of the node that resolves it */
        GHashTable *targets;      /* lower-case libvirt target -> GArray of node indices */
        unsigned gen;
        bool agreed;              /* votes counted and addresses agreed (index_agree) */
        /* Rows of nodes without NSS answers, by their shared /etc/hosts list
         * (json-c array -> index + 1 of the row in the results): such a row
         * depends on nothing else, so the others copy it. */
        GHashTable *rows;
        /* libvirt-hostname-resolvable: what each shared list says of each
         * node's libvirt name, scanned once per list. */
        GHashTable *scans;
};

struct lhr_scan {
        unsigned char *seen, *ok, *loop;
        const char **addr;
        int *line;
};

static void lhr_scan_free(void *p) {
        struct lhr_scan *sc = p;

        if (!sc)
                return;
        free(sc->seen);
        free(sc->ok);
        free(sc->loop);
        free(sc->addr);
        free(sc->line);
        free(sc);
}

static void index_free(struct hosts_index *x) {
        if (!x)
                return;
        for (size_t k = 0; k < x->n_nodes; k++) {
                free(x->n[k].agreed);
                free(x->n[k].own_vote);
                free(x->n[k].target_lc);
                for (size_t v = 0; v < x->n[k].n_votes; v++)
                        free(x->n[k].votes[v].address);
                free(x->n[k].votes);
        }
        free(x->n);
        if (x->names)
                g_hash_table_destroy(x->names);
        if (x->targets)
                g_hash_table_destroy(x->targets);
        free(x->must);
        free(x->present);
        if (x->rows)
                g_hash_table_destroy(x->rows);
        if (x->scans)
                g_hash_table_destroy(x->scans);
        free(x);
}

/* Addresses. */

static bool ip_parse(const char *s, int *ret_af, unsigned char buf[static 16]) {
        if (inet_pton(AF_INET, s, buf) == 1) {
                *ret_af = AF_INET;
                return true;
        }
        if (inet_pton(AF_INET6, s, buf) == 1) {
                *ret_af = AF_INET6;
                return true;
        }
        return false;
}

static bool is_ip(const char *s) {
        unsigned char buf[16];
        int af;

        return s && ip_parse(s, &af, buf);
}

/* One spelling per address ("0:0::1" is "::1"), so that strcmp compares
 * addresses; a string that is no address is kept, lower case. */
static char *addr_norm(const char *s) {
        unsigned char buf[16];
        char out[INET6_ADDRSTRLEN];
        int af;

        if (ip_parse(s, &af, buf) && inet_ntop(af, buf, out, sizeof(out)))
                return mc_strdup(out);
        char *c = mc_strdup(s);
        for (char *p = c; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        return c;
}

/* Whether two spellings name one address. Most lines spell an address
 * the way the cluster does, so equal text answers without parsing: this
 * runs once per /etc/hosts line of every node. */
static bool same_addr(const char *a, const char *b) {
        unsigned char x[16], y[16];
        int fx, fy;

        if (streq(a, b))
                return true;
        if (!ip_parse(a, &fx, x) || !ip_parse(b, &fy, y))
                return strcasecmp(a, b) == 0;
        return fx == fy && memcmp(x, y, fx == AF_INET ? 4 : 16) == 0;
}

/* 127.0.0.0/8, ::1 and IPv4-mapped loopback: a name mapped there makes
 * the node (or its peer) connect to itself. */
static bool addr_loopback(const char *s) {
        unsigned char b[16];
        int af;

        /* Only "127." or an IPv6 spelling can be loopback: skip the parse
         * for every other line. */
        if (!s || (!mc_startswith(s, "127.") && !strchr(s, ':')))
                return false;
        if (!ip_parse(s, &af, b))
                return false;
        if (af == AF_INET)
                return b[0] == 127;
        static const unsigned char one[16] = { [15] = 1 }, mapped[12] = { [10] = 0xff, [11] = 0xff };
        return memcmp(b, one, 16) == 0 || (memcmp(b, mapped, 12) == 0 && b[12] == 127);
}

/* Lower case into buf; false when it does not fit (no host name does). */
static bool lower(const char *s, char buf[static NAME_MAX_LEN + 1]) {
        size_t n = strlen(s);

        if (n == 0 || n > NAME_MAX_LEN)
                return false;
        for (size_t i = 0; i <= n; i++)
                buf[i] = (char) tolower((unsigned char) s[i]);
        return true;
}

static struct hname *name_lookup(const struct hosts_index *x, const char *name) {
        char buf[NAME_MAX_LEN + 1];

        return lower(name, buf) ? g_hash_table_lookup(x->names, buf) : NULL;
}

/* Names are the resolver's: glibc's files backend matches a name only
 * whole and without regard to case (strcasecmp in files-hosts.c), a
 * trailing dot included. "compute-0.storage.localdomain" (TripleO's name
 * of compute-0 on its storage network, at another address) is not
 * compute-0's: a name is a node's only when it is one of the node's own
 * names (add_name), never because its first label matches one. */

/* Facts. */

static json_object *entries_of(json_object *facts) {
        json_object *e = mc_json_path(facts, "hosts", "entries", NULL);

        return e && json_object_is_type(e, json_type_array) ? e : NULL;
}

static json_object *resolve_of(json_object *facts) {
        json_object *r = mc_json_get(facts, "resolve");

        return r && json_object_is_type(r, json_type_object) ? r : NULL;
}

/* An entry's address and names in one walk over its members: hashing
 * "address" and "names" for each of 25 million lines (5,000 nodes listing
 * 5,000) was a tenth of the run. */
static bool entry_get(json_object *e, const char **ret_addr, json_object **ret_names) {
        const char *addr = NULL;
        json_object *names = NULL;

        if (!e || !json_object_is_type(e, json_type_object))
                return false;
        json_object_object_foreach(e, key, v) {
                if (key[0] == 'a' && streq(key, "address") && json_object_is_type(v, json_type_string))
                        addr = json_object_get_string(v);
                else if (key[0] == 'n' && streq(key, "names") && json_object_is_type(v, json_type_array))
                        names = v;
        }
        *ret_addr = addr;
        *ret_names = names;
        return addr && names;
}

static const char *entry_address(json_object *e) {
        return mc_json_str(e, "address");
}

static json_object *entry_names(json_object *e) {
        json_object *n = mc_json_get(e, "names");

        return n && json_object_is_type(n, json_type_array) ? n : NULL;
}

static const char *first_nonloop(json_object *answer) {
        json_object *a = mc_json_get(answer, "addresses");

        for (size_t i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
                const char *s = mc_json_str(json_object_array_get_idx(a, i), NULL);

                if (s && !addr_loopback(s))
                        return s;
        }
        return NULL;
}

static const char *first_answer(json_object *answer) {
        json_object *a = mc_json_get(answer, "addresses");

        if (!a || !json_object_is_type(a, json_type_array) || json_object_array_length(a) == 0)
                return NULL;
        return mc_json_str(json_object_array_get_idx(a, 0), NULL);
}

/* Whether an NSS answer holds address (normalised). */
static bool answer_has(json_object *answer, const char *address) {
        json_object *a = mc_json_get(answer, "addresses");

        for (size_t i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
                const char *s = mc_json_str(json_object_array_get_idx(a, i), NULL);

                if (s && same_addr(s, address))
                        return true;
        }
        return false;
}

/* The name libvirt on this node gives its peers, as libvirt derives it
 * (virGetHostname): a hostname with a dot is used as it is; a short one is
 * replaced by its canonical name from NSS unless that starts with
 * "localhost". */
static const char *own_canonical(json_object *facts, const char *hostname) {
        json_object *a = mc_json_get(resolve_of(facts), hostname);
        const char *c = mc_json_str(a, "canonical");

        return c && !mc_startswith(c, "localhost") ? c : NULL;
}

/* The node's FQDN as `hostname -f` finds it in its own /etc/hosts: the
 * first name (h_name) of the first line that lists the short hostname,
 * matched whole as glibc matches it. Offline facts have no NSS answer,
 * and without this "10.0.0.1 compute1.example.com compute1" would leave
 * the FQDN nobody's name.
 *
 * A list shared by several nodes (the same /etc/hosts, one json-c array:
 * src/offline.c) is indexed once, at its second node: lower-case name ->
 * the first name of its first line ("" when it is that first name). A
 * node's own list is walked to its line, as before: walking a shared list
 * for each of its nodes would be quadratic in the cluster. */
static const char *first_line_canonical(json_object *entries, const char *hostname) {
        for (size_t e = 0; e < json_object_array_length(entries); e++) {
                json_object *names = NULL;
                const char *addr = NULL;

                if (!entry_get(json_object_array_get_idx(entries, e), &addr, &names))
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *n = mc_json_str(json_object_array_get_idx(names, i), NULL);

                        if (n && strcasecmp(n, hostname) == 0)
                                return i == 0 ? NULL : mc_json_str(json_object_array_get_idx(names, 0), NULL);
                }
        }
        return NULL;
}

static GHashTable *first_lines_index(json_object *entries) {
        GHashTable *first = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);

        for (size_t e = 0; e < json_object_array_length(entries); e++) {
                json_object *names = NULL;
                const char *addr = NULL, *canon;

                if (!entry_get(json_object_array_get_idx(entries, e), &addr, &names) ||
                    !(canon = mc_json_str(json_object_array_get_idx(names, 0), NULL)))
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *n = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        char nb[NAME_MAX_LEN + 1];

                        if (n && lower(n, nb) && !g_hash_table_contains(first, nb))
                                g_hash_table_insert(first, mc_strdup(nb), (gpointer) (i == 0 ? "" : canon));
                }
        }
        return first;
}

/* cache: entries array -> its index, or the array itself when seen once. */
static const char *hosts_canonical(GHashTable *cache, json_object *entries, const char *hostname) {
        char buf[NAME_MAX_LEN + 1];
        gpointer v;
        const char *c;

        if (!entries || !lower(hostname, buf))
                return NULL;
        v = g_hash_table_lookup(cache, entries);
        if (!v) {
                g_hash_table_insert(cache, entries, entries);
                c = first_line_canonical(entries, hostname);
        } else {
                if (v == (gpointer) entries) {
                        v = first_lines_index(entries);
                        g_hash_table_insert(cache, entries, v);
                }
                c = g_hash_table_lookup(v, buf);
        }
        return c && *c && !mc_startswith(c, "localhost") ? c : NULL;
}

/* Building the index. */

static void add_name(struct hosts_index *x, size_t k, const char *raw, unsigned prio) {
        char buf[NAME_MAX_LEN + 1];
        struct hname *h;
        char *dot;

        /* Addresses used as names, and "localhost" (a node calling itself
         * that is libvirt-hostname-resolvable's finding), are not names
         * the other nodes can be asked to map. */
        if (isempty(raw) || is_ip(raw) || !lower(raw, buf) || mc_startswith(buf, "localhost"))
                return;
        h = g_hash_table_lookup(x->names, buf);
        if (!h) {
                h = mc_assert_alloc(calloc(1, sizeof(*h) + strlen(buf) + 1));
                strcpy(h->name, buf);
                h->owner = k;
                h->prio = prio;
                h->id = SIZE_MAX;
                g_hash_table_insert(x->names, h->name, h);
        } else if (h->owner == k) {
                h->prio = MAX(h->prio, prio);
        } else if (prio > h->prio) {
                h->owner = k;
                h->prio = prio;
                h->ambiguous = false;
        } else if (prio == h->prio)
                h->ambiguous = true;
        /* compute2.example.com is also compute2 to its peers. */
        dot = strchr(buf, '.');
        if (dot && dot != buf) {
                *dot = '\0';
                add_name(x, k, buf, NAME_FORM);
        }
}

static const char *nova_host(json_object *facts) {
        struct mc_setting s;

        return mc_facts_nova(facts, "DEFAULT", "host", &s) >= 0 && !isempty(s.value) ? s.value : NULL;
}

/* The names a node must be reachable by: as the inventory names it, its
 * hostname, nova's host option (nova names the destination with it), the
 * hostname libvirt reports. */
static void node_must_names(const struct hnode *hn, const char *out[static MUST_NAMES]) {
        const char *hostname = mc_json_str(mc_json_get(hn->facts, "node"), "hostname");
        bool is_short = hostname && !strchr(hostname, '.');

        out[0] = hn->node->name;
        out[1] = hostname;
        out[2] = nova_host(hn->facts);
        out[3] = mc_json_str(mc_json_get(hn->facts, "libvirt"), "hostname");
        out[4] = is_short ? own_canonical(hn->facts, hostname) : NULL;
        out[5] = is_short ? hn->hosts_fqdn : NULL;
}

static void vote(struct hnode *hn, const char *address, unsigned weight) {
        /* Few distinct answers per node (one when all agree): a list. */
        for (size_t v = 0; v < hn->n_votes; v++)
                if (same_addr(address, hn->votes[v].address)) {
                        hn->votes[v].count += weight;
                        return;
                }
        hn->votes = mc_assert_alloc(reallocarray(hn->votes, hn->n_votes + 1, sizeof(*hn->votes)));
        hn->votes[hn->n_votes++] = (struct vote) { .address = addr_norm(address), .count = weight };
}

/* One voter's /etc/hosts: each node named gets the first address given for
 * it, weighted by the voters that share this list (the same json-c array:
 * src/offline.c shares identical lists). stamp: the voters' own (index + 1),
 * which no other voter uses; member[k] == stamp: node k is one of them. */
static void vote_entries(struct hosts_index *x, json_object *entries, size_t stamp, unsigned weight, size_t *voted,
                         const size_t *member) {
        for (size_t e = 0; entries && e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = NULL;
                const char *addr = NULL;
                entry_get(en, &addr, &names);
                bool loop = addr_loopback(addr);

                for (size_t i = 0; addr && names && i < json_object_array_length(names); i++) {
                        struct hname *h = name_lookup(x, mc_json_str(json_object_array_get_idx(names, i), NULL) ?: "");

                        if (!h || h->ambiguous)
                                continue;
                        if (h->listed_by != stamp) {
                                h->listed_by = stamp;
                                h->listed += weight;
                        }
                        if (loop || voted[h->owner] == stamp)
                                continue;
                        voted[h->owner] = stamp;
                        vote(&x->n[h->owner], addr, weight);
                        if (member[h->owner] == stamp && !x->n[h->owner].own_vote)
                                x->n[h->owner].own_vote = addr_norm(addr);
                }
        }
}

/* Each node votes once per node of the cluster: the first address its
 * /etc/hosts gives for any of that node's names (what getaddrinfo() tries
 * first), else the first address NSS gave. Loopback answers are
 * hosts-loopback-hostname's finding and no vote.
 *
 * Nodes without NSS answers that share one /etc/hosts list vote together,
 * the list walked once with their number as weight: the same votes as one
 * walk per node, without n walks of n lines. */
static void collect_votes(struct hosts_index *x) {
        _cleanup_free_ size_t *voted = mc_assert_alloc(calloc(x->n_nodes + 1, sizeof(size_t)));
        _cleanup_free_ size_t *member = mc_assert_alloc(calloc(x->n_nodes + 1, sizeof(size_t)));
        _cleanup_free_ unsigned *weight = mc_assert_alloc(calloc(x->n_nodes + 1, sizeof(unsigned)));
        g_autoptr(GHashTable) lists = g_hash_table_new(g_direct_hash, g_direct_equal);

        /* The first node of each shared list stands for the others. */
        for (size_t j = 0; j < x->n_nodes; j++) {
                json_object *entries = entries_of(x->n[j].facts);
                gpointer first;

                if (!entries || resolve_of(x->n[j].facts))
                        continue;
                if (!g_hash_table_lookup_extended(lists, entries, NULL, &first)) {
                        first = GSIZE_TO_POINTER(j + 1);
                        g_hash_table_insert(lists, entries, first);
                }
                member[j] = GPOINTER_TO_SIZE(first);
                weight[GPOINTER_TO_SIZE(first) - 1]++;
        }
        for (size_t j = 0; j < x->n_nodes; j++) {
                json_object *entries = entries_of(x->n[j].facts), *resolve = resolve_of(x->n[j].facts);

                if (member[j]) {
                        if (member[j] == j + 1)
                                vote_entries(x, entries, j + 1, weight[j], voted, member);
                        continue;
                }
                member[j] = j + 1;
                vote_entries(x, entries, j + 1, 1, voted, member);
                if (!resolve)
                        continue;
                json_object_object_foreach(resolve, key, answer) {
                        struct hname *h = name_lookup(x, key);
                        const char *addr = first_nonloop(answer);

                        if (!h || h->ambiguous || !addr || voted[h->owner] == j + 1)
                                continue;
                        voted[h->owner] = j + 1;
                        vote(&x->n[h->owner], addr, 1);
                        if (h->owner == j && !x->n[j].own_vote)
                                x->n[j].own_vote = addr_norm(addr);
                }
        }
}

/* The cluster's address for each node: the inventory's, else the answer
 * most nodes give. A tie goes to the node's own answer for itself (a node
 * usually knows its address), else to the lowest, so that every run
 * decides the same; the row then says how many answers agreed. */
static void agree(struct hosts_index *x) {
        for (size_t k = 0; k < x->n_nodes; k++) {
                struct hnode *hn = &x->n[k];
                const struct vote *best = NULL;

                for (size_t v = 0; v < hn->n_votes; v++) {
                        const struct vote *c = &hn->votes[v];

                        hn->total_votes += c->count;
                        if (!best || c->count > best->count)
                                best = c;
                        else if (c->count == best->count) {
                                bool c_own = streq_ptr(c->address, hn->own_vote),
                                     b_own = streq_ptr(best->address, hn->own_vote);

                                if (c_own || (!b_own && strcmp(c->address, best->address) < 0))
                                        best = c;
                        }
                }
                if (best)
                        for (size_t v = 0; v < hn->n_votes; v++)
                                if (&hn->votes[v] != best && hn->votes[v].count == best->count)
                                        hn->tie = true;
                if (is_ip(hn->node->address)) {
                        hn->agreed = addr_norm(hn->node->address);
                        hn->agreed_from = "inventory";
                        for (size_t v = 0; v < hn->n_votes; v++)
                                if (same_addr(hn->votes[v].address, hn->agreed))
                                        hn->agreed_votes = hn->votes[v].count;
                } else if (best) {
                        hn->agreed = mc_strdup(best->address);
                        hn->agreed_from = "answers";
                        hn->agreed_votes = best->count;
                }
        }
}

/* What a source resolves to reach this node: nova's
 * live_migration_inbound_addr when set (nova then connects there), else
 * qemu.conf's migration_host (libvirt hands it out instead of its
 * hostname), else the hostname libvirt reports, else node.hostname as
 * libvirt would derive it. */
static void find_target(struct hnode *hn) {
        json_object *f = hn->facts;
        enum mc_nova_release rel = mc_nova_release_of(f);
        const char *hostname = mc_json_str(mc_json_get(f, "node"), "hostname"), *c;
        struct mc_setting s;

        hn->port = 49152;
        if (!f)
                return;
        if (mc_facts_setting(f, QEMU_CONF, NULL, "migration_port_min", &s) >= 0)
                hn->port = strtol(s.value, NULL, 10);
        if ((rel == MC_NOVA_UNKNOWN || rel >= MC_NOVA_MITAKA) &&
            mc_nova_opt_get(f, rel, &mc_nova_live_migration_inbound_addr, &s) >= 0 && !isempty(s.value)) {
                hn->target = s.value;
                hn->target_from = "live_migration_inbound_addr in nova.conf";
        } else if (mc_facts_setting(f, QEMU_CONF, NULL, "migration_host", &s) >= 0 && !isempty(s.value)) {
                hn->target = s.value;
                hn->target_from = "migration_host in qemu.conf";
        } else if ((c = mc_json_str(mc_json_get(f, "libvirt"), "hostname"))) {
                hn->target = c;
                hn->target_from = "the hostname libvirt reports";
        } else if (hostname && !strchr(hostname, '.') && !mc_startswith(hostname, "localhost") &&
                   (c = own_canonical(f, hostname))) {
                hn->target = c;
                hn->target_from = "the canonical name of node.hostname, as libvirt derives its hostname";
        } else if (hostname) {
                hn->target = hostname;
                hn->target_from = "node.hostname, as libvirt would report it (libvirt's own answer was not collected)";
        }
}

static void index_targets(struct hosts_index *x) {
        x->targets = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
        for (size_t k = 0; k < x->n_nodes; k++) {
                struct hnode *hn = &x->n[k];
                char buf[NAME_MAX_LEN + 1];
                struct hname *h;
                GArray *a;

                find_target(hn);
                if (!hn->target)
                        continue;
                /* Judged once here, not once per source node. */
                hn->target_localhost = mc_startswith(hn->target, "localhost");
                hn->target_ip = is_ip(hn->target);
                hn->target_ip_loop = hn->target_ip && addr_loopback(hn->target);
                if (hn->target_ip || !lower(hn->target, buf))
                        continue;
                hn->target_lc = mc_strdup(buf);
                h = g_hash_table_lookup(x->names, buf);
                hn->target_is_name = h && h->owner == k;
                a = g_hash_table_lookup(x->targets, hn->target_lc);
                if (!a) {
                        a = g_array_new(false, false, sizeof(size_t));
                        g_hash_table_insert(x->targets, hn->target_lc, a);
                }
                g_array_append_val(a, k);
        }
        for (size_t k = 0; k < x->n_nodes; k++) {
                GArray *a = x->n[k].target_lc ? g_hash_table_lookup(x->targets, x->n[k].target_lc) : NULL;

                x->n[k].target_shared = a ? a->len - 1 : 0;
        }
}

static struct hosts_index *index_build(const struct mc_cluster *c) {
        struct hosts_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));

        x->cluster = c;
        x->nodes = c->nodes;
        x->n_nodes = c->n_nodes;
        x->n = mc_assert_alloc(calloc(c->n_nodes ?: 1, sizeof(*x->n)));
        x->names = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
        g_autoptr(GHashTable) canon = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (size_t k = 0; k < c->n_nodes; k++) {
                const char *must[MUST_NAMES];
                const char *hostname = mc_json_str(mc_json_get(c->nodes[k].facts, "node"), "hostname");

                x->n[k].node = &c->nodes[k];
                x->n[k].facts = c->nodes[k].facts;
                if (hostname && !strchr(hostname, '.'))
                        x->n[k].hosts_fqdn = hosts_canonical(canon, entries_of(x->n[k].facts), hostname);
                node_must_names(&x->n[k], must);
                for (size_t i = 0; i < ELEMENTSOF(must); i++)
                        add_name(x, k, must[i], NAME_MUST);
        }
        {
                /* The shared lists' indexes (a list seen once is its own value). */
                GHashTableIter it;
                gpointer key, val;

                g_hash_table_iter_init(&it, canon);
                while (g_hash_table_iter_next(&it, &key, &val))
                        if (val != key)
                                g_hash_table_destroy(val);
        }
        /* The must names in node order, so rows list them in that order. */
        x->must = mc_assert_alloc(calloc(g_hash_table_size(x->names) + 1, sizeof(*x->must)));
        for (size_t k = 0; k < c->n_nodes; k++) {
                const char *must[MUST_NAMES];

                node_must_names(&x->n[k], must);
                for (size_t i = 0; i < ELEMENTSOF(must); i++) {
                        struct hname *h = must[i] ? name_lookup(x, must[i]) : NULL;

                        if (!h || h->owner != k || h->prio != NAME_MUST || h->id != SIZE_MAX)
                                continue;
                        if (h->ambiguous) {
                                h->id = SIZE_MAX - 1;  /* counted once */
                                x->n_ambiguous++;
                                continue;
                        }
                        h->id = x->n_must;
                        x->must[x->n_must++] = h;
                }
        }
        x->present = mc_assert_alloc(calloc(x->n_must + 1, sizeof(*x->present)));
        x->rows = g_hash_table_new(g_direct_hash, g_direct_equal);
        x->scans = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, lhr_scan_free);
        index_targets(x);
        return x;
}

/* The cluster's addresses: one pass over every node's /etc/hosts, done
 * once per run and only by checks that compare addresses (the loopback
 * check needs them only for a hint). */
static void index_agree(struct hosts_index *x) {
        if (x->agreed)
                return;
        collect_votes(x);
        agree(x);
        x->agreed = true;
}

static void *index_new(const struct mc_cluster *c) {
        return index_build(c);
}

static void index_destroy(void *x) {
        index_free(x);
}

/* Built at the run's first node, kept for the others (mc_check_scratch). */
static struct hosts_index *index_get(struct mc_check_ctx *ctx) {
        struct hosts_index *x = mc_check_scratch(ctx, index_new, index_destroy);

        /* A fresh stamp for this node's scratch marks (at most one per
         * node per build: no wrap-around). */
        x->gen++;
        return x;
}

/* Findings of one row: the first MAX_FINDINGS are named, the rest counted. */
struct finding {
        enum mc_status status;
        char *summary;
        char *file;
        unsigned line;
        char *evidence;
        char *context;  /* a second evidence line, from "cluster" (the address agreed on) */
};

struct findings {
        struct finding v[MAX_FINDINGS];
        size_t n, n_fail, n_warn;
};

static void finding_free(struct finding *v) {
        free(v->summary);
        free(v->file);
        free(v->evidence);
        free(v->context);
}

/* Whether a finding of status st would be listed. When not, the caller
 * only counts it (finding_count) and formats nothing: a node that lacks
 * 5,000 names must not cost 5,000 strings. */
static bool finding_wanted(const struct findings *f, enum mc_status st) {
        if (f->n < MAX_FINDINGS)
                return true;
        /* A FAIL displaces a WARN when the list is full: failures matter more. */
        return st == MC_FAIL && f->v[f->n - 1].status != MC_FAIL;
}

static void finding_count(struct findings *f, enum mc_status st) {
        if (st == MC_FAIL)
                f->n_fail++;
        else
                f->n_warn++;
}

static void finding_add(struct findings *f, enum mc_status st, const char *file, unsigned line, char *evidence,
                        char *summary, char *context) {
        finding_count(f, st);
        if (!finding_wanted(f, st)) {
                free(evidence);
                free(summary);
                free(context);
                return;
        }
        if (f->n >= MAX_FINDINGS)
                finding_free(&f->v[--f->n]);
        /* Failures before warnings, each in the order found. */
        size_t at = f->n;
        if (st == MC_FAIL)
                while (at > 0 && f->v[at - 1].status != MC_FAIL)
                        at--;
        memmove(&f->v[at + 1], &f->v[at], (f->n - at) * sizeof(f->v[0]));
        f->v[at] = (struct finding) {
                .status = st, .summary = summary, .file = file ? mc_strdup(file) : NULL, .line = line,
                .evidence = evidence, .context = context,
        };
        f->n++;
}

/* finding_add() with nothing formatted when the finding would not be listed. */
#define FINDING(f, st, ...)                                  \
        do {                                                 \
                if (finding_wanted((f), (st)))               \
                        finding_add((f), (st), __VA_ARGS__); \
                else                                         \
                        finding_count((f), (st));            \
        } while (0)

static void findings_done(struct findings *f) {
        for (size_t i = 0; i < f->n; i++)
                finding_free(&f->v[i]);
}

/* "lead: a; b; c (and N more)", the failures first. */
static struct mc_result *findings_report(struct mc_check_ctx *ctx, struct findings *f, const char *lead) {
        enum mc_status st = f->n_fail ? MC_FAIL : MC_WARN;
        size_t total = f->n_fail + f->n_warn, shown = 0;
        _cleanup_free_ char *s = mc_strdup(lead);
        struct mc_result *r;

        for (size_t i = 0; i < f->n && shown < 3; i++) {
                char *n = mc_strdup_printf("%s%s%s", s, shown ? "; " : ": ", f->v[i].summary);
                free(s);
                s = n;
                shown++;
        }
        r = total > shown ? mc_report(ctx, st, "%s (and %zu more)", s, total - shown) : mc_report(ctx, st, "%s", s);
        for (size_t i = 0; i < f->n; i++) {
                if (f->v[i].evidence)
                        mc_result_evidence(r, f->v[i].file ?: "cluster", f->v[i].line, "%s", f->v[i].evidence);
                if (f->v[i].context)
                        mc_result_evidence(r, "cluster", 0, "%s", f->v[i].context);
        }
        if (total > f->n)
                mc_result_evidence(r, "cluster", 0, "%zu more findings not listed", total - f->n);
        return r;
}

/* "10.0.0.2 compute2.example.com compute2", as the line reads. */
static char *entry_text(json_object *en) {
        json_object *names = entry_names(en);
        _cleanup_free_ char *s = mc_strdup(entry_address(en) ?: "");

        for (size_t i = 0; names && i < json_object_array_length(names); i++) {
                char *n = mc_strdup_printf("%s %s", s, mc_json_str(json_object_array_get_idx(names, i), NULL) ?: "");
                free(s);
                s = n;
        }
        return TAKE_PTR(s);
}

static char *agreed_text(const struct hnode *hn) {
        if (streq(hn->agreed_from, "inventory"))
                return mc_strdup_printf("%s: %s (inventory)", hn->node->name, hn->agreed);
        return mc_strdup_printf("%s: %s (%u of %u nodes' answers%s)", hn->node->name, hn->agreed, hn->agreed_votes,
                                hn->total_votes, hn->tie ? ", a tie" : "");
}

/* A row already made for a node with the same shared /etc/hosts list and
 * no NSS answers: copied, and true. */
static bool row_shared(struct mc_check_ctx *ctx, struct hosts_index *x, json_object *entries, json_object *resolve) {
        size_t at;

        if (!entries || resolve || !(at = GPOINTER_TO_SIZE(g_hash_table_lookup(x->rows, entries))))
                return false;
        mc_report_copy(ctx, ctx->out->items[at - 1].status, NULL, &ctx->out->items[at - 1]);
        return true;
}

/* Remember the row just made, for row_shared(). */
static void row_made(struct mc_check_ctx *ctx, struct hosts_index *x, json_object *entries, json_object *resolve) {
        if (entries && !resolve && ctx->out->n > 0)
                g_hash_table_insert(x->rows, entries, GSIZE_TO_POINTER(ctx->out->n));
}

/* hosts.skipped: the lines glibc ignores, with the names they would have
 * given. One WARN per such line that names a node of the cluster. */
static void skipped_findings(const struct hosts_index *x, json_object *hosts, struct findings *f) {
        json_object *sk = mc_json_get(hosts, "skipped");

        for (size_t i = 0; sk && json_object_is_type(sk, json_type_array) && i < json_object_array_length(sk); i++) {
                json_object *s = json_object_array_get_idx(sk, i), *names = mc_json_get(s, "names");
                unsigned line = (unsigned) mc_json_int(s, "line", 0);

                for (size_t k = 0; names && json_object_is_type(names, json_type_array) &&
                                   k < json_object_array_length(names); k++) {
                        const char *name = mc_json_str(json_object_array_get_idx(names, k), NULL);
                        const struct hname *h = name ? name_lookup(x, name) : NULL;

                        if (!h)
                                continue;
                        FINDING(f, MC_WARN, HOSTS, line,
                                mc_strdup_printf("'%s' %s: glibc ignores the line", mc_json_str(s, "address") ?: "",
                                                 mc_json_str(s, "reason") ?: "not an address"),
                                mc_strdup_printf("line %u, which names '%s' (%s), is ignored by the resolver: '%s' is "
                                                 "%s", line, name, x->n[h->owner].node->name,
                                                 mc_json_str(s, "address") ?: "", mc_json_str(s, "reason") ?: "no address"),
                                NULL);
                        break;
                }
        }
}

/* The common prelude: /etc/hosts facts present and parsed. */
static bool hosts_ready(struct mc_check_ctx *ctx) {
        json_object *h = mc_json_get(ctx->facts, "hosts");
        const char *state = mc_json_str(h, "state");
        struct mc_result *r;

        if (!h || !state) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: /etc/hosts was not collected");
                mc_result_hint(r, "collect the node's facts again with this migcheck (collect gathers /etc/hosts)");
                return false;
        }
        if (streq(state, "error")) {
                json_object *e = mc_json_get(h, "error");

                /* Only an unreadable file, or saved facts whose shared
                 * entries are gone: glibc reads any text, and so does the
                 * collector (lines glibc skips are facts, not errors). */
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: '" HOSTS "' could not be read");
                mc_result_evidence(r, HOSTS, (unsigned) mc_json_int(e, "line", 0), "%s",
                                   mc_json_str(e, "message") ?: "unknown error");
                mc_result_hint(r, "make " HOSTS " a readable regular file (or collect the node's facts again)");
                return false;
        }
        return true;
}

void mc_check_hosts_consistent(struct mc_check_ctx *ctx) {
        struct hosts_index *x;
        json_object *entries, *resolve;
        struct findings f = {};
        struct mc_result *r;
        size_t from_hosts = 0, from_nss = 0;
        bool absent;

        if (!hosts_ready(ctx))
                return;
        x = index_get(ctx);
        index_agree(x);
        entries = entries_of(ctx->facts);
        resolve = resolve_of(ctx->facts);
        absent = streq_ptr(mc_json_str(mc_json_get(ctx->facts, "hosts"), "state"), "absent");
        if (row_shared(ctx, x, entries, resolve))
                return;

        /* Every line that names a node of the cluster must give the
         * cluster's address for it. */
        for (size_t e = 0; entries && e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = NULL;
                const char *addr = NULL;
                entry_get(en, &addr, &names);

                if (!addr || !names)
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *name = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        struct hname *h = name ? name_lookup(x, name) : NULL;
                        const struct hnode *hn;

                        if (!h || h->ambiguous)
                                continue;
                        if (h->id < x->n_must && x->present[h->id] != x->gen) {
                                x->present[h->id] = x->gen;
                                from_hosts++;
                        }
                        hn = &x->n[h->owner];
                        /* Loopback lines are hosts-loopback-hostname's. */
                        if (!hn->agreed || same_addr(addr, hn->agreed) || addr_loopback(addr))
                                continue;
                        unsigned line = (unsigned) mc_json_int(en, "line", 0);
                        FINDING(&f, MC_FAIL, HOSTS, line, entry_text(en),
                                    mc_strdup_printf("'%s' maps to %s on line %u, the cluster's address for %s is %s",
                                                     name, addr, line, hn->node->name, hn->agreed),
                                    agreed_text(hn));
                }
        }

        /* Lines glibc ignores that name a node of the cluster: whoever
         * wrote them meant a mapping that does not exist. */
        skipped_findings(x, mc_json_get(ctx->facts, "hosts"), &f);

        /* What NSS answered (live only) for names /etc/hosts does not have. */
        if (resolve) {
                json_object_object_foreach(resolve, key, answer) {
                        struct hname *h = name_lookup(x, key);
                        const struct hnode *hn;
                        const char *err = mc_json_str(answer, "error");

                        if (!h || h->ambiguous || (h->id < x->n_must && x->present[h->id] == x->gen))
                                continue;
                        if (h->id < x->n_must) {
                                x->present[h->id] = x->gen;
                                from_nss++;
                        }
                        hn = &x->n[h->owner];
                        if (err || !first_answer(answer)) {
                                FINDING(&f, MC_FAIL, "nss", 0,
                                            mc_strdup_printf("getaddrinfo(\"%s\"): %s", key, err ?: "no address"),
                                            mc_strdup_printf("'%s' (%s) does not resolve: not in " HOSTS ", NSS: %s",
                                                             key, hn->node->name, err ?: "no address"),
                                            NULL);
                                continue;
                        }
                        if (!first_nonloop(answer) || !hn->agreed || answer_has(answer, hn->agreed))
                                continue;
                        FINDING(&f, MC_FAIL, "nss", 0,
                                    mc_strdup_printf("getaddrinfo(\"%s\"): %s", key, first_nonloop(answer)),
                                    mc_strdup_printf("'%s' resolves to %s through NSS, the cluster's address for %s is %s",
                                                     key, first_nonloop(answer), hn->node->name, hn->agreed),
                                    agreed_text(hn));
                }
        }

        /* The names this node resolves neither way: one pass over the
         * cluster's names, integer compares only. */
        for (size_t id = 0; id < x->n_must; id++) {
                const struct hname *h = x->must[id];
                const struct hnode *hn = &x->n[h->owner];
                unsigned others = h->listed;

                if (x->present[id] == x->gen)
                        continue;
                if (resolve)
                        FINDING(&f, MC_WARN, HOSTS, 0,
                                    mc_strdup_printf("'%s' (%s): not in " HOSTS "; NSS was not asked for it at "
                                                     "collection (not a peer name given to collect)", h->name,
                                                     hn->node->name),
                                    mc_strdup_printf("'%s' (%s) is not in " HOSTS " and NSS was not asked", h->name,
                                                     hn->node->name),
                                    NULL);
                else
                        FINDING(&f, MC_WARN, HOSTS, 0,
                                    mc_strdup_printf("'%s' (%s): not in " HOSTS "%s; listed there by %u node%s", h->name,
                                                     hn->node->name, absent ? " (no " HOSTS " at all)" : "", others,
                                                     others == 1 ? "" : "s"),
                                    mc_strdup_printf("'%s' (%s) is not in " HOSTS, h->name, hn->node->name), NULL);
        }

        if (f.n_fail || f.n_warn) {
                _cleanup_free_ char *lead = NULL;

                if (f.n_fail && f.n_warn)
                        lead = mc_strdup_printf("%zu of the cluster's names %s to a wrong address or not at all, %zu "
                                                "more %s unverified", f.n_fail, f.n_fail == 1 ? "resolves" : "resolve",
                                                f.n_warn, f.n_warn == 1 ? "is" : "are");
                else if (f.n_fail)
                        lead = mc_strdup_printf("%zu of the cluster's names %s to a wrong address or not at all",
                                                f.n_fail, f.n_fail == 1 ? "resolves" : "resolve");
                else
                        lead = mc_strdup_printf("%zu of the cluster's names %s not in " HOSTS " and %s", f.n_warn,
                                                f.n_warn == 1 ? "is" : "are",
                                                resolve ? "NSS was not asked at collection"
                                                        : "offline facts cannot tell whether DNS answers");
                r = findings_report(ctx, &f, lead);
                if (f.n_fail)
                        mc_result_hint(r, "give every node the same " HOSTS " lines for the cluster, one per node: "
                                          "'ADDRESS FQDN SHORTNAME' with the address in the inventory (or the one most "
                                          "nodes use), and remove lines that map a node's name elsewhere");
                else
                        mc_result_hint(r, "add the names to " HOSTS " on this node (as the other nodes have them), or "
                                          "run migcheck on the live nodes so that it can ask NSS/DNS");
                findings_done(&f);
                row_made(ctx, x, entries, resolve);
                return;
        }
        r = mc_report(ctx, MC_PASS, "%zu name%s of %zu node%s %s to the cluster's addresses (%zu from " HOSTS
                                    ", %zu through NSS)%s",
                      x->n_must, x->n_must == 1 ? "" : "s", ctx->cluster->n_nodes, ctx->cluster->n_nodes == 1 ? "" : "s",
                      x->n_must == 1 ? "resolves" : "resolve", from_hosts, from_nss,
                      x->n_ambiguous ? "; names claimed by several nodes were not judged" : "");
        if (x->n_ambiguous)
                mc_result_evidence(r, "cluster", 0, "%zu names are claimed by more than one node", x->n_ambiguous);
        row_made(ctx, x, entries, resolve);
}

/* hosts-loopback-hostname by direction. What breaks a migration is a
 * SOURCE resolving a PEER's name to loopback: its libvirt (or QEMU) then
 * connects to itself. A node's OWN name on loopback (Debian's installer
 * writes "127.0.1.1 FQDN HOST") does not: the destination hands out the
 * name from virGetHostname() (src/util/virutil.c, virGetHostnameImpl: the
 * canonical name, or the short name when that starts with "localhost"),
 * or migration_host, and each source resolves it with its own files.
 * What the destination refuses is a name starting with "localhost":
 * qemuMigrationDstPrepareDirect() (src/qemu/qemu_migration.c, libvirt
 * commit 00c0a94ab5f1; the same test since libvirt 0.7) takes
 * migration_host, else virGetHostname() (src/util/virutil.c, commit
 * c96b3f5b5db6), and fails the incoming migration with "hostname on
 * destination resolved to localhost, but migration requires an FQDN" when
 * STRPREFIX(hostname, "localhost"). Only when the source passes no URI:
 * nova does pass one with live_migration_inbound_addr (target_connect_addr),
 * and then that address is what sources connect to. */
void mc_check_hosts_loopback_hostname(struct mc_check_ctx *ctx) {
        struct hosts_index *x;
        json_object *entries, *resolve;
        struct findings f = {};
        struct mc_result *r;
        size_t n_lines = 0, j = (size_t) (ctx->node - ctx->cluster->nodes), n_peer = 0;
        const struct hnode *self;
        char first_hint[1024] = "";

        if (!hosts_ready(ctx))
                return;
        size_t suspects = 0;

        x = index_get(ctx);
        self = &x->n[j];
        entries = entries_of(ctx->facts);
        resolve = resolve_of(ctx->facts);
        /* Only a passing row is shared (row_made): with loopback lines the
         * verdict depends on whose name it is, so it is this node's own. */
        if (!self->target_localhost && row_shared(ctx, x, entries, resolve))
                return;

        if (self->target_localhost) {
                bool nova = mc_startswith(self->target_from, "live_migration_inbound_addr");

                FINDING(&f, MC_FAIL, "cluster", 0, mc_strdup_printf("%s: %s is '%s'", ctx->node->name, self->target_from,
                                                                    self->target),
                        nova ? mc_strdup_printf("this node's live_migration_inbound_addr '%s' makes every source "
                                                "connect to itself", self->target)
                             : mc_strdup_printf("this node's name for migration is '%s': libvirt refuses every incoming "
                                                "migration (\"hostname on destination resolved to localhost, but "
                                                "migration requires an FQDN\")", self->target),
                        NULL);
                snprintf(first_hint, sizeof(first_hint),
                         "give this node a hostname that is not 'localhost...' ('hostnamectl set-hostname FQDN', and "
                         "restart libvirtd), or set migration_host in qemu.conf to a name its peers resolve to it");
        }

        /* NSS on a live node: the cluster's names answered first with
         * loopback (nss-myhostname does that on a node without an address
         * of its own). Usually none, and then only loopback lines of
         * /etc/hosts need a look. */
        if (resolve) {
                json_object_object_foreach(resolve, key, answer) {
                        struct hname *h = name_lookup(x, key);
                        const char *first = first_answer(answer);

                        if (h && first && addr_loopback(first)) {
                                h->seen = x->gen;
                                suspects++;
                        }
                }
        }

        for (size_t e = 0; entries && e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = NULL;
                const char *addr = NULL;
                entry_get(en, &addr, &names);
                _cleanup_free_ char *bad = NULL, *own = NULL;
                const struct hnode *owner = NULL;

                n_lines++;
                /* Only loopback lines can fail; the others matter only to
                 * clear a suspect NSS answer (/etc/hosts answers first). */
                if (!addr || !names || (suspects == 0 && !addr_loopback(addr)))
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *name = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        struct hname *h = name ? name_lookup(x, name) : NULL;
                        char **list;

                        if (!h)
                                continue;
                        if (h->seen == x->gen) {
                                h->seen = 0;
                                suspects--;
                        }
                        if (!addr_loopback(addr))
                                continue;
                        list = h->owner == j ? &own : &bad;
                        char *n = mc_strdup_printf("%s%s%s", *list ?: "", *list ? " " : "", name);
                        free(*list);
                        *list = n;
                        if (h->owner != j)
                                owner = owner ?: &x->n[h->owner];
                }
                unsigned line = (unsigned) mc_json_int(en, "line", 0);
                if (own)
                        FINDING(&f, MC_WARN, HOSTS, line, entry_text(en),
                                mc_strdup_printf("line %u maps this node's own name%s %s to loopback %s", line,
                                                 strchr(own, ' ') ? "s" : "", own, addr), NULL);
                if (!bad)
                        continue;
                n_peer++;
                FINDING(&f, MC_FAIL, HOSTS, line, entry_text(en),
                            mc_strdup_printf("line %u maps %s (%s) to loopback %s", line, bad, owner->node->name, addr), NULL);
                if (!first_hint[0]) {
                        index_agree(x);
                        snprintf(first_hint, sizeof(first_hint),
                                 "remove '%s' from line %u of " HOSTS " and map %s to the node's migration address "
                                 "instead: '%s %s'",
                                 bad, line, strchr(bad, ' ') ? "them" : "it", owner->agreed ?: "ADDRESS", bad);
                }
        }
        /* The suspects /etc/hosts does not answer for. */
        if (resolve && suspects > 0) {
                json_object_object_foreach(resolve, key, answer) {
                        struct hname *h = name_lookup(x, key);
                        const char *first = first_answer(answer);

                        if (!h || h->seen != x->gen || !first || !addr_loopback(first))
                                continue;
                        h->seen = 0;  /* a name asked twice (two spellings) is one finding */
                        if (h->owner == j) {
                                FINDING(&f, MC_WARN, "nss", 0, mc_strdup_printf("getaddrinfo(\"%s\"): %s first", key, first),
                                        mc_strdup_printf("this node's own name '%s' resolves to loopback %s through NSS",
                                                         key, first), NULL);
                                continue;
                        }
                        n_peer++;
                        FINDING(&f, MC_FAIL, "nss", 0, mc_strdup_printf("getaddrinfo(\"%s\"): %s first", key, first),
                                    mc_strdup_printf("'%s' (%s) resolves to loopback %s through NSS", key,
                                                     x->n[h->owner].node->name, first), NULL);
                        if (!first_hint[0]) {
                                index_agree(x);
                                snprintf(first_hint, sizeof(first_hint),
                                         "add '%s %s' to " HOSTS " so that the name resolves to the node's migration "
                                         "address before any other source answers",
                                         x->n[h->owner].agreed ?: "ADDRESS", key);
                        }
                }
        }

        if (f.n_fail || f.n_warn) {
                r = findings_report(ctx, &f, n_peer ? "a peer's name maps to loopback here, so a migration from this node "
                                                      "to it connects to this node itself"
                                             : f.n_fail ? "libvirt refuses this node as a migration destination"
                                                        : "this node's own name maps to loopback; a migration to it "
                                                          "still works, since each source resolves the name (or "
                                                          "migration_host) with its own files");
                if (first_hint[0])
                        mc_result_hint(r, "%s", first_hint);
                else {
                        index_agree(x);
                        mc_result_hint(r, "debian's installer writes this line; migration does not need it changed, "
                                          "but services on this node that resolve their own name get loopback: map "
                                          "the name to the node's migration address ('%s NAME') if they must not",
                                       self->agreed ?: "ADDRESS");
                }
                findings_done(&f);
                return;
        }
        mc_report(ctx, MC_PASS, "no name of the cluster's %zu node%s maps to loopback (%zu " HOSTS " lines%s)",
                  ctx->cluster->n_nodes, ctx->cluster->n_nodes == 1 ? "" : "s", n_lines,
                  resolve ? ", and NSS's answers" : "");
        row_made(ctx, x, entries, resolve);
}

/* What an /etc/hosts list says of each node's libvirt name, in file order:
 * the first line naming it is what getaddrinfo() returns first. */
static struct lhr_scan *lhr_scan_new(const struct hosts_index *x, json_object *entries) {
        struct lhr_scan *sc = mc_assert_alloc(calloc(1, sizeof(*sc)));
        size_t n = x->n_nodes + 1;

        sc->seen = mc_assert_alloc(calloc(n, 1));
        sc->ok = mc_assert_alloc(calloc(n, 1));
        sc->loop = mc_assert_alloc(calloc(n, 1));
        sc->addr = mc_assert_alloc(calloc(n, sizeof(*sc->addr)));
        sc->line = mc_assert_alloc(calloc(n, sizeof(*sc->line)));
        for (size_t e = 0; entries && e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = NULL;
                const char *addr = NULL;
                entry_get(en, &addr, &names);

                if (!addr || !names)
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *name = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        char buf[NAME_MAX_LEN + 1];
                        GArray *a;

                        if (!name || !lower(name, buf) || !(a = g_hash_table_lookup(x->targets, buf)))
                                continue;
                        for (guint t = 0; t < a->len; t++) {
                                size_t k = g_array_index(a, size_t, t);
                                const struct hnode *hn = &x->n[k];

                                if (!sc->seen[k]) {
                                        sc->seen[k] = 1;
                                        sc->addr[k] = addr;
                                        sc->line[k] = (int) mc_json_int(en, "line", 0);
                                        sc->loop[k] = addr_loopback(addr);
                                }
                                if (hn->agreed && same_addr(addr, hn->agreed))
                                        sc->ok[k] = 1;
                        }
                }
        }
        return sc;
}

/* libvirt-hostname-resolvable: this node as the source, each peer as the
 * destination whose name it must resolve. */
void mc_check_libvirt_hostname_resolvable(struct mc_check_ctx *ctx) {
        struct hosts_index *x;
        json_object *entries, *resolve;
        struct findings f = {};
        struct mc_result *r;
        size_t j, checked = 0, unknown = 0;
        bool single, own_loop = false;
        struct lhr_scan *sc, *mine = NULL;

        if (!hosts_ready(ctx))
                return;
        x = index_get(ctx);
        index_agree(x);
        j = (size_t) (ctx->node - ctx->cluster->nodes);
        entries = entries_of(ctx->facts);
        resolve = resolve_of(ctx->facts);
        single = x->n_nodes == 1;

        /* This node's /etc/hosts lines for the peers' names: one scan per
         * shared list (nodes without NSS answers), else one for this node. */
        sc = entries && !resolve ? g_hash_table_lookup(x->scans, entries) : NULL;
        if (!sc) {
                sc = lhr_scan_new(x, entries);
                if (entries && !resolve)
                        g_hash_table_insert(x->scans, entries, sc);
                else
                        mine = sc;
        }
        if (resolve) {
                json_object_object_foreach(resolve, key, answer) {
                        char buf[NAME_MAX_LEN + 1];
                        GArray *a;

                        if (!lower(key, buf) || !(a = g_hash_table_lookup(x->targets, buf)))
                                continue;
                        for (guint t = 0; t < a->len; t++) {
                                struct hnode *hn = &x->n[g_array_index(a, size_t, t)];

                                hn->nss_seen = x->gen;
                                hn->nss = answer;
                        }
                }
        }

        for (size_t k = 0; k < x->n_nodes; k++) {
                struct hnode *hn = &x->n[k];

                if (k == j && !single)
                        continue;
                if (!hn->facts || !hn->target) {
                        unknown++;
                        continue;
                }
                checked++;
                if (hn->target_localhost) {
                        FINDING(&f, MC_FAIL, "cluster", 0,
                                    mc_strdup_printf("%s: %s is '%s'", hn->node->name, hn->target_from, hn->target),
                                    mc_strdup_printf("%s names itself '%s' (hostname on destination resolved to "
                                                     "localhost, but migration requires an FQDN)",
                                                     hn->node->name, hn->target), NULL);
                        continue;
                }
                if (hn->target_ip) {
                        if (hn->target_ip_loop)
                                FINDING(&f, MC_FAIL, "cluster", 0,
                                            mc_strdup_printf("%s: %s is %s", hn->node->name, hn->target_from, hn->target),
                                            mc_strdup_printf("%s hands out loopback %s for migration", hn->node->name,
                                                             hn->target), NULL);
                        continue;
                }
                if (hn->target_shared > 0) {
                        FINDING(&f, MC_FAIL, "cluster", 0,
                                    mc_strdup_printf("%s: %s is '%s', as on %u other node%s", hn->node->name,
                                                     hn->target_from, hn->target, hn->target_shared,
                                                     hn->target_shared == 1 ? "" : "s"),
                                    mc_strdup_printf("%s's name '%s' is also another node's: sources cannot tell them apart",
                                                     hn->node->name, hn->target), NULL);
                        continue;
                }
                if (sc->seen[k]) {
                        /* Its own name (a cluster of one): sources resolve it
                         * with their files, see hosts-loopback-hostname. */
                        if (sc->loop[k] && k == j)
                                own_loop = true;
                        if (sc->loop[k])
                                FINDING(&f, k == j ? MC_WARN : MC_FAIL, HOSTS, (unsigned) sc->line[k],
                                            mc_strdup_printf("%s (%s: %s)", sc->addr[k], hn->node->name, hn->target_from),
                                            mc_strdup_printf("'%s' (%s) resolves to loopback %s on line %d", hn->target,
                                                             hn->node->name, sc->addr[k], sc->line[k]), NULL);
                        else if (hn->target_is_name && hn->agreed && !sc->ok[k])
                                FINDING(&f, MC_FAIL, HOSTS, (unsigned) sc->line[k],
                                            mc_strdup_printf("%s %s; %s", sc->addr[k], hn->target, hn->target_from),
                                            mc_strdup_printf("'%s' (%s) resolves to %s on line %d, not to its address %s",
                                                             hn->target, hn->node->name, sc->addr[k], sc->line[k],
                                                             hn->agreed), NULL);
                        continue;
                }
                if (hn->nss_seen == x->gen) {
                        const char *err = mc_json_str(hn->nss, "error"), *first = first_answer(hn->nss);

                        if (err || !first)
                                FINDING(&f, MC_FAIL, "nss", 0,
                                            mc_strdup_printf("getaddrinfo(\"%s\"): %s; %s", hn->target,
                                                             err ?: "no address", hn->target_from),
                                            mc_strdup_printf("'%s' (%s) does not resolve: \"Unable to resolve address "
                                                             "'%s' service '%ld': %s\"",
                                                             hn->target, hn->node->name, hn->target, hn->port,
                                                             err ?: "no address"), NULL);
                        else if (addr_loopback(first)) {
                                own_loop |= k == j;
                                FINDING(&f, k == j ? MC_WARN : MC_FAIL, "nss", 0,
                                            mc_strdup_printf("getaddrinfo(\"%s\"): %s first", hn->target, first),
                                            mc_strdup_printf("'%s' (%s) resolves to loopback %s through NSS", hn->target,
                                                             hn->node->name, first), NULL);
                        } else if (hn->target_is_name && hn->agreed && !answer_has(hn->nss, hn->agreed))
                                FINDING(&f, MC_FAIL, "nss", 0,
                                            mc_strdup_printf("getaddrinfo(\"%s\"): %s", hn->target, first),
                                            mc_strdup_printf("'%s' (%s) resolves to %s through NSS, not to its address %s",
                                                             hn->target, hn->node->name, first, hn->agreed), NULL);
                        continue;
                }
                FINDING(&f, MC_WARN, HOSTS, 0,
                            mc_strdup_printf("'%s' (%s, %s): not in " HOSTS "%s", hn->target, hn->node->name,
                                             hn->target_from, resolve ? "; NSS was not asked for it" : ""),
                            mc_strdup_printf("'%s' (%s) is not in " HOSTS, hn->target, hn->node->name), NULL);
        }

        if (f.n_fail || f.n_warn) {
                _cleanup_free_ char *lead = NULL;

                if (f.n_fail)
                        lead = single ? mc_strdup("cannot reach itself by the name its libvirt hands out")
                                      : mc_strdup_printf("cannot reach %zu of %zu peer%s by the name %s libvirt hands out",
                                                         f.n_fail, checked, checked == 1 ? "" : "s",
                                                         checked == 1 ? "its" : "their");
                else if (single && own_loop)
                        lead = mc_strdup("its own libvirt name resolves to loopback here, which a migration to it "
                                         "survives if its peers resolve the name (check it with them: migcheck -n ...)");
                else if (single)
                        lead = mc_strdup_printf("its own libvirt name is not in " HOSTS " and %s",
                                                resolve ? "NSS was not asked for it"
                                                        : "offline facts cannot tell whether DNS answers for it");
                else
                        lead = mc_strdup_printf("%zu of %zu peers' libvirt names %s not in " HOSTS " and %s", f.n_warn,
                                                checked, f.n_warn == 1 ? "is" : "are",
                                                resolve ? "NSS was not asked for them"
                                                        : "offline facts cannot tell whether DNS answers for them");
                r = findings_report(ctx, &f, lead);
                mc_result_hint(r, "map each node's hostname (as libvirt reports it; 'virsh hostname') to its migration "
                                  "address in " HOSTS " on every node, or set migration_host in qemu.conf / "
                                  "live_migration_inbound_addr in nova.conf to a name or address every peer reaches");
                findings_done(&f);
                lhr_scan_free(mine);
                return;
        }
        lhr_scan_free(mine);
        if (checked == 0) {
                mc_report(ctx, MC_SKIP, "no peer's libvirt hostname is known (%zu without facts)", unknown);
                return;
        }
        r = mc_report(ctx, MC_PASS, "resolves the libvirt names of %zu %s to their addresses%s", checked,
                      single ? "node (itself: a cluster of one)" : checked == 1 ? "peer" : "peers",
                      unknown ? " (peers without facts not judged)" : "");
        (void) r;
}

/* --- For the fixer: what one node's /etc/hosts must say ------------------
 * (checks/hosts.h). Kept apart from the checks above, whose index it
 * reuses as it is: the same names, owners and agreed addresses, so that
 * what the fixer writes is what the checks then accept. */

/* Node j and how its /etc/hosts maps each name: the first address, and
 * whether another line gives another one. */
struct listing {
        const char *first;
        bool mixed;
};

struct wanted {
        struct hosts_index *x;
        size_t j;
        GHashTable *listed;  /* lower-case name -> struct listing */
};

static void wanted_index(struct wanted *w) {
        json_object *entries = entries_of(w->x->n[w->j].facts);

        w->listed = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
        for (size_t e = 0; entries && e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = NULL;
                const char *addr = NULL;

                if (!entry_get(en, &addr, &names))
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *name = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        char buf[NAME_MAX_LEN + 1];
                        struct listing *li;

                        if (!name || !lower(name, buf))
                                continue;
                        li = g_hash_table_lookup(w->listed, buf);
                        if (!li) {
                                li = mc_assert_alloc(calloc(1, sizeof(*li)));
                                li->first = addr;
                                g_hash_table_insert(w->listed, mc_strdup(buf), li);
                        } else if (!same_addr(li->first, addr))
                                li->mixed = true;
                }
        }
}

/* Where node j's /etc/hosts answers name (lower case) first: 1 with an
 * address that is not loopback, -1 with loopback, 0 not at all. */
static int hosts_answers(const struct wanted *w, const char *name) {
        const struct listing *li = g_hash_table_lookup(w->listed, name);

        return !li ? 0 : addr_loopback(li->first) ? -1 : 1;
}

/* A name the node must map to address (NULL: why says why it cannot),
 * unless every line of the node that has it already gives that address:
 * then there is nothing to write, and a plan of edits that change nothing
 * would make a fix that cannot succeed look like one that did. */
static void wanted_add(const struct wanted *w, struct mc_hosts_names *l, const char *name, const char *address,
                       const char *node, char *why) {
        const struct listing *li = g_hash_table_lookup(w->listed, name);

        if (address && li && !li->mixed && same_addr(li->first, address)) {
                free(why);
                return;
        }
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].name, name)) {
                        free(why);
                        return;
                }
        l->v = mc_assert_alloc(reallocarray(l->v, l->n + 1, sizeof(*l->v)));
        l->v[l->n++] = (struct mc_hosts_name) {
                .name = mc_strdup(name),
                .address = address ? mc_strdup(address) : NULL,
                .node = node ? mc_strdup(node) : NULL,
                .why = why,
        };
}

/* A name of the cluster with the address it belongs at, or with why it
 * has none. must: a name the checks require (a short form is only judged
 * where it is listed, so without an address it is left alone). A name
 * without an address that node j lists anyway is no finding of the checks
 * and no reason to report. */
static void wanted_name(const struct wanted *w, struct mc_hosts_names *l, const struct hname *h, const char *as,
                        bool must) {
        const struct hnode *hn = &w->x->n[h->owner];
        char buf[NAME_MAX_LEN + 1];

        if (!lower(as, buf))
                return;
        if ((h->ambiguous || !hn->agreed) && hosts_answers(w, buf) > 0)
                return;
        if (h->ambiguous) {
                if (must)
                        wanted_add(w, l, buf, NULL, NULL,
                                   mc_strdup_printf("'%s' is claimed by more than one node: which address it must have "
                                                    "is the operator's decision", buf));
        } else if (hn->agreed)
                wanted_add(w, l, buf, hn->agreed, hn->node->name, NULL);
        else if (must)
                wanted_add(w, l, buf, NULL, hn->node->name,
                           mc_strdup_printf("no address is agreed for %s ('%s'): the inventory gives none and no node "
                                            "maps its names", hn->node->name, buf));
}

static void wanted_consistent(const struct wanted *w, struct mc_hosts_names *l) {
        const struct hosts_index *x = w->x;

        /* Node by node, each name followed by its short form, so that the
         * lines written read "ADDRESS FQDN SHORT" in the cluster's order. */
        for (size_t k = 0; k < x->n_nodes; k++) {
                const char *must[MUST_NAMES];

                node_must_names(&x->n[k], must);
                for (size_t i = 0; i < ELEMENTSOF(must); i++) {
                        char buf[NAME_MAX_LEN + 1], *dot;
                        struct hname *h = must[i] ? name_lookup(x, must[i]) : NULL;

                        if (!h || h->owner != k)
                                continue;
                        wanted_name(w, l, h, h->name, h->prio == NAME_MUST);
                        if (!lower(h->name, buf) || !(dot = strchr(buf, '.')) || dot == buf)
                                continue;
                        *dot = '\0';
                        h = name_lookup(x, buf);
                        if (h && h->owner == k)
                                wanted_name(w, l, h, h->name, h->prio == NAME_MUST);
                }
        }
}

static void wanted_loopback(const struct wanted *w, struct mc_hosts_names *l) {
        const struct hosts_index *x = w->x;
        json_object *entries = entries_of(x->n[w->j].facts), *resolve = resolve_of(x->n[w->j].facts);

        /* As hosts-loopback-hostname judges: any name of the cluster, even
         * one two nodes claim. */
        for (size_t e = 0; entries && e < json_object_array_length(entries); e++) {
                json_object *en = json_object_array_get_idx(entries, e), *names = NULL;
                const char *addr = NULL;

                if (!entry_get(en, &addr, &names) || !addr_loopback(addr))
                        continue;
                for (size_t i = 0; i < json_object_array_length(names); i++) {
                        const char *name = mc_json_str(json_object_array_get_idx(names, i), NULL);
                        struct hname *h = name ? name_lookup(x, name) : NULL;

                        if (h)
                                wanted_name(w, l, h, name, true);
                }
        }
        if (resolve) {
                json_object_object_foreach(resolve, key, answer) {
                        struct hname *h = name_lookup(x, key);
                        const char *first = first_answer(answer);

                        if (h && first && addr_loopback(first))
                                wanted_name(w, l, h, key, true);
                }
        }
}

static void wanted_libvirt(const struct wanted *w, struct mc_hosts_names *l) {
        const struct hosts_index *x = w->x;
        size_t j = w->j;
        bool single = x->n_nodes == 1;

        for (size_t k = 0; k < x->n_nodes; k++) {
                const struct hnode *hn = &x->n[k];
                const char *name = hn->node->name;

                if ((k == j && !single) || !hn->facts || !hn->target || (hn->target_ip && !hn->target_ip_loop))
                        continue;
                /* What only the peer itself can change. */
                if (hn->target_localhost)
                        wanted_add(w, l, hn->target, NULL, name,
                                   mc_strdup_printf("%s names itself '%s' (%s): give it a real hostname on %s", name,
                                                    hn->target, hn->target_from, name));
                else if (hn->target_ip_loop)
                        wanted_add(w, l, hn->target, NULL, name,
                                   mc_strdup_printf("%s hands out loopback %s (%s): change it on %s", name, hn->target,
                                                    hn->target_from, name));
                else if (!hn->target_lc)
                        continue;
                else if (hn->target_shared > 0)
                        wanted_add(w, l, hn->target_lc, NULL, name,
                                   mc_strdup_printf("'%s' (%s) is also another node's name: rename one of them",
                                                    hn->target, name));
                else if (hn->target_is_name && hn->agreed)
                        wanted_add(w, l, hn->target_lc, hn->agreed, name, NULL);
                else if (hosts_answers(w, hn->target_lc) <= 0)
                        wanted_add(w, l, hn->target_lc, NULL, name,
                                   hn->target_is_name
                                           ? mc_strdup_printf("no address is agreed for %s ('%s'): the inventory gives "
                                                              "none and no node maps its names", name, hn->target)
                                           : mc_strdup_printf("'%s' (%s, %s) is not one of %s's names: which address "
                                                              "it must have is the operator's decision", hn->target,
                                                              name, hn->target_from, name));
        }
}

void mc_hosts_wanted(const struct mc_cluster *c, const struct mc_node *n, struct mc_hosts_wanted *ret) {
        struct wanted w;

        *ret = (struct mc_hosts_wanted) {};
        if (!n || n < c->nodes || n >= c->nodes + c->n_nodes)
                return;
        w = (struct wanted) { .x = index_build(c), .j = (size_t) (n - c->nodes) };
        index_agree(w.x);
        wanted_index(&w);
        wanted_consistent(&w, &ret->consistent);
        wanted_loopback(&w, &ret->loopback);
        wanted_libvirt(&w, &ret->libvirt);
        g_hash_table_destroy(w.listed);
        index_free(w.x);
}

static void names_done(struct mc_hosts_names *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].name);
                free(l->v[i].address);
                free(l->v[i].node);
                free(l->v[i].why);
        }
        free(l->v);
        *l = (struct mc_hosts_names) {};
}

void mc_hosts_wanted_done(struct mc_hosts_wanted *w) {
        names_done(&w->consistent);
        names_done(&w->loopback);
        names_done(&w->libvirt);
}
