/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migration-address-resolvable: Debian 12 nodes collected from trees by the
 * real collectors (qemu.conf as packaged with one line changed, nova.conf
 * as an operator edits Debian's), with the facts only a live node has
 * (NSS answers and probes of the name, `collect --migration-target`)
 * added as the collector writes them. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "mc_test.h"
#include "util.h"

struct t {
        char *roots[3];
        struct mc_cluster c;
        struct mc_results rs;
};

/* Debian 12's /etc/libvirt/qemu.conf (libvirt-daemon-driver-qemu 9.0.0),
 * the migration part as shipped; MIGRATION_LINES replaces the commented
 * defaults the way an administrator uncomments one. */
#define QEMU_CONF_DEBIAN(migration_lines) \
        "# Master configuration file for the QEMU driver.\n" \
        "# All settings described here are optional - if omitted, sensible\n" \
        "# defaults are used.\n" \
        "\n" \
        "# Use of TLS requires that x509 certificates be issued. The default is\n" \
        "# to keep them in /etc/pki/qemu. This directory must contain\n" \
        "#\n" \
        "#default_tls_x509_cert_dir = \"/etc/pki/qemu\"\n" \
        "\n" \
        "# Override the listen address for all incoming migrations. Defaults to\n" \
        "# 0.0.0.0, or :: if both host and qemu are capable of IPv6.\n" \
        "#migration_address = \"0.0.0.0\"\n" \
        "\n" \
        "\n" \
        "# The default hostname or IP address which will be used by a migration\n" \
        "# source for transferring migration data to this host.  The migration\n" \
        "# source has to be able to resolve this hostname and connect to it so\n" \
        "# setting \"localhost\" will not work.  By default, the host's configured\n" \
        "# hostname is used.\n" \
        migration_lines \
        "\n" \
        "# Override the port range used for incoming migrations.\n" \
        "#\n" \
        "# Minimum must be greater than 0, however when QEMU is not running as root,\n" \
        "# setting the minimum to be lower than 1024 will not work.\n" \
        "#\n" \
        "# Maximum must be greater than or equal to the minimum.\n" \
        "#\n" \
        "#migration_port_min = 49152\n" \
        "#migration_port_max = 49215\n"

#define HOSTS_DEBIAN(extra) \
        "127.0.0.1\tlocalhost\n" \
        "::1\t\tlocalhost ip6-localhost ip6-loopback\n" \
        "ff02::1\t\tip6-allnodes\n" \
        "ff02::2\t\tip6-allrouters\n" \
        "\n" \
        "10.0.0.1  node-a.example.org node-a   # compute\n" \
        "10.0.0.2  node-b.example.org node-b\n" \
        "10.0.0.3  node-c.example.org node-c\n" extra

/* Debian's nova-common nova.conf after the operator's edits: debconf's
 * [DEFAULT] lines, the generated comments kept, odd spacing. */
#define NOVA_CONF_DEBIAN(libvirt_lines) \
        "[DEFAULT]\n" \
        "log_dir = /var/log/nova\n" \
        "lock_path = /var/lock/nova\n" \
        "state_path = /var/lib/nova\n" \
        "transport_url = rabbit://openstack:RABBIT_PASS@controller:5672/\n" \
        "my_ip=10.0.0.2\n" \
        "\n" \
        "[libvirt]\n" \
        "#\n" \
        "# Target used for live migration traffic.\n" \
        "#  (host address value)\n" \
        "#live_migration_inbound_addr = <None>\n" \
        "virt_type = kvm\n" \
        "live_migration_scheme=tcp\n" libvirt_lines \
        "\n" \
        "[vnc]\n" \
        "enabled = true\n" \
        "server_listen = 0.0.0.0\n"

static int setup(void **state) {
        struct t *t = calloc(1, sizeof(*t));

        for (size_t i = 0; i < 3; i++) {
                t->roots[i] = tree_new();
                fixture_debian12_zed(t->roots[i]);
        }
        *state = t;
        return 0;
}

static int teardown(void **state) {
        struct t *t = *state;

        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        for (size_t i = 0; i < 3; i++)
                tree_free(t->roots[i]);
        free(t);
        return 0;
}

/* node-a, node-b, node-c with their inventory addresses; node-b's files
 * given, the others the fixture's with hosts. */
static void cluster(struct t *t, const char *b_qemu, const char *b_nova, const char *a_hosts, const char *c_hosts) {
        static const char *const names[] = { "node-a", "node-b", "node-c" };
        const char *hosts[] = { a_hosts, HOSTS_DEBIAN(""), c_hosts };

        tree_write(t->roots[1], "/etc/libvirt/qemu.conf", b_qemu);
        if (b_nova)
                tree_write(t->roots[1], "/etc/nova/nova.conf", b_nova);
        for (size_t i = 0; i < 3; i++) {
                struct mc_node *n;
                char hostname[32];

                snprintf(hostname, sizeof(hostname), "%s\n", names[i]);
                tree_write(t->roots[i], "/etc/hostname", hostname);
                tree_write(t->roots[i], "/etc/hosts", hosts[i]);
                n = cluster_add_tree(&t->c, names[i], t->roots[i]);
                n->address = mc_strdup_printf("10.0.0.%zu", i + 1);
        }
}

/* What `collect --migration-target NAME` adds to a live node's facts. */
static void live(struct t *t, size_t node, const char *json) {
        json_object *o = json_tokener_parse(json);

        assert_non_null(o);
        json_object_object_add(t->c.nodes[node].facts, "migration_targets", o);
        json_object_object_add(t->c.nodes[node].facts, "resolve", json_object_new_object());
}

static void run(struct t *t) {
        mc_results_done(&t->rs);
        t->rs = (struct mc_results) {};
        run_cluster_check(&t->c, "migration-address-resolvable", &t->rs);
}

static void test_invalid_host_live(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b.invalid\"   # moved to the storage network\n"), NULL,
                HOSTS_DEBIAN(""), HOSTS_DEBIAN("10.0.0.2  node-b.invalid\n"));
        live(t, 0, "{ \"node-b.invalid\": { \"addresses\": [], \"error\": \"Name or service not known\" } }");
        live(t, 2, "{ \"node-b.invalid\": { \"addresses\": [ \"10.0.0.2\" ], \"probe\": { \"address\": \"10.0.0.2\", "
                   "\"port\": 16509, \"result\": \"connected\", \"errno\": 0, \"ms\": 0 } } }");
        run(t);
        r = row_of(&t->rs, "node-b");
        assert_row(r, MC_FAIL, "migrations to this node fail from 1 of 2 peers: node-a cannot resolve it "
                               "(migration_host in qemu.conf is 'node-b.invalid')");
        assert_evidence(r, "/etc/libvirt/qemu.conf", 20, "migration_host = \"node-b.invalid\"");
        assert_evidence(r, "cluster", 0, "node-a: getaddrinfo(\"node-b.invalid\"): Name or service not known");
        assert_string_equal(r->hint, "make 'node-b.invalid' resolve on node-a to 10.0.0.2 (an '10.0.0.2 node-b.invalid' "
                                     "line in /etc/hosts or a DNS record) and reachable from them, or set migration_host "
                                     "to an address every peer reaches");
        /* The others set nothing: libvirt hands out their hostnames. */
        assert_row(row_of(&t->rs, "node-a"), MC_SKIP, "neither live_migration_inbound_addr");
}

