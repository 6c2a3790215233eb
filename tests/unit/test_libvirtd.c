/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirtd-listen, libvirtd-auth, libvirtd-startup, libvirt-host-uuid,
 * qemu-migration-ports on node trees. */
#include "fixtures.h"
#include "mc_test.h"
#include "util.h"

struct t {
        char *root;
        struct mc_results rs;
};

static int setup(void **state) {
        struct t *t = calloc(1, sizeof(*t));

        t->root = tree_new();
        *state = t;
        return 0;
}

static int teardown(void **state) {
        struct t *t = *state;

        mc_results_done(&t->rs);
        tree_free(t->root);
        free(t);
        return 0;
}

/* The correct RHEL 6 Icehouse node: nothing fails, nothing errors. */
static void test_rhel6_icehouse_all_checks(void **state) {
        static const char *const ids[] = {
                "libvirtd-listen", "libvirtd-startup", "libvirt-host-uuid", "qemu-migration-ports",
                "nova-live-migration-flag", "nova-migration-uri", "nova-cpu-mode", "nova-config-drive",
                "nova-vnc-listen", "nova-instances-path",
        };
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                struct mc_results rs = {};

                run_check(t->root, ids[i], NULL, &rs);
                const struct mc_result *r = one_row(&rs);
                if (r->status != MC_PASS && r->status != MC_SKIP)
                        fail_msg("%s: %s %s", ids[i], mc_status_to_string(r->status), r->summary);
                mc_results_done(&rs);
        }
        /* ...but auth_tcp = none is an open door. */
        run_check(t->root, "libvirtd-auth", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_WARN, "auth_tcp = none");
        assert_evidence(one_row(&t->rs), "/etc/libvirt/libvirtd.conf", 10, "auth_tcp");
}

static void test_rhel6_startup_pass_names_line(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "--listen by /etc/sysconfig/libvirtd");
        assert_evidence(one_row(&t->rs), "/etc/sysconfig/libvirtd", 6, "LIBVIRTD_ARGS=\"--listen\"");
}

static void test_rhel6_without_listen(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/sysconfig/libvirtd", "#LIBVIRTD_ARGS=\"--listen\"\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "without --listen");
        assert_non_null(strstr(one_row(&t->rs)->hint, "LIBVIRTD_ARGS=\"--listen\" to /etc/sysconfig/libvirtd"));
}

/* The seed's classic: Ubuntu 14.04 with the RHEL file. */
static void test_ubuntu1404_sysconfig_instead_of_libvirt_bin(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_ubuntu1404_icehouse(t->root);
        tree_write(t->root, "/etc/default/libvirt-bin", "start_libvirtd=\"yes\"\nlibvirtd_opts=\"-d\"\n");
        tree_write(t->root, "/etc/sysconfig/libvirtd", SYSCONFIG_LIBVIRTD_RHEL6);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "never reads");
        assert_evidence(r, "/etc/default/libvirt-bin", 2, "libvirtd_opts=\"-d\"");
        assert_evidence(r, "/etc/sysconfig/libvirtd", 6, "--listen");
        assert_non_null(strstr(r->hint, "libvirtd_opts=\"-d -l\" to /etc/default/libvirt-bin"));
}

static void test_ubuntu1404_bundled_short_options(void **state) {
        struct t *t = *state;

        fixture_ubuntu1404_icehouse(t->root);
        tree_write(t->root, "/etc/default/libvirt-bin", "libvirtd_opts='-dl'\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "--listen");
}

/* Socket-activated Debian 12 with -l: libvirtd refuses to start. */
static void test_debian12_listen_with_socket_activation(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_debian12_zed(t->root);
        tree_write(t->root, "/etc/default/libvirtd", "# customised\nLIBVIRTD_ARGS=\"-l\"\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "--listen parameter not permitted with systemd activation sockets");
        assert_evidence(r, "/etc/default/libvirtd", 2, "LIBVIRTD_ARGS=\"-l\"");
        assert_non_null(strstr(r->hint, "libvirtd-tcp.socket"));
}

static void test_debian12_packaged_startup_passes(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "socket-activated");
}

static void test_debian12_tcp_socket_enabled(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "libvirtd-tcp.socket");
        assert_evidence(one_row(&t->rs), "/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket", 0, NULL);
}

