/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nova-* checks across releases. */
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
        assert_row(r, MC_WARN, "nova mitaka corrects the migration flags at every start (live_migration_flag: removes "
                               "VIR_MIGRATE_PERSIST_DEST)");
}

static void test_flags_juno_default_tunnelled_block(void **state) {
        /* Juno's defaults are live-capable, but block migration is tunnelled. */
        const struct mc_result *r = check_conf(*state, "[DEFAULT]\n", "nova-live-migration-flag", "juno");
        assert_row(r, MC_WARN, "NBD in tunnelled migration");
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
        assert_row(r, MC_WARN, "(live_migration_flag: ignores 'VIR_MIGRATE_LVIE')");
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
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
