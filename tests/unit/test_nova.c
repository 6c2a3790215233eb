/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nova-* checks across releases. */
#include "cluster.h"
#include "fixtures.h"
#include "mc_test.h"
#include "nova_options.h"
#include "util.h"

struct t {
        char *root;
        struct mc_results rs;
};

static int setup(void **state) {
        struct t *t = calloc(1, sizeof(*t));

        t->root = tree_new();
        fixture_ubuntu1404_icehouse(t->root);
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

static const struct mc_result *check_conf(struct t *t, const char *conf, const char *id, const char *release) {
        mc_results_done(&t->rs);
        tree_write(t->root, "/etc/nova/nova.conf", conf);
        run_check(t->root, id, release, &t->rs);
        return one_row(&t->rs);
}

/* Icehouse's default flags lack VIR_MIGRATE_LIVE. */
static void test_icehouse_default_flags(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nstate_path = /var/lib/nova\n",
                                               "nova-live-migration-flag", NULL);

        assert_row(r, MC_FAIL, "lacks VIR_MIGRATE_LIVE: the guest is paused");
        assert_evidence(r, "nova default", 0, "icehouse's default");
        assert_non_null(strstr(r->hint, "[libvirt]"));
}

static void test_flags_release_detected_from_dpkg(void **state) {
        struct t *t = *state;

        /* The fixture's dpkg database says nova-common 1:2014.1.5: Icehouse. */
        const struct mc_result *r = check_conf(t, "[libvirt]\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, "
                                                  "VIR_MIGRATE_PEER2PEER\n", "nova-live-migration-flag", NULL);
        assert_row(r, MC_FAIL, "VIR_MIGRATE_LIVE");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "live_migration_flag");
}

static void test_flags_deprecated_group_default(void **state) {
        /* Icehouse still reads [DEFAULT] live_migration_flag. */
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,"
                                                       "VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n",
                                               "nova-live-migration-flag", "icehouse");
        assert_row(r, MC_PASS, "configured");
        assert_evidence(r, "/etc/nova/nova.conf", 2, NULL);
}

static void test_flags_non_shared_inc(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,"
                                                       "VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE,VIR_MIGRATE_NON_SHARED_INC\n",
                                               "nova-live-migration-flag", "kilo");
        assert_row(r, MC_FAIL, "block migration");
}

/* Fuel 5.1-8.0's and Ceph's flag set. Before Mitaka libvirt persists the
 * guest on the destination, which nova defines again anyway (and does by
 * itself from Ocata, a6053dd608); Mitaka strips the flag with a warning
 * (3fd24ba528 "libvirt: force config related migration flags"). */
#define FUEL_FLAGS "[libvirt]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, " \
                   "VIR_MIGRATE_LIVE, VIR_MIGRATE_PERSIST_DEST\nblock_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, " \
                   "VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC\n"

static void test_flags_persist_dest_liberty_mitaka(void **state) {
        const struct mc_result *r = check_conf(*state, FUEL_FLAGS, "nova-live-migration-flag", "liberty");

        assert_row(r, MC_PASS, "VIR_MIGRATE_PERSIST_DEST only persists the guest on the destination");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "PERSIST_DEST");
        r = check_conf(*state, FUEL_FLAGS, "nova-live-migration-flag", "juno");
        assert_row(r, MC_PASS, "PERSIST_DEST only persists");
        r = check_conf(*state, FUEL_FLAGS, "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "nova mitaka corrects live_migration_flag at every start (removes VIR_MIGRATE_PERSIST_DEST)");
}

static void test_flags_juno_default_tunnelled_block(void **state) {
        /* Juno's defaults are live-capable, but block migration is tunnelled. */
        struct t *t = *state;
        const struct mc_result *r = check_conf(t, "[DEFAULT]\n", "nova-live-migration-flag", "juno");

        assert_row(r, MC_WARN, "block_migration_flag has VIR_MIGRATE_TUNNELLED: block migrations copy the disks through "
                               "libvirtd without NBD, slowly");
        assert_evidence(r, "nova default", 0, "juno's block_migration_flag includes VIR_MIGRATE_TUNNELLED");
        /* Mitaka hands libvirt migrate_disks (migrateToURI3) from libvirt
         * 1.2.17 (13.0.0:nova/virt/libvirt/driver.py:_live_migration_operation):
         * refused with TUNNELLED. The fixture's libvirt is 1.2.2. */
        r = check_conf(t, "[DEFAULT]\n", "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "without NBD, slowly, and fail with libvirt 1.2.17 or later");
        tree_dpkg(t->root, (const char *const[]) { "libvirt-bin=1.3.1-1ubuntu10", NULL });
        r = check_conf(t, "[DEFAULT]\n", "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "with libvirt 1.3.1-1ubuntu10 nova mitaka's every block migration fails (libvirt refuses to "
                               "select the disks of a tunnelled migration: 'Selecting disks to migrate ...')");
}

static void test_flags_ignored_since_newton(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\nlive_migration_flag = VIR_MIGRATE_LIVE\n",
                                               "nova-live-migration-flag", "zed");
        assert_row(r, MC_WARN, "does nothing on zed");
        assert_evidence(r, "/etc/nova/nova.conf", 2, NULL);
}

static void test_flags_unknown_release_skips(void **state) {
        struct t *t = *state;

        tree_write(t->root, "/var/lib/dpkg/status", "");
        const struct mc_result *r = check_conf(t, "[DEFAULT]\n", "nova-live-migration-flag", NULL);
        assert_row(r, MC_SKIP, "release unknown");
        assert_non_null(strstr(r->hint, "--nova-release"));
}