/* listen_tcp = 1 does nothing under socket activation. */
static void test_debian12_tcp_socket_disabled(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *p = NULL;
        const struct mc_result *r;

        fixture_debian12_zed(t->root);
        p = mc_path_join(t->root, "/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket");
        assert_int_equal(unlink(p), 0);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "libvirtd-tcp.socket is not enabled");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 1, "listen_tcp = 1");
        assert_non_null(strstr(r->hint, "ignored under socket activation"));
}

static void test_listen_tcp_off(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tls = 0\n# off\nlisten_tcp = 0\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "listen_tcp is 0");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 3, "listen_tcp = 0");
}

static void test_listen_tcp_unset_means_off(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "#listen_tcp = 1\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "unset (default 0)");
}

static void test_listen_addr_loopback(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\nlisten_addr = \"127.0.0.1\"\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "loopback only");
        assert_evidence(one_row(&t->rs), "/etc/libvirt/libvirtd.conf", 2, "listen_addr");
        mc_results_done(&t->rs);
        t->rs = (struct mc_results) {};
        /* RHEL's /etc/hosts names ::1 localhost6: loopback as well. */
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\nlisten_addr = \"localhost6\"  # ipv6 only\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "listens on loopback only (listen_addr = localhost6)");
}

static void test_tls_scheme_needs_listen_tls(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        tree_write(t->root, "/etc/nova/nova.conf", "[libvirt]\nlive_migration_scheme = tls\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "libvirtd-tls.socket is not enabled");
}

static void test_ssh_scheme_skips_listener(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        tree_write(t->root, "/etc/nova/nova.conf", "[libvirt]\nlive_migration_uri = qemu+ssh://nova@%s/system\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_SKIP, "ssh");
}

static void test_libvirtd_conf_parse_error(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_rhel6_icehouse(t->root);
        /* An unterminated string: virConfParseString() refuses it, and so
         * does the lens, at the statement's line. */
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\nlisten_addr = \"0.0.0.0\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_ERROR, "did not parse");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 2, "parse error");
}

/* What libvirtd reads although the stock lenses refused it (issue 18):
 * comments after values, trailing commas, keys of other releases,
 * indentation, ';' separators, a last line without newline. */
static void test_libvirtd_conf_as_libvirt_reads_it(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf",
                   "listen_tls = 0 # no tls\n"
                   "  listen_tcp = 1\t# indented, with a tab\n"
                   "max_requests = 20\n"
                   "sasl_allowed_username_list = [ \"nova@EXAMPLE\",\n   \"admin\", ]\n"
                   "auth_tcp = 'none'; tcp_port = \"16509\"");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_PASS, "listens for tcp on port 16509");
}

/* libvirtd reads the first definition of a key (virConfGetValue). */
static void test_libvirtd_conf_first_definition_wins(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 0\nlisten_tcp = 1\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "listen_tcp is 0");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 1, "listen_tcp = 0");
}

/* A known key of the wrong type stops libvirtd (virConfGetValueBool in
 * daemonConfigLoadOptions): an ERROR naming the line, not a verdict. */
static void test_libvirtd_conf_type_refused(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "# quoted by a template\nlisten_tcp = \"1\"\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_ERROR, "libvirt does not accept '/etc/libvirt/libvirtd.conf'");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 2, "expected a bool for 'listen_tcp' parameter");
}

