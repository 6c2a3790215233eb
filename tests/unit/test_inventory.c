/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inventories: the simple format and Ansible INI. */
#include <string.h>

#include "inventory.h"
#include "mc_test.h"
#include "util.h"

static void expect_nodes(const struct mc_inventory *inv, const char *const *want) {
        size_t n = 0;

        for (; want[n]; n++) {
                const char *eq = strchr(want[n], '=');
                _cleanup_free_ char *name = eq ? strndup(want[n], (size_t) (eq - want[n])) : mc_strdup(want[n]);

                if (n >= inv->n)
                        fail_msg("missing node %s", want[n]);
                assert_string_equal(inv->nodes[n].name, name);
                if (eq)
                        assert_string_equal(inv->nodes[n].address, eq + 1);
                else
                        assert_null(inv->nodes[n].address);
        }
        assert_int_equal(inv->n, n);
}

static void test_simple(void **state) {
        struct mc_inventory inv = {};
        _cleanup_free_ char *err = NULL;

        assert_int_equal(mc_inventory_parse(&inv, "inv", "# nodes\nc1 10.0.0.1\n\n  c2   # no address\nc3\t10.0.0.3\n",
                                            NULL, &err), 0);
        expect_nodes(&inv, (const char *const[]) { "c1=10.0.0.1", "c2", "c3=10.0.0.3", NULL });
        mc_inventory_done(&inv);
}

static void test_simple_errors(void **state) {
        struct mc_inventory inv = {};
        char *err = NULL;

        assert_int_equal(mc_inventory_parse(&inv, "inv", "c1\nc2 a b\n", NULL, &err), -EBADMSG);
        assert_non_null(strstr(err, "inv:2: expected 'name [address]'"));
        free(err);
        err = NULL;
        mc_inventory_done(&inv);
        assert_int_equal(mc_inventory_parse(&inv, "inv", "c1\nc1 10.0.0.1\n", NULL, &err), -EEXIST);
        assert_non_null(strstr(err, "inv:2: node 'c1' is listed twice"));
        free(err);
        mc_inventory_done(&inv);
}

static const char ansible[] =
        "ctl ansible_host=192.0.2.10\n"
        "\n"
        "[compute]\n"
        "c1 ansible_host=192.0.2.1\n"
        "c2 ansible_host=192.0.2.2 ansible_user=root\n"
        "\n"
        "[gpu]\n"
        "g1 ansible_ssh_host=192.0.2.20\n"
        "c1\n"
        "\n"
        "[kvm:children]\n"
        "compute\n"
        "gpu\n"
        "\n"
        "[kvm:vars]\n"
        "ansible_user=admin\n";

static void test_ansible_groups(void **state) {
        struct mc_inventory inv = {};
        _cleanup_free_ char *err = NULL;

        assert_int_equal(mc_inventory_parse(&inv, "hosts.ini", ansible, "kvm", &err), 0);
        /* c1 is in two groups: listed once, with its first address. */
        expect_nodes(&inv, (const char *const[]) { "c1=192.0.2.1", "c2=192.0.2.2", "g1=192.0.2.20", NULL });
        mc_inventory_done(&inv);

        assert_int_equal(mc_inventory_parse(&inv, "hosts.ini", ansible, NULL, &err), 0);
        expect_nodes(&inv, (const char *const[]) { "ctl=192.0.2.10", "c1=192.0.2.1", "c2=192.0.2.2", "g1=192.0.2.20", NULL });
        mc_inventory_done(&inv);
}

static void test_ansible_errors(void **state) {
        struct mc_inventory inv = {};
        char *err = NULL;

        assert_int_equal(mc_inventory_parse(&inv, "hosts.ini", ansible, "storage", &err), -ENOENT);
        assert_non_null(strstr(err, "no group 'storage'"));
        free(err);
        err = NULL;
        mc_inventory_done(&inv);
        assert_int_equal(mc_inventory_parse(&inv, "hosts.ini", "[a:children]\nb\n[b:children]\na\n", "a", &err), -ELOOP);
        free(err);
        err = NULL;
        mc_inventory_done(&inv);
        assert_int_equal(mc_inventory_parse(&inv, "hosts.ini", "[compute\nc1\n", NULL, &err), -EBADMSG);
        assert_non_null(strstr(err, "hosts.ini:1: unterminated group header"));
        free(err);
        mc_inventory_done(&inv);
}

static void test_command_line_nodes(void **state) {
        struct mc_inventory inv = {};

        assert_int_equal(mc_inventory_add(&inv, "c1=10.0.0.1"), 0);
        assert_int_equal(mc_inventory_add(&inv, "c2"), 0);
        assert_int_equal(mc_inventory_add(&inv, "c1"), -EEXIST);
        assert_int_equal(mc_inventory_add(&inv, "=10.0.0.9"), -EINVAL);
        expect_nodes(&inv, (const char *const[]) { "c1=10.0.0.1", "c2", NULL });
        mc_inventory_done(&inv);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_simple),
                cmocka_unit_test(test_simple_errors),
                cmocka_unit_test(test_ansible_groups),
                cmocka_unit_test(test_ansible_errors),
                cmocka_unit_test(test_command_line_nodes),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
