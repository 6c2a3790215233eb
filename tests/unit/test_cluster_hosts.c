/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cluster checks of names and storage: hosts-consistent,
 * hosts-loopback-hostname, libvirt-hostname-resolvable,
 * instances-path-consistent, config-drift; and their collectors (/etc/hosts
 * through the real Hosts lens, NSS, the mount table).
 *
 * Nodes are real trees collected by the real collectors where the facts
 * come from files; facts only a live node has (NSS answers, libvirt's
 * hostname) come as JSON. */
#include <dirent.h>
#include <glib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_test.h"
#include "offline.h"
#include "util.h"

#define MAX_TREES 6

struct t {
        char *roots[MAX_TREES];
        size_t n_roots;
        struct mc_cluster c;
        struct mc_results rs;
};

static int setup(void **state) {
        *state = calloc(1, sizeof(struct t));
        return 0;
}

static int teardown(void **state) {
        struct t *t = *state;

        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        for (size_t i = 0; i < t->n_roots; i++)
                tree_free(t->roots[i]);
        free(t);
        return 0;
}

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

#define NOVA_ZED \
        "[DEFAULT]\n" \
        "state_path = /var/lib/nova\n" \
        "\n" \
        "[libvirt]\n" \
        "virt_type = kvm\n"

#define MOUNTS_LOCAL \
        "/dev/sda1 / ext4 rw,relatime 0 0\n" \
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"

#define MOUNTS_NFS \
        MOUNTS_LOCAL \
        "nfs1:/export/nova /var/lib/nova/instances nfs4 rw,relatime,vers=4.2 0 0\n"

struct node_spec {
        const char *name;
        const char *hostname;     /* /etc/hostname */
        const char *hosts;        /* /etc/hosts; NULL: none */
        const char *nova;         /* /etc/nova/nova.conf; NULL: NOVA_ZED */
        const char *qemu;         /* /etc/libvirt/qemu.conf; NULL: commented defaults */
        const char *mounts;       /* /proc/mounts; NULL: MOUNTS_LOCAL */
};

/* A Debian 12 / nova Zed compute node as a tree, collected like --from DIR. */
static struct mc_node *add_node(struct t *t, const struct node_spec *s) {
        char *root = tree_new();

        assert_true(t->n_roots < MAX_TREES);
        t->roots[t->n_roots++] = root;
        tree_os(root, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
        tree_dpkg(root, (const char *const[]) { "libvirt-daemon=9.0.0-4+deb12u2", "nova-common=2:26.2.2-1~deb12u5",
                                                "qemu-system-x86=1:7.2+dfsg-7+deb12u18", NULL });
        {
                _cleanup_free_ char *h = mc_strdup_printf("%s\n", s->hostname ?: s->name);
                tree_write(root, "/etc/hostname", h);
        }
        if (s->hosts)
                tree_write(root, "/etc/hosts", s->hosts);
        tree_write(root, "/etc/nova/nova.conf", s->nova ?: NOVA_ZED);
        tree_write(root, "/etc/libvirt/qemu.conf", s->qemu ?: "#migration_port_min = 49152\n#migration_port_max = 49215\n");
        tree_write(root, "/proc/mounts", s->mounts ?: MOUNTS_LOCAL);
        tree_mkdir(root, "/var/lib/nova/instances", getuid(), getgid());
        return cluster_add_tree(&t->c, s->name, root);
}

static void add_three(struct t *t, const char *h1, const char *h2, const char *h3) {
        add_node(t, &(struct node_spec) { .name = "compute1", .hosts = h1 });
        add_node(t, &(struct node_spec) { .name = "compute2", .hosts = h2 });
        add_node(t, &(struct node_spec) { .name = "compute3", .hosts = h3 });
}

static void run(struct t *t, const char *id) {
        mc_results_done(&t->rs);
        t->rs = (struct mc_results) {};
        run_cluster_check(&t->c, id, &t->rs);
}

static void assert_hint(const struct mc_result *r, const char *part) {
        if (!r->hint || !strstr(r->hint, part))
                fail_msg("hint '%s' lacks '%s'", r->hint ?: "(none)", part);
}

/* --- the collector ------------------------------------------------------ */

static void test_hosts_facts_from_lens(void **state) {
        struct t *t = *state;
        struct mc_node *n = add_node(t, &(struct node_spec) {
                .name = "compute1",
                .hosts = HOSTS_HEAD "   # indented comment\n#\n10.0.0.2   compute2.example.com  compute2 # trailing\n",
        });
        json_object *h = mc_json_get(n->facts, "hosts"), *e;

        assert_string_equal(mc_json_str(h, "state"), "ok");
        assert_string_equal(mc_json_str(h, "path"), "/etc/hosts");
        e = mc_json_get(h, "entries");
        assert_int_equal(json_object_array_length(e), 4);
        e = json_object_array_get_idx(e, 3);
        assert_string_equal(mc_json_str(e, "address"), "10.0.0.2");
        assert_int_equal(mc_json_int(e, "line", 0), 8);
        assert_string_equal(mc_json_str(json_object_array_get_idx(mc_json_get(e, "names"), 1), NULL), "compute2");
        /* Offline: no NSS answers. */
        assert_null(mc_json_get(n->facts, "resolve"));
}

/* What glibc skips is skipped, with its line, never "did not parse": an
 * address alone, a scoped or malformed address; a comment glued to a name,
 * CRLF, trailing blanks and a missing final newline read as glibc reads them
 * (tests/real/hosts-getent proves the same against getent). */
static void test_hosts_read_as_glibc(void **state) {
        struct t *t = *state;
        struct mc_node *n = add_node(t, &(struct node_spec) {
                .name = "compute1",
                .hosts = "127.0.0.1 localhost\n\n10.0.0.5\n"
                         "fe80::1%eth0 scoped\n"
                         "10.0.0.010 leading-zero\n"
                         "\t 10.0.0.2\tcompute2.example.com#glued comment\r\n"
                         "::1 ip6-localhost\n"
                         "10.0.0.3  compute3   ",
        });
        json_object *h = mc_json_get(n->facts, "hosts"), *e, *s;

        assert_string_equal(mc_json_str(h, "state"), "ok");
        e = mc_json_get(h, "entries");
        assert_int_equal(json_object_array_length(e), 4);
        assert_int_equal(mc_json_int(json_object_array_get_idx(e, 1), "line", 0), 6);
        assert_string_equal(mc_json_str(json_object_array_get_idx(e, 1), "address"), "10.0.0.2");
        assert_string_equal(mc_json_str(json_object_array_get_idx(mc_json_get(json_object_array_get_idx(e, 1), "names"), 0), NULL),
                            "compute2.example.com");
        assert_int_equal(json_object_array_length(mc_json_get(json_object_array_get_idx(e, 1), "names")), 1);
        assert_string_equal(mc_json_str(json_object_array_get_idx(e, 2), "address"), "::1");
        assert_int_equal(mc_json_int(json_object_array_get_idx(e, 3), "line", 0), 8);
        assert_string_equal(mc_json_str(json_object_array_get_idx(mc_json_get(json_object_array_get_idx(e, 3), "names"), 0), NULL),
                            "compute3");
        s = mc_json_get(h, "skipped");
        assert_int_equal(mc_json_int(h, "skipped_count", 0), 3);
        assert_int_equal(mc_json_int(json_object_array_get_idx(s, 0), "line", 0), 3);
        assert_string_equal(mc_json_str(json_object_array_get_idx(s, 0), "reason"), "an address without a name");
        assert_int_equal(mc_json_int(json_object_array_get_idx(s, 1), "line", 0), 4);
        assert_string_equal(mc_json_str(json_object_array_get_idx(s, 1), "address"), "fe80::1%eth0");
        assert_string_equal(mc_json_str(json_object_array_get_idx(s, 1), "reason"), "not an address glibc takes");
        assert_int_equal(mc_json_int(json_object_array_get_idx(s, 2), "line", 0), 5);
        /* Evaluated, not an ERROR: the node's own name is simply not there. */
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_WARN, "'compute1' (compute1) is not in /etc/hosts");
}