/* Liberty looks every item up with getattr(libvirt, item) at each
 * migration (12.0.0:nova/virt/libvirt/driver.py:_live_migration_operation);
 * Mitaka ignores it with a warning (3da9bca125, _parse_migration_flags). */
#define TYPO_FLAGS "[libvirt]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE," \
                   "VIR_MIGRATE_LVIE\n"

static void test_flags_typo_liberty_mitaka(void **state) {
        const struct mc_result *r = check_conf(*state, TYPO_FLAGS, "nova-live-migration-flag", "liberty");

        assert_row(r, MC_FAIL, "live_migration_flag has 'VIR_MIGRATE_LVIE', which is not a libvirt migration flag: nova "
                               "liberty fails every live migration (AttributeError)");
        r = check_conf(*state, TYPO_FLAGS, "nova-live-migration-flag", "icehouse");
        assert_row(r, MC_FAIL, "nova icehouse fails every live migration");
        r = check_conf(*state, TYPO_FLAGS, "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "nova mitaka corrects live_migration_flag at every start (ignores 'VIR_MIGRATE_LVIE')");
}

static void test_custom_cpu_without_model(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\nvirt_type = kvm\ncpu_mode = custom\n",
                                               "nova-cpu-mode", NULL);
        assert_row(r, MC_FAIL, "without a CPU model");
        assert_evidence(r, "/etc/nova/nova.conf", 3, "cpu_mode = custom");
}

static void test_custom_cpu_with_model(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\ncpu_mode = custom\ncpu_model = SandyBridge\n",
                                               "nova-cpu-mode", NULL);
        assert_row(r, MC_PASS, "SandyBridge");
}

static void test_cpu_models_train(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\ncpu_mode = custom\ncpu_models = Haswell-noTSX\n",
                                               "nova-cpu-mode", "train");
        assert_row(r, MC_PASS, "Haswell-noTSX");
        /* Icehouse does not know cpu_models: the model is missing there. */
        r = check_conf(*state, "[libvirt]\ncpu_mode = custom\ncpu_models = Haswell-noTSX\n", "nova-cpu-mode", "icehouse");
        assert_row(r, MC_FAIL, "without a CPU model");
}

static void test_model_without_custom(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\ncpu_mode = host-model\ncpu_model = Nehalem\n",
                                               "nova-cpu-mode", NULL);
        assert_row(r, MC_FAIL, "not custom");
}

static void test_cpu_mode_invalid(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\ncpu_mode = host_passthrough\n", "nova-cpu-mode", NULL);
        assert_row(r, MC_FAIL, "not one of");
}

static void test_cpu_mode_default(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\nvirt_type = kvm\n", "nova-cpu-mode", NULL);
        assert_row(r, MC_PASS, "host-model (default)");
}

static void test_config_drive_juno_without_vfat(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nforce_config_drive = always\n", "nova-config-drive",
                                               "juno");
        assert_row(r, MC_FAIL, "refuses live migration");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "force_config_drive");
}

static void test_config_drive_kilo_vfat(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nforce_config_drive = True\nconfig_drive_format = vfat\n",
                                               "nova-config-drive", "kilo");
        assert_row(r, MC_PASS, "vfat");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = True\n", "nova-config-drive", "kilo");
        assert_row(r, MC_FAIL, "iso9660");
        assert_non_null(strstr(r->hint, "config_drive_format = vfat"));
}

static void test_config_drive_newton_and_off(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nforce_config_drive = true\n", "nova-config-drive",
                                               "newton");
        assert_row(r, MC_PASS, "migrates disk.config itself");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = false\n", "nova-config-drive", "juno");
        assert_row(r, MC_PASS, "not forced");
}

static void test_vnc_node_ip_icehouse(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nvncserver_listen = 192.168.122.11\n",
                                               "nova-vnc-listen", NULL);
        assert_row(r, MC_FAIL, "cannot bind it");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "192.168.122.11");
}

static void test_vnc_wildcard_and_sections(void **state) {
        const struct mc_result *r = check_conf(*state, "[vnc]\nserver_listen = ::\n", "nova-vnc-listen", "queens");
        assert_row(r, MC_PASS, "::");
        /* Liberty reads [vnc] vncserver_listen, and [DEFAULT] as the deprecated group. */
        r = check_conf(*state, "[vnc]\nvncserver_listen = 0.0.0.0\n", "nova-vnc-listen", "liberty");
        assert_row(r, MC_PASS, "0.0.0.0");
        /* Yoga removed the old names: the line does nothing. */
        r = check_conf(*state, "[DEFAULT]\nvncserver_listen = 0.0.0.0\n", "nova-vnc-listen", "yoga");
        assert_row(r, MC_WARN, "not read by nova yoga");
}

