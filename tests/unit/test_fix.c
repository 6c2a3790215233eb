/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fix engine on node trees: exact diffs, applying, idempotence,
 * safety (parse errors, symlinks out of the root, modes and owners). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "fix_run.h"
#include "fixtures.h"
#include "mc_test.h"
#include "util.h"

struct t {
        char *root;
        struct mc_results rs;
        struct mc_fix_outcome o;
        struct mc_cluster c;
};

static int setup(void **state) {
        struct t *t = calloc(1, sizeof(*t));

        t->root = tree_new();
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
        free(t);
        return 0;
}

static const char *nova_release;  /* NULL: the package's */

static int fix(struct t *t, const char *only, bool dry_run, bool include_warnings) {
        _cleanup_strv_free_ char **ids = mc_split(only, ",");
        const struct mc_collect_opts co = { .root = t->root, .needs = mc_checks_needs(ids, NULL), .nova_release = nova_release };
        const struct mc_fix_opts fo = { .include_warnings = include_warnings, .backup = true };
        const struct mc_fix_request req = { .collect = &co, .only = ids, .opts = &fo, .dry_run = dry_run };

        reset(t);
        return mc_fix_run(&req, &t->c, &t->rs, &t->o);
}

static const char *status_of(struct t *t, const char *check) {
        for (size_t i = 0; i < t->rs.n; i++)
                if (streq(t->rs.items[i].check, check))
                        return mc_status_to_string(t->rs.items[i].status);
        return "none";
}

/* Debian 12 where systemd is not PID 1: the listen keys decide. The
 * loopback listen_addr goes, tcp_port becomes the port nova's URI names,
 * and libvirtd restarts through its init script. */