/* Offline: node-a's /etc/hosts does not have the name, and nothing says
 * whether its DNS would answer; node-c maps it to node-a's address. */
static void test_offline(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b-mig\"\n"), NULL, HOSTS_DEBIAN(""),
                HOSTS_DEBIAN("10.0.0.2  node-b.invalid\n"));
        run(t);
        r = row_of(&t->rs, "node-b");
        assert_row(r, MC_ERROR, "cannot evaluate whether 2 of 2 peers resolve 'node-b-mig' (migration_host in qemu.conf): "
                                "node-a, node-c");
        assert_evidence(r, "cluster", 0, "node-a: 'node-b-mig' is not in /etc/hosts and offline facts cannot tell");

        mc_cluster_done(&t->c);
        t->c = (struct mc_cluster) {};
        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b-mig\"\n"), NULL, HOSTS_DEBIAN("10.0.0.1 node-b-mig\n"),
                HOSTS_DEBIAN("10.0.0.2\tNODE-B-MIG\n"));
        run(t);
        r = row_of(&t->rs, "node-b");
        assert_row(r, MC_FAIL, "from 1 of 2 peers: node-a resolve it to another host");
        assert_evidence(r, "cluster", 0, "node-a: 'node-b-mig' -> 10.0.0.1 (/etc/hosts line 9), not 10.0.0.2");

        mc_cluster_done(&t->c);
        t->c = (struct mc_cluster) {};
        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b-mig\"\n"), NULL, HOSTS_DEBIAN("10.0.0.2 node-b-mig\n"),
                HOSTS_DEBIAN("10.0.0.2\tNODE-B-MIG\n"));
        run(t);
        assert_row(row_of(&t->rs, "node-b"), MC_PASS, "2 peers resolve 'node-b-mig' (migration_host in qemu.conf) to "
                                                      "this node's address (reachability not measured: offline facts)");
}