/* A line glibc ignores that names a node: a WARN naming the line, even
 * where another line maps the name right (whoever wrote it meant
 * something that does not happen). */
static void test_skipped_line_names_node(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_three(t, HOSTS_OK "10.0.0.300\tcompute2-old compute2   # moved\nfe80::3%eth1 compute3\n", HOSTS_OK, HOSTS_OK);
        run(t, "hosts-consistent");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_WARN, "line 9, which names 'compute2' (compute2), is ignored by the resolver: '10.0.0.300' is "
                               "not an address glibc takes");
        assert_row(r, MC_WARN, "line 10, which names 'compute3' (compute3)");
        assert_evidence(r, "/etc/hosts", 9, "'10.0.0.300' not an address glibc takes: glibc ignores the line");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, NULL);
}

static void test_hosts_absent(void **state) {
        struct t *t = *state;
        struct mc_node *n = add_node(t, &(struct node_spec) { .name = "compute1" });

        assert_string_equal(mc_json_str(mc_json_get(n->facts, "hosts"), "state"), "absent");
}

/* Live collection resolves the peers and the own hostname through NSS,
 * within the deadline, whatever the resolver does. */
static void test_live_resolve(void **state) {
        char *peers[] = { "localhost", "nosuch.invalid=10.9.9.9", "10.1.2.3", NULL };
        const struct mc_collect_opts o = { .root = "/", .needs = MC_NEED_HOSTS, .peers = peers };
        _cleanup_free_ char *err = NULL;
        _cleanup_json_ json_object *facts = NULL;
        struct timespec a, b;
        json_object *res;

        clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(mc_collect(&o, &facts, &err), 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        assert_true(b.tv_sec - a.tv_sec < 4);
        res = mc_json_get(facts, "resolve");
        assert_non_null(res);
        assert_non_null(mc_json_str(mc_json_get(res, "nosuch.invalid"), "error"));
        assert_int_equal(json_object_array_length(mc_json_path(res, "localhost", "addresses", NULL)) > 0, 1);
        /* Addresses are not names: not asked. */
        assert_null(mc_json_get(res, "10.1.2.3"));
        /* The node's own hostname is asked too. */
        assert_non_null(mc_json_get(res, mc_json_str(mc_json_get(facts, "node"), "hostname")));
}

/* The live mount table: /proc is a proc mount, not shared. */
static void test_live_mounts(void **state) {
        _cleanup_(mc_rootfs_freep) struct mc_rootfs *fs = NULL;
        _cleanup_json_ json_object *facts = json_object_new_object();
        struct mc_collector c = { .live = true, .facts = facts };
        json_object *ip = json_object_new_object(), *nova = json_object_new_object(), *m;

        assert_int_equal(mc_rootfs_open("/", &fs), 0);
        c.fs = fs;
        json_object_object_add(ip, "path", json_object_new_string("/proc/self/status"));
        json_object_object_add(nova, "instances_path", ip);
        json_object_object_add(facts, "nova", nova);
        mc_collect_mounts(&c);
        m = mc_json_get(ip, "mount");
        assert_non_null(m);
        assert_string_equal(mc_json_str(m, "target"), "/proc");
        assert_string_equal(mc_json_str(m, "fstype"), "proc");
        assert_false(mc_json_bool(m, "shared", true));
        assert_string_equal(mc_json_str(m, "table"), "/proc/self/mountinfo");
        /* /proc/self is a symlink: the path resolved is recorded. */
        assert_non_null(mc_json_str(m, "path"));
}

/* instances_path through a symlink lands on the NFS mount it points into;
 * mount points with escaped spaces are read as the kernel writes them. */
static void test_mount_symlink_and_escapes(void **state) {
        struct t *t = *state;
        char *root = tree_new();
        json_object *m;

        t->roots[t->n_roots++] = root;
        tree_os(root, "ID=debian\n");
        tree_write(root, "/etc/nova/nova.conf", "[DEFAULT]\ninstances_path = /var/lib/nova/instances\n");
        tree_mkdir(root, "/srv/nfs share/nova", getuid(), getgid());
        tree_mkdir(root, "/var/lib/nova", getuid(), getgid());
        tree_symlink(root, "/var/lib/nova/instances", "../../../srv/nfs share/nova");
        tree_write(root, "/proc/mounts", MOUNTS_LOCAL "nfs1:/export /srv/nfs\\040share nfs rw 0 0\n");
        m = mc_json_path(cluster_add_tree(&t->c, "compute1", root)->facts, "nova", "instances_path", "mount", NULL);
        assert_non_null(m);
        assert_string_equal(mc_json_str(m, "target"), "/srv/nfs share");
        assert_string_equal(mc_json_str(m, "source"), "nfs1:/export");
        assert_string_equal(mc_json_str(m, "path"), "/srv/nfs share/nova");
        assert_true(mc_json_bool(m, "shared", false));
}

/* --- hosts-consistent --------------------------------------------------- */

static void test_hosts_all_consistent(void **state) {
        struct t *t = *state;

        add_three(t, HOSTS_OK, HOSTS_OK, HOSTS_OK);
        run(t, "hosts-consistent");
        /* Each node's name and its FQDN, which its own /etc/hosts gives as
         * the first name of its hostname's line (what `hostname -f` says). */
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "6 names of 3 nodes resolve to the cluster's addresses (6 from");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, NULL);
        run(t, "hosts-loopback-hostname");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, "no name of the cluster's 3 nodes maps to loopback");
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "resolves the libvirt names of 2 peers");
}

