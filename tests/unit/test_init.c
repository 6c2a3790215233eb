/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The init that runs (systemd as PID 1 or not) and libvirtd's arguments
 * as its getopt reads them: libvirtd-startup and libvirtd-listen per
 * distro profile, from node trees and from live facts. */
#include <string.h>

#include "fixers.h"
#include "fixtures.h"
#include "libvirtd_args.h"
#include "mc_test.h"
#include "util.h"

struct t {
        char *root;
        struct mc_results rs;
        struct mc_cluster c;
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
        mc_cluster_done(&t->c);
        tree_free(t->root);
        free(t);
        return 0;
}

/* A Debian 12 node where systemd is not PID 1: the tree shows it by the
 * /proc/1/comm collected with it. The packaged /etc/default/libvirtd
 * (LIBVIRTD_ARGS commented out) then starts libvirtd without --listen. */
static void debian12_sysvinit(const char *root) {
        fixture_debian12_zed(root);
        tree_write(root, "/proc/1/comm", "init\n");
}

static void test_debian12_systemd_pid1_socket_activated(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        tree_mkdir(t->root, "/run/systemd/system", 0, 0);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "socket-activated");
        assert_row(one_row(&t->rs), MC_PASS, "systemd runs: the tree's /run/systemd/system exists");
}

static void test_debian12_unknown_init_assumes_distro(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "systemd, assumed from the distro");
}

static void test_debian12_sysvinit_packaged_file_no_listen(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        debian12_sysvinit(t->root);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "started without --listen");
        assert_row(r, MC_FAIL, "the tree's /proc/1/comm is 'init'");
        assert_evidence(r, "/etc/default/libvirtd", 0, "libvirtd gets: libvirtd -d (getopt as in libvirt 9.0.0");
        assert_non_null(strstr(r->hint, "LIBVIRTD_ARGS=\"--listen\" to /etc/default/libvirtd"));
}

static void test_debian12_sysvinit_listen_passes(void **state) {
        struct t *t = *state;

        debian12_sysvinit(t->root);
        tree_write(t->root, "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen\"   # tcp, see libvirtd.conf\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "started with --listen by /etc/default/libvirtd");
        assert_evidence(one_row(&t->rs), "/etc/default/libvirtd", 1, "libvirtd gets: libvirtd -d --listen");
}

/* The case: "-d-l" is -d, then an invalid option '-'. */
static void test_refused_words(void **state) {
        static const struct {
                const char *value, *error;
        } cases[] = {
                { "\"-d-l\"", "invalid option -- '-' (in '-d-l')" },
                { "\"--listen=1\"", "option '--listen' doesn't allow an argument" },
                { "\"-l -t\"", "option requires an argument -- 't'" },
                { "\"-l --timeout\"", "option '--timeout' requires an argument" },
                { "\"-tl\"", "invalid value for timeout 'l'" },
                { "\"--v\"", "option '--v' is ambiguous" },
                { "\"--foo -l\"", "unrecognized option '--foo'" },
                { "\"listen\"", "unexpected, non-option, command line arguments ('listen')" },
                { "\"-l -- -d\"", "unexpected, non-option, command line arguments ('-d')" },
        };
        struct t *t = *state;

        debian12_sysvinit(t->root);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *line = mc_strdup_printf("LIBVIRTD_ARGS=%s\n", cases[i].value);

                tree_write(t->root, "/etc/default/libvirtd", line);
                mc_results_done(&t->rs);
                run_check(t->root, "libvirtd-startup", NULL, &t->rs);
                assert_row(one_row(&t->rs), MC_FAIL, "libvirtd refuses its arguments and exits at start");
                assert_row(one_row(&t->rs), MC_FAIL, cases[i].error);
        }
}

static void test_accepted_words(void **state) {
        static const char *const listen[] = { "\"-dl\"", "\"-ld\"", "'-l'", "\"--list\"", "\"--time 60 --lis\"",
                                              "\"-lt 120\"", "\"-t120 -l\"", "\"-l -t 0\"", "\"-l -t 120s\"", "\"-l --\"" };
        struct t *t = *state;

        debian12_sysvinit(t->root);
        for (size_t i = 0; i < ELEMENTSOF(listen); i++) {
                _cleanup_free_ char *line = mc_strdup_printf("LIBVIRTD_ARGS=%s\n", listen[i]);

                tree_write(t->root, "/etc/default/libvirtd", line);
                mc_results_done(&t->rs);
                run_check(t->root, "libvirtd-startup", NULL, &t->rs);
                if (one_row(&t->rs)->status != MC_PASS)
                        fail_msg("%s: %s", listen[i], one_row(&t->rs)->summary);
        }
}