/* migration_address pins where QEMU listens: a name resolving to another
 * address of the node is refused there. */
static void test_bind_address(void **state) {
        struct t *t = *state;

        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b\"\nmigration_address = \"10.0.1.2\"\n"), NULL,
                HOSTS_DEBIAN(""), HOSTS_DEBIAN(""));
        run(t);
        assert_row(row_of(&t->rs, "node-b"), MC_FAIL, "from 2 of 2 peers: node-a, node-c resolve it to another host");
        assert_evidence(row_of(&t->rs, "node-b"), "cluster", 0, "not migration_address 10.0.1.2");
}

/* nova's live_migration_inbound_addr wins over migration_host; the libvirt
 * connection goes there, so a refused probe fails. */
static void test_inbound_addr(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b.invalid\"\n"),
                NOVA_CONF_DEBIAN("live_migration_inbound_addr = 10.0.0.2\n"), HOSTS_DEBIAN(""), HOSTS_DEBIAN(""));
        live(t, 0, "{ \"10.0.0.2\": { \"addresses\": [ \"10.0.0.2\" ], \"probe\": { \"address\": \"10.0.0.2\", "
                   "\"port\": 16509, \"result\": \"refused\", \"errno\": 111, \"error\": \"Connection refused\" } } }");
        live(t, 2, "{ \"10.0.0.2\": { \"addresses\": [ \"10.0.0.2\" ], \"probe\": { \"address\": \"10.0.0.2\", "
                   "\"port\": 16509, \"result\": \"connected\", \"errno\": 0 } } }");
        run(t);
        r = row_of(&t->rs, "node-b");
        assert_row(r, MC_FAIL, "from 1 of 2 peers: node-a cannot reach it (live_migration_inbound_addr in nova.conf is "
                               "'10.0.0.2')");
        assert_evidence(r, "cluster", 0, "node-a: connect to 10.0.0.2 port 16509: Connection refused");
        assert_evidence(r, "/etc/nova/nova.conf", 15, "live_migration_inbound_addr = 10.0.0.2");
}

/* A source that tunnels never meets migration_host (libvirt streams the
 * migration over its own connection): node-c tunnels with nova's
 * live_migration_tunnelled, so only node-a is judged. */
static void test_tunnelled_source(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        tree_write(t->roots[2], "/etc/nova/nova.conf", NOVA_CONF_DEBIAN("live_migration_tunnelled = True\n"));
        cluster(t, QEMU_CONF_DEBIAN("migration_host = \"node-b-mig\"\n"), NULL, HOSTS_DEBIAN("10.0.0.2 node-b-mig\n"),
                HOSTS_DEBIAN(""));
        run(t);
        r = row_of(&t->rs, "node-b");
        assert_row(r, MC_PASS, "1 peer resolves 'node-b-mig' (migration_host in qemu.conf) to this node's address");
        assert_evidence(r, "cluster", 0, "1 peer tunnels the migration: migration_host in qemu.conf not used by it");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_invalid_host_live, setup, teardown),
                cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bind_address, setup, teardown),
                cmocka_unit_test_setup_teardown(test_inbound_addr, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tunnelled_source, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
