/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The /etc/hosts fixer (hosts-consistent, hosts-loopback-hostname,
 * libvirt-hostname-resolvable) on real node trees through the real Hosts
 * lens: node compute1 is fixed as a remote node is, with its peers' facts
 * passed as --cluster-facts would pass them; exact diffs, what a fix
 * writes, idempotence, what is left alone, and what is refused. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fix_run.h"
#include "fixers.h"
#include "fixtures.h"
#include "mc_test.h"
#include "util.h"

#define ONLY "hosts-consistent,hosts-loopback-hostname,libvirt-hostname-resolvable"

#define HOSTS_HEAD \
        "127.0.0.1\tlocalhost\n" \
        "::1\t\tlocalhost ip6-localhost ip6-loopback\n" \
        "ff02::1\t\tip6-allnodes\n" \
        "\n" \
        "# the cluster\n"

#define HOSTS_OK \
        HOSTS_HEAD \
        "10.0.0.1\tcompute1.example.com compute1\n" \
        "10.0.0.2\tcompute2.example.com compute2\n" \
        "10.0.0.3\tcompute3.example.com compute3\n"

struct t {
        char *root;            /* compute1, the node being fixed */
        char *peers[2];
        json_object *cluster;  /* {"schema_version":1,"cluster":[...]} */
        char **node_peers;     /* --peer for compute1 */
        struct mc_results rs;
        struct mc_fix_outcome o;
        struct mc_cluster c;
};

static int setup(void **state) {
        struct t *t = calloc(1, sizeof(*t));

        t->root = tree_new();
        t->cluster = json_object_new_object();
        json_object_object_add(t->cluster, "schema_version", json_object_new_int(1));
        json_object_object_add(t->cluster, "cluster", json_object_new_array());
        *state = t;
        return 0;
}

static void reset(struct t *t) {
        mc_results_done(&t->rs);
        mc_fix_outcome_done(&t->o);
        mc_cluster_done(&t->c);
}

static int teardown(void **state) {
        struct t *t = *state;

        reset(t);
        tree_free(t->root);
        for (size_t i = 0; i < ELEMENTSOF(t->peers); i++)
                tree_free(t->peers[i]);
        json_object_put(t->cluster);
        strv_free(t->node_peers);
        free(t);
        return 0;
}