static void test_version_exits(void **state) {
        struct t *t = *state;

        debian12_sysvinit(t->root);
        tree_write(t->root, "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen --version\"\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "libvirtd exits at start: '--version' prints libvirtd's version and exits");
}

/* RHEL 6's libvirt 0.10.2: "ldf:p:t:v", no short -V; -t must be above 0. */
static void test_rhel6_table(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS=\"--listen -V\"\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "invalid option -- 'V'");
        assert_evidence(one_row(&t->rs), "/etc/sysconfig/libvirtd", 1,
                        "libvirtd gets: libvirtd --daemon --listen -V (getopt as in libvirt 0.10.2 daemon/libvirtd.c)");
        tree_write(t->root, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS=\"--listen --timeout 0\"\n");
        mc_results_done(&t->rs);
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "invalid value for timeout '0' (this libvirt needs a number above 0)");
}

static void test_ubuntu1404_typo(void **state) {
        struct t *t = *state;

        fixture_ubuntu1404_icehouse(t->root);
        tree_write(t->root, "/etc/default/libvirt-bin", "start_libvirtd=\"yes\"\nlibvirtd_opts=\"-d-l\"\n");
        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_FAIL, "refuses its arguments and exits at start: invalid option -- '-'");
        assert_evidence(one_row(&t->rs), "/etc/default/libvirt-bin", 2, "libvirtd gets: libvirtd -d-l (getopt as in libvirt 1.2.2");
}

/* Without systemd, libvirtd.conf's listen keys decide: listen_addr and tcp_port. */
static void test_debian12_sysvinit_listen_keys(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        debian12_sysvinit(t->root);
        tree_write(t->root, "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n");
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\nlisten_addr = \"127.0.0.1\"\nauth_tcp = \"none\"\n");
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "listens on loopback only (listen_addr = 127.0.0.1)");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 2, "listen_addr");

        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\ntcp_port = \"16510\"\nauth_tcp = \"none\"\n");
        mc_results_done(&t->rs);
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_FAIL, "listens for tcp on port 16510 (tcp_port), but the migration URI connects to port 16509");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 2, "tcp_port = \"16510\"");
        assert_non_null(strstr(r->hint, "set tcp_port = \"16509\""));

        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\ntcp_port = \"16509\"\n");
        mc_results_done(&t->rs);
        run_check(t->root, "libvirtd-listen", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_PASS, "listens for tcp on port 16509");
}

/* Live: a daemon on 127.0.0.1:16509 is no listener for peers (it was a
 * WARN "listens now" before). */
#define LIVE_FACTS(listen_addr_setting, listen_address, init)                                                          \
        "{ \"collection\": { \"live\": true },"                                                                        \
        "  \"os\": { \"id\": \"debian\", \"version_id\": \"12\" }, " init ","                                          \
        "  \"versions\": { \"libvirt\": { \"value\": \"9.0.0-4\" } },"                                                 \
        "  \"systemd\": { \"present\": true, \"config\": true, \"units\": {} },"                                        \
        "  \"files\": { \"/etc/libvirt/libvirtd.conf\": { \"path\": \"/etc/libvirt/libvirtd.conf\", \"state\": \"ok\","    \
        "      \"settings\": { \"listen_tcp\": { \"value\": \"1\", \"line\": 1, \"text\": \"listen_tcp = 1\" }"         \
        listen_addr_setting " } },"                                                                                    \
        "    \"/etc/default/libvirtd\": { \"path\": \"/etc/default/libvirtd\", \"state\": \"ok\", \"settings\": {"       \
        "      \"LIBVIRTD_ARGS\": { \"value\": \"\\\"--listen\\\"\", \"line\": 1, \"text\": \"LIBVIRTD_ARGS=\\\"--listen\\\"\" } } } },"  \
        "  \"runtime\": { \"processes\": [ { \"name\": \"libvirtd\", \"pid\": 42, \"unit\": \"session-1.scope\","      \
        "      \"args\": [ \"/usr/sbin/libvirtd\", \"-d\", \"--listen\" ] } ],"                                         \
        "    \"listening\": [ { \"port\": 16509, \"address\": \"" listen_address "\", \"process\": \"libvirtd\" } ] } }"