static void test_migration_uri(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+tcp://%s/system\n",
                                               "nova-migration-uri", NULL);
        assert_row(r, MC_PASS, "tcp, port 16509");
        r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+tcp://compute2/system\n", "nova-migration-uri", NULL);
        assert_row(r, MC_FAIL, "one host");
        r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+tcp://%s:16510/system\n", "nova-migration-uri", NULL);
        assert_row(r, MC_FAIL, "port 16510, libvirtd listens on port 16509");
        r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+ssh://nova:s3cret@%s:2222/system\n", "nova-migration-uri", NULL);
        assert_row(r, MC_PASS, "ssh, port 2222");
        r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+tcp://%s/system\n", "nova-migration-uri", "pike");
        assert_row(r, MC_WARN, "deprecated");
        r = check_conf(*state, "[libvirt]\nlive_migration_scheme = rdma\n", "nova-migration-uri", "pike");
        assert_row(r, MC_FAIL, "no transport");
        /* Every spelling of loopback: the source connects to itself. */
        r = check_conf(*state, "[libvirt]\nlive_migration_inbound_addr = localhost.localdomain\n", "nova-migration-uri", "zed");
        assert_row(r, MC_FAIL, "live_migration_inbound_addr localhost.localdomain makes sources connect to themselves");
        r = check_conf(*state, "[libvirt]\nlive_migration_inbound_addr = 127.0.1.1\n", "nova-migration-uri", "zed");
        assert_row(r, MC_FAIL, "makes sources connect to themselves");
        r = check_conf(*state, "[libvirt]\nlive_migration_inbound_addr = ::ffff:127.0.0.1\n", "nova-migration-uri", "zed");
        assert_row(r, MC_FAIL, "makes sources connect to themselves");
        r = check_conf(*state, "[libvirt]\nlive_migration_inbound_addr = localhost-compute2.example.com\n",
                       "nova-migration-uri", "zed");
        assert_row(r, MC_FAIL, "makes sources connect to themselves");
        r = check_conf(*state, "[libvirt]\nlive_migration_inbound_addr = compute2.example.com\n", "nova-migration-uri", "zed");
        assert_row(r, MC_PASS, NULL);
}

static void test_instances_path(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        r = check_conf(t, "[DEFAULT]\nstate_path = /var/lib/nova\n", "nova-instances-path", NULL);
        assert_row(r, MC_PASS, "/var/lib/nova/instances exists and is owned by nova");
        r = check_conf(t, "[DEFAULT]\ninstances_path = /srv/nova/instances\n", "nova-instances-path", NULL);
        assert_row(r, MC_FAIL, "does not exist");
        tree_mkdir(t->root, "/srv/nova/instances", 0, 0);
        r = check_conf(t, "[DEFAULT]\ninstances_path = /srv/nova/instances\n", "nova-instances-path", NULL);
        assert_row(r, MC_FAIL, "owned by root, not nova");
}

static void test_no_nova_skips(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *p = mc_path_join(t->root, "/etc/nova/nova.conf");

        unlink(p);
        run_check(t->root, "nova-cpu-mode", NULL, &t->rs);
        assert_row(one_row(&t->rs), MC_SKIP, "not a nova compute node");
}

static void test_dropin_overrides(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        tree_write(t->root, "/etc/nova/nova.conf.d/50-cpu.conf", "[libvirt]\ncpu_mode = custom\n");
        r = check_conf(t, "[libvirt]\ncpu_mode = host-model\n", "nova-cpu-mode", NULL);
        assert_row(r, MC_FAIL, "without a CPU model");
        assert_evidence(r, "/etc/nova/nova.conf.d/50-cpu.conf", 2, NULL);
}

static void test_nova_parse_error_names_line(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nstate_path = /var/lib/nova\nthis line has no separator\n",
                                               "nova-vnc-listen", NULL);
        assert_row(r, MC_ERROR, "did not parse");
        assert_evidence(r, "/etc/nova/nova.conf", 3, "parse error");
}


/* ---- Release boundaries. Each test names the nova source of the rule. ---- */

/* Icehouse/Juno: Icehouse registered the libvirt options in [libvirt] with
 * deprecated_group DEFAULT (2014.1:nova/virt/libvirt/driver.py
 * libvirt_opts); d0a02fa390 "Remove deprecated config option names: Juno
 * Edition" removed the [DEFAULT] spellings. */
static void test_boundary_icehouse_juno_default_group(void **state) {
        static const char conf[] = "[DEFAULT]\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER   \n"
                                   "libvirt_cpu_mode = custom\n";
        const struct mc_result *r = check_conf(*state, conf, "nova-live-migration-flag", "icehouse");

        assert_row(r, MC_FAIL, "live_migration_flag lacks VIR_MIGRATE_LIVE: the guest is paused for the whole copy");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "live_migration_flag");
        r = check_conf(*state, conf, "nova-live-migration-flag", "juno");
        assert_row(r, MC_WARN, "live_migration_flag in [DEFAULT] is not read by nova juno: its default applies "
                               "(VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED)");
        assert_evidence(r, "/etc/nova/nova.conf", 2, NULL);
        /* The same edition removed [DEFAULT] libvirt_cpu_mode. */
        r = check_conf(*state, conf, "nova-cpu-mode", "icehouse");
        assert_row(r, MC_FAIL, "cpu_mode = custom without a CPU model: nova fails every guest build");
        r = check_conf(*state, conf, "nova-cpu-mode", "juno");
        assert_row(r, MC_PASS, "cpu_mode = host-model (default)");
}

/* Icehouse/Juno: Icehouse's configdrive.required_by returns the string, so
 * "false" forces a config drive (2014.1:nova/virt/configdrive.py:
 * required_by, bug 1319180); Juno tests "always" then bool_from_string
 * (de92d65f29 "Test force_config_drive as a boolean as last resort"). */