static void test_binary_config_is_error(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *p = NULL;
        FILE *f;

        fixture_rhel6_icehouse(t->root);
        p = mc_path_join(t->root, "/etc/libvirt/libvirtd.conf");
        f = fopen(p, "we");
        fwrite("listen_tcp = 1\n\0\x01\x02", 1, 18, f);
        fclose(f);
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_ERROR, "cannot read: binary file");
        assert_evidence(one_row(&t->rs), "/etc/libvirt/libvirtd.conf", 0, "binary");
}

static void test_auth_values(void **state) {
        static const struct {
                const char *value;
                enum mc_status st;
                const char *part;
        } cases[] = {
                { "none", MC_WARN, "full control" },
                /* sasl: see test_auth_sasl */
                { "polkit", MC_FAIL, "UNIX socket clients only" },
                { "kerberos", MC_FAIL, "not an authentication type" },
        };
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *conf = mc_strdup_printf("listen_tcp = 1\nauth_tcp = \"%s\"\n", cases[i].value);
                struct mc_results rs = {};

                tree_write(t->root, "/etc/libvirt/libvirtd.conf", conf);
                run_check(t->root, "libvirtd-auth", NULL, &rs);
                assert_row(one_row(&rs), cases[i].st, cases[i].part);
                assert_evidence(one_row(&rs), "/etc/libvirt/libvirtd.conf", 2, cases[i].value);
                mc_results_done(&rs);
        }
}

/* auth_tcp = sasl, set or libvirt's default: what the real migration
 * needs (the lab shows "authentication failed: No authentication callback
 * available" from a source without credentials). */
#define CREDS "[credentials-migration]\nauthname = migration\npassword = s3cr3t-pw\n\n"
static void sasl_row(const char *root, enum mc_status st, const char *part) {
        struct mc_results rs = {};

        run_check(root, "libvirtd-auth", NULL, &rs);
        assert_row(one_row(&rs), st, part);
        /* The password never leaves the node. */
        assert_null(strstr(one_row(&rs)->summary, "s3cr3t-pw"));
        for (size_t i = 0; i < one_row(&rs)->n_evidence; i++)
                assert_null(strstr(one_row(&rs)->evidence[i].text ?: "", "s3cr3t-pw"));
        mc_results_done(&rs);
}