/* A Debian 12 node: hostname (FQDN unless given) and /etc/hosts. */
static void node_tree(const char *root, const char *hostname, const char *hosts) {
        _cleanup_free_ char *h = mc_strdup_printf("%s\n", hostname);

        tree_os(root, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
        tree_write(root, "/etc/hostname", h);
        if (hosts)
                tree_write(root, "/etc/hosts", hosts);
}

/* A peer collected from its tree as the coordinator collects it (with
 * --peer for the others), added to the cluster document. */
static void add_peer(struct t *t, const char *name, const char *hostname, const char *hosts, const char *peers) {
        _cleanup_strv_free_ char **p = peers ? mc_split(peers, ",") : NULL;
        size_t i = t->peers[0] ? 1 : 0;
        _cleanup_free_ char *err = NULL;
        json_object *facts = NULL;

        t->peers[i] = tree_new();
        node_tree(t->peers[i], hostname, hosts);
        const struct mc_collect_opts co = { .root = t->peers[i], .needs = MC_NEED_HOSTS, .peers = p };
        assert_int_equal(mc_collect(&co, &facts, &err), 0);
        json_object_object_add(facts, "node_name", json_object_new_string(name));
        json_object_array_add(mc_json_get(t->cluster, "cluster"), facts);
}

/* compute1 with hosts, compute2 and compute3 with theirs (HOSTS_OK when NULL). */
static void cluster(struct t *t, const char *hosts1, const char *hosts2, const char *hosts3) {
        node_tree(t->root, "compute1.example.com", hosts1);
        add_peer(t, "compute2", "compute2.example.com", hosts2 ?: HOSTS_OK, NULL);
        add_peer(t, "compute3", "compute3.example.com", hosts3 ?: HOSTS_OK, NULL);
}

static int fix(struct t *t, const char *only, bool dry_run, bool include_warnings) {
        _cleanup_strv_free_ char **ids = mc_split(only, ",");
        const struct mc_collect_opts co = { .root = t->root, .needs = mc_checks_needs(ids, NULL), .peers = t->node_peers };
        const struct mc_fix_opts fo = { .include_warnings = include_warnings, .backup = true };
        const struct mc_fix_request req = {
                .collect = &co, .only = ids, .opts = &fo, .dry_run = dry_run,
                .node_name = "compute1", .cluster_facts = t->cluster,
        };

        reset(t);
        return mc_fix_run(&req, &t->c, &t->rs, &t->o);
}

static const char *status_of(struct t *t, const char *check) {
        for (size_t i = 0; i < t->rs.n; i++)
                if (streq(t->rs.items[i].check, check) && streq(t->rs.items[i].node, "compute1"))
                        return mc_status_to_string(t->rs.items[i].status);
        return "none";
}

static void assert_nothing_to_fix(struct t *t, bool include_warnings) {
        _cleanup_free_ char *before = tree_read(t->root, "/etc/hosts"), *after = NULL;

        assert_int_equal(fix(t, ONLY, false, include_warnings), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_int_equal(t->o.plan.n_unfixable, 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "pass");
        assert_string_equal(status_of(t, "hosts-loopback-hostname"), "pass");
        assert_string_equal(status_of(t, "libvirt-hostname-resolvable"), "pass");
        after = tree_read(t->root, "/etc/hosts");
        assert_string_equal(before, after);
}

/* Every line of a, but those listed in skip (1-based), is a line of b,
 * byte for byte. */
static void assert_lines_kept(const char *a, const char *b, const unsigned *skip, size_t n_skip) {
        _cleanup_free_ char *nb = mc_strdup_printf("\n%s", b);
        unsigned no = 0;

        for (const char *l = a; *l;) {
                const char *eol = strchrnul(l, '\n');
                bool skipped = false;

                no++;
                for (size_t i = 0; i < n_skip; i++)
                        skipped = skipped || skip[i] == no;
                if (!skipped && eol > l) {
                        _cleanup_free_ char *needle = mc_strdup_printf("\n%.*s\n", (int) (eol - l), l);
                        if (!strstr(nb, needle))
                                fail_msg("line %u '%.*s' did not survive:\n%s", no, (int) (eol - l), l, b);
                }
                l = *eol ? eol + 1 : eol;
        }
}

/* A node that lacks a peer (a warning offline): the peer's line, as the
 * cluster names it, after the cluster's last line. */
static void test_missing_peer(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;

        cluster(t, HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n10.0.0.2\tcompute2.example.com compute2\n",
                NULL, NULL);
        /* Warnings are fixed only when asked. */
        assert_int_equal(fix(t, ONLY, true, false), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_string_equal(status_of(t, "hosts-consistent"), "warn");

        assert_int_equal(fix(t, ONLY, true, true), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/hosts\n"
                            "+++ b/etc/hosts\n"
                            "@@ -5,3 +5,4 @@\n"
                            " # the cluster\n"
                            " 10.0.0.1\tcompute1.example.com compute1\n"
                            " 10.0.0.2\tcompute2.example.com compute2\n"
                            "+10.0.0.3\tcompute3.example.com compute3\n");
        assert_false(t->o.applied);

        assert_int_equal(fix(t, ONLY, false, true), 0);
        assert_true(t->o.applied);
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        assert_string_equal(status_of(t, "libvirt-hostname-resolvable"), "fixed");
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, HOSTS_OK);
        assert_nothing_to_fix(t, true);
}

/* A peer at a wrong address: the line changes its address in place, its
 * comment and spacing kept. */
static void test_peer_wrong_address(void **state) {
        struct t *t = *state;

        cluster(t,
                HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n"
                           "10.0.0.9   compute2.example.com compute2   # moved in 2019\n"
                           "10.0.0.3\tcompute3.example.com compute3\n",
                NULL, NULL);
        assert_int_equal(fix(t, ONLY, true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/hosts\n"
                            "+++ b/etc/hosts\n"
                            "@@ -4,5 +4,5 @@\n"
                            " \n"
                            " # the cluster\n"
                            " 10.0.0.1\tcompute1.example.com compute1\n"
                            "-10.0.0.9   compute2.example.com compute2   # moved in 2019\n"
                            "+10.0.0.2   compute2.example.com compute2   # moved in 2019\n"
                            " 10.0.0.3\tcompute3.example.com compute3\n");
        assert_int_equal(fix(t, ONLY, false, false), 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        assert_nothing_to_fix(t, true);
}

/* The peer's names on a line with an unrelated name, and a line of its
 * right address elsewhere: the names move, the other name stays. */
static void test_names_move_between_lines(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;

        cluster(t,
                HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n"
                           "10.0.0.9\tcompute2 nfs-old\n"
                           "10.0.0.2\tcompute2.example.com\n"
                           "10.0.0.3\tcompute3.example.com compute3\n",
                NULL, NULL);
        assert_int_equal(fix(t, ONLY, false, false), 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n"
                                             "10.0.0.9\tnfs-old\n"
                                             "10.0.0.2\tcompute2.example.com compute2\n"
                                             "10.0.0.3\tcompute3.example.com compute3\n");
        assert_nothing_to_fix(t, true);
}

/* Debian's "127.0.1.1 FQDN HOSTNAME": the line gets the node's address in
 * place, as Debian's reference says to do on a host with a permanent
 * address; then the missing peers follow it. */
static void test_debian_127_0_1_1(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;
        static const char debian[] = "127.0.0.1\tlocalhost\n"
                                     "127.0.1.1\tcompute1.example.com\tcompute1\n"
                                     "\n"
                                     "# The following lines are desirable for IPv6 capable hosts\n"
                                     "::1     localhost ip6-localhost ip6-loopback\n"
                                     "ff02::1 ip6-allnodes\n"
                                     "ff02::2 ip6-allrouters\n";

        cluster(t, debian, NULL, NULL);
        /* Its own name on loopback is a warning (a migration to it works):
         * fixed with --include-warnings, and not without. */
        assert_int_equal(fix(t, "hosts-loopback-hostname", true, false), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_int_equal(fix(t, "hosts-loopback-hostname", true, true), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/hosts\n"
                            "+++ b/etc/hosts\n"
                            "@@ -1,5 +1,5 @@\n"
                            " 127.0.0.1\tlocalhost\n"
                            "-127.0.1.1\tcompute1.example.com\tcompute1\n"
                            "+10.0.0.1\tcompute1.example.com\tcompute1\n"
                            " \n"
                            " # The following lines are desirable for IPv6 capable hosts\n"
                            " ::1     localhost ip6-localhost ip6-loopback\n");

        assert_int_equal(fix(t, ONLY, false, true), 0);
        assert_string_equal(status_of(t, "hosts-loopback-hostname"), "fixed");
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, "127.0.0.1\tlocalhost\n"
                                  "10.0.0.1\tcompute1.example.com\tcompute1\n"
                                  "10.0.0.2\tcompute2.example.com compute2\n"
                                  "10.0.0.3\tcompute3.example.com compute3\n"
                                  "\n"
                                  "# The following lines are desirable for IPv6 capable hosts\n"
                                  "::1     localhost ip6-localhost ip6-loopback\n"
                                  "ff02::1 ip6-allnodes\n"
                                  "ff02::2 ip6-allrouters\n");
        assert_nothing_to_fix(t, true);
}

/* A hand-kept file: comments, trailing comments, IPv6 and unrelated
 * lines, a loopback line with another name on it. Exactly the cluster's
 * names change; every other line survives byte for byte, and the file
 * keeps its mode and owner. */
static void test_hand_kept_file(void **state) {
        struct t *t = *state;
        static const char hosts[] = "# /etc/hosts: kept by hand, see ticket OPS-1234\n"     /* 1 */
                                    "127.0.0.1   localhost localhost.localdomain\n"          /* 2 */
                                    "127.0.1.1\tcompute1.example.com compute1 mailhost\n"   /* 3 */
                                    "::1         localhost ip6-localhost ip6-loopback\n"     /* 4 */
                                    "fe00::0     ip6-localnet\n"                             /* 5 */
                                    "ff02::1     ip6-allnodes\n"                             /* 6 */
                                    "fd00::50    backup6.example.com backup6\n"              /* 7 */
                                    "\n"                                                     /* 8 */
                                    "# storage\n"                                            /* 9 */
                                    "192.168.50.10  nfs1.storage.example.com nfs1   # NFS for instances\n"
                                    "10.0.0.2    compute2.example.com compute2\n"            /* 11 */
                                    "10.0.0.9    compute3 old-compute3   # decommissioned?\n" /* 12 */
                                    "# end\n";                                               /* 13 */
        static const unsigned changed[] = { 3, 12 };
        _cleanup_free_ char *p = NULL, *text = NULL, *bak = NULL;
        struct stat st;

        cluster(t, hosts, NULL, NULL);
        p = mc_path_join(t->root, "/etc/hosts");
        assert_int_equal(chmod(p, 0640), 0);
        assert_int_equal(chown(p, 0, 4), 0);

        assert_int_equal(fix(t, ONLY, true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/hosts\n"
                            "+++ b/etc/hosts\n"
                            "@@ -1,6 +1,6 @@\n"
                            " # /etc/hosts: kept by hand, see ticket OPS-1234\n"
                            " 127.0.0.1   localhost localhost.localdomain\n"
                            "-127.0.1.1\tcompute1.example.com compute1 mailhost\n"
                            "+127.0.1.1\tmailhost\n"
                            " ::1         localhost ip6-localhost ip6-loopback\n"
                            " fe00::0     ip6-localnet\n"
                            " ff02::1     ip6-allnodes\n"
                            "@@ -9,5 +9,7 @@\n"
                            " # storage\n"
                            " 192.168.50.10  nfs1.storage.example.com nfs1   # NFS for instances\n"
                            " 10.0.0.2    compute2.example.com compute2\n"
                            "-10.0.0.9    compute3 old-compute3   # decommissioned?\n"
                            "+10.0.0.9    old-compute3   # decommissioned?\n"
                            "+10.0.0.1\tcompute1.example.com compute1\n"
                            "+10.0.0.3\tcompute3.example.com compute3\n"
                            " # end\n");

        assert_int_equal(fix(t, ONLY, false, false), 0);
        assert_true(t->o.applied);
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        /* A warning (its own names), not fixed for itself; hosts-consistent's
         * edit of compute1 takes the names off line 3 all the same. */
        assert_string_equal(status_of(t, "hosts-loopback-hostname"), "pass");
        text = tree_read(t->root, "/etc/hosts");
        assert_lines_kept(hosts, text, changed, ELEMENTSOF(changed));
        bak = tree_read(t->root, "/etc/hosts.migcheck-bak");
        assert_string_equal(bak, hosts);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(st.st_gid, 4);
        assert_nothing_to_fix(t, true);
}

/* The address the inventory gives wins over the nodes' votes, on the node
 * too: the coordinator's document records it (schema 2: this node's own
 * entry, "inventory"; schema 1: the peers' facts.peers), and the node's fix
 * writes what the coordinator's check asks for. */
static void inventory_address_fixed(struct t *t) {
        assert_int_equal(fix(t, "hosts-consistent", true, false), 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "fail");
        assert_non_null(t->o.diff);
        assert_non_null(strstr(t->o.diff, "-10.0.0.1\tcompute1.example.com compute1\n"
                                          "+10.0.0.11\tcompute1.example.com compute1\n"));
}

static void test_inventory_address_schema2(void **state) {
        struct t *t = *state;
        json_object *self = json_object_new_object();

        node_tree(t->root, "compute1.example.com", HOSTS_OK);
        add_peer(t, "compute2", "compute2.example.com", HOSTS_OK, NULL);
        add_peer(t, "compute3", "compute3.example.com", HOSTS_OK, NULL);
        json_object_object_add(self, "node_name", json_object_new_string("compute1"));
        mc_facts_set_inventory(self, "compute1", "10.0.0.11");
        json_object_array_add(mc_json_get(t->cluster, "cluster"), self);
        t->node_peers = mc_split("compute2=10.0.0.2,compute3=10.0.0.3", ",");
        inventory_address_fixed(t);
}

static void test_inventory_address_schema1_peers(void **state) {
        struct t *t = *state;
        json_object *cl;

        node_tree(t->root, "compute1.example.com", HOSTS_OK);
        add_peer(t, "compute2", "compute2.example.com", HOSTS_OK, NULL);
        add_peer(t, "compute3", "compute3.example.com", HOSTS_OK, NULL);
        /* What a schema 1 collector echoed of the coordinator's --peer. */
        cl = mc_json_get(t->cluster, "cluster");
        for (size_t i = 0; i < json_object_array_length(cl); i++) {
                json_object *peers = json_tokener_parse("[{\"name\": \"compute1\", \"address\": \"10.0.0.11\"}]");

                json_object_object_add(json_object_array_get_idx(cl, i), "peers", peers);
        }
        t->node_peers = mc_split("compute2=10.0.0.2,compute3=10.0.0.3", ",");
        inventory_address_fixed(t);
}

/* A name nobody gives an address for: not fixed, with the reason, and no
 * edit that changes nothing. */
static void test_no_agreed_address_unfixable(void **state) {
        struct t *t = *state;

        node_tree(t->root, "compute1.example.com", HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n");
        add_peer(t, "compute2", "compute2.example.com", HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n", NULL);
        assert_int_equal(fix(t, "hosts-consistent", false, true), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_int_equal(t->o.plan.n_unfixable, 1);
        assert_string_equal(t->o.plan.unfixable[0].check, "hosts-consistent");
        assert_non_null(strstr(t->o.plan.unfixable[0].reason, "no address is agreed for compute2"));
        assert_string_equal(status_of(t, "hosts-consistent"), "warn");
}

/* Two nodes with one hostname: the name is the operator's to settle, and
 * the fix says so; the names that are clear are still written. */
static void test_ambiguous_name_unfixable(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;

        node_tree(t->root, "compute1.example.com", HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n");
        add_peer(t, "compute2", "twin.example.com", HOSTS_OK, NULL);
        add_peer(t, "compute3", "twin.example.com", HOSTS_OK, NULL);
        assert_int_equal(fix(t, "hosts-consistent", false, true), 0);
        assert_int_equal(t->o.plan.n_unfixable, 1);
        assert_non_null(strstr(t->o.plan.unfixable[0].reason, "'twin.example.com' is claimed by more than one node"));
        text = tree_read(t->root, "/etc/hosts");
        assert_null(strstr(text, "twin"));
        /* Their inventory names are theirs alone: written (the cluster
         * knows no other FQDN for them). */
        assert_string_equal(text, HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n10.0.0.2\tcompute2\n10.0.0.3\tcompute3\n");
}

/* A peer that calls itself localhost is fixed on that peer, not here. */
static void test_peer_named_localhost_unfixable(void **state) {
        struct t *t = *state;

        node_tree(t->root, "compute1.example.com", HOSTS_OK);
        add_peer(t, "compute2", "localhost", HOSTS_OK, NULL);
        add_peer(t, "compute3", "compute3.example.com", HOSTS_OK, NULL);
        assert_int_equal(fix(t, "libvirt-hostname-resolvable", false, false), 0);
        assert_string_equal(status_of(t, "libvirt-hostname-resolvable"), "fail");
        assert_true(mc_plan_empty(&t->o.plan));
        assert_int_equal(t->o.plan.n_unfixable, 1);
        assert_non_null(strstr(t->o.plan.unfixable[0].reason, "compute2 names itself 'localhost'"));
}

/* A peer's libvirt name (its FQDN hostname) that this node lacks: added
 * to the line of the peer's address. */
static void test_libvirt_name_added_as_alias(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;

        cluster(t, HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n10.0.0.2\tcompute2\n"
                              "10.0.0.3\tcompute3.example.com compute3\n",
                NULL, NULL);
        assert_int_equal(fix(t, "libvirt-hostname-resolvable", false, true), 0);
        assert_string_equal(status_of(t, "libvirt-hostname-resolvable"), "fixed");
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, HOSTS_HEAD "10.0.0.1\tcompute1.example.com compute1\n"
                                             "10.0.0.2\tcompute2 compute2.example.com\n"
                                             "10.0.0.3\tcompute3.example.com compute3\n");
}

/* A file glibc reads but the Hosts lens would refuse (an address alone on
 * a line, a scoped address, a form feed, a comment glued to a name, a last
 * line with trailing blanks and no newline): fixed, and every line the fix
 * does not concern comes back byte for byte, the missing newline too. */
static void test_glibc_file_fixed_keeping_bytes(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL, *bak = NULL;
        static const char before[] = HOSTS_HEAD "10.0.0.5\n"
                                                "fe80::1%eth0\tcompute1-ll\n"
                                                "10.0.0.6\fodd-separator\n"
                                                "10.0.0.2\tcompute2.example.com compute2#glued\n"
                                                "127.0.1.1\tcompute1.example.com compute1\n"
                                                "10.0.0.3 compute3.example.com compute3  \t";

        cluster(t, before, NULL, NULL);
        assert_int_equal(fix(t, ONLY, false, true), 0);
        assert_string_equal(status_of(t, "hosts-loopback-hostname"), "fixed");
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, HOSTS_HEAD "10.0.0.5\n"
                                              "fe80::1%eth0\tcompute1-ll\n"
                                              "10.0.0.6\fodd-separator\n"
                                              "10.0.0.2\tcompute2.example.com compute2#glued\n"
                                              "10.0.0.1\tcompute1.example.com compute1\n"
                                              "10.0.0.3 compute3.example.com compute3  \t");
        bak = tree_read(t->root, "/etc/hosts.migcheck-bak");
        assert_string_equal(bak, before);
        assert_nothing_to_fix(t, true);
}

/* CRLF (a file edited on Windows, or written by a tool that does): read as
 * glibc reads it (CR is a blank to files-parse.c), fixed with its line
 * ends kept, the new line included. In a file that mixes CRLF and LF
 * lines each keeps its end. */
static void test_crlf_file(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;

        cluster(t, "127.0.0.1\tlocalhost\r\n10.0.0.1\tcompute1.example.com compute1\r\n"
                   "10.0.0.2\tcompute2.example.com compute2\r\n",
                NULL, NULL);
        assert_int_equal(fix(t, ONLY, false, true), 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, "127.0.0.1\tlocalhost\r\n10.0.0.1\tcompute1.example.com compute1\r\n"
                                  "10.0.0.2\tcompute2.example.com compute2\r\n"
                                  "10.0.0.3\tcompute3.example.com compute3\r\n");

        /* Mixed: the CRLF lines are kept aside as they are, the LF ones
         * edited; glibc reads both. */
        tree_write(t->root, "/etc/hosts", "127.0.0.1\tlocalhost\r\n10.0.0.1\tcompute1.example.com compute1\n"
                                          "10.0.0.7\tspare\r\n10.0.0.9\tcompute2.example.com compute2\n");
        assert_int_equal(fix(t, ONLY, false, true), 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "fixed");
        free(text);
        text = tree_read(t->root, "/etc/hosts");
        assert_string_equal(text, "127.0.0.1\tlocalhost\r\n10.0.0.1\tcompute1.example.com compute1\n"
                                  "10.0.0.7\tspare\r\n10.0.0.2\tcompute2.example.com compute2\n"
                                  "10.0.0.3\tcompute3.example.com compute3\n");
}

/* /etc/hosts a symlink to a file outside the root: refused, the outside
 * file untouched. */
static void test_symlink_out_of_root_refused(void **state) {
        struct t *t = *state;
        char outside[] = "/tmp/migcheck-outside-hosts-XXXXXX";
        int fd = mkstemp(outside);
        _cleanup_free_ char *text = NULL;
        static const char content[] = "127.0.0.1 localhost\n10.0.0.9 compute2\n";

        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
        cluster(t, NULL, NULL, NULL);
        tree_symlink(t->root, "/etc/hosts", outside);
        /* Read as under chroot, the link's target is not in the tree: the
         * checks cannot evaluate /etc/hosts, so there is nothing to write. */
        assert_int_equal(fix(t, ONLY, false, true), 0);
        assert_string_equal(status_of(t, "hosts-consistent"), "error");
        assert_false(t->o.applied);
        assert_int_equal(mc_read_file(outside, 1024, &text, NULL), 0);
        assert_string_equal(text, content);
        unlink(outside);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
                T(test_missing_peer),
                T(test_peer_wrong_address),
                T(test_names_move_between_lines),
                T(test_debian_127_0_1_1),
                T(test_hand_kept_file),
                T(test_inventory_address_schema2),
                T(test_inventory_address_schema1_peers),
                T(test_no_agreed_address_unfixable),
                T(test_ambiguous_name_unfixable),
                T(test_peer_named_localhost_unfixable),
                T(test_libvirt_name_added_as_alias),
                T(test_glibc_file_fixed_keeping_bytes),
                T(test_crlf_file),
                T(test_symlink_out_of_root_refused),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
