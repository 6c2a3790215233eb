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
                assert_int_equal(r.o.plan.n_unfixable, 1);
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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_config_drive),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
