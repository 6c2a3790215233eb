/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hostile input (issue 10): values that fuzzing and probing found to
 * crash, leak or mislead, each as the regression it was fixed with. */
#include <string.h>

#include "confparse.h"
#include "fix_run.h"
#include "iptables_save.h"
#include "fixtures.h"
#include "mc_test.h"
#include "util.h"

static void tree_freep(char **root) {
        if (*root)
                tree_free(*root);
}

/* Item 1: an out-of-range migration_port_min used to short-circuit the
 * read of migration_port_max, which then went into the evidence
 * uninitialised. Both are read, and both are evidence. */
static void qemu_ports_out_of_range(void **state) {
        _cleanup_(tree_freep) char *root = tree_new();
        struct mc_results rs = {};
        struct mc_cluster c = {};
        const struct mc_result *r;

        (void) state;
        /* From a node's files the value never reaches the check: libvirt's
         * reader refuses it (virConfGetValueUInt), and so does migcheck's,
         * in libvirt's words at its line. */
        tree_os(root, "ID=debian\nVERSION_ID=\"12\"\n");
        tree_write(root, "/etc/libvirt/qemu.conf",
                   "# migration ports\n"
                   "migration_port_min = 99999999999999999999\n"
                   "migration_port_max = 49215\n");
        run_check(root, "qemu-migration-ports", NULL, &rs);
        r = one_row(&rs);
        assert_row(r, MC_ERROR, "libvirt does not accept '/etc/libvirt/qemu.conf'");
        assert_evidence(r, "/etc/libvirt/qemu.conf", 2, "must be in range 0:4294967295");
        mc_results_done(&rs);

        /* A facts document is hostile input and bypasses the reader: both
         * ends are read before either is judged (with || a bad min left max,
         * set_max and its evidence uninitialised). */
        cluster_add_json(&c, "n1",
                         "{\"files\": {\"/etc/libvirt/qemu.conf\": {\"path\": \"/etc/libvirt/qemu.conf\", \"kind\": \"qemu\", "
                         "\"state\": \"ok\", \"settings\": {"
                         "\"migration_port_min\": {\"value\": \"99999999999999999999\", \"line\": 2, "
                         "\"text\": \"migration_port_min = 99999999999999999999\"}, "
                         "\"migration_port_max\": {\"value\": \"49215\", \"line\": 3, \"text\": \"migration_port_max = 49215\"}}}}}");
        run_cluster_check(&c, "qemu-migration-ports", &rs);
        r = one_row(&rs);
        assert_row(r, MC_FAIL, "not numeric");
        assert_int_equal(r->n_evidence, 2);
        assert_evidence(r, "/etc/libvirt/qemu.conf", 2, "migration_port_min = 99999999999999999999");
        assert_evidence(r, "/etc/libvirt/qemu.conf", 3, "migration_port_max = 49215");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

/* Item 9: a password may hold '/', '?' or '#' unencoded; the mask runs to
 * the last '@' of the authority, not to the first '/'. */
static void redact_url_password_with_slash(void **state) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "qemu+tcp://admin:pa/SECRET@host/system", "qemu+tcp://admin:<redacted>@host/system" },
                { "qemu+tcp://admin:pa?SECRET@host/system", "qemu+tcp://admin:<redacted>@host/system" },
                { "qemu+tcp://admin:pa#SECRET@host/system", "qemu+tcp://admin:<redacted>@host/system" },
                { "rabbit://nova:p@ss/w0rd@ctl:5672/", "rabbit://nova:<redacted>@ctl:5672/" },
                { "rabbit://u1:p1@h1,u2:p/2@h2/vhost", "rabbit://u1:<redacted>@h1,u2:<redacted>@h2/vhost" },
                { "mysql+pymysql://nova:se/cr?et@db/nova?charset=utf8", "mysql+pymysql://nova:<redacted>@db/nova?charset=utf8" },
                /* Nothing to mask: left as written. */
                { "qemu+tcp://%s/system", "qemu+tcp://%s/system" },
                { "qemu+ssh://nova@%s/system?keyfile=/var/lib/nova/.ssh/id_rsa", "qemu+ssh://nova@%s/system?keyfile=/var/lib/nova/.ssh/id_rsa" },
                { "qemu+tcp://host:16509/system", "qemu+tcp://host:16509/system" },
                { "rabbit://ctl1:5672,ctl2:5672/", "rabbit://ctl1:5672,ctl2:5672/" },
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *got = mc_redact_url(cases[i].in);
                assert_string_equal(got, cases[i].out);
        }
}