/* Offline, a name missing from /etc/hosts may still be in DNS: a warning
 * that says so, and how many nodes list it. */
static void test_peer_missing_offline(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_three(t, HOSTS_HEAD "10.0.0.1 compute1.example.com compute1\n10.0.0.2 compute2.example.com compute2\n",
                  HOSTS_OK, HOSTS_OK);
        run(t, "hosts-consistent");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_WARN, "not in /etc/hosts and offline facts cannot tell whether DNS answers");
        assert_row(r, MC_WARN, "'compute3' (compute3) is not in /etc/hosts");
        assert_evidence(r, "/etc/hosts", 0, "listed there by 2 nodes");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, NULL);
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_WARN, "'compute3' (compute3) is not in /etc/hosts");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, NULL);
}

static void test_conflicting_address(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_three(t,
                  HOSTS_HEAD "10.0.0.1 compute1.example.com compute1\n10.0.0.99 compute2.example.com compute2\n"
                             "10.0.0.3 compute3.example.com compute3\n",
                  HOSTS_OK, HOSTS_OK);
        run(t, "hosts-consistent");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "'compute2' maps to 10.0.0.99 on line 7, the cluster's address for compute2 is 10.0.0.2");
        assert_evidence(r, "/etc/hosts", 7, "10.0.0.99 compute2.example.com compute2");
        assert_evidence(r, "cluster", 0, "compute2: 10.0.0.2 (2 of 3 nodes' answers)");
        assert_hint(r, "same /etc/hosts lines");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, NULL);
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_FAIL, "'compute2' (compute2) resolves to 10.0.0.99 on line 7, not to "
                                                        "its address 10.0.0.2");

        /* The inventory's address beats the majority: now compute1 is right. */
        mc_cluster_done(&t->c);
        add_three(t,
                  HOSTS_HEAD "10.0.0.1 compute1.example.com compute1\n10.0.0.99 compute2.example.com compute2\n"
                             "10.0.0.3 compute3.example.com compute3\n",
                  HOSTS_OK, HOSTS_OK);
        t->c.nodes[1].address = mc_strdup("10.0.0.99");
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, NULL);
        r = row_of(&t->rs, "compute3");
        assert_row(r, MC_FAIL, "'compute2.example.com' maps to 10.0.0.2 on line 7, the cluster's address for compute2 is "
                               "10.0.0.99");
        assert_evidence(r, "cluster", 0, "compute2: 10.0.0.99 (inventory)");
}

/* Names are compared without case, and the FQDN and short forms of a
 * node's hostname both count. */
static void test_fqdn_vs_short(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1", .hostname = "compute1.example.com", .hosts = HOSTS_OK });
        /* Short names only: the FQDN hostnames are missing. */
        add_node(t, &(struct node_spec) {
                .name = "compute2", .hostname = "compute2.example.com",
                .hosts = HOSTS_HEAD "10.0.0.1 compute1\n10.0.0.2 compute2\n",
        });
        /* The short form of compute1.example.com points elsewhere. */
        add_node(t, &(struct node_spec) {
                .name = "compute3", .hostname = "compute3.example.com",
                .hosts = HOSTS_HEAD "10.0.0.1 Compute1.Example.COM\n10.0.0.2 compute2.example.com compute2\n"
                                    "10.0.0.3 compute3.example.com compute3\n10.0.0.77 compute1\n",
        });
        run(t, "hosts-consistent");
        /* Each node's name (short) and hostname (FQDN). */
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "6 names of 3 nodes");
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_WARN, "4 of the cluster's names are not in /etc/hosts");  /* and compute3 entirely */
        assert_row(r, MC_WARN, "'compute2.example.com' (compute2) is not in /etc/hosts");
        r = row_of(&t->rs, "compute3");
        assert_row(r, MC_FAIL, "'compute1' maps to 10.0.0.77 on line 9");
        run(t, "libvirt-hostname-resolvable");
        /* libvirt keeps a hostname with a dot as it is: compute2 must resolve compute1.example.com. */
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_WARN, "'compute1.example.com' (compute1) is not in /etc/hosts");
        assert_evidence(r, "/etc/hosts", 0, "node.hostname, as libvirt would report it");
}

/* --- hosts-loopback-hostname -------------------------------------------- */

/* A file of tests/hosts/ (real shapes: Debian's installer, cloud-init),
 * with the cluster's lines an administrator appends. */
static char *corpus(const char *name, const char *append) {
        _cleanup_free_ char *path = mc_strdup_printf("%s/%s", MC_TEST_HOSTS_DIR, name), *text = NULL;

        assert_int_equal(mc_read_file(path, 1 << 20, &text, NULL), 0);
        return mc_strdup_printf("%s%s", text, append ?: "");
}

#define CLUSTER_LINES "\n# the cluster\n10.0.0.2 compute2.example.com compute2\n10.0.0.3 compute3.example.com compute3\n"

/* Debian's installer puts the node's own name on 127.0.1.1: a migration TO
 * it works (each source resolves the name with its own files), so a
 * warning with the reason, not a failure. */
static void test_loopback_own_name_debian(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *debian = corpus("debian12-installer", CLUSTER_LINES);
        const struct mc_result *r;

        add_three(t, debian, HOSTS_OK, HOSTS_OK);
        run(t, "hosts-loopback-hostname");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_WARN, "this node's own name maps to loopback; a migration to it still works, since each "
                               "source resolves the name (or migration_host) with its own files: line 2 maps this "
                               "node's own names compute1.example.com compute1 to loopback 127.0.1.1");
        assert_evidence(r, "/etc/hosts", 2, "127.0.1.1 compute1.example.com compute1");
        assert_hint(r, "debian's installer writes this line");
        assert_hint(r, "'10.0.0.1 NAME'");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, "no name of the cluster's 3 nodes maps to loopback");
        /* The peers resolve compute1 to its address: no failure anywhere. */
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, "resolves the libvirt names of 2 peers");
        /* Loopback lines are no vote and no conflict for hosts-consistent:
         * compute1's own names are still present there. */
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, NULL);
}

/* The same Debian file copied to another node: there compute1's name is a
 * PEER's on loopback, and a migration from compute2 to compute1 would
 * connect to compute2 itself. */