static void test_listen_fix_without_systemd(void **state) {
        struct t *t = *state;

        fixture_debian12_zed(t->root);
        tree_write(t->root, "/proc/1/comm", "init\n");
        tree_write(t->root, "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n");
        tree_write(t->root, "/etc/libvirt/libvirtd.conf",
                   "listen_tcp = 1\nlisten_addr = \"127.0.0.1\"\ntcp_port = \"16510\"\nauth_tcp = \"none\"\n");
        assert_int_equal(fix(t, "libvirtd-listen", true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/libvirt/libvirtd.conf\n"
                            "+++ b/etc/libvirt/libvirtd.conf\n"
                            "@@ -1,4 +1,3 @@\n"
                            " listen_tcp = 1\n"
                            "-listen_addr = \"127.0.0.1\"\n"
                            "-tcp_port = \"16510\"\n"
                            "+tcp_port = \"16509\"\n"
                            " auth_tcp = \"none\"\n");
        assert_string_equal(t->o.plan.restart[0], "service libvirtd restart");
        assert_int_equal(fix(t, "libvirtd-listen", false, false), 0);
        assert_string_equal(status_of(t, "libvirtd-listen"), "fixed");
}

static void test_dry_run_diff_is_exact(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *before = NULL, *after = NULL;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", LIBVIRTD_CONF_LISTEN_TCP "\n# end of file\n");
        tree_write(t->root, "/etc/libvirt/libvirtd.conf",
                   "# Master libvirt daemon configuration file\n"
                   "listen_tls = 0\n"
                   "\n"
                   "# Listen for unencrypted TCP connections\n"
                   "listen_tcp = 0\n"
                   "auth_tcp = \"none\"\n"
                   "# end\n");
        before = tree_read(t->root, "/etc/libvirt/libvirtd.conf");
        assert_int_equal(fix(t, "libvirtd-listen", true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/libvirt/libvirtd.conf\n"
                            "+++ b/etc/libvirt/libvirtd.conf\n"
                            "@@ -2,6 +2,6 @@\n"
                            " listen_tls = 0\n"
                            " \n"
                            " # Listen for unencrypted TCP connections\n"
                            "-listen_tcp = 0\n"
                            "+listen_tcp = 1\n"
                            " auth_tcp = \"none\"\n"
                            " # end\n");
        assert_string_equal(t->o.plan.restart[0], "service libvirtd restart");
        /* A dry run writes nothing. */
        after = tree_read(t->root, "/etc/libvirt/libvirtd.conf");
        assert_string_equal(before, after);
        assert_false(t->o.applied);
}

/* libvirt's grammar through the fix: comments after values, a trailing
 * comma, unknown keys and indentation stay byte for byte; the first of two
 * definitions (the one libvirtd reads) is the one changed. */
static void test_virtconf_fix_keeps_layout(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf",
                   "# Generated by Chef\n"
                   "  listen_tcp = 0   # off until the cluster is ready\n"
                   "max_requests = 20\n"
                   "sasl_allowed_username_list = [ \"nova@EXAMPLE\",\n   \"admin\", ]\n"
                   "listen_tcp = 1\n");
        assert_int_equal(fix(t, "libvirtd-listen", true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/libvirt/libvirtd.conf\n"
                            "+++ b/etc/libvirt/libvirtd.conf\n"
                            "@@ -1,5 +1,5 @@\n"
                            " # Generated by Chef\n"
                            "-  listen_tcp = 0   # off until the cluster is ready\n"
                            "+  listen_tcp = 1   # off until the cluster is ready\n"
                            " max_requests = 20\n"
                            " sasl_allowed_username_list = [ \"nova@EXAMPLE\",\n"
                            "    \"admin\", ]\n");
}

/* A string is written quoted, as libvirt's own files have it; a file
 * without a final newline gains one. */
static void test_virtconf_fix_new_string_quoted(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1 # tcp\nauth_tcp = 'polkit' # was\nlisten_tls = 0");
        assert_int_equal(fix(t, "libvirtd-auth", true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/libvirt/libvirtd.conf\n"
                            "+++ b/etc/libvirt/libvirtd.conf\n"
                            "@@ -1,3 +1,3 @@\n"
                            " listen_tcp = 1 # tcp\n"
                            "-auth_tcp = 'polkit' # was\n"
                            "+auth_tcp = \"sasl\" # was\n"
                            " listen_tls = 0\n");
}

static void test_apply_then_idempotent(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL, *bak = NULL;

        fixture_ubuntu1404_icehouse(t->root);
        tree_write(t->root, "/etc/default/libvirt-bin", "# options passed to libvirtd\nstart_libvirtd=\"yes\"\nlibvirtd_opts=\"-d\"\n");
        assert_int_equal(fix(t, "libvirtd-startup", false, false), 0);
        assert_true(t->o.applied);
        assert_string_equal(status_of(t, "libvirtd-startup"), "fixed");
        text = tree_read(t->root, "/etc/default/libvirt-bin");
        assert_string_equal(text, "# options passed to libvirtd\nstart_libvirtd=\"yes\"\nlibvirtd_opts=\"-d -l\"\n");
        bak = tree_read(t->root, "/etc/default/libvirt-bin.migcheck-bak");
        assert_string_equal(bak, "# options passed to libvirtd\nstart_libvirtd=\"yes\"\nlibvirtd_opts=\"-d\"\n");
        /* Again: nothing to do, nothing written. */
        assert_int_equal(fix(t, "libvirtd-startup", false, false), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_string_equal(status_of(t, "libvirtd-startup"), "pass");
}

static void test_parse_error_changes_nothing(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *before = NULL, *after = NULL;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 0\n");
        /* Another file of the node does not parse. */
        tree_write(t->root, "/etc/nova/nova.conf.d/90-broken.conf", "[libvirt]\nno separator here\n");
        before = tree_read(t->root, "/etc/libvirt/libvirtd.conf");
        assert_int_equal(fix(t, "libvirtd-listen,nova-vnc-listen", false, false), -EBADMSG);
        assert_non_null(strstr(t->o.error, "/etc/nova/nova.conf.d/90-broken.conf:2: parse error"));
        assert_false(t->o.applied);
        after = tree_read(t->root, "/etc/libvirt/libvirtd.conf");
        assert_string_equal(before, after);
}

static void test_mode_owner_kept_comments_kept(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *p = NULL, *text = NULL;
        struct stat st;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/nova/nova.conf",
                   "[DEFAULT]\n"
                   "# Where instances live; shared over NFS (ticket #4711)\n"
                   "state_path=/var/lib/nova\n"
                   "transport_url = rabbit://nova:pa#ss@ctl\n"
                   "vncserver_listen=10.0.0.11\n"
                   "\n"
                   "[libvirt]\n"
                   "live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n");
        p = mc_path_join(t->root, "/etc/nova/nova.conf");
        assert_int_equal(chown(p, 162, 163), 0);
        assert_int_equal(chmod(p, 0640), 0);
        assert_int_equal(fix(t, "nova-vnc-listen", false, false), 0);
        assert_string_equal(status_of(t, "nova-vnc-listen"), "fixed");
        text = tree_read(t->root, "/etc/nova/nova.conf");
        assert_string_equal(text,
                            "[DEFAULT]\n"
                            "# Where instances live; shared over NFS (ticket #4711)\n"
                            "state_path=/var/lib/nova\n"
                            "transport_url = rabbit://nova:pa#ss@ctl\n"
                            "vncserver_listen=0.0.0.0\n"
                            "\n"
                            "[libvirt]\n"
                            "live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n");
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(st.st_uid, 162);
        assert_int_equal(st.st_gid, 163);
}

static void test_new_key_lands_in_its_section(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL;

        fixture_ubuntu1404_icehouse(t->root);
        tree_write(t->root, "/etc/nova/nova.conf",
                   "[DEFAULT]\nstate_path = /var/lib/nova\n\n[LIBVIRT]\nvirt_type = kvm\n# a comment that closes the section\n\n"
                   "[vnc]\nenabled = true\n");
        assert_int_equal(fix(t, "nova-live-migration-flag", false, false), 0);
        text = tree_read(t->root, "/etc/nova/nova.conf");
        /* nova reads [LIBVIRT] as [libvirt]: the key goes there, after its last entry. */
        assert_string_equal(text, "[DEFAULT]\nstate_path = /var/lib/nova\n\n[LIBVIRT]\nvirt_type = kvm\n"
                                  "live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                                  "block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_NON_SHARED_INC, VIR_MIGRATE_LIVE\n"
                                  "# a comment that closes the section\n\n[vnc]\nenabled = true\n");
        assert_string_equal(status_of(t, "nova-live-migration-flag"), "fixed");
}

static void test_symlink_out_of_root_refused(void **state) {
        struct t *t = *state;
        char outside[] = "/tmp/migcheck-outside-XXXXXX";
        int fd = mkstemp(outside);
        _cleanup_free_ char *text = NULL;

        assert_true(fd >= 0);
        assert_int_equal(write(fd, "listen_tcp = 0\n", 15), 15);
        close(fd);
        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/qemu.conf", "");
        {
                _cleanup_free_ char *p = mc_path_join(t->root, "/etc/libvirt/libvirtd.conf");
                assert_int_equal(unlink(p), 0);
        }
        tree_symlink(t->root, "/etc/libvirt/libvirtd.conf", outside);
        /* Read as under chroot, the link's target is not in the tree: the
         * check cannot evaluate the file, so there is nothing to write. */
        assert_int_equal(fix(t, "libvirtd-listen", false, false), 0);
        assert_string_equal(status_of(t, "libvirtd-listen"), "error");
        assert_false(t->o.applied);
        assert_int_equal(mc_read_file(outside, 1024, &text, NULL), 0);
        assert_string_equal(text, "listen_tcp = 0\n");
        unlink(outside);
}

static void test_socket_activated_listen_removed(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *text = NULL, *link = NULL, *target = NULL;
        ssize_t n;
        char buf[256];

        fixture_debian12_zed(t->root);
        tree_write(t->root, "/etc/default/libvirtd", "# customised\nLIBVIRTD_ARGS=\"--timeout 120 -l\"\n");
        link = mc_path_join(t->root, "/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket");
        assert_int_equal(unlink(link), 0);
        assert_int_equal(fix(t, "libvirtd-startup,libvirtd-listen", false, false), 0);
        text = tree_read(t->root, "/etc/default/libvirtd");
        assert_string_equal(text, "# customised\nLIBVIRTD_ARGS=\"--timeout 120\"\n");
        n = readlink(link, buf, sizeof(buf) - 1);
        assert_true(n > 0);
        buf[n] = '\0';
        assert_string_equal(buf, "/lib/systemd/system/libvirtd-tcp.socket");
        assert_string_equal(status_of(t, "libvirtd-startup"), "fixed");
        assert_string_equal(status_of(t, "libvirtd-listen"), "fixed");
        assert_true(mc_strv_contains(t->o.plan.restart, "systemctl start libvirtd-tcp.socket"));
}

static void test_unfixable_named_up_front(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/nova/nova.conf", "[DEFAULT]\nstate_path=/var/lib/nova\n[libvirt]\ncpu_mode=custom\n");
        assert_int_equal(fix(t, "nova-cpu-mode,libvirtd-auth", false, true), 0);
        assert_int_equal(t->o.plan.n_unfixable, 2);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_string_equal(status_of(t, "nova-cpu-mode"), "fail");
}

static void test_instances_dir_created(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *p = NULL;
        struct stat st;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/nova/nova.conf", "[DEFAULT]\ninstances_path=/srv/instances\n");
        assert_int_equal(fix(t, "nova-instances-path", false, false), 0);
        p = mc_path_join(t->root, "/srv/instances");
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_uid, 162);
        assert_string_equal(status_of(t, "nova-instances-path"), "fixed");
}

static void test_unified_diff(void **state) {
        _cleanup_free_ char *d1 = NULL, *d2 = NULL, *d3 = NULL;

        assert_null(mc_unified_diff("/f", "a\nb\n", "a\nb\n"));
        d1 = mc_unified_diff("/f", NULL, "x=1\n");
        assert_string_equal(d1, "--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+x=1\n");
        /* Two changes far apart make two hunks. */
        d2 = mc_unified_diff("/f", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n");
        assert_string_equal(d2, "--- a/f\n+++ b/f\n"
                                "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
                                "@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n");
        d3 = mc_unified_diff("/f", "a\n", "a\nb");
        assert_string_equal(d3, "--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n");
}

/* nova-migration-uri: each finding's fix, in the line where nova reads it. */
static void migration_uri_case(struct t *t, const char *release, const char *nova, bool warnings, const char *want) {
        _cleanup_free_ char *text = NULL;

        nova_release = release;
        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\nauth_tcp = \"none\"\n");
        tree_write(t->root, "/etc/nova/nova.conf", nova);
        assert_int_equal(fix(t, "nova-migration-uri", false, warnings), 0);
        text = tree_read(t->root, "/etc/nova/nova.conf");
        assert_string_equal(text, want);
        assert_string_equal(status_of(t, "nova-migration-uri"), "fixed");
        assert_true(mc_strv_contains(t->o.plan.restart, "service nova-compute restart"));
        /* Again: nothing to do. */
        assert_int_equal(fix(t, "nova-migration-uri", false, warnings), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        nova_release = NULL;
}

static void test_migration_uri_fixes(void **state) {
        struct t *t = *state;

        /* One host for every migration. */
        migration_uri_case(t, NULL, "[libvirt]\n# the URI\nlive_migration_uri = qemu+tcp://compute2/system\n", false,
                           "[libvirt]\n# the URI\nlive_migration_uri = qemu+tcp://%s/system\n");
        /* A port libvirtd does not serve: nova follows libvirtd (16509). */
        migration_uri_case(t, NULL, "[libvirt]\nlive_migration_uri = qemu+tcp://%s:16510/system?no_verify=1\n", false,
                           "[libvirt]\nlive_migration_uri = qemu+tcp://%s/system?no_verify=1\n");
        /* Sources that would connect to themselves. */
        migration_uri_case(t, "newton", "[libvirt]\nlive_migration_inbound_addr = 127.0.0.1\nvirt_type = kvm\n", false,
                           "[libvirt]\nvirt_type = kvm\n");
        /* Deprecated from Ocata: the scheme says the same (a warning). */
        migration_uri_case(t, "queens", "[libvirt]\nlive_migration_uri = qemu+tcp://%s/system\n", true,
                           "[libvirt]\nlive_migration_scheme = tcp\n");
}

/* Item 5 of issue 11: tcp_port changed on one node, nova's URI without a
 * port (Debian's live_migration_scheme = tcp): every peer connects to
 * 16509, so libvirtd goes back there, through libvirt's grammar (the
 * comment after the value stays). A peer whose URI says another port
 * leaves the choice to the operator. */
static void test_listen_port_back_to_cluster(void **state) {
        struct t *t = *state;
        _cleanup_json_ json_object *cluster = NULL;

        fixture_debian12_zed(t->root);
        tree_write(t->root, "/proc/1/comm", "init\n");
        tree_write(t->root, "/etc/default/libvirtd", "LIBVIRTD_ARGS=\"--listen\"\n");
        tree_write(t->root, "/etc/libvirt/libvirtd.conf",
                   "listen_tls = 0\nlisten_tcp = 1\ntcp_port = \"16510\"   # moved off the default\nauth_tcp = \"none\"\n");
        assert_int_equal(fix(t, "nova-migration-uri", true, false), 0);
        assert_string_equal(t->o.diff,
                            "--- a/etc/libvirt/libvirtd.conf\n"
                            "+++ b/etc/libvirt/libvirtd.conf\n"
                            "@@ -1,4 +1,4 @@\n"
                            " listen_tls = 0\n"
                            " listen_tcp = 1\n"
                            "-tcp_port = \"16510\"   # moved off the default\n"
                            "+tcp_port = \"16509\"   # moved off the default\n"
                            " auth_tcp = \"none\"\n");
        assert_string_equal(t->o.plan.restart[0], "service libvirtd restart");
        assert_int_equal(fix(t, "nova-migration-uri", false, false), 0);
        assert_string_equal(status_of(t, "nova-migration-uri"), "fixed");

        /* Two peers: one connects to 16509, the other names 16510 in its URI. */
        tree_write(t->root, "/etc/libvirt/libvirtd.conf", "listen_tcp = 1\ntcp_port = \"16510\"\nauth_tcp = \"none\"\n");
        {
                /* node-b collected from its own tree, as the coordinator's document carries it. */
                char *peer = tree_new();
                const struct mc_collect_opts pco = { .root = peer, .needs = MC_NEED_ALL };
                _cleanup_free_ char *err = NULL;
                json_object *pf = NULL, *arr = json_object_new_array();

                fixture_debian12_zed(peer);
                tree_write(peer, "/etc/nova/nova.conf", "[libvirt]\nlive_migration_uri = qemu+tcp://%s:16510/system\n");
                assert_int_equal(mc_collect(&pco, &pf, &err), 0);
                json_object_object_add(pf, "node_name", json_object_new_string("node-b"));
                json_object_array_add(arr, pf);
                cluster = json_object_new_object();
                json_object_object_add(cluster, "schema_version", json_object_new_int(2));
                json_object_object_add(cluster, "cluster", arr);
                tree_free(peer);
        }
        assert_non_null(cluster);
        {
                _cleanup_strv_free_ char **ids = mc_split("nova-migration-uri", ",");
                const struct mc_collect_opts co = { .root = t->root, .needs = mc_checks_needs(ids, NULL) };
                const struct mc_fix_opts fo = { .backup = true };
                const struct mc_fix_request req = { .collect = &co, .only = ids, .opts = &fo, .dry_run = true,
                                                    .node_name = "node-a", .cluster_facts = cluster };

                reset(t);
                assert_int_equal(mc_fix_run(&req, &t->c, &t->rs, &t->o), 0);
        }
        assert_true(mc_plan_empty(&t->o.plan));
        assert_int_equal(t->o.plan.n_unfixable, 1);
        assert_string_equal(t->o.plan.unfixable[0].reason,
                            "the cluster's migration URIs disagree: this node's connects over tcp to port 16509, node-b's "
                            "over tcp to port 16510; make the URIs agree first, then tcp_port follows them");
}

static void test_migration_uri_unfixable(void **state) {
        struct t *t = *state;

        fixture_rhel6_icehouse(t->root);
        tree_write(t->root, "/etc/nova/nova.conf", "[libvirt]\nlive_migration_uri = qemu+foo://%s/system\n");
        assert_int_equal(fix(t, "nova-migration-uri", false, false), 0);
        assert_true(mc_plan_empty(&t->o.plan));
        assert_int_equal(t->o.plan.n_unfixable, 1);
        assert_non_null(strstr(t->o.plan.unfixable[0].reason, "operator's choice"));
}

/* A cluster fixed node by node, then checked again as a whole. */
static void test_merge_recheck(void **state) {
        struct mc_results fixed = {}, fresh = {}, out = {};
        (void) state;

        mc_results_add(&fixed, "libvirtd-listen", "a", MC_FIXED, "listens");
        mc_results_add(&fixed, "nova-vnc-listen", "a", MC_FAIL, "the fix did not resolve it: still bound");
        mc_results_add(&fixed, "reach-libvirt-port", "a", MC_FAIL, "nothing listens on b:16509");
        mc_results_add(&fixed, "fix", "c", MC_ERROR, "not fixed: no answer");
        /* b restarted after a's own re-check: the cluster check passes a's probe. */
        mc_results_add(&fresh, "libvirtd-listen", "a", MC_PASS, "listens");
        mc_results_add(&fresh, "nova-vnc-listen", "a", MC_FAIL, "still bound");
        mc_results_add(&fresh, "reach-libvirt-port", "a", MC_PASS, "b:16509 accepts");
        mc_results_add(&fresh, "libvirtd-auth", "b", MC_WARN, "auth_tcp = none");
        mc_fix_merge_recheck(&fixed, &fresh, &out);

        assert_int_equal(out.n, 5);
        assert_string_equal(out.items[0].check, "fix");
        assert_int_equal(out.items[0].status, MC_ERROR);
        assert_int_equal(out.items[1].status, MC_FIXED);
        assert_int_equal(out.items[2].status, MC_FAIL);
        assert_string_equal(out.items[2].summary, "the fix did not resolve it: still bound");
        /* Not addressed by a fix: the fresh verdict as it is. */
        assert_int_equal(out.items[3].status, MC_PASS);
        assert_int_equal(out.items[4].status, MC_WARN);
        mc_results_done(&fixed);
        mc_results_done(&fresh);
        mc_results_done(&out);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
                T(test_dry_run_diff_is_exact),
                T(test_listen_fix_without_systemd),
                T(test_apply_then_idempotent),
                T(test_parse_error_changes_nothing),
                T(test_mode_owner_kept_comments_kept),
                T(test_new_key_lands_in_its_section),
                T(test_symlink_out_of_root_refused),
                T(test_socket_activated_listen_removed),
                T(test_virtconf_fix_keeps_layout),
                T(test_virtconf_fix_new_string_quoted),
                T(test_unfixable_named_up_front),
                T(test_instances_dir_created),
                T(test_migration_uri_fixes),
                T(test_migration_uri_unfixable),
                T(test_listen_port_back_to_cluster),
                cmocka_unit_test(test_unified_diff),
                cmocka_unit_test(test_merge_recheck),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