static void test_boundary_icehouse_juno_force_config_drive(void **state) {
        static const char conf[] = "[DEFAULT]\nforce_config_drive = false\n";
        const struct mc_result *r = check_conf(*state, conf, "nova-config-drive", "icehouse");

        assert_row(r, MC_FAIL, "force_config_drive = false forces a config drive on every instance: nova icehouse refuses "
                               "to migrate them unless instances_path is shared ('Block migration of instances with "
                               "config drives is not supported in libvirt'); any value but an empty one is on before Juno");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "force_config_drive = false");
        r = check_conf(*state, conf, "nova-config-drive", "juno");
        assert_row(r, MC_PASS, "config drives are not forced on every instance");
        /* Juno's true strings: t, y, yes, on, 1, true, any case. */
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = Yes\n", "nova-config-drive", "juno");
        assert_row(r, MC_FAIL, "force_config_drive is on with the iso9660 format: nova juno refuses live migration");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive =\n", "nova-config-drive", "icehouse");
        assert_row(r, MC_PASS, "not forced");
}

/* Icehouse/Juno: Icehouse migrates the source's XML unchanged
 * (2014.1:nova/virt/libvirt/driver.py:_live_migration); Juno rewrites the
 * graphics listen addresses to the destination's when libvirt has
 * VIR_DOMAIN_XML_MIGRATABLE (1.0.0), else refuses any address but
 * 0.0.0.0, 127.0.0.1, ::, ::1 (ea7da5152c "Change listen address on
 * libvirt live-migration", bug 1279563). The fixture's libvirt is 1.2.2. */
static void test_boundary_icehouse_juno_vnc(void **state) {
        struct t *t = *state;
        static const char conf[] = "[DEFAULT]\nvncserver_listen = 192.168.122.11\n";
        const struct mc_result *r = check_conf(t, conf, "nova-vnc-listen", "icehouse");

        assert_row(r, MC_FAIL, "VNC listens on 192.168.122.11, an address of this node only: the destination's QEMU cannot "
                               "bind it and nova icehouse fails the migration");
        r = check_conf(t, conf, "nova-vnc-listen", "juno");
        assert_row(r, MC_PASS, "VNC listens on 192.168.122.11; nova juno rewrites it to the destination's address");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "192.168.122.11");

        /* RHEL 6's libvirt 0.10.2: the old path, which compares exactly. */
        tree_dpkg(t->root, (const char *const[]) { "libvirt-bin=0.10.2-29", "nova-common=1:2014.2.4-0ubuntu1", NULL });
        r = check_conf(t, conf, "nova-vnc-listen", "juno");
        assert_row(r, MC_FAIL, "VNC listens on 192.168.122.11 and libvirt 0.10.2-29 lacks VIR_DOMAIN_XML_MIGRATABLE: nova "
                               "juno refuses the migration");
        r = check_conf(t, "[DEFAULT]\nvncserver_listen = 127.0.1.1\n", "nova-vnc-listen", "juno");
        assert_row(r, MC_FAIL, "VNC listens on 127.0.1.1 and libvirt 0.10.2-29 lacks");
        r = check_conf(t, "[DEFAULT]\nvncserver_listen = 127.0.1.1\n", "nova-vnc-listen", "icehouse");
        assert_row(r, MC_PASS, "VNC listens on 127.0.1.1: the destination can bind it too");

        /* SPICE is judged the same way when enabled ([spice] enabled
         * defaults to False: 2014.1:nova/spice/__init__.py). */
        r = check_conf(t, "[DEFAULT]\nvncserver_listen = 0.0.0.0\n[spice]\nenabled = True\nserver_listen = 10.0.0.5\n",
                       "nova-vnc-listen", "mitaka");
        assert_row(r, MC_FAIL, "SPICE listens on 10.0.0.5 and libvirt 0.10.2-29 lacks VIR_DOMAIN_XML_MIGRATABLE: nova "
                               "mitaka refuses the migration");
        assert_evidence(r, "/etc/nova/nova.conf", 5, "server_listen = 10.0.0.5");
        r = check_conf(t, "[DEFAULT]\nvncserver_listen = 0.0.0.0\nvnc_enabled = False\n", "nova-vnc-listen", "kilo");
        assert_row(r, MC_PASS, "VNC is disabled");
}


/* Juno and an Icehouse destination: Icehouse's pre_live_migration sends no
 * graphics_listen_addrs, so the Juno source takes the old path and refuses
 * a node address (ea7da5152c, 2014.2:nova/virt/libvirt/driver.py:
 * _live_migration, listen_addrs None). */
static void test_vnc_juno_to_icehouse_destination(void **state) {
        struct t *t = *state;
        struct mc_cluster c = {};
        char *old = tree_new();
        const struct mc_result *r;

        tree_dpkg(t->root, (const char *const[]) { "libvirt-bin=1.2.2-0ubuntu13.1.17", "nova-common=1:2014.2.4-0ubuntu1", NULL });
        tree_write(t->root, "/etc/nova/nova.conf", "[DEFAULT]\nvncserver_listen = 192.168.122.11\n");
        fixture_ubuntu1404_icehouse(old);
        cluster_add_tree(&c, "juno1", t->root);
        cluster_add_tree(&c, "icehouse1", old);
        mc_results_done(&t->rs);
        run_cluster_check(&c, "nova-vnc-listen", &t->rs);
        r = row_of(&t->rs, "juno1");
        assert_row(r, MC_FAIL, "VNC listens on 192.168.122.11 and icehouse1 runs nova icehouse, which does not send its listen "
                               "addresses: nova juno refuses a migration there");
        assert_evidence(r, "/etc/nova/nova.conf", 2, "192.168.122.11");
        assert_row(row_of(&t->rs, "icehouse1"), MC_PASS, "VNC listens on 0.0.0.0");
        mc_cluster_done(&c);
        tree_free(old);
}