static void test_auth_sasl(void **state) {
        struct t *t = *state;
        struct mc_results rs = {};

        fixture_rhel6_icehouse(t->root);
        /* listen_tcp on, auth_tcp unset: sasl, and no credentials anywhere. */
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\n");
        run_check(t->root, "libvirtd-auth", NULL, &rs);
        assert_row(one_row(&rs), MC_FAIL, "auth_tcp = sasl (libvirt's default)");
        assert_row(one_row(&rs), MC_FAIL, "No authentication callback available");
        assert_evidence(one_row(&rs), "libvirt default", 0, "auth_tcp not set");
        assert_evidence(one_row(&rs), "/etc/libvirt/auth.conf", 0, "no auth.conf");
        mc_results_done(&rs);

        /* Credentials for every host, scram with its user database: present. */
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\nauth_tcp = \"sasl\"\n");
        tree_write(t->root, "/etc/sasl2/libvirt.conf", "# libvirt\nmech_list: scram-sha-256\nsasldb_path: /etc/libvirt/passwd.db\n");
        tree_write(t->root, "/etc/libvirt/passwd.db", "");
        tree_write(t->root, "/etc/libvirt/auth.conf", CREDS "[auth-libvirt-default]\ncredentials = migration\n");
        sasl_row(t->root, MC_PASS, "present, not tried");
        /* An entry for another host only. */
        tree_write(t->root, "/etc/libvirt/auth.conf", CREDS "[auth-libvirt-compute9]\ncredentials = migration\n");
        sasl_row(t->root, MC_FAIL, "no SASL credentials in libvirt's auth.conf");
        /* A default entry whose credentials lack the password. */
        tree_write(t->root, "/etc/libvirt/auth.conf", "[credentials-m]\nauthname = m\n[auth-libvirt-default]\ncredentials = m\n");
        sasl_row(t->root, MC_FAIL, "No authentication callback available");
        /* Root's own file comes first, as libvirt's daemon reads it. */
        tree_write(t->root, "/etc/libvirt/auth.conf", CREDS "[auth-libvirt-default]\ncredentials = migration\n");
        tree_write(t->root, "/root/.config/libvirt/auth.conf", "# moved\n");
        sasl_row(t->root, MC_FAIL, "no SASL credentials");
        tree_write(t->root, "/root/.config/libvirt/auth.conf", CREDS "[auth-libvirt-default]\ncredentials = migration\n");
        sasl_row(t->root, MC_PASS, "present, not tried");
        /* No user database: the credentials are refused. */
        tree_write(t->root, "/etc/sasl2/libvirt.conf", "mech_list: scram-sha-256\nsasldb_path: /etc/libvirt/none.db\n");
        sasl_row(t->root, MC_FAIL, "no SASL user database (/etc/libvirt/none.db)");
        /* GSSAPI only (the distros' default file): a keytab or nothing. */
        tree_write(t->root, "/etc/sasl2/libvirt.conf", "mech_list: gssapi\nkeytab: /etc/libvirt/krb5.tab\n");
        sasl_row(t->root, MC_FAIL, "no keytab (/etc/libvirt/krb5.tab)");
        tree_write(t->root, "/etc/libvirt/krb5.tab", "keytab");
        sasl_row(t->root, MC_WARN, "Kerberos");
        /* TLS: the certificate authenticates when auth_tls is unset. */
        tree_write(t->root, "/etc/nova/nova.conf", "[libvirt]\nlive_migration_uri = qemu+tls://%s/system\n");
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tls = 1\n");
        sasl_row(t->root, MC_PASS, "auth_tls unset");
}

/* Across nodes: the sources are the other nodes, each by its own auth.conf. */
static void test_auth_sasl_cluster(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *a = tree_new(), *b = tree_new();
        struct mc_cluster c = {};
        struct mc_results rs = {};
        const struct mc_result *r;

        fixture_rhel6_icehouse(t->root);
        fixture_rhel6_icehouse(a);
        fixture_rhel6_icehouse(b);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\n");
        tree_write(t->root, "/etc/sasl2/libvirt.conf", "mech_list: scram-sha-256\nsasldb_path: /etc/libvirt/passwd.db\n");
        tree_write(t->root, "/etc/libvirt/passwd.db", "");
        /* a names the destination, b has nothing. */
        tree_write(a, "/etc/libvirt/auth.conf", CREDS "[auth-libvirt-dest]\ncredentials = migration\n");
        cluster_add_tree(&c, "dest", t->root);
        cluster_add_tree(&c, "a", a);
        cluster_add_tree(&c, "b", b);
        run_cluster_check(&c, "libvirtd-auth", &rs);
        r = row_of(&rs, "dest");
        assert_row(r, MC_FAIL, "but b has no SASL credentials for this node");
        assert_evidence(r, "b: /etc/libvirt/auth.conf", 0, "no auth.conf");
        for (size_t i = 0; i < r->n_evidence; i++)
                assert_null(strstr(r->evidence[i].file, "a: "));
        mc_results_done(&rs);
        /* Now b has a default entry: every source can authenticate. */
        mc_cluster_done(&c);
        tree_write(b, "/etc/libvirt/auth.conf", CREDS "[auth-libvirt-default]\ncredentials = migration\n");
        cluster_add_tree(&c, "dest", t->root);
        cluster_add_tree(&c, "a", a);
        cluster_add_tree(&c, "b", b);
        run_cluster_check(&c, "libvirtd-auth", &rs);
        assert_row(row_of(&rs, "dest"), MC_PASS, "every other node has SASL credentials for this node");
        mc_results_done(&rs);
        mc_cluster_done(&c);
        tree_free(TAKE_PTR(a));
        tree_free(TAKE_PTR(b));
}