#define NO_SYSTEMD "\"init\": { \"systemd\": false, \"decided_by\": \"live: /run/systemd/system is absent\" }"

static void test_live_loopback_listener_fails(void **state) {
        struct t *t = *state;

        cluster_add_json(&t->c, "n1",
                         LIVE_FACTS(", \"listen_addr\": { \"value\": \"127.0.0.1\", \"line\": 2, \"text\": \"listen_addr = \\\"127.0.0.1\\\"\" }",
                                    "127.0.0.1", NO_SYSTEMD));
        run_cluster_check(&t->c, "libvirtd-listen", &t->rs);
        assert_row(row_of(&t->rs, "n1"), MC_FAIL, "loopback only (listen_addr = 127.0.0.1)");
        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "libvirtd-startup", &t->rs);
        assert_row(row_of(&t->rs, "n1"), MC_PASS, "started with --listen");
}

/* The file says all addresses, but the daemon still runs with the old
 * loopback address: restart it. */
static void test_live_loopback_until_restart(void **state) {
        struct t *t = *state;

        cluster_add_json(&t->c, "n1", LIVE_FACTS("", "127.0.0.1", NO_SYSTEMD));
        run_cluster_check(&t->c, "libvirtd-listen", &t->rs);
        assert_row(row_of(&t->rs, "n1"), MC_FAIL, "listens on tcp/16509 on a loopback address only now");
}

/* systemd is PID 1, but libvirtd runs in a login session's scope (started
 * by hand, or a container's entry point): started with its arguments. */
static void test_live_systemd_but_not_its_unit(void **state) {
        struct t *t = *state;

        cluster_add_json(&t->c, "n1",
                         LIVE_FACTS("", "0.0.0.0",
                                    "\"init\": { \"systemd\": true, \"pid1\": \"systemd\", \"decided_by\": \"live: /run/systemd/system exists and PID 1 is 'systemd'\" }"));
        run_cluster_check(&t->c, "libvirtd-listen", &t->rs);
        assert_row(row_of(&t->rs, "n1"), MC_PASS, "but the running libvirtd is in 'session-1.scope', not libvirtd.service");
}