/* Item 2: a fix's diff shows context lines, and they may be secrets: a
 * nova.conf ending with [placement] password printed it above +[libvirt].
 * Every line the facts would redact is redacted in the diff (context,
 * removed and added lines, commented-out and continued values), and
 * only there: the file keeps its secrets. */
static const char secret_nova[] =
        "[DEFAULT]\n"
        "state_path = /var/lib/nova\n"
        "transport_url = rabbit://nova:S3CRET-TRANSPORT@ctl:5672/\n"
        "vncserver_listen = 10.0.0.11\n"
        "#rabbit_password = S3CRET-COMMENTED\n"
        "[database]\n"
        "connection = mysql+pymysql://nova:S3CRET/DB@db/nova\n"
        "[placement]\n"
        "auth_type = password\n"
        "password: S3CRET-PLACEMENT\n"
        "    S3CRET-CONTINUED\n";

static void fix_diff_redacted(void **state) {
        _cleanup_(tree_freep) char *root = tree_new();
        _cleanup_strv_free_ char **ids = mc_split("nova-vnc-listen,nova-live-migration-flag,libvirtd-startup", ",");
        const struct mc_collect_opts co = { .root = root, .needs = mc_checks_needs(ids, NULL) };
        const struct mc_fix_opts fo = { .backup = true };

        (void) state;
        fixture_ubuntu1404_icehouse(root);
        tree_write(root, "/etc/nova/nova.conf", secret_nova);
        tree_write(root, "/etc/default/libvirt-bin",
                   "start_libvirtd=\"yes\"\n"
                   "LIBVIRT_PASSWORD=\"S3CRET-SHELL\"\n"
                   "libvirtd_opts=\"-d\"\n");
        for (int dry = 1; dry >= 0; dry--) {
                const struct mc_fix_request req = { .collect = &co, .only = ids, .opts = &fo, .dry_run = dry };
                struct mc_fix_outcome o = {};
                struct mc_cluster c = {};
                struct mc_results rs = {};
                _cleanup_free_ char *nova = NULL;

                assert_int_equal(mc_fix_run(&req, &c, &rs, &o), 0);
                assert_non_null(o.diff);
                assert_null(strstr(o.diff, "S3CRET"));
                assert_non_null(strstr(o.diff, "\n transport_url = rabbit://nova:<redacted>@ctl:5672/\n"));
                assert_non_null(strstr(o.diff, "\n #rabbit_password = <redacted>\n"));
                assert_non_null(strstr(o.diff, "\n password: <redacted>\n     <redacted>\n+[libvirt]\n"));
                assert_non_null(strstr(o.diff, "\n auth_type = password\n"));
                assert_non_null(strstr(o.diff, "\n LIBVIRT_PASSWORD=<redacted>\n"));
                assert_non_null(strstr(o.diff, "\n-vncserver_listen = 10.0.0.11\n+vncserver_listen = 0.0.0.0\n"));
                nova = tree_read(root, "/etc/nova/nova.conf");
                assert_non_null(strstr(nova, "password: S3CRET-PLACEMENT\n    S3CRET-CONTINUED\n"));
                assert_true(dry ? streq(nova, secret_nova) : !streq(nova, secret_nova));
                mc_fix_outcome_done(&o);
                mc_results_done(&rs);
                mc_cluster_done(&c);
        }
}

