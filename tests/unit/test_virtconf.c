/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's grammar (Mc_virtconf.lns + src/virtconf.c): the facts each
 * file gives, exactly, and what is refused. tests/real/virtconf-diff
 * gives the same kinds of files to a real libvirtd. */
#include <string.h>

#include "confparse.h"
#include "mc_test.h"
#include "util.h"
#include "virtconf.h"

static augeas *aug;

static int setup(void **state) {
        return mc_aug_new(&aug);
}

static int teardown(void **state) {
        mc_aug_freep(&aug);
        return 0;
}

/* The facts of text as kind ("libvirtd", "qemu" ...), as compact JSON. */
static char *facts_of(const char *kind, const char *text) {
        const struct mc_conf_spec spec = { "/etc/libvirt/x.conf", MC_LENS_VIRTCONF, kind, MC_CONF_VIRT, NULL };
        json_object *f = mc_conf_parse_text(aug, &spec, text, strlen(text));
        json_object *part = NULL;
        char *out;

        if (!json_object_object_get_ex(f, "settings", &part))
                json_object_object_get_ex(f, "error", &part);
        out = mc_strdup(json_object_to_json_string_ext(part, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(f);
        return out;
}

#define assert_facts(kind, text, expected)                         \
        do {                                                       \
                _cleanup_free_ char *_f = facts_of(kind, text);    \
                assert_string_equal(_f, expected);                 \
        } while (0)

/* Juju's nova-compute charm: a trailing comma in cgroup_device_acl; a
 * comment after a value; a key this machine's libvirt may not know. */
static void test_juju_qemu_conf(void **state) {
        assert_facts("qemu",
                     "# File Managed by Juju\n"
                     "user = \"root\"   # no libvirt-qemu user\n"
                     "group = \"root\"\n"
                     "cgroup_device_acl = [\n"
                     "   \"/dev/null\", \"/dev/full\", \"/dev/zero\",\n"
                     "   \"/dev/net/tun\",\n"
                     "]\n"
                     "max_files = 32768\n",
                     "{\"user\":{\"value\":\"root\",\"type\":\"string\",\"line\":2,\"text\":\"user = \\\"root\\\"   # no libvirt-qemu user\"},"
                     "\"group\":{\"value\":\"root\",\"type\":\"string\",\"line\":3,\"text\":\"group = \\\"root\\\"\"},"
                     "\"cgroup_device_acl\":{\"type\":\"list\",\"items\":[\"/dev/null\",\"/dev/full\",\"/dev/zero\",\"/dev/net/tun\"],"
                     "\"line\":4,\"text\":\"cgroup_device_acl = [\"},"
                     "\"max_files\":{\"value\":\"32768\",\"type\":\"int\",\"line\":8,\"text\":\"max_files = 32768\"}}");
}

/* Odd but accepted: indentation, tabs, ';', single and triple quotes,
 * signs, CRLF, no final newline; the first of two definitions counts. */
static void test_odd_spacing(void **state) {
        assert_facts("libvirtd",
                     "\t  listen_tcp=1;listen_tls = 0\r\n"
                     "listen_addr\t=\t'0.0.0.0'\r\n"
                     "log_filters = \"\"\"1:qemu\n3:util\"\"\"\r\n"
                     "keepalive_interval = -1\r\n"
                     "max_requests = +20\r\n"
                     "listen_tcp = 0",
                     "{\"listen_tcp\":{\"value\":\"1\",\"type\":\"int\",\"line\":1,\"text\":\"\\t  listen_tcp=1;listen_tls = 0\\r\"},"
                     "\"listen_tls\":{\"value\":\"0\",\"type\":\"int\",\"line\":1,\"text\":\"\\t  listen_tcp=1;listen_tls = 0\\r\"},"
                     "\"listen_addr\":{\"value\":\"0.0.0.0\",\"type\":\"string\",\"line\":2,\"text\":\"listen_addr\\t=\\t'0.0.0.0'\\r\"},"
                     "\"log_filters\":{\"value\":\"1:qemu\\n3:util\",\"type\":\"string\",\"line\":3,\"text\":\"log_filters = \\\"\\\"\\\"1:qemu\"},"
                     "\"keepalive_interval\":{\"value\":\"-1\",\"type\":\"int\",\"line\":5,\"text\":\"keepalive_interval = -1\\r\"},"
                     "\"max_requests\":{\"value\":\"20\",\"type\":\"int\",\"line\":6,\"text\":\"max_requests = +20\\r\"}}");
}

/* What virConfParse() refuses is refused, in its words and at its line
 * (libvirtd's messages for these, measured with libvirtd 9.0). */
static void test_refused(void **state) {
        static const struct {
                const char *text;
                const char *error;
        } cases[] = {
                { "a = [ \"x\", # a comment in a list\n \"y\" ]\n", "{\"message\":\"parse error: expecting a value\",\"line\":1}" },
                { "a = 1\nb = \"unterminated\n", "{\"message\":\"parse error: unterminated string\",\"line\":2}" },
                { "a = 1\nlisten_tcp =\n", "{\"message\":\"parse error: expecting a value\",\"line\":2}" },
                { "listen_tcp\n", "{\"message\":\"parse error: expecting an assignment\",\"line\":1}" },
                { "a = 1.5\n", "{\"message\":\"parse error: expecting a separator\",\"line\":1}" },
                { "listen-tcp = 1\n", "{\"message\":\"parse error: expecting an assignment\",\"line\":1}" },
                { "a = 1;;\n", "{\"message\":\"parse error: expecting a name\",\"line\":1}" },
                { "a = [ , ]\n", "{\"message\":\"parse error: expecting a value\",\"line\":1}" },
                { "a = [ \"x\",\n  \"y\"\n  \"z\" ]\n", "{\"message\":\"parse error: expecting a separator in list\",\"line\":3}" },
                { "a = [ 1,\n 2,\n", "{\"message\":\"parse error: expecting a value\",\"line\":3}" },
                { " \n\n", "{\"message\":\"parse error: expecting a name\",\"line\":3}" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_facts("libvirtd", cases[i].text, cases[i].error);
        /* ... but an empty file is read as empty */
        assert_facts("libvirtd", "", "{}");
}

/* Types as the daemon reads them: refused where daemonConfigLoadOptions()
 * stops; virtqemud has no listen_tcp (not built WITH_IP), so ignores it. */
static void test_types(void **state) {
        assert_facts("libvirtd", "# c\nlisten_tcp = \"1\"\n",
                     "{\"message\":\"libvirt refuses it: expected a bool for 'listen_tcp' parameter\",\"line\":2}");
        assert_facts("libvirtd", "listen_tcp = 2\n",
                     "{\"message\":\"libvirt refuses it: value for 'listen_tcp' parameter must be 0 or 1\",\"line\":1}");
        assert_facts("libvirtd", "tcp_port = 16509\n",
                     "{\"message\":\"libvirt refuses it: expected a string for 'tcp_port' parameter\",\"line\":1}");
        assert_facts("libvirtd", "max_workers = -1\n",
                     "{\"message\":\"libvirt refuses it: expected an unsigned integer for 'max_workers' parameter\",\"line\":1}");
        assert_facts("libvirtd", "access_drivers = \"polkit\"\n",
                     "{\"message\":\"libvirt refuses it: expected a string list for 'access_drivers' parameter\",\"line\":1}");
        assert_facts("qemu", "cgroup_device_acl = [ \"/dev/null\", 1 ]\n",
                     "{\"message\":\"libvirt refuses it: expected a string list for 'cgroup_device_acl' parameter\",\"line\":1}");
        assert_facts("qemu", "migration_port_min = \"49152\"\n",
                     "{\"message\":\"libvirt refuses it: expected an unsigned integer for 'migration_port_min' parameter\",\"line\":1}");
        assert_facts("virtqemud", "listen_tcp = \"1\"\n",
                     "{\"listen_tcp\":{\"value\":\"1\",\"type\":\"string\",\"line\":1,\"text\":\"listen_tcp = \\\"1\\\"\"}}");
        /* keys libvirt does not know are facts, whatever their type */
        assert_facts("libvirtd", "max_requests = \"20\"\n",
                     "{\"max_requests\":{\"value\":\"20\",\"type\":\"string\",\"line\":1,\"text\":\"max_requests = \\\"20\\\"\"}}");
}

static void test_quote(void **state) {
        _cleanup_free_ char *a = mc_virtconf_quote("none"), *b = mc_virtconf_quote("say \"hi\""),
                            *c = mc_virtconf_quote("it's \"x\" ok"), *d = mc_virtconf_quote("a\nb");

        assert_string_equal(a, "\"none\"");
        assert_string_equal(b, "'say \"hi\"'");
        assert_string_equal(c, "\"\"\"it's \"x\" ok\"\"\"");
        assert_string_equal(d, "\"\"\"a\nb\"\"\"");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_juju_qemu_conf),
                cmocka_unit_test(test_odd_spacing),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_quote),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