/* Juno/Kilo: Kilo's force_config_drive takes only always, True, False
 * (2015.1.0:nova/virt/configdrive.py configdrive_opts, choices) and its
 * pre_live_migration lets vfat through (2015.1.0:nova/virt/libvirt/
 * driver.py:pre_live_migration). */
static void test_boundary_juno_kilo_config_drive(void **state) {
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\nforce_config_drive = true\nconfig_drive_format = vfat\n",
                                               "nova-config-drive", "juno");

        assert_row(r, MC_FAIL, "force_config_drive is on (vfat does not help before Kilo): nova juno refuses live migration");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = true\nconfig_drive_format = vfat\n", "nova-config-drive",
                       "kilo");
        assert_row(r, MC_FAIL, "force_config_drive = 'true' is not a value nova kilo accepts (always, True or False, "
                               "exactly)");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = True\nconfig_drive_format = VFAT\n", "nova-config-drive",
                       "kilo");
        assert_row(r, MC_FAIL, "force_config_drive is on with the iso9660 format: nova kilo refuses live migration");
}

/* Kilo/Liberty: 380c4d750f "Register the vnc config options under group
 * 'vnc'" (12.0.0): [vnc] vncserver_listen, [DEFAULT] still read. */
static void test_boundary_kilo_liberty_vnc_group(void **state) {
        static const char conf[] = "[vnc]\nvncserver_listen = 0.0.0.0\n";
        const struct mc_result *r = check_conf(*state, conf, "nova-vnc-listen", "kilo");

        assert_row(r, MC_WARN, "vncserver_listen in [vnc] is not read by nova kilo: the VNC listen address is the default");
        r = check_conf(*state, conf, "nova-vnc-listen", "liberty");
        assert_row(r, MC_PASS, "VNC listens on 0.0.0.0: the destination can bind it too");
        assert_evidence(r, "/etc/nova/nova.conf", 2, NULL);
}

/* Liberty/Mitaka: Mitaka adds PEER2PEER and removes NON_SHARED_INC from
 * the live flags at startup with a warning (53eedc2df4, 13.0.0:nova/virt/
 * libvirt/driver.py:_check_block_migration_flags); Liberty migrates with
 * what is written. force_config_drive became a BoolOpt (296479e1ab
 * "force_config_drive: StrOpt -> BoolOpt"), which refuses "always". */