/* The restart command follows the init that runs, per profile. */
static void test_restart_commands(void **state) {
        static const struct {
                const char *facts, *service, *want;
        } cases[] = {
                { "{ \"os\": { \"id\": \"debian\", \"version_id\": \"12\" }, " NO_SYSTEMD " }", "libvirtd", "service libvirtd restart" },
                { "{ \"os\": { \"id\": \"debian\", \"version_id\": \"12\" }, \"init\": { \"systemd\": true } }", "libvirtd",
                  "systemctl restart libvirtd" },
                { "{ \"os\": { \"id\": \"debian\", \"version_id\": \"12\" } }", "nova-compute", "systemctl restart nova-compute" },
                { "{ \"os\": { \"id\": \"debian\", \"version_id\": \"12\" }, " NO_SYSTEMD " }", "nova-compute",
                  "service nova-compute restart" },
                { "{ \"os\": { \"id\": \"ubuntu\", \"version_id\": \"14.04\" }, \"init\": { \"systemd\": false } }", "libvirtd",
                  "service libvirt-bin restart" },
                { "{ \"os\": { \"id\": \"rhel\", \"version_id\": \"6.10\" } }", "libvirtd", "service libvirtd restart" },
                { "{ \"os\": { \"id\": \"rhel\", \"version_id\": \"8.9\" }, \"init\": { \"systemd\": true } }", "libvirtd",
                  "systemctl restart libvirtd" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                json_object *f = json_tokener_parse(cases[i].facts);
                _cleanup_free_ char *cmd = NULL;

                assert_non_null(f);
                cmd = mc_restart_command(f, cases[i].service);
                assert_string_equal(cmd, cases[i].want);
                json_object_put(f);
        }
        (void) state;
}

/* Per profile, the listen value each distro documents, with systemd as
 * PID 1 and without: socket activation (libvirt >= 5.6 under systemd)
 * refuses --listen; a classic daemon takes it. The libvirt version is the
 * package's (dpkg) or the profile's. */
static void test_profiles_systemd_or_not(void **state) {
        static const struct {
                const char *os, *libvirt, *file, *line;
                enum mc_status with_systemd, without;
        } cases[] = {
                { "ID=rhel\nVERSION_ID=\"7.9\"\n", NULL, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n", MC_PASS, MC_PASS },
                { "ID=rocky\nVERSION_ID=\"8.9\"\n", NULL, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n", MC_FAIL, MC_PASS },
                { "ID=ubuntu\nVERSION_ID=\"18.04\"\n", "4.0.0-1ubuntu8", "/etc/default/libvirtd", "libvirtd_opts=\"-l\"\n", MC_PASS, MC_PASS },
                { "ID=ubuntu\nVERSION_ID=\"20.04\"\n", "6.0.0-0ubuntu8", "/etc/default/libvirtd", "libvirtd_opts=\"-l\"\n", MC_FAIL, MC_PASS },
                { "ID=ubuntu\nVERSION_ID=\"22.04\"\n", "8.0.0-1ubuntu7", "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n", MC_FAIL, MC_PASS },
                { "ID=debian\nVERSION_ID=\"10\"\n", "5.0.0-4+deb10u1", "/etc/default/libvirtd", "libvirtd_opts=\"-l\"\n", MC_PASS, MC_PASS },
                { "ID=debian\nVERSION_ID=\"12\"\n", "9.0.0-4", "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n", MC_FAIL, MC_PASS },
                { "ID=debian\nVERSION_ID=\"12\"\n", "9.0.0-4", "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"-d-l\"\n", MC_FAIL, MC_FAIL },
        };
        struct t *t = *state;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                for (int systemd = 1; systemd >= 0; systemd--) {
                        enum mc_status want = systemd ? cases[i].with_systemd : cases[i].without;
                        const struct mc_result *r;

                        tree_free(t->root);
                        t->root = tree_new();
                        tree_os(t->root, cases[i].os);
                        if (cases[i].libvirt) {
                                _cleanup_free_ char *pkg = mc_strdup_printf("libvirt-daemon=%s", cases[i].libvirt);
                                tree_dpkg(t->root, (const char *const[]) { pkg, NULL });
                        }
                        tree_write(t->root, "/lib/systemd/systemd", "");
                        tree_write(t->root, "/lib/systemd/system/libvirtd.service", "[Unit]\n");
                        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\n");
                        tree_write(t->root, cases[i].file, cases[i].line);
                        tree_write(t->root, "/proc/1/comm", systemd ? "systemd\n" : "init\n");
                        mc_results_done(&t->rs);
                        run_check(t->root, "libvirtd-startup", NULL, &t->rs);
                        r = one_row(&t->rs);
                        /* The refusal under socket activation quotes libvirt, not the init. */
                        if (r->status != want ||
                            (!strstr(r->summary, "which socket-activated libvirt") &&
                             !strstr(r->summary, systemd ? "systemd runs: the tree's /proc/1/comm is 'systemd'"
                                                         : "systemd does not run")))
                                fail_msg("case %zu (%s), systemd %d: %s %s, expected %s", i, cases[i].line, systemd,
                                         mc_status_to_string(r->status), r->summary, mc_status_to_string(want));
                }
}

/* Taking --listen out keeps every other option and its argument. */
static void test_drop_listen(void **state) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "-dl", "-d" }, { "-l", "" }, { "--listen --timeout 120", "--timeout 120" }, { "--lis -v", "-v" },
                { "-t 120 -l", "-t 120" }, { "-lt120", "-t120" }, { "-f /etc/l.conf -l", "-f /etc/l.conf" },
                { "-tl -d", "-tl -d" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_strv_free_ char **in = mc_split(cases[i].in, " "), **out = mc_libvirtd_args_drop_listen(in, "9.0.0");
                _cleanup_free_ char *joined = mc_strdup("");

                for (char **w = out; *w; w++) {
                        char *n = mc_strdup_printf("%s%s%s", joined, *joined ? " " : "", *w);
                        free(joined);
                        joined = n;
                }
                assert_string_equal(joined, cases[i].out);
        }
        (void) state;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_debian12_systemd_pid1_socket_activated),
                T(test_debian12_unknown_init_assumes_distro),
                T(test_debian12_sysvinit_packaged_file_no_listen),
                T(test_debian12_sysvinit_listen_passes),
                T(test_refused_words),
                T(test_accepted_words),
                T(test_version_exits),
                T(test_rhel6_table),
                T(test_ubuntu1404_typo),
                T(test_debian12_sysvinit_listen_keys),
                T(test_live_loopback_listener_fails),
                T(test_live_loopback_until_restart),
                T(test_live_systemd_but_not_its_unit),
                T(test_restart_commands),
                T(test_drop_listen),
                T(test_profiles_systemd_or_not),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
