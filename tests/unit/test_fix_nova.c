/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nova fixers at each release boundary their checks have: the exact
 * diff, the check's status afterwards (the fix run's own re-check, then a
 * second run), and that a second fix changes nothing. nova.conf is
 * written the way deployment tools write it (puppet-nova's and Fuel's
 * key=value, kolla's templates with blank lines, odd spacing, comments). */
#include <string.h>

#include "fix_run.h"
#include "fixtures.h"
#include "mc_test.h"
#include "util.h"

struct nova_case {
        void (*fixture)(const char *root);
        const char *release;
        const char *check;
        bool warnings;
        const char *conf;    /* /etc/nova/nova.conf */
        const char *diff;    /* NULL: nothing to write */
        const char *before;  /* the check's status before */
        const char *after;   /* after the fix, and of the second run */
        const char *unfixable;  /* a phrase of the reason, when diff is NULL */
};

struct run {
        struct mc_results rs;
        struct mc_fix_outcome o;
        struct mc_cluster c;
};

static void run_done(struct run *r) {
        mc_results_done(&r->rs);
        mc_fix_outcome_done(&r->o);
        mc_cluster_done(&r->c);
        *r = (struct run) {};
}

static void run_fix(const char *root, const struct nova_case *c, bool dry_run, struct run *r) {
        _cleanup_strv_free_ char **ids = mc_split(c->check, ",");
        const struct mc_collect_opts co = { .root = root, .needs = mc_checks_needs(ids, NULL), .nova_release = c->release };
        const struct mc_fix_opts fo = { .include_warnings = c->warnings, .backup = false };
        const struct mc_fix_request req = { .collect = &co, .only = ids, .opts = &fo, .dry_run = dry_run };

        assert_int_equal(mc_fix_run(&req, &r->c, &r->rs, &r->o), 0);
}

static const char *status_of(const struct run *r, const char *check) {
        for (size_t i = 0; i < r->rs.n; i++)
                if (streq(r->rs.items[i].check, check))
                        return mc_status_to_string(r->rs.items[i].status);
        return "none";
}

static void nova_case(const struct nova_case *c) {
        _cleanup_free_ char *fixed = NULL, *again = NULL;
        struct run r = {};
        char *root = tree_new();

        print_message("case: %s %s\n", c->release, c->check);
        c->fixture(root);
        tree_write(root, "/etc/nova/nova.conf", c->conf);

        /* The check's verdict before. */
        run_fix(root, c, true, &r);
        assert_string_equal(status_of(&r, c->check), c->before);
        run_done(&r);

        run_fix(root, c, false, &r);
        if (!c->diff) {
                assert_true(mc_plan_empty(&r.o.plan));
                assert_int_equal(r.o.plan.n_unfixable, c->unfixable ? 1 : 0);
                if (c->unfixable)
                        assert_non_null(strstr(r.o.plan.unfixable[0].reason, c->unfixable));
                assert_string_equal(status_of(&r, c->check), c->after);
        } else {
                assert_non_null(r.o.diff);
                assert_string_equal(r.o.diff, c->diff);
                assert_true(mc_strv_contains(r.o.plan.restart, "service nova-compute restart") ||
                            mc_strv_contains(r.o.plan.restart, "systemctl restart nova-compute"));
                /* The fix run's own re-check. */
                assert_string_equal(status_of(&r, c->check), streq(c->after, "pass") ? "fixed" : c->after);
        }
        fixed = tree_read(root, "/etc/nova/nova.conf");
        run_done(&r);

        /* Again: the check's status as it is, nothing planned, nothing written. */
        run_fix(root, c, false, &r);
        assert_string_equal(status_of(&r, c->check), c->after);
        assert_true(mc_plan_empty(&r.o.plan));
        again = tree_read(root, "/etc/nova/nova.conf");
        assert_string_equal(fixed, again);
        run_done(&r);
        tree_free(root);
}

#define DIFF_HEAD "--- a/etc/nova/nova.conf\n+++ b/etc/nova/nova.conf\n"

/* nova-config-drive: Icehouse reads any non-empty value as on, Juno
 * always or a boolean string, Kilo and Liberty always/True/False exactly
 * (vfat migrates), Mitaka a boolean (vfat migrates), Newton migrates
 * disk.config itself. */
static void test_config_drive(void **state) {
        static const struct nova_case cases[] = {
                /* puppet-nova's key=value: "false" is on before Juno; only no line is off. */
                { fixture_ubuntu1404_icehouse, "icehouse", "nova-config-drive", false,
                  "[DEFAULT]\nstate_path=/var/lib/nova\nforce_config_drive=false\nconfig_drive_format=iso9660\n",
                  DIFF_HEAD "@@ -1,4 +1,3 @@\n [DEFAULT]\n state_path=/var/lib/nova\n-force_config_drive=false\n"
                            " config_drive_format=iso9660\n",
                  "fail", "pass", NULL },
                /* Meant on: shared storage or off, the operator's; the note offers no "false". */
                { fixture_ubuntu1404_icehouse, "icehouse", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = always\n", NULL, "fail", "fail", "removing the force_config_drive line" },
                { fixture_ubuntu1404_icehouse, "juno", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = true\n", NULL, "fail", "fail", "force_config_drive = False helps" },
                /* Kilo: "true" is refused; meant on, written True, with vfat. */
                { fixture_ubuntu1404_icehouse, "kilo", "nova-config-drive", false,
                  "[DEFAULT]\n# Fuel\nforce_config_drive=true\n\n[libvirt]\nvirt_type=kvm\n",
                  DIFF_HEAD "@@ -1,6 +1,7 @@\n [DEFAULT]\n # Fuel\n-force_config_drive=true\n+force_config_drive=True\n"
                            "+config_drive_format = vfat\n \n [libvirt]\n virt_type=kvm\n",
                  "fail", "pass", NULL },
                { fixture_ubuntu1404_icehouse, "liberty", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = false\n",
                  DIFF_HEAD "@@ -1,2 +1,2 @@\n [DEFAULT]\n-force_config_drive = false\n+force_config_drive = False\n",
                  "fail", "pass", NULL },
                { fixture_ubuntu1404_icehouse, "liberty", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = always\nconfig_drive_format = iso9660\n",
                  DIFF_HEAD "@@ -1,3 +1,3 @@\n [DEFAULT]\n force_config_drive = always\n-config_drive_format = iso9660\n"
                            "+config_drive_format = vfat\n",
                  "fail", "pass", NULL },
                /* Mitaka's BoolOpt refuses always. */
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = always\n",
                  DIFF_HEAD "@@ -1,2 +1,3 @@\n [DEFAULT]\n-force_config_drive = always\n+force_config_drive = True\n"
                            "+config_drive_format = vfat\n",
                  "fail", "pass", NULL },
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = maybe\n", NULL, "fail", "fail", "says neither on nor off" },
                /* Newton copies disk.config itself: only the spelling. */
                { fixture_debian12_zed, "newton", "nova-config-drive", false,
                  "[DEFAULT]\nforce_config_drive = always\n",
                  DIFF_HEAD "@@ -1,2 +1,2 @@\n [DEFAULT]\n-force_config_drive = always\n+force_config_drive = True\n",
                  "fail", "pass", NULL },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                nova_case(&cases[i]);
}

/* nova-live-migration-flag: Havana reads [DEFAULT], Icehouse both
 * spellings (its default lacks LIVE), Juno to Liberty only [libvirt] and
 * warn about TUNNELLED block flags, Mitaka corrects at start, Newton reads
 * neither. One run fixes both lists. */
static void test_live_migration_flag(void **state) {
        static const struct nova_case cases[] = {
                /* Havana's defaults lack LIVE: both lists, in [DEFAULT]. */
                { fixture_ubuntu1404_icehouse, "havana", "nova-live-migration-flag", false,
                  "[DEFAULT]\nstate_path=/var/lib/nova\ncompute_driver=libvirt.LibvirtDriver\n",
                  DIFF_HEAD "@@ -1,3 +1,5 @@\n [DEFAULT]\n state_path=/var/lib/nova\n compute_driver=libvirt.LibvirtDriver\n"
                            "+live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                            "+block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                            "VIR_MIGRATE_NON_SHARED_INC, VIR_MIGRATE_LIVE\n",
                  "fail", "pass", NULL },
                /* Fuel's Icehouse line with a trailing comma (an empty item). */
                { fixture_ubuntu1404_icehouse, "icehouse", "nova-live-migration-flag", false,
                  "[DEFAULT]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE,\n"
                  "block_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE,"
                  "VIR_MIGRATE_NON_SHARED_INC\n\n[libvirt]\nvirt_type=kvm\n",
                  DIFF_HEAD "@@ -1,5 +1,5 @@\n [DEFAULT]\n"
                            "-live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE,\n"
                            "+live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                            " block_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE,"
                            "VIR_MIGRATE_NON_SHARED_INC\n \n [libvirt]\n",
                  "fail", "pass", NULL },
                /* puppet-nova's Icehouse [DEFAULT] lines on Juno: moved, and
                 * Juno's default block flags (TUNNELLED) written without it. */
                { fixture_ubuntu1404_icehouse, "juno", "nova-live-migration-flag", true,
                  "[DEFAULT]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                  "\n[libvirt]\nvirt_type=kvm\n",
                  DIFF_HEAD "@@ -1,5 +1,6 @@\n [DEFAULT]\n"
                            "-live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                            " \n [libvirt]\n virt_type=kvm\n"
                            "+live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                            "+block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                            "VIR_MIGRATE_NON_SHARED_INC\n",
                  "warn", "pass", NULL },
                /* kolla's Liberty template: '|' is no separator nova knows. */
                { fixture_ubuntu1404_icehouse, "liberty", "nova-live-migration-flag", true,
                  "[libvirt]\n"
                  "live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER|VIR_MIGRATE_LIVE\n"
                  "block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                  "VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_NON_SHARED_INC\n",
                  DIFF_HEAD "@@ -1,3 +1,3 @@\n [libvirt]\n"
                            "-live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER|VIR_MIGRATE_LIVE\n"
                            "-block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                            "VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_NON_SHARED_INC\n"
                            "+live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                            "+block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                            "VIR_MIGRATE_NON_SHARED_INC\n",
                  "fail", "pass", NULL },
                /* Mitaka removes PERSIST_DEST at every start (a warning). */
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-live-migration-flag", true,
                  "[libvirt]\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                  "VIR_MIGRATE_PERSIST_DEST   \n"
                  "block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                  "VIR_MIGRATE_NON_SHARED_INC\n",
                  DIFF_HEAD "@@ -1,3 +1,3 @@\n [libvirt]\n"
                            "-live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                            "VIR_MIGRATE_PERSIST_DEST   \n"
                            "+live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE   \n"
                            " block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
                            "VIR_MIGRATE_NON_SHARED_INC\n",
                  "warn", "pass", NULL },
                /* live_migration_tunnelled = True: Mitaka puts TUNNELLED back into the
                 * block flags, the warning stays and the choice is the operator's. */
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-live-migration-flag", true,
                  "[libvirt]\nlive_migration_tunnelled = True\n", NULL, "warn", "warn", "live_migration_tunnelled = True" },
                /* Its flags written with TUNNELLED anyway: nothing but the option to change. */
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-live-migration-flag", true,
                  "[libvirt]\nlive_migration_tunnelled = true\nblock_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, "
                  "VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_NON_SHARED_INC\n",
                  NULL, "warn", "warn", "live_migration_tunnelled = True" },
                /* Newton reads neither: the line goes. */
                { fixture_debian12_zed, "newton", "nova-live-migration-flag", true,
                  "[libvirt]\nvirt_type = kvm\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                  "VIR_MIGRATE_LIVE\n",
                  DIFF_HEAD "@@ -1,3 +1,2 @@\n [libvirt]\n virt_type = kvm\n"
                            "-live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n",
                  "warn", "pass", NULL },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                nova_case(&cases[i]);
}

/* nova-vnc-listen: Icehouse migrates the source's address as it is, Juno
 * to Mitaka need libvirt 1.0.0 to rewrite it, Newton always rewrites;
 * [DEFAULT] vncserver_listen until Xena, [vnc] vncserver_listen from
 * Liberty, [vnc] server_listen from Queens; [spice] server_listen always. */
static void test_vnc_listen(void **state) {
        static const struct nova_case cases[] = {
                /* Both consoles on a node address: both fixed in one run. */
                { fixture_ubuntu1404_icehouse, "icehouse", "nova-vnc-listen", false,
                  "[DEFAULT]\nvncserver_listen=10.0.0.11\nvncserver_proxyclient_address=10.0.0.11\n\n"
                  "[spice]\nenabled=True\nserver_listen=10.0.0.11\n",
                  DIFF_HEAD "@@ -1,7 +1,7 @@\n [DEFAULT]\n-vncserver_listen=10.0.0.11\n+vncserver_listen=0.0.0.0\n"
                            " vncserver_proxyclient_address=10.0.0.11\n \n [spice]\n enabled=True\n"
                            "-server_listen=10.0.0.11\n+server_listen=0.0.0.0\n",
                  "fail", "pass", NULL },
                /* SPICE alone (VNC off): its listen address is fixed. */
                { fixture_ubuntu1404_icehouse, "icehouse", "nova-vnc-listen", false,
                  "[DEFAULT]\nvnc_enabled = False\n\n[spice]\nenabled = True\nagent_enabled = True\n"
                  "server_listen = 10.0.0.11\nserver_proxyclient_address = 10.0.0.11\n",
                  DIFF_HEAD "@@ -4,5 +4,5 @@\n [spice]\n enabled = True\n agent_enabled = True\n"
                            "-server_listen = 10.0.0.11\n+server_listen = 0.0.0.0\n server_proxyclient_address = 10.0.0.11\n",
                  "fail", "pass", NULL },
                /* Juno with libvirt 0.10.2 (no VIR_DOMAIN_XML_MIGRATABLE). */
                { fixture_rhel6_icehouse, "juno", "nova-vnc-listen", false,
                  "[DEFAULT]\nvncserver_listen = 192.168.122.5 \n[spice]\nenabled = true\nserver_listen = 192.168.122.5\n",
                  DIFF_HEAD "@@ -1,5 +1,5 @@\n [DEFAULT]\n-vncserver_listen = 192.168.122.5 \n+vncserver_listen = 0.0.0.0 \n"
                            " [spice]\n enabled = true\n-server_listen = 192.168.122.5\n+server_listen = 0.0.0.0\n",
                  "fail", "pass", NULL },
                /* Mitaka with libvirt 1.2.2 rewrites the address: nothing to fix. */
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-vnc-listen", false,
                  "[vnc]\nvncserver_listen = 10.0.0.11\n", NULL, "pass", "pass", NULL },
                /* Yoga no longer reads [DEFAULT] vncserver_listen: moved to [vnc] server_listen. */
                { fixture_debian12_zed, "yoga", "nova-vnc-listen", true,
                  "[DEFAULT]\nmy_ip = 10.0.0.11\nvncserver_listen = 0.0.0.0\n\n[vnc]\nenabled = True\n",
                  DIFF_HEAD "@@ -1,6 +1,6 @@\n [DEFAULT]\n my_ip = 10.0.0.11\n-vncserver_listen = 0.0.0.0\n \n [vnc]\n"
                            " enabled = True\n+server_listen = 0.0.0.0\n",
                  "warn", "pass", NULL },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                nova_case(&cases[i]);
}

/* nova-cpu-mode: [DEFAULT] libvirt_cpu_* in Havana, [libvirt] cpu_mode
 * and cpu_model from Icehouse, cpu_models (cpu_model still read) and a
 * refusal to start from Train. */
static void test_cpu_mode(void **state) {
        static const struct nova_case cases[] = {
                { fixture_ubuntu1404_icehouse, "havana", "nova-cpu-mode", false,
                  "[DEFAULT]\nlibvirt_type=kvm\nlibvirt_cpu_mode=host-model\nlibvirt_cpu_model=SandyBridge\n",
                  DIFF_HEAD "@@ -1,4 +1,3 @@\n [DEFAULT]\n libvirt_type=kvm\n libvirt_cpu_mode=host-model\n"
                            "-libvirt_cpu_model=SandyBridge\n",
                  "fail", "pass", NULL },
                /* Before Train a model with mode none is ignored (a warning). */
                { fixture_debian12_zed, "stein", "nova-cpu-mode", true,
                  "[libvirt]\ncpu_mode = none\ncpu_model = Haswell   \n",
                  DIFF_HEAD "@@ -1,3 +1,2 @@\n [libvirt]\n cpu_mode = none\n-cpu_model = Haswell   \n", "warn", "pass", NULL },
                /* Train reads both spellings: both go, or the old one would be read next. */
                { fixture_debian12_zed, "train", "nova-cpu-mode", false,
                  "[libvirt]\ncpu_mode = host-passthrough\ncpu_model = Haswell\ncpu_models = Haswell-noTSX,\n",
                  DIFF_HEAD "@@ -1,4 +1,2 @@\n [libvirt]\n cpu_mode = host-passthrough\n-cpu_model = Haswell\n"
                            "-cpu_models = Haswell-noTSX,\n",
                  "fail", "pass", NULL },
                /* custom without a model: one node has no baseline. */
                { fixture_debian12_zed, "train", "nova-cpu-mode", false, "[libvirt]\ncpu_mode = custom\n", NULL, "fail",
                  "fail", "the baseline" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                nova_case(&cases[i]);
}

/* nova-migration-uri: [DEFAULT] live_migration_uri until Icehouse,
 * live_migration_inbound_addr from Mitaka, live_migration_scheme (and
 * live_migration_uri deprecated) from Ocata. */
static void test_migration_uri(void **state) {
        static const struct nova_case cases[] = {
                /* Havana's spelling: a fixed host, fixed where nova reads it. */
                { fixture_ubuntu1404_icehouse, "havana", "nova-migration-uri", false,
                  "[DEFAULT]\nlive_migration_uri=qemu+tcp://compute-2/system\n",
                  DIFF_HEAD "@@ -1,2 +1,2 @@\n [DEFAULT]\n-live_migration_uri=qemu+tcp://compute-2/system\n"
                            "+live_migration_uri=qemu+tcp://%s/system\n",
                  "fail", "pass", NULL },
                { fixture_ubuntu1404_icehouse, "mitaka", "nova-migration-uri", false,
                  "[libvirt]\nlive_migration_inbound_addr = 127.0.0.1\n",
                  DIFF_HEAD "@@ -1,2 +1,1 @@\n [libvirt]\n-live_migration_inbound_addr = 127.0.0.1\n", "fail", "pass", NULL },
                /* kolla's Ocata line: deprecated, the scheme says the same. */
                { fixture_ubuntu1404_icehouse, "ocata", "nova-migration-uri", true,
                  "[libvirt]\nconnection_uri = \"qemu+tcp://%s/system\"\nlive_migration_uri = qemu+tcp://%s/system\n",
                  DIFF_HEAD "@@ -1,3 +1,3 @@\n [libvirt]\n connection_uri = \"qemu+tcp://%s/system\"\n"
                            "-live_migration_uri = qemu+tcp://%s/system\n+live_migration_scheme = tcp\n",
                  "warn", "pass", NULL },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                nova_case(&cases[i]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_config_drive),
                cmocka_unit_test(test_live_migration_flag),
                cmocka_unit_test(test_vnc_listen),
                cmocka_unit_test(test_cpu_mode),
                cmocka_unit_test(test_migration_uri),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