/* Item 6: a node's files are written all or nothing. With one file
 * immutable (chattr +i) the others used to be rewritten while the report
 * said "nothing was written". Now every file is checked and staged
 * first: nothing is written, no backup, no temporary file is left, and
 * the error names the file. */
static void chattr(const char *root, const char *path, const char *flag) {
        _cleanup_free_ char *full = mc_path_join(root, path);
        _cleanup_free_ char *cmd = mc_strdup_printf("chattr %s '%s'", flag, full);

        assert_int_equal(system(cmd), 0);
}

static void fix_all_or_nothing(void **state) {
        static const char *const files[] = { "/etc/libvirt/libvirtd.conf", "/etc/default/libvirt-bin" };
        static const char libvirtd_conf[] = "listen_tls = 0\nlisten_tcp = 0\nauth_tcp = \"none\"\n";
        static const char libvirt_bin[] = "start_libvirtd=\"yes\"\nlibvirtd_opts=\"-d\"\n";

        (void) state;
        for (size_t imm = 0; imm < ELEMENTSOF(files); imm++) {
                _cleanup_(tree_freep) char *root = tree_new();
                _cleanup_strv_free_ char **ids = mc_split("libvirtd-listen,libvirtd-startup", ",");
                const struct mc_collect_opts co = { .root = root, .needs = mc_checks_needs(ids, NULL) };
                const struct mc_fix_opts fo = { .backup = true };
                const struct mc_fix_request req = { .collect = &co, .only = ids, .opts = &fo };
                struct mc_fix_outcome o = {};
                struct mc_cluster c = {};
                struct mc_results rs = {};
                _cleanup_free_ char *a = NULL, *b = NULL, *listing = NULL;

                fixture_ubuntu1404_icehouse(root);
                tree_write(root, files[0], libvirtd_conf);
                tree_write(root, files[1], libvirt_bin);
                chattr(root, files[imm], "+i");
                assert_true(mc_fix_run(&req, &c, &rs, &o) < 0);
                chattr(root, files[imm], "-i");
                assert_false(o.applied);
                assert_int_equal(o.written, 0);
                assert_non_null(o.error);
                assert_non_null(strstr(o.error, files[imm]));
                assert_non_null(strstr(o.error, "immutable"));
                a = tree_read(root, files[0]);
                b = tree_read(root, files[1]);
                assert_string_equal(a, libvirtd_conf);
                assert_string_equal(b, libvirt_bin);
                /* No backup, no temporary file beside either. */
                {
                        _cleanup_free_ char *cmd = mc_strdup_printf("find '%s/etc' -name '*migcheck*' | wc -l", root);
                        FILE *p = popen(cmd, "r");
                        char buf[32] = "";

                        assert_non_null(p);
                        assert_non_null(fgets(buf, sizeof(buf), p));
                        pclose(p);
                        assert_string_equal(buf, "0\n");
                }
                for (size_t i = 0; i < rs.n; i++)
                        assert_int_equal(rs.items[i].status, MC_FAIL);
                mc_fix_outcome_done(&o);
                mc_results_done(&rs);
                mc_cluster_done(&c);
        }
}

/* Item 5: iptables-restore refuses these files (iptables 1.8.9, legacy
 * and nft alike, run with --test: "line N failed", "COMMIT expected at
 * line N", "Bad argument", "no command specified", "table name invalid");
 * they used to read as an empty rule set, a silent PASS. */