static void test_boundary_liberty_mitaka(void **state) {
        static const char noninc[] = "[libvirt]\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_LIVE, "
                                     "VIR_MIGRATE_NON_SHARED_INC\n";
        const struct mc_result *r = check_conf(*state, noninc, "nova-live-migration-flag", "liberty");

        assert_row(r, MC_FAIL, "live_migration_flag has a NON_SHARED flag: every live migration becomes a block migration");
        r = check_conf(*state, noninc, "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "nova mitaka corrects live_migration_flag at every start (adds VIR_MIGRATE_PEER2PEER, "
                               "removes VIR_MIGRATE_NON_SHARED_INC)");
        /* Block flags without NON_SHARED_INC: Liberty passes them on (a block
         * migration that copies nothing), Mitaka adds it. */
        r = check_conf(*state, "[libvirt]\nblock_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                               "VIR_MIGRATE_LIVE\n", "nova-live-migration-flag", "liberty");
        assert_row(r, MC_WARN, "block_migration_flag lacks VIR_MIGRATE_NON_SHARED_INC: nova liberty's block migrations copy "
                               "no disk");
        r = check_conf(*state, "[libvirt]\nblock_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                               "VIR_MIGRATE_LIVE\n", "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "nova mitaka corrects block_migration_flag at every start (adds VIR_MIGRATE_NON_SHARED_INC)");
        r = check_conf(*state, "[libvirt]\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_LIVE\n",
                       "nova-live-migration-flag", "liberty");
        assert_row(r, MC_FAIL, "live_migration_flag lacks VIR_MIGRATE_PEER2PEER: libvirt's QEMU driver refuses a direct");

        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = always\n", "nova-config-drive", "liberty");
        assert_row(r, MC_FAIL, "force_config_drive is on with the iso9660 format: nova liberty refuses live migration");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = always\n", "nova-config-drive", "mitaka");
        assert_row(r, MC_FAIL, "force_config_drive = 'always' is not a value nova mitaka accepts (true or false)");
        r = check_conf(*state, "[DEFAULT]\nforce_config_drive = True\nconfig_drive_format = vfat\n", "nova-config-drive",
                       "mitaka");
        assert_row(r, MC_PASS, "force_config_drive is on with config_drive_format = vfat, which nova mitaka can live-migrate");
}

/* Liberty/Mitaka: a trailing comma, as Ceph's and Fuel's templates have
 * it. Liberty: getattr(libvirt, '') (12.0.0:nova/virt/libvirt/driver.py:
 * _live_migration_operation); Mitaka's str2sum skips empty items
 * (_parse_migration_flags). */
static void test_boundary_liberty_mitaka_trailing_comma(void **state) {
        static const char conf[] = "[libvirt]\nlive_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,"
                                   "VIR_MIGRATE_LIVE,\n";
        const struct mc_result *r = check_conf(*state, conf, "nova-live-migration-flag", "liberty");

        assert_row(r, MC_FAIL, "live_migration_flag has an empty item (a trailing or doubled comma): nova liberty fails every "
                               "live migration (AttributeError)");
        r = check_conf(*state, conf, "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_WARN, "block_migration_flag has VIR_MIGRATE_TUNNELLED");
        /* A '|' list is one unknown item to nova, and to Mitaka no flag at all. */
        r = check_conf(*state, "[libvirt]\nlive_migration_flag = VIR_MIGRATE_LIVE|VIR_MIGRATE_PEER2PEER|"
                               "VIR_MIGRATE_UNDEFINE_SOURCE\n", "nova-live-migration-flag", "mitaka");
        assert_row(r, MC_FAIL, "live_migration_flag lacks VIR_MIGRATE_LIVE");
}

/* Mitaka/Newton: a48b6146af removed both flag options; bc4b9980fa copies an
 * iso9660 config drive to the destination (14.0.0); Mitaka's
 * live_migration_tunnelled = False takes TUNNELLED out (621594fc41). */
static void test_boundary_mitaka_newton(void **state) {
        static const char conf[] = "[DEFAULT]\nforce_config_drive = True\n[libvirt]\nlive_migration_flag = "
                                   "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n"
                                   "live_migration_tunnelled = False\n";
        const struct mc_result *r = check_conf(*state, conf, "nova-live-migration-flag", "mitaka");

        assert_row(r, MC_PASS, "live_migration_flag has LIVE, PEER2PEER and UNDEFINE_SOURCE (configured)");
        r = check_conf(*state, conf, "nova-live-migration-flag", "newton");
        assert_row(r, MC_WARN, "live_migration_flag does nothing on newton");
        r = check_conf(*state, conf, "nova-config-drive", "mitaka");
        assert_row(r, MC_FAIL, "nova mitaka refuses live migration unless instances_path is shared");
        r = check_conf(*state, conf, "nova-config-drive", "newton");
        assert_row(r, MC_PASS, "nova newton migrates disk.config itself");
}

/* Newton/Ocata: live_migration_scheme is new in Ocata (df334b4f41), and
 * live_migration_uri deprecated (deprecated_since 15.0.0). */
static void test_boundary_newton_ocata(void **state) {
        const struct mc_result *r = check_conf(*state, "[libvirt]\nlive_migration_scheme = ssh\n", "nova-migration-uri",
                                               "newton");

        assert_row(r, MC_PASS, "nova migrates with qemu+tcp://%s/system (libvirt over tcp, port 16509)");
        r = check_conf(*state, "[libvirt]\nlive_migration_scheme = ssh\n", "nova-migration-uri", "ocata");
        assert_row(r, MC_PASS, "nova migrates with qemu+ssh://%s/system (libvirt over ssh, port 22)");
        r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+tcp://%s/system\n", "nova-migration-uri", "newton");
        assert_row(r, MC_PASS, "qemu+tcp://%s/system");
        r = check_conf(*state, "[libvirt]\nlive_migration_uri = qemu+tcp://%s/system\n", "nova-migration-uri", "ocata");
        assert_row(r, MC_WARN, "live_migration_uri is deprecated since Ocata");
        /* Icehouse still reads the [DEFAULT] spelling; Juno does not (d0a02fa390). */
        r = check_conf(*state, "[DEFAULT]\nlive_migration_uri = qemu+tcp://compute2/system\n", "nova-migration-uri",
                       "icehouse");
        assert_row(r, MC_FAIL, "has no %s");
        r = check_conf(*state, "[DEFAULT]\nlive_migration_uri = qemu+tcp://compute2/system\n", "nova-migration-uri", "juno");
        assert_row(r, MC_PASS, "qemu+tcp://%s/system");
}

/* Pike/Queens: e5a03e3c54 "conf: Rename two VNC options" (17.0.0). */
static void test_boundary_pike_queens_vnc(void **state) {
        const struct mc_result *r = check_conf(*state, "[vnc]\nserver_listen = 0.0.0.0\n", "nova-vnc-listen", "pike");

        assert_row(r, MC_WARN, "server_listen in [vnc] is not read by nova pike: the VNC listen address is the default "
                               "127.0.0.1");
        r = check_conf(*state, "[vnc]\nserver_listen = 0.0.0.0\n", "nova-vnc-listen", "queens");
        assert_row(r, MC_PASS, "VNC listens on 0.0.0.0");
        /* Xena still reads [DEFAULT] vncserver_listen; Yoga does not
         * (cec9e7f1f1 "Remove deprecated opts from VNC conf"). */
        r = check_conf(*state, "[DEFAULT]\nvncserver_listen = ::\n", "nova-vnc-listen", "xena");
        assert_row(r, MC_PASS, "VNC listens on ::");
}

/* Stein/Train: ac7a0e8409 "Add compatibility checks for CPU mode and CPU
 * models and extra flags" (20.0.0) refuses at startup what earlier
 * releases refused per build or ignored (19.0.0:nova/virt/libvirt/
 * driver.py:_get_guest_cpu_model_config: mode none returns first). */
static void test_boundary_stein_train_cpu(void **state) {
        static const char conf[] = "[libvirt]\ncpu_mode = none\ncpu_model = Nehalem   \n";
        const struct mc_result *r = check_conf(*state, conf, "nova-cpu-mode", "stein");

        assert_row(r, MC_WARN, "cpu_model is set but cpu_mode is none: the model is ignored");
        r = check_conf(*state, conf, "nova-cpu-mode", "train");
        assert_row(r, MC_FAIL, "cpu_model is set but cpu_mode is not custom: nova-compute refuses to start ('The cpu_models "
                               "option is not required when cpu_mode!=custom')");
        r = check_conf(*state, "[libvirt]\ncpu_mode = custom\n", "nova-cpu-mode", "train");
        assert_row(r, MC_FAIL, "nova-compute refuses to start ('The cpu_models option is required when cpu_mode=custom')");
        /* Modes compare exactly: "Custom" is nothing nova or libvirt knows. */
        r = check_conf(*state, "[libvirt]\ncpu_mode = Custom\ncpu_model = Nehalem\n", "nova-cpu-mode", "liberty");
        assert_row(r, MC_FAIL, "cpu_mode 'Custom' is not one of host-model, host-passthrough, custom, none: libvirt refuses");
}

/* ---- Release unknown: every release the node can run. ---- */

/* RHEL 6 with RDO's nova and no package metadata for it: libvirt 0.10.2
 * rules out Newton and later (14.0.0 MIN_LIBVIRT_VERSION 1.2.1), the
 * [libvirt] section rules out Havana. */
static void rhel6_unknown(struct t *t, const char *conf) {
        _cleanup_free_ char *egg = mc_path_join(t->root, "/usr/lib/python2.6/site-packages/nova-2014.1.1-py2.6.egg-info"),
                            *pkginfo = mc_path_join(egg, "PKG-INFO");

        fixture_rhel6_icehouse(t->root);
        assert_int_equal(unlink(pkginfo), 0);
        assert_int_equal(rmdir(egg), 0);
        tree_write(t->root, "/var/lib/dpkg/status", "");
        tree_write(t->root, "/installed-rpms",
                   "libvirt-0.10.2-29.el6.x86_64                                Mon Jun  2 10:11:12 2014\n"
                   "qemu-kvm-0.12.1.2-2.415.el6.x86_64                         Mon Jun  2 10:11:13 2014\n");
        if (conf)
                tree_write(t->root, "/etc/nova/nova.conf", conf);
}

static const char *evidence_with(const struct mc_result *r, const char *part) {
        for (size_t i = 0; i < r->n_evidence; i++)
                if (r->evidence[i].text && strstr(r->evidence[i].text, part))
                        return r->evidence[i].text;
        return NULL;
}

static void test_unknown_release_agrees(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        rhel6_unknown(t, NULL);
        mc_results_done(&t->rs);
        run_check(t->root, "nova-vnc-listen", NULL, &t->rs);
        r = one_row(&t->rs);
        assert_row(r, MC_PASS, "for every nova release from icehouse to mitaka: VNC listens on 0.0.0.0: the destination can "
                               "bind it too");
        assert_evidence(r, "/etc/nova/nova.conf", 5, "vncserver_listen=0.0.0.0");
        assert_non_null(evidence_with(r, "unknown; icehouse to mitaka are possible"));
        assert_non_null(evidence_with(r, "libvirt 0.10.2: nova after mitaka refuses to start with it (MIN_LIBVIRT_VERSION "
                                         "1.2.1)"));
        assert_non_null(evidence_with(r, "[libvirt] live_migration_flag is set (/etc/nova/nova.conf:13), a name nova reads "
                                         "from icehouse"));

        /* A node address fails in every one of them, for two reasons. */
        r = check_conf(t, "[DEFAULT]\nvncserver_listen = 192.168.122.11  \n[libvirt]\nvirt_type = kvm\n", "nova-vnc-listen",
                       NULL);
        assert_row(r, MC_FAIL, "for every nova release from icehouse to mitaka: VNC listens on 192.168.122.11, an address of "
                               "this node only");
        assert_non_null(evidence_with(r, "juno to mitaka: VNC listens on 192.168.122.11 and libvirt 0.10.2 lacks"));
}

static void test_unknown_release_disagrees(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        rhel6_unknown(t, NULL);
        r = check_conf(t, "[DEFAULT]\nforce_config_drive = false\n[libvirt]\nvirt_type = kvm\n", "nova-config-drive", NULL);
        assert_row(r, MC_SKIP, "nova release unknown and the verdict depends on it: icehouse FAIL, juno PASS, kilo to "
                               "liberty FAIL, mitaka PASS");
        assert_non_null(evidence_with(r, "kilo to liberty: FAIL force_config_drive = 'false' is not a value nova kilo accepts"));
        assert_evidence(r, "/etc/nova/nova.conf", 2, "force_config_drive = false");
        assert_non_null(strstr(r->hint, "--nova-release"));
        assert_non_null(strstr(r->hint, "icehouse to mitaka"));
}

/* Debian 12's libvirt 9.0.0 bounds nothing; [vnc] server_listen is a name
 * only Queens and later read (e5a03e3c54). */
static void test_unknown_release_from_names(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        fixture_debian12_zed(t->root);
        tree_dpkg(t->root, (const char *const[]) { "libvirt-daemon=9.0.0-4+deb12u2", "qemu-system-x86=1:7.2+dfsg-7+deb12u18",
                                                   NULL });
        r = check_conf(t, "[vnc]\nserver_listen = 10.1.2.3\n", "nova-vnc-listen", NULL);
        assert_row(r, MC_PASS, "for every nova release from queens to 2026.1: VNC listens on 10.1.2.3; nova queens rewrites");
        assert_non_null(evidence_with(r, "[vnc] server_listen is set (/etc/nova/nova.conf:2), a name nova reads from queens"));
        r = check_conf(t, "[vnc]\nserver_listen = 10.1.2.3\n[libvirt]\ncpu_mode = none\ncpu_model = Haswell\n", "nova-cpu-mode",
                       NULL);
        assert_row(r, MC_SKIP, "queens to stein WARN, train to 2026.1 FAIL");
}


/* Every spelling in the option table names the nova source that bounds it. */
static void test_option_table_cited(void **state) {
        const struct mc_nova_opt *const opts[] = {
                &mc_nova_live_migration_flag, &mc_nova_block_migration_flag, &mc_nova_live_migration_uri,
                &mc_nova_live_migration_scheme, &mc_nova_live_migration_inbound_addr, &mc_nova_live_migration_tunnelled,
                &mc_nova_cpu_mode, &mc_nova_cpu_models, &mc_nova_virt_type, &mc_nova_force_config_drive,
                &mc_nova_config_drive_format, &mc_nova_vnc_listen, &mc_nova_vnc_enabled, &mc_nova_spice_listen,
                &mc_nova_spice_enabled,
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(opts); i++)
                for (size_t k = 0; k < ELEMENTSOF(opts[i]->names) && opts[i]->names[k].key; k++) {
                        const struct mc_nova_name *n = &opts[i]->names[k];

                        if (!n->cite || strlen(n->cite) < 10)
                                fail_msg("[%s] %s has no citation", n->section, n->key);
                        /* A bound is a release: its tag or a commit is named. */
                        if ((n->since != MC_NOVA_UNKNOWN || n->until != MC_NOVA_UNKNOWN) &&
                            !strpbrk(n->cite, "0123456789"))
                                fail_msg("[%s] %s: '%s' names no commit or tag", n->section, n->key, n->cite);
                }
}

/* nova's MIN_LIBVIRT_VERSION / MIN_QEMU_VERSION at each tag bound the
 * newest release a node can run (13.0.0: 0.10.2; 14.0.0: 1.2.1 and QEMU
 * 1.5.3; 16.0.0: 1.2.9 and QEMU 2.1.0; 18.0.0: 1.3.1), package versions as written. */
static void test_newest_release_for_versions(void **state) {
        (void) state;
        assert_int_equal(mc_nova_newest_for_libvirt("0.10.2-29.el6"), MC_NOVA_MITAKA);
        assert_int_equal(mc_nova_newest_for_libvirt("1.2.2-0ubuntu13.1.17"), MC_NOVA_OCATA);
        assert_int_equal(mc_nova_newest_for_libvirt("1.2.9"), MC_NOVA_QUEENS);
        assert_int_equal(mc_nova_newest_for_libvirt("9.0.0-4+deb12u2"), _MC_NOVA_RELEASE_MAX - 1);
        assert_int_equal(mc_nova_newest_for_libvirt("0.9.4"), MC_NOVA_UNKNOWN);
        assert_int_equal(mc_nova_newest_for_qemu("0.12.1.2-2.415.el6"), MC_NOVA_MITAKA);
        assert_int_equal(mc_nova_newest_for_qemu("2.0.0+dfsg-2ubuntu1.46"), MC_NOVA_OCATA);
        assert_int_equal(mc_nova_newest_for_qemu("1:7.2+dfsg-7+deb12u18"), _MC_NOVA_RELEASE_MAX - 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
                T(test_icehouse_default_flags),
                T(test_flags_release_detected_from_dpkg),
                T(test_flags_deprecated_group_default),
                T(test_flags_non_shared_inc),
                T(test_flags_persist_dest_liberty_mitaka),
                T(test_flags_juno_default_tunnelled_block),
                T(test_flags_ignored_since_newton),
                T(test_flags_unknown_release_skips),
                T(test_flags_typo_liberty_mitaka),
                T(test_custom_cpu_without_model),
                T(test_custom_cpu_with_model),
                T(test_cpu_models_train),
                T(test_model_without_custom),
                T(test_cpu_mode_invalid),
                T(test_cpu_mode_default),
                T(test_config_drive_juno_without_vfat),
                T(test_config_drive_kilo_vfat),
                T(test_config_drive_newton_and_off),
                T(test_vnc_node_ip_icehouse),
                T(test_vnc_wildcard_and_sections),
                T(test_migration_uri),
                T(test_instances_path),
                T(test_no_nova_skips),
                T(test_dropin_overrides),
                T(test_nova_parse_error_names_line),
                T(test_boundary_icehouse_juno_default_group),
                T(test_boundary_icehouse_juno_force_config_drive),
                T(test_boundary_icehouse_juno_vnc),
                T(test_vnc_juno_to_icehouse_destination),
                T(test_boundary_juno_kilo_config_drive),
                T(test_boundary_kilo_liberty_vnc_group),
                T(test_boundary_liberty_mitaka),
                T(test_boundary_liberty_mitaka_trailing_comma),
                T(test_boundary_mitaka_newton),
                T(test_boundary_newton_ocata),
                T(test_boundary_pike_queens_vnc),
                T(test_boundary_stein_train_cpu),
                T(test_unknown_release_agrees),
                T(test_unknown_release_disagrees),
                T(test_unknown_release_from_names),
                cmocka_unit_test(test_option_table_cited),
                cmocka_unit_test(test_newest_release_for_versions),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