static void test_host_uuid(void **state) {
        static const struct {
                const char *value;
                enum mc_status st;
                const char *part;
        } cases[] = {
                { "03000200-0400-0500-0006-000700080009", MC_FAIL, "firmware default" },
                { "00000000-0000-0000-0000-000000000000", MC_FAIL, "all one digit" },
                { "not-a-uuid", MC_FAIL, "is not a UUID" },
                { "6d2c4c0e-6c1b-4a7a-9d3e-2f1f3a3b9e10", MC_PASS, "valid" },
        };
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        run_check(t->root, "libvirt-host-uuid", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_SKIP, "not set");
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *conf = mc_strdup_printf("listen_tcp = 1\nhost_uuid = \"%s\"\n", cases[i].value);
                struct mc_results rs = {};

                tree_write(t->root, "/etc/libvirt/libvirtd.conf", conf);
                run_check(t->root, "libvirt-host-uuid", NULL, &rs);
                assert_row(one_row(&rs), cases[i].st, cases[i].part);
                assert_evidence(one_row(&rs), "/etc/libvirt/libvirtd.conf", 2, cases[i].value);
                mc_results_done(&rs);
        }
}

static void test_qemu_ports(void **state) {
        static const struct {
                const char *conf;
                enum mc_status st;
                const char *part;
        } cases[] = {
                { "#migration_port_min = 49152\n", MC_PASS, "49152-49215 (64 ports, libvirt's default)" },
                { "migration_port_min = 49152\nmigration_port_max = 49216\n", MC_PASS, "49152-49216 (65 ports)" },
                { "migration_port_min = 50000\nmigration_port_max = 49000\n", MC_FAIL, "invalid" },
                { "migration_port_min = 49152\nmigration_port_max = 49152\n", MC_FAIL, "second concurrent" },
                { "migration_port_min = 16000\nmigration_port_max = 17000\n", MC_FAIL, "libvirtd or sshd" },
                { "migration_address = \"127.0.0.1\"\n", MC_FAIL, "loopback" },
                /* libvirt's own test (qemu_conf.c): the QEMU driver does not load. */
                { "migration_host = \"localhost\"\n", MC_FAIL, "libvirt's QEMU driver refuses to load ('migration_host "
                                                        "must not be the address of the local machine: localhost')" },
                { "migration_host = \"localhost.localdomain\"   # set by the installer\n", MC_FAIL, "refuses to load" },
                { "migration_host = \"[::1]\"\n", MC_FAIL, "refuses to load" },
                { "migration_host = \"127.1\"\n", MC_FAIL, "refuses to load" },
                /* libvirt loads these, and sources then connect to themselves. */
                { "migration_host = \"127.0.1.1\"\n", MC_FAIL, "migration_host 127.0.1.1 tells the source to connect to itself" },
                { "migration_host = \"LOCALHOST\"\n", MC_FAIL, "tells the source to connect to itself" },
                { "migration_address = \"localhost6\"\n", MC_FAIL, "loopback" },
                { "migration_host = \"compute1.example.com\"\n", MC_PASS, "49152-49215" },
        };
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct mc_results rs = {};

                tree_write(t->root, "/etc/libvirt/qemu.conf", cases[i].conf);
                run_check(t->root, "qemu-migration-ports", NULL, &rs);
                assert_row(one_row(&rs), cases[i].st, cases[i].part);
                mc_results_done(&rs);
        }
}