static void iptables_restore_refuses(void **state) {
        static const struct {
                const char *text, *error;
        } cases[] = {
                { "\x8f\x03garbage\xff\n", "line 1: iptables-restore refuses" },
                { "These are the firewall rules of compute-7.\nThey keep libvirt closed.\n", "line 1: iptables-restore refuses" },
                { "prose line\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", "line 1: iptables-restore refuses 'prose line'" },
                { "  \n*filter\nCOMMIT\n", "line 1: iptables-restore refuses" },
                { " *filter\nCOMMIT\n", "line 1: iptables-restore refuses" },
                { "*filter\n:INPUT ACCEPT [0:0]\n", "line 3: iptables-restore refuses the end of the file: COMMIT expected" },
                { "*filter\nCOMMIT \n", "line 2: iptables-restore refuses 'COMMIT '" },
                { "*filter\n  \nCOMMIT\n", "line 2: iptables-restore refuses" },
                { "*filter\nCOMMIT\nafter\n", "line 3: iptables-restore refuses 'after'" },
                { "*nat\nbogus\nCOMMIT\n*filter\nCOMMIT\n", "line 2: iptables-restore refuses 'bogus'" },
                { "*filter\r\nCOMMIT\r\n", "line 1: iptables-restore refuses" },
                { "*firewall\nCOMMIT\n", "line 1: iptables-restore refuses '*firewall'" },
        };
        static const char *const accepted[] = {
                "",
                "\n# comment\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
                "*filter\n# x\n\nCOMMIT\n# end\n",
                "*filter\nCOMMIT\n*filter\nCOMMIT\n",
                "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n",
                "*filter\n-A INPUT -j ACCEPT\nCOMMIT\n",
        };
        _cleanup_(mc_aug_freep) augeas *a = NULL;

        (void) state;
        assert_int_equal(mc_aug_new(&a), 0);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                json_object *filter = NULL;
                _cleanup_free_ char *err = NULL;

                assert_int_equal(mc_ipt_parse_save(a, cases[i].text, strlen(cases[i].text), &filter, &err), -EBADMSG);
                assert_null(filter);
                if (!strstr(err, cases[i].error))
                        fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].error);
        }
        for (size_t i = 0; i < ELEMENTSOF(accepted); i++) {
                json_object *filter = NULL;
                _cleanup_free_ char *err = NULL;

                if (mc_ipt_parse_save(a, accepted[i], strlen(accepted[i]), &filter, &err) < 0)
                        fail_msg("accepted case %zu refused: %s", i, err);
                json_object_put(filter);
        }
}

/* Item 6, the operations: an instances directory that cannot be made
 * (its parent immutable) stops the files of the same fix as well. */
static void fix_all_or_nothing_fsops(void **state) {
        _cleanup_(tree_freep) char *root = tree_new();
        _cleanup_strv_free_ char **ids = mc_split("nova-instances-path,nova-vnc-listen", ",");
        const struct mc_collect_opts co = { .root = root, .needs = mc_checks_needs(ids, NULL) };
        const struct mc_fix_opts fo = { .backup = true };
        const struct mc_fix_request req = { .collect = &co, .only = ids, .opts = &fo };
        static const char nova[] = "[DEFAULT]\ninstances_path=/srv/instances\nvncserver_listen=10.0.0.11\n";
        struct mc_fix_outcome o = {};
        struct mc_cluster c = {};
        struct mc_results rs = {};
        _cleanup_free_ char *text = NULL;

        (void) state;
        fixture_rhel6_icehouse(root);
        tree_write(root, "/etc/nova/nova.conf", nova);
        tree_mkdir(root, "/srv", 0, 0);
        chattr(root, "/srv", "+i");
        assert_true(mc_fix_run(&req, &c, &rs, &o) < 0);
        chattr(root, "/srv", "-i");
        assert_int_equal(o.written, 0);
        assert_null(o.written_files);
        assert_non_null(strstr(o.error, "/srv/instances: its directory is immutable"));
        text = tree_read(root, "/etc/nova/nova.conf");
        assert_string_equal(text, nova);
        mc_fix_outcome_done(&o);
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(qemu_ports_out_of_range),
                cmocka_unit_test(redact_url_password_with_slash),
                cmocka_unit_test(fix_diff_redacted),
                cmocka_unit_test(fix_all_or_nothing),
                cmocka_unit_test(fix_all_or_nothing_fsops),
                cmocka_unit_test(iptables_restore_refuses),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
