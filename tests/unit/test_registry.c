/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The check table's promises: ids unique, kebab-case, sorted; every entry
 * complete. */
#include <ctype.h>
#include <string.h>

#include "mc_test.h"
#include "util.h"

static bool kebab(const char *s) {
        if (!islower((unsigned char) s[0]))
                return false;
        for (const char *p = s; *p; p++)
                if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p) || (*p == '-' && p[1] && p[1] != '-')))
                        return false;
        return true;
}

static void test_ids_sorted_unique_kebab(void **state) {
        assert_true(mc_n_checks > 0);
        for (size_t i = 0; i < mc_n_checks; i++) {
                if (!kebab(mc_checks[i].id))
                        fail_msg("id '%s' is not kebab-case", mc_checks[i].id);
                if (i > 0 && strcmp(mc_checks[i - 1].id, mc_checks[i].id) >= 0)
                        fail_msg("'%s' and '%s' are not sorted and unique", mc_checks[i - 1].id, mc_checks[i].id);
        }
}

static void test_entries_complete(void **state) {
        for (size_t i = 0; i < mc_n_checks; i++) {
                const struct mc_check *c = &mc_checks[i];

                assert_non_null(c->run);
                assert_true(c->needs != 0 && (c->needs & ~(unsigned) MC_NEED_ALL) == 0);
                if (isempty(c->title) || isempty(c->doc))
                        fail_msg("'%s' lacks a title or doc", c->id);
                assert_true(c->scope < _MC_SCOPE_MAX);
                /* A check either has a fixer or says why it has none. */
                if (!!c->fix == !!c->fix_note)
                        fail_msg("'%s' must have exactly one of .fix and .fix_note", c->id);
        }
}

static void test_find_and_select(void **state) {
        char *only[] = { (char *) "nova-cpu-mode", NULL };
        char *skip[] = { (char *) "nova-cpu-mode", NULL };

        assert_non_null(mc_check_find("libvirtd-listen"));
        assert_null(mc_check_find("libvirtd_listen"));
        assert_true(mc_check_selected(mc_check_find("nova-cpu-mode"), only, NULL));
        assert_false(mc_check_selected(mc_check_find("libvirtd-listen"), only, NULL));
        assert_false(mc_check_selected(mc_check_find("nova-cpu-mode"), NULL, skip));
        /* --only nova-cpu-mode collects nova.conf alone: no libvirt lens loads. */
        assert_int_equal(mc_checks_needs(only, NULL), MC_NEED_NOVA);
}

/* A check that reports nothing must not read as a pass. */
static void silent(struct mc_check_ctx *ctx) {
}

static void test_silence_is_an_error(void **state) {
        const struct mc_check table[] = {
                { .id = "silent", .title = "t", .needs = MC_NEED_NOVA, .run = silent, .doc = "d" },
        };
        struct mc_cluster c = {};
        struct mc_results rs = {};

        mc_cluster_add(&c, "n")->facts = json_object_new_object();
        mc_checks_run_table(table, ELEMENTSOF(table), &c, NULL, NULL, &rs);
        assert_int_equal(rs.n, 1);
        assert_row(&rs.items[0], MC_ERROR, "reported no result");
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_uncollected_node_is_one_error_row(void **state) {
        struct mc_cluster c = {};
        struct mc_results rs = {};

        mc_cluster_add(&c, "n")->error = mc_strdup("cannot open root '/nonexistent': No such file or directory");
        mc_checks_run(&c, NULL, NULL, &rs);
        assert_int_equal(rs.n, 1);
        assert_row(&rs.items[0], MC_ERROR, "/nonexistent");
        assert_int_equal(mc_results_exit_code(&rs), MC_EXIT_ERROR);
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_exit_codes(void **state) {
        struct mc_results rs = {};

        assert_int_equal(mc_results_exit_code(&rs), MC_EXIT_OK);
        mc_results_add(&rs, "a", "n", MC_SKIP, "s");
        assert_int_equal(mc_results_exit_code(&rs), MC_EXIT_OK);
        mc_results_add(&rs, "a", "n", MC_WARN, "w");
        assert_int_equal(mc_results_exit_code(&rs), MC_EXIT_WARN);
        mc_results_add(&rs, "a", "n", MC_FAIL, "f");
        assert_int_equal(mc_results_exit_code(&rs), MC_EXIT_FAIL);
        mc_results_add(&rs, "a", "n", MC_ERROR, "e");
        assert_int_equal(mc_results_exit_code(&rs), MC_EXIT_ERROR);
        mc_results_done(&rs);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ids_sorted_unique_kebab),
                cmocka_unit_test(test_entries_complete),
                cmocka_unit_test(test_find_and_select),
                cmocka_unit_test(test_silence_is_an_error),
                cmocka_unit_test(test_uncollected_node_is_one_error_row),
                cmocka_unit_test(test_exit_codes),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