/* RHEL 9: the modular daemons; virtproxyd's sockets carry remote access. */
static void test_rhel9_modular(void **state) {
        struct t *t = *state;
        struct mc_results rs = {};

        tree_os(t->root, "NAME=\"Rocky Linux\"\nVERSION_ID=\"9.3\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n");
        tree_write(t->root, "/usr/lib/systemd/systemd", "");
        tree_write(t->root, "/usr/lib/systemd/system/virtproxyd-tcp.socket", "[Socket]\nListenStream=16509\n");
        tree_symlink(t->root, "/etc/systemd/system/sockets.target.wants/virtproxyd.socket",
                     "/usr/lib/systemd/system/virtproxyd.socket");
        tree_symlink(t->root, "/etc/systemd/system/multi-user.target.wants/virtqemud.service",
                     "/usr/lib/systemd/system/virtqemud.service");
        tree_write(t->root, "/etc/libvirt/virtproxyd.conf", "#listen_tcp = 1\nauth_tcp = \"none\"\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "virtproxyd-tcp.socket is not enabled");
        run_check(t->root, "libvirtd-startup", NULL, &rs);
        assert_row(one_row(&rs), MC_SKIP, "modular daemons");
        mc_results_done(&rs);
        /* auth comes from virtproxyd.conf there, not libvirtd.conf. */
        run_check(t->root, "libvirtd-auth", NULL, &rs);
        assert_row(one_row(&rs), MC_WARN, "auth_tcp = none");
        assert_evidence(one_row(&rs), "/etc/libvirt/virtproxyd.conf", 2, NULL);
        mc_results_done(&rs);
        tree_symlink(t->root, "/etc/systemd/system/sockets.target.wants/virtproxyd-tcp.socket",
                     "/usr/lib/systemd/system/virtproxyd-tcp.socket");
        run_check(t->root, "libvirtd-listen", NULL, &rs);
        assert_row(one_row(&rs), MC_PASS, "virtproxyd-tcp.socket");
        mc_results_done(&rs);
}

/* Debian 10 reads libvirtd_opts; Debian 11 renamed it LIBVIRTD_ARGS. */
static void test_debian10_variable_name(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        tree_os(t->root, "ID=debian\nVERSION_ID=\"10\"\n");
        tree_dpkg(t->root, (const char *const[]) { "libvirt-daemon=5.0.0-4+deb10u1", NULL });
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\n");
        tree_write(t->root, "/etc/default/libvirtd", "# Debian 11 spelling, on Debian 10\nLIBVIRTD_ARGS=\"--listen\"\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "never reads");
        assert_evidence(r, "/etc/default/libvirtd", 2, "LIBVIRTD_ARGS");
        assert_non_null(strstr(r->hint, "libvirtd_opts=\"-l\" to /etc/default/libvirtd"));
}

static void test_unknown_os_is_error_not_pass(void **state) {
        struct t *t = *state;

        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_ERROR, "operating system is unknown");
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
                T(test_rhel6_icehouse_all_checks),
                T(test_rhel6_startup_pass_names_line),
                T(test_rhel6_without_listen),
                T(test_ubuntu1404_sysconfig_instead_of_libvirt_bin),
                T(test_ubuntu1404_bundled_short_options),
                T(test_debian12_listen_with_socket_activation),
                T(test_debian12_packaged_startup_passes),
                T(test_debian12_tcp_socket_enabled),
                T(test_debian12_tcp_socket_disabled),
                T(test_listen_tcp_off),
                T(test_listen_tcp_unset_means_off),
                T(test_listen_addr_loopback),
                T(test_tls_scheme_needs_listen_tls),
                T(test_ssh_scheme_skips_listener),
                T(test_libvirtd_conf_parse_error),
                T(test_libvirtd_conf_as_libvirt_reads_it),
                T(test_libvirtd_conf_first_definition_wins),
                T(test_libvirtd_conf_type_refused),
                T(test_binary_config_is_error),
                T(test_auth_values),
                T(test_auth_sasl),
                T(test_auth_sasl_cluster),
                T(test_host_uuid),
                T(test_qemu_ports),
                T(test_rhel9_modular),
                T(test_debian10_variable_name),
                T(test_unknown_os_is_error_not_pass),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