static void test_loopback_peer_name_fails(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *debian = corpus("debian12-installer", CLUSTER_LINES);
        const struct mc_result *r;

        add_three(t, debian, debian, HOSTS_OK);
        run(t, "hosts-loopback-hostname");
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_FAIL, "a peer's name maps to loopback here, so a migration from this node to it connects to "
                               "this node itself: line 2 maps compute1.example.com compute1 (compute1) to loopback "
                               "127.0.1.1");
        assert_evidence(r, "/etc/hosts", 2, "127.0.1.1 compute1.example.com compute1");
        assert_hint(r, "remove 'compute1.example.com compute1' from line 2 of /etc/hosts and map them to the node's "
                       "migration address instead: '10.0.0.1 compute1.example.com compute1'");
        /* On compute1 the very same line is its own name. */
        assert_row(row_of(&t->rs, "compute1"), MC_WARN, "line 2 maps this node's own names");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, NULL);
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute2"), MC_FAIL, "'compute1' (compute1) resolves to loopback 127.0.1.1 on line 2");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, NULL);
}

/* cloud-init's Red Hat template maps the hostname to 127.0.0.1 and ::1. */
static void test_loopback_own_name_cloud_init(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *redhat = corpus("cloud-init-redhat", NULL);
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute-1", .hosts = redhat });
        add_node(t, &(struct node_spec) {
                .name = "compute-2", .hosts = HOSTS_HEAD "10.0.0.1 compute-1.novalocal compute-1\n"
                                                         "10.0.0.2 compute-2.novalocal compute-2\n",
        });
        run(t, "hosts-loopback-hostname");
        r = row_of(&t->rs, "compute-1");
        assert_row(r, MC_WARN, "line 9 maps this node's own names compute-1.novalocal compute-1 to loopback 127.0.0.1; "
                               "line 14 maps this node's own names compute-1.novalocal compute-1 to loopback ::1");
        assert_evidence(r, "/etc/hosts", 14, "::1 compute-1.novalocal compute-1");
        assert_row(row_of(&t->rs, "compute-2"), MC_PASS, NULL);
}

/* A hostname starting with "localhost" is refused by the destination's
 * libvirt (qemuMigrationDstPrepareDirect), wherever it resolves; a
 * migration_host in qemu.conf takes its place. */
static void test_localhost_hostname_fails(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1", .hosts = HOSTS_OK });
        add_node(t, &(struct node_spec) { .name = "compute2", .hostname = "localhost.localdomain", .hosts = HOSTS_OK });
        add_node(t, &(struct node_spec) {
                .name = "compute3", .hostname = "localhost", .hosts = HOSTS_OK,
                .qemu = "# set by the deployment\nmigration_host = \"compute3.example.com\"   # peers resolve this\n",
        });
        run(t, "hosts-loopback-hostname");
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_FAIL, "libvirt refuses this node as a migration destination: this node's name for migration is "
                               "'localhost.localdomain': libvirt refuses every incoming migration (\"hostname on "
                               "destination resolved to localhost, but migration requires an FQDN\")");
        assert_evidence(r, "cluster", 0, "compute2: node.hostname, as libvirt would report it");
        assert_hint(r, "hostnamectl set-hostname");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, "no name of the cluster's 3 nodes maps to loopback");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, NULL);
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_FAIL, "compute2 names itself 'localhost.localdomain'");
}

/* A cluster of one: its own name on 127.0.1.1 is a warning (its peers are
 * not known here, and they resolve the name with their own files). */
static void test_single_node(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) {
                .name = "compute1", .hosts = "127.0.0.1 localhost\n127.0.1.1 compute1\n",
        });
        run(t, "hosts-loopback-hostname");
        assert_row(row_of(&t->rs, "compute1"), MC_WARN, "line 2 maps this node's own name compute1 to loopback");
        assert_hint(row_of(&t->rs, "compute1"), "'ADDRESS NAME'");
        run(t, "libvirt-hostname-resolvable");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_WARN, "its own libvirt name resolves to loopback here, which a migration to it survives if its "
                               "peers resolve the name (check it with them: migcheck -n ...): 'compute1' (compute1) "
                               "resolves to loopback 127.0.1.1 on line 2");
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "1 name of 1 node resolves");
        run(t, "instances-path-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "nothing is shared, live migration must copy the disks");
        run(t, "config-drift");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "a cluster of one: nothing to compare yet (migration transport tcp "
                                                        "port 16509, cpu_mode host-model");

        /* Fixed: the name on the node's address. */
        mc_cluster_done(&t->c);
        add_node(t, &(struct node_spec) {
                .name = "compute1", .hosts = "127.0.0.1 localhost\n10.0.0.1 compute1\n",
        });
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "itself: a cluster of one");
}

/* --- live facts: NSS answers and libvirt's hostname ---------------------- */

#define LIVE_NODE(hostname, hosts_entries, resolve) \
        "{ \"collection\": { \"live\": true }, \"node\": { \"hostname\": \"" hostname "\" }, " \
        "\"hosts\": { \"path\": \"/etc/hosts\", \"state\": \"ok\", \"entries\": [ " hosts_entries " ] }, " \
        "\"libvirt\": { \"hostname\": \"" hostname ".example.com\" }, \"resolve\": { " resolve " } }"

#define ENTRY(addr, names, line) "{ \"address\": \"" addr "\", \"names\": [ " names " ], \"line\": " #line " }"

static void test_libvirt_hostname_not_resolvable(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        /* compute1 knows compute2 by /etc/hosts, but not compute2's FQDN,
         * which libvirt on compute2 hands out, and DNS does not know it. */
        cluster_add_json(&t->c, "compute1",
                         LIVE_NODE("compute1",
                                   ENTRY("10.0.0.1", "\"compute1.example.com\", \"compute1\"", 1) ", "
                                   ENTRY("10.0.0.2", "\"compute2\"", 2),
                                   "\"compute2\": { \"addresses\": [ \"10.0.0.2\" ], \"canonical\": \"compute2\" }, "
                                   "\"compute2.example.com\": { \"addresses\": [], \"error\": \"Name or service not known\" }, "
                                   "\"compute1\": { \"addresses\": [ \"10.0.0.1\" ], \"canonical\": \"compute1.example.com\" }"));
        cluster_add_json(&t->c, "compute2",
                         LIVE_NODE("compute2",
                                   ENTRY("10.0.0.1", "\"compute1.example.com\", \"compute1\"", 1) ", "
                                   ENTRY("10.0.0.2", "\"compute2.example.com\", \"compute2\"", 2),
                                   "\"compute1\": { \"addresses\": [ \"10.0.0.1\" ] }, "
                                   "\"compute2\": { \"addresses\": [ \"10.0.0.2\" ], \"canonical\": \"compute2.example.com\" }"));
        run(t, "libvirt-hostname-resolvable");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "\"Unable to resolve address 'compute2.example.com' service '49152': Name or service not "
                               "known\"");
        assert_evidence(r, "nss", 0, "the hostname libvirt reports");
        assert_hint(r, "virsh hostname");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, "resolves the libvirt names of 1 peer");
        run(t, "hosts-consistent");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "'compute2.example.com' (compute2) does not resolve: not in /etc/hosts, NSS: Name or "
                               "service not known");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, "(4 from /etc/hosts, 0 through NSS)");
}

/* NSS answers a name with the wrong address, or loopback first. */
static void test_nss_wrong_and_loopback(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        cluster_add_json(&t->c, "compute1",
                         LIVE_NODE("compute1", ENTRY("10.0.0.1", "\"compute1.example.com\", \"compute1\"", 1),
                                   "\"compute2\": { \"addresses\": [ \"10.0.0.200\" ] }, "
                                   "\"compute2.example.com\": { \"addresses\": [ \"10.0.0.200\" ] }"));
        cluster_add_json(&t->c, "compute2",
                         LIVE_NODE("compute2", ENTRY("10.0.0.1", "\"compute1.example.com\", \"compute1\"", 1),
                                   "\"compute2\": { \"addresses\": [ \"127.0.0.2\", \"10.0.0.2\" ] }"));
        t->c.nodes[1].address = mc_strdup("10.0.0.2");
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_FAIL, "resolves to 10.0.0.200 through NSS, the cluster's address for "
                                                        "compute2 is 10.0.0.2");
        run(t, "hosts-loopback-hostname");
        /* Its own name: NSS on compute2 answers loopback first for it. */
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_WARN, "this node's own name 'compute2' resolves to loopback 127.0.0.2 through NSS");
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_FAIL, "through NSS, not to its address 10.0.0.2");
}

/* A peer's name answered with loopback by NSS on the source. */
static void test_nss_peer_loopback_fails(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        cluster_add_json(&t->c, "compute1",
                         LIVE_NODE("compute1", ENTRY("10.0.0.1", "\"compute1.example.com\", \"compute1\"", 1),
                                   "\"compute2\": { \"addresses\": [ \"127.0.1.1\" ] }"));
        cluster_add_json(&t->c, "compute2",
                         LIVE_NODE("compute2", ENTRY("10.0.0.2", "\"compute2.example.com\", \"compute2\"", 1),
                                   "\"compute1\": { \"addresses\": [ \"10.0.0.1\" ] }"));
        t->c.nodes[1].address = mc_strdup("10.0.0.2");
        run(t, "hosts-loopback-hostname");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "a peer's name maps to loopback here, so a migration from this node to it connects to "
                               "this node itself: 'compute2' (compute2) resolves to loopback 127.0.1.1 through NSS");
        assert_evidence(r, "nss", 0, "getaddrinfo(\"compute2\"): 127.0.1.1 first");
        assert_hint(r, "add '10.0.0.2 compute2' to /etc/hosts");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, NULL);
}

/* --- instances-path-consistent ------------------------------------------ */

static void test_instances_path_differs(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1", .hosts = HOSTS_OK });
        add_node(t, &(struct node_spec) { .name = "compute2", .hosts = HOSTS_OK });
        add_node(t, &(struct node_spec) {
                .name = "compute3", .hosts = HOSTS_OK,
                .nova = "[DEFAULT]\nstate_path = /var/lib/nova\ninstances_path = /srv/nova/instances\n",
        });
        run(t, "instances-path-consistent");
        r = row_of(&t->rs, "compute3");
        assert_row(r, MC_FAIL, "instances_path differs between nodes: /srv/nova/instances here; "
                               "/var/lib/nova/instances on 2 nodes (compute1, compute2)");
        assert_evidence(r, "/etc/nova/nova.conf", 3, "instances_path = /srv/nova/instances");
        assert_hint(r, "most use /var/lib/nova/instances");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_PASS, "differing (see their rows): /srv/nova/instances on 1 node (compute3)");
}

static void test_mixed_shared_local(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1", .mounts = MOUNTS_NFS });
        add_node(t, &(struct node_spec) { .name = "compute2", .mounts = MOUNTS_NFS });
        add_node(t, &(struct node_spec) { .name = "compute3" });
        run(t, "instances-path-consistent");
        r = row_of(&t->rs, "compute3");
        assert_row(r, MC_FAIL, "instances_path is on local storage (ext4 /dev/sda1 on /) here, the cluster mixes storage");
        assert_row(r, MC_FAIL, "InvalidSharedStorage");
        assert_evidence(r, "/proc/mounts", 0, "/dev/sda1 on / type ext4");
        assert_row(r, MC_FAIL, "(shared nfs4 nfs1:/export/nova (mounted on /var/lib/nova/instances) on 2 nodes "
                               "(compute1, compute2))");
        assert_hint(r, "mount nfs1:/export/nova on /var/lib/nova/instances here (nfs4, as compute1 does)");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "differing (see their rows): local storage");

        /* Two nodes, one each way: nothing says which is right, both fail. */
        mc_results_done(&t->rs);
        t->rs = (struct mc_results) {};
        mc_cluster_done(&t->c);
        add_node(t, &(struct node_spec) { .name = "compute1", .mounts = MOUNTS_NFS });
        add_node(t, &(struct node_spec) { .name = "compute2" });
        run(t, "instances-path-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_FAIL, "mixes storage");
        assert_row(row_of(&t->rs, "compute2"), MC_FAIL, "mixes storage");
        assert_hint(row_of(&t->rs, "compute2"), "on every node");
}

static void test_same_nfs_export(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1", .mounts = MOUNTS_NFS });
        /* NFSv3 and a different spelling of the same export. */
        add_node(t, &(struct node_spec) {
                .name = "compute2", .mounts = MOUNTS_LOCAL "NFS1:/export/nova/ /var/lib/nova/instances nfs rw 0 0\n",
        });
        add_node(t, &(struct node_spec) { .name = "compute3", .mounts = MOUNTS_NFS });
        run(t, "instances-path-consistent");
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_PASS, "instances_path /var/lib/nova/instances on shared nfs NFS1:/export/nova/");
        assert_row(r, MC_PASS, "the same on 3 of 3 nodes");

        /* The same server, one level up: another directory. */
        mc_results_done(&t->rs);
        t->rs = (struct mc_results) {};
        mc_cluster_done(&t->c);
        add_node(t, &(struct node_spec) { .name = "compute1", .mounts = MOUNTS_NFS });
        add_node(t, &(struct node_spec) { .name = "compute2", .mounts = MOUNTS_NFS });
        add_node(t, &(struct node_spec) {
                .name = "compute3", .mounts = MOUNTS_LOCAL "nfs1:/export /var/lib/nova nfs4 rw 0 0\n",
        });
        run(t, "instances-path-consistent");
        assert_row(row_of(&t->rs, "compute3"), MC_FAIL, "shared nfs4 nfs1:/export/instances (mounted on /var/lib/nova)");
}

static void test_storage_unknown_skips(void **state) {
        struct t *t = *state;
        json_object *ip;

        add_node(t, &(struct node_spec) { .name = "compute1" });
        /* As from a tree without any mount table. */
        ip = mc_json_path(t->c.nodes[0].facts, "nova", "instances_path", NULL);
        json_object_object_del(ip, "mount");
        run(t, "instances-path-consistent");
        assert_row(row_of(&t->rs, "compute1"), MC_SKIP, "instances_path /var/lib/nova/instances, the same on every node "
                                                       "with facts; whether it is shared is unknown: the mount table was "
                                                       "not collected");
}

/* --- config-drift --------------------------------------------------------- */

static void test_drift_scheme_and_cpu_mode(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1" });
        add_node(t, &(struct node_spec) { .name = "compute2" });
        add_node(t, &(struct node_spec) {
                .name = "compute3",
                .nova = NOVA_ZED "live_migration_scheme = tls\ncpu_mode = host-passthrough\n",
        });
        run(t, "config-drift");
        r = row_of(&t->rs, "compute3");
        assert_row(r, MC_FAIL, "migration transport differs: tls port 16514 here, tcp port 16509 on 2 nodes "
                               "(compute1, compute2)");
        assert_row(r, MC_FAIL, "cpu_mode differs: host-passthrough here, host-model on 2 nodes");
        assert_evidence(r, "/etc/nova/nova.conf", 6, "live_migration_scheme = tls");
        assert_evidence(r, "/etc/nova/nova.conf", 7, "cpu_mode = host-passthrough");
        assert_hint(r, "live_migration_scheme");
        assert_hint(r, "most nodes: tcp port 16509");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_PASS, "as on most nodes; differing (see their rows): migration transport: tls port 16514 on "
                               "1 node (compute3)");

        /* cpu_mode alone: a warning, the reason in the summary. */
        mc_results_done(&t->rs);
        t->rs = (struct mc_results) {};
        mc_cluster_done(&t->c);
        add_node(t, &(struct node_spec) { .name = "compute1" });
        add_node(t, &(struct node_spec) { .name = "compute2" });
        add_node(t, &(struct node_spec) { .name = "compute3", .nova = NOVA_ZED "cpu_mode = host-passthrough\n" });
        run(t, "config-drift");
        assert_row(row_of(&t->rs, "compute3"), MC_WARN, "the guest CPU travels with the guest");
}

static void test_drift_ports_and_flags(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1" });
        add_node(t, &(struct node_spec) {
                .name = "compute2", .qemu = "migration_port_min = 49152\nmigration_port_max = 49300\n",
        });
        add_node(t, &(struct node_spec) { .name = "compute3" });
        run(t, "config-drift");
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_WARN, "migration ports differs: 49152-49300 here, 49152-49215 on 2 nodes");
        assert_row(r, MC_WARN, "firewall rule");
        assert_evidence(r, "/etc/libvirt/qemu.conf", 2, "migration_port_max = 49300");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "live_migration_flag set by nova (newton and later)");
}

/* A node whose facts could not be collected is in no comparison. */
static void test_node_without_facts(void **state) {
        struct t *t = *state;
        struct mc_node *n;

        add_three(t, HOSTS_OK, HOSTS_OK, HOSTS_OK);
        n = mc_cluster_add(&t->c, "compute4");
        n->error = mc_strdup("ssh: connection refused");
        run(t, "hosts-consistent");
        /* compute4's name is still one every node must resolve. */
        assert_row(row_of(&t->rs, "compute1"), MC_WARN, "'compute4' (compute4) is not in /etc/hosts");
        run(t, "libvirt-hostname-resolvable");
        assert_row(row_of(&t->rs, "compute1"), MC_PASS, "peers without facts not judged");
        run(t, "config-drift");
        assert_row(row_of(&t->rs, "compute2"), MC_PASS, "the same on all 3 nodes");
}

/* Cloned nodes with one hostname: libvirt on both hands out the same name,
 * and no /etc/hosts can send it to both. */
static void test_duplicate_hostname(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(t, &(struct node_spec) { .name = "compute1", .hosts = HOSTS_OK });
        add_node(t, &(struct node_spec) { .name = "compute2", .hostname = "compute", .hosts = HOSTS_OK "10.0.0.2 compute\n" });
        add_node(t, &(struct node_spec) { .name = "compute3", .hostname = "compute", .hosts = HOSTS_OK "10.0.0.2 compute\n" });
        run(t, "libvirt-hostname-resolvable");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "compute2's name 'compute' is also another node's: sources cannot tell them apart");
        assert_evidence(r, "cluster", 0, "compute3: node.hostname");
        run(t, "hosts-consistent");
        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_PASS, "names claimed by several nodes were not judged");
}

/* Facts of the wrong shape (hostile, truncated, another version) are
 * "not known": one row per node, never a crash. */
static void test_hostile_facts(void **state) {
        static const char *const ids[] = {
                "hosts-consistent", "hosts-loopback-hostname", "libvirt-hostname-resolvable",
                "instances-path-consistent", "config-drift",
        };
        struct t *t = *state;

        cluster_add_json(&t->c, "a", "{ \"node\": [], \"hosts\": { \"state\": \"ok\", \"entries\": { \"x\": 1 } }, "
                                     "\"resolve\": [ 1 ], \"nova\": { \"files\": \"nova.conf\", \"instances_path\": 3 }, "
                                     "\"libvirt\": \"x\", \"files\": 7 }");
        cluster_add_json(&t->c, "b", "{ \"node\": { \"hostname\": 5 }, \"hosts\": { \"state\": \"ok\", \"entries\": "
                                     "[ 1, { \"address\": 2, \"names\": \"b\" }, { \"address\": \"10.0.0.2\", "
                                     "\"names\": [ 3, \"b\" ], \"line\": \"x\" } ] }, "
                                     "\"resolve\": { \"a\": 1, \"b\": { \"addresses\": \"x\" } }, "
                                     "\"nova\": { \"files\": [ 1 ], \"instances_path\": { \"path\": \"/x\", \"mount\": 1 } } }");
        cluster_add_json(&t->c, "c", "{ \"hosts\": 1, \"nova\": { \"files\": [ \"/etc/nova/nova.conf\" ], "
                                     "\"instances_path\": { \"path\": \"/x\", \"mount\": { \"target\": 1, \"shared\": \"yes\" } } } }");
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                run(t, ids[i]);
                assert_int_equal(t->rs.n, 3);
                (void) row_of(&t->rs, "a");
                (void) row_of(&t->rs, "b");
                (void) row_of(&t->rs, "c");
        }
}

/* A check's cluster-wide index is rebuilt for each run and each cluster. */
static void test_index_per_run(void **state) {
        struct t *t = *state;

        add_three(t, HOSTS_OK, HOSTS_OK, HOSTS_HEAD "10.0.0.9 compute1\n");
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute3"), MC_FAIL, "'compute1' maps to 10.0.0.9");
        mc_cluster_done(&t->c);
        add_three(t, HOSTS_OK, HOSTS_OK, HOSTS_OK);
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, NULL);
        run(t, "hosts-consistent");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, NULL);
}

/* Scale: many nodes, each listing all of them; rows stay exact. */
static void test_scale(void **state) {
        struct t *t = *state;
        const size_t n = 300;
        _cleanup_free_ char *entries = mc_strdup("");
        struct timespec a, b;

        for (size_t i = 0; i < n; i++) {
                char *e = mc_strdup_printf("%s%s{ \"address\": \"10.1.%zu.%zu\", \"names\": [ \"node%zu.example.com\", "
                                           "\"node%zu\" ], \"line\": %zu }",
                                           entries, i ? ", " : "", i / 256, i % 256, i, i, i + 1);
                free(entries);
                entries = e;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *name = mc_strdup_printf("node%zu", i);
                _cleanup_free_ char *json = mc_strdup_printf(
                        "{ \"node\": { \"hostname\": \"%s\" }, \"hosts\": { \"state\": \"ok\", \"entries\": [ %s%s ] } }",
                        name,
                        /* node7 maps node3 elsewhere: one failure, at the end of its file */
                        entries, i == 7 ? ", { \"address\": \"10.9.9.9\", \"names\": [ \"node3\" ], \"line\": 999 }" : "");
                cluster_add_json(&t->c, name, json);
        }
        clock_gettime(CLOCK_MONOTONIC, &a);
        run(t, "hosts-consistent");
        clock_gettime(CLOCK_MONOTONIC, &b);
        assert_int_equal(t->rs.n, n);
        assert_row(row_of(&t->rs, "node7"), MC_FAIL, "'node3' maps to 10.9.9.9 on line 999");
        assert_row(row_of(&t->rs, "node8"), MC_PASS, "600 names of 300 nodes");
        print_message("hosts-consistent over %zu nodes x %zu entries: %.3f s\n", n, n,
                      (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9);
}

/* --- saved facts: shared /etc/hosts entries (facts schema 2) ------------- */

#define HOSTS4(addr4) \
        HOSTS_HEAD \
        "10.0.0.1\tcompute1.example.com compute1\n" \
        "10.0.0.2\tcompute2.example.com compute2\n" \
        "10.0.0.3\tcompute3.example.com compute3\n" \
        addr4 "\tcompute4.example.com compute4\n"

static size_t count_entries_files(const char *dir) {
        DIR *d = opendir(dir);
        size_t n = 0;

        assert_non_null(d);
        for (struct dirent *de; (de = readdir(d));)
                if (mc_startswith(de->d_name, "hosts-sha256-") && strstr(de->d_name, ".entries"))
                        n++;
        closedir(d);
        return n;
}

/* Four nodes, two of them with the same wrong /etc/hosts: saved, the list
 * is written once per distinct content; read back, the two share one
 * array and each still gets its own row naming file and line. */
static char *save_four(struct t *t) {
        _cleanup_free_ char *err = NULL;
        char *dir = tree_new();

        add_node(t, &(struct node_spec) { .name = "compute1", .hosts = HOSTS4("10.0.0.99") });
        add_node(t, &(struct node_spec) { .name = "compute2", .hosts = HOSTS4("10.0.0.99") });
        add_node(t, &(struct node_spec) { .name = "compute3", .hosts = HOSTS4("10.0.0.4") });
        add_node(t, &(struct node_spec) { .name = "compute4", .hosts = HOSTS4("10.0.0.4") });
        assert_int_equal(mc_cluster_save_facts(&t->c, dir, &err), 0);
        /* The facts in memory keep their entries after the save. */
        assert_non_null(mc_json_path(t->c.nodes[0].facts, "hosts", "entries", NULL));
        assert_int_equal(count_entries_files(dir), 2);
        t->roots[t->n_roots++] = dir;
        return dir;
}

static void test_saved_hosts_shared(void **state) {
        struct t *t = *state;
        const struct mc_collect_opts o = { .needs = MC_NEED_ALL };
        _cleanup_free_ char *err = NULL, *path = NULL;
        _cleanup_json_ json_object *saved = NULL;
        const char *dir = save_four(t);
        struct mc_cluster c = {};
        struct mc_results rs = {};
        const struct mc_result *r;

        /* On disk: the digest instead of the entries, schema 2. */
        path = mc_strdup_printf("%s/compute1.json", dir);
        assert_int_equal(mc_facts_load(path, &saved, &err), 0);
        assert_int_equal(mc_json_int(saved, "schema_version", 0), 2);
        assert_null(mc_json_path(saved, "hosts", "entries", NULL));
        assert_non_null(mc_json_str(mc_json_get(saved, "hosts"), "entries_sha256"));
        assert_null(mc_json_get(saved, "peers"));

        assert_int_equal(mc_cluster_from_dir(&c, dir, &o, &err), 0);
        assert_int_equal(c.n_nodes, 4);
        assert_string_equal(c.nodes[0].name, "compute1");
        /* One array for the nodes with the same list. */
        assert_ptr_equal(mc_json_path(c.nodes[0].facts, "hosts", "entries", NULL),
                         mc_json_path(c.nodes[1].facts, "hosts", "entries", NULL));
        assert_ptr_equal(mc_json_path(c.nodes[2].facts, "hosts", "entries", NULL),
                         mc_json_path(c.nodes[3].facts, "hosts", "entries", NULL));
        assert_ptr_not_equal(mc_json_path(c.nodes[0].facts, "hosts", "entries", NULL),
                             mc_json_path(c.nodes[2].facts, "hosts", "entries", NULL));

        run_cluster_check(&c, "hosts-consistent", &rs);
        /* A tie of answers: compute4's own answer decides. Each of the two
         * sharing the wrong line gets its row, with file and line. */
        for (const char *const *n = (const char *const[]) { "compute1", "compute2", NULL }; *n; n++) {
                r = row_of(&rs, *n);
                assert_row(r, MC_FAIL, "'compute4' maps to 10.0.0.99 on line 9");
                assert_evidence(r, "/etc/hosts", 9, "10.0.0.99 compute4.example.com compute4");
                assert_int_equal(r->n_evidence, 4);  /* two names, each with the cluster's address */
        }
        assert_row(row_of(&rs, "compute3"), MC_PASS, NULL);
        mc_results_done(&rs);
        rs = (struct mc_results) {};
        run_cluster_check(&c, "libvirt-hostname-resolvable", &rs);
        assert_row(row_of(&rs, "compute2"), MC_FAIL, "'compute4' (compute4) resolves to 10.0.0.99 on line 9");
        assert_row(row_of(&rs, "compute4"), MC_PASS, "3 peers");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* A shared entries file that is missing, altered, not an array, or named
 * by something that is no digest: that node's /etc/hosts is an error with
 * the reason, the other checks run, nothing crashes. */
static void test_saved_hosts_hostile(void **state) {
        struct t *t = *state;
        const struct mc_collect_opts o = { .needs = MC_NEED_ALL };
        _cleanup_free_ char *err = NULL;
        const char *dir = save_four(t);
        static const char not_array[] = "{\"a\": 1}";
        g_autofree char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, not_array, -1);
        struct mc_cluster c = {};
        struct mc_results rs = {};
        DIR *d;

        /* compute1/2's shared file gone, compute3/4's altered. */
        d = opendir(dir);
        assert_non_null(d);
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *p = NULL, *text = NULL;
                size_t len;

                if (!mc_startswith(de->d_name, "hosts-sha256-"))
                        continue;
                p = mc_strdup_printf("%s/%s", dir, de->d_name);
                assert_int_equal(mc_read_file(p, 1 << 20, &text, &len), 0);
                if (strstr(text, "10.0.0.99"))
                        assert_int_equal(unlink(p), 0);
                else
                        assert_int_equal(mc_write_file_atomic(p, "[]", 2, 0600), 0);
        }
        closedir(d);
        /* x5 names a file that holds no array; x6 something that is no digest,
         * beside an "entries" of the wrong type. */
        {
                _cleanup_free_ char *p5 = mc_strdup_printf("%s/x5.json", dir), *p6 = mc_strdup_printf("%s/x6.json", dir);
                _cleanup_free_ char *f5 = mc_strdup_printf("%s/hosts-sha256-%s.entries", dir, digest);
                _cleanup_free_ char *bad5 = mc_strdup_printf(
                        "{\"schema_version\": 2, \"node\": {\"hostname\": \"x5\"}, \"hosts\": "
                        "{\"state\": \"ok\", \"entries_sha256\": \"%s\"}}", digest);
                static const char bad6[] = "{\"schema_version\": 2, \"node\": {\"hostname\": \"x6\"}, \"hosts\": "
                                           "{\"state\": \"ok\", \"entries_sha256\": \"../../etc/passwd\", "
                                           "\"entries\": 7}}";

                assert_int_equal(mc_write_file_atomic(f5, not_array, strlen(not_array), 0600), 0);
                assert_int_equal(mc_write_file_atomic(p5, bad5, strlen(bad5), 0600), 0);
                assert_int_equal(mc_write_file_atomic(p6, bad6, strlen(bad6), 0600), 0);
        }
        assert_int_equal(mc_cluster_from_dir(&c, dir, &o, &err), 0);
        assert_int_equal(c.n_nodes, 6);
        run_cluster_check(&c, "hosts-consistent", &rs);
        assert_row(row_of(&rs, "compute1"), MC_ERROR, "could not be read");
        assert_evidence(row_of(&rs, "compute1"), "/etc/hosts", 0, "cannot read");
        assert_evidence(row_of(&rs, "compute3"), "/etc/hosts", 0, "does not hold what the facts name");
        assert_evidence(row_of(&rs, "x5"), "/etc/hosts", 0, "is not a JSON array of /etc/hosts entries");
        assert_evidence(row_of(&rs, "x6"), "/etc/hosts", 0, "is not a SHA-256 digest");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* More nodes sharing one list than the results array starts with (16):
 * their rows are copies of the first, made while the array grows (the
 * copy once read the row it copied after a realloc had moved it). */
static void test_shared_rows_many_nodes(void **state) {
        struct t *t = *state;
        const struct mc_collect_opts o = { .needs = MC_NEED_ALL };
        _cleanup_free_ char *err = NULL, *entries = mc_strdup("");
        char *dir = tree_new();
        struct mc_cluster c = {};
        struct mc_results rs = {};
        const size_t n = 40;

        t->roots[t->n_roots++] = dir;
        for (size_t i = 0; i < n; i++) {
                /* node0 is listed at a wrong address: every row fails, with evidence. */
                char *e = mc_strdup_printf("%s%s{ \"address\": \"10.2.0.%zu\", \"names\": [ \"node%zu\" ], \"line\": %zu }",
                                           entries, i ? ", " : "", i ? i : 200, i, i + 1);
                free(entries);
                entries = e;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = mc_strdup_printf("%s/node%zu.json", dir, i);
                _cleanup_free_ char *json = mc_strdup_printf(
                        "{ \"schema_version\": 2, \"node\": { \"hostname\": \"node%zu\" }, \"inventory\": "
                        "{ \"name\": \"node%zu\", \"address\": \"10.2.0.%zu\" }, \"hosts\": { \"state\": \"ok\", "
                        "\"entries\": [ %s ] } }", i, i, i ? i : 100, entries);
                assert_int_equal(mc_write_file_atomic(path, json, strlen(json), 0600), 0);
        }
        assert_int_equal(mc_cluster_from_dir(&c, dir, &o, &err), 0);
        assert_int_equal(c.n_nodes, n);
        run_cluster_check(&c, "hosts-consistent", &rs);
        assert_int_equal(rs.n, n);
        for (size_t i = 0; i < rs.n; i++) {
                assert_row(&rs.items[i], MC_FAIL, "'node0' maps to 10.2.0.200 on line 1, the cluster's address for node0 "
                                                  "is 10.2.0.100");
                assert_int_equal(rs.items[i].n_evidence, 2);
                assert_string_equal(rs.items[i].evidence[0].text, "10.2.0.200 node0");
        }
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
                T(test_hosts_facts_from_lens),
                T(test_hosts_read_as_glibc),
                T(test_skipped_line_names_node),
                T(test_hosts_absent),
                T(test_live_resolve),
                T(test_live_mounts),
                T(test_mount_symlink_and_escapes),
                T(test_hosts_all_consistent),
                T(test_peer_missing_offline),
                T(test_conflicting_address),
                T(test_fqdn_vs_short),
                T(test_loopback_own_name_debian),
                T(test_loopback_peer_name_fails),
                T(test_loopback_own_name_cloud_init),
                T(test_localhost_hostname_fails),
                T(test_single_node),
                T(test_libvirt_hostname_not_resolvable),
                T(test_nss_wrong_and_loopback),
                T(test_nss_peer_loopback_fails),
                T(test_instances_path_differs),
                T(test_mixed_shared_local),
                T(test_same_nfs_export),
                T(test_storage_unknown_skips),
                T(test_drift_scheme_and_cpu_mode),
                T(test_drift_ports_and_flags),
                T(test_node_without_facts),
                T(test_duplicate_hostname),
                T(test_hostile_facts),
                T(test_index_per_run),
                T(test_scale),
                T(test_saved_hosts_shared),
                T(test_shared_rows_many_nodes),
                T(test_saved_hosts_hostile),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
