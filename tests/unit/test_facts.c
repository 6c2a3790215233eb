/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Facts: hostile input, secrets, and reading a root safely. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "confparse.h"
#include "fixtures.h"
#include "mc_test.h"
#include "rootfs.h"
#include "util.h"

static void expect_reject(const char *text, size_t len, const char *msg_part) {
        json_object *o = NULL;
        _cleanup_free_ char *err = NULL;

        assert_true(mc_facts_parse(text, len, &o, &err) < 0);
        assert_null(o);
        if (!strstr(err, msg_part))
                fail_msg("error '%s' lacks '%s'", err, msg_part);
}

static void test_hostile_facts_rejected(void **state) {
        static const char nul[] = "{\"schema_version\":1\0}";
        _cleanup_free_ char *deep = NULL;

        expect_reject("{\"schema_version\": 1, \"files\": {", 31, "unexpected end of input");
        expect_reject(nul, sizeof(nul) - 1, "NUL byte");
        expect_reject("[1,2]", 5, "not a JSON object");
        expect_reject("{\"schema_version\": 99}", 22, "unsupported facts schema_version 99");
        expect_reject("{\"schema_version\": \"1\"}", 23, "schema_version -1");
        expect_reject("{\"schema_version\": 1} trailing", 30, "not valid JSON");
        /* json-c's depth limit (64) stops a nesting bomb. */
        deep = mc_strdup("");
        for (int i = 0; i < 10000; i++) {
                char *n = mc_strdup_printf("%s[", deep);
                free(deep);
                deep = n;
        }
        expect_reject(deep, strlen(deep), "not valid JSON");
}

/* The fan-out's reader, fed as a pipe delivers: any split of the text
 * gives the document mc_facts_parse gives, and the same refusals. */
static void test_facts_reader_chunks(void **state) {
        static const char text[] = "{ \"schema_version\": 2, \"node\": {\"hostname\": \"c1\"},\n"
                                   "  \"files\": {\"/etc/hosts\": {\"state\": \"absent\"}} }\n\n";
        size_t len = sizeof(text) - 1;

        for (size_t step = 1; step <= len; step += step < 8 ? 1 : 13) {
                _cleanup_(mc_facts_reader_freep) struct mc_facts_reader *rd = mc_facts_reader_new(4096);
                _cleanup_json_ json_object *doc = NULL;
                _cleanup_free_ char *err = NULL;

                for (size_t at = 0; at < len; at += step)
                        assert_int_equal(mc_facts_reader_feed(rd, text + at, at + step < len ? step : len - at), 0);
                assert_int_equal(mc_facts_reader_end(rd, &doc, &err), 0);
                assert_string_equal(mc_json_str(mc_json_get(doc, "node"), "hostname"), "c1");
        }
        (void) state;
}

static void expect_reader_reject(const char *const *chunks, size_t max, int want_r, const char *msg) {
        _cleanup_(mc_facts_reader_freep) struct mc_facts_reader *rd = mc_facts_reader_new(max);
        json_object *doc = NULL;
        _cleanup_free_ char *err = NULL;

        for (const char *const *c = chunks; *c; c++)
                mc_facts_reader_feed(rd, *c, strlen(*c));
        assert_int_equal(mc_facts_reader_end(rd, &doc, &err), want_r);
        assert_null(doc);
        if (!strstr(err, msg))
                fail_msg("error '%s' lacks '%s'", err, msg);
}

static void test_facts_reader_refusals(void **state) {
        /* text after the document, in the same read (json-c's strict mode
         * refuses it) or a later one (the reader does) */
        expect_reader_reject((const char *const[]) { "{\"schema_version\": 2}  x", NULL }, 4096, -EBADMSG,
                             "not valid JSON at byte 23: unexpected character");
        expect_reader_reject((const char *const[]) { "{\"schema_version\": 2}\n", "\n{}", NULL }, 4096, -EBADMSG,
                             "not valid JSON at byte 23: text after the document");
        /* the cap counts every byte, white space too */
        expect_reader_reject((const char *const[]) { "                ", "{\"schema_version\": 2}", NULL }, 32, -EFBIG,
                             "facts larger than 32 bytes");
        /* the first refusal stays: a NUL in the second read, then more text */
        expect_reader_reject((const char *const[]) { "{\"schema_version\"", ": 2\n", "}}}", NULL }, 4096, -EBADMSG,
                             "not valid JSON at byte");
        expect_reader_reject((const char *const[]) { "{\"schema_version\": 2", NULL }, 4096, -EBADMSG,
                             "at byte 20: unexpected end of input");
        expect_reader_reject((const char *const[]) { NULL }, 4096, -EBADMSG, "at byte 0: unexpected end of input");
        expect_reader_reject((const char *const[]) { "{\"schema_version\": 7}", NULL }, 4096, -EPROTO,
                             "unsupported facts schema_version 7");
        {
                _cleanup_(mc_facts_reader_freep) struct mc_facts_reader *rd = mc_facts_reader_new(4096);
                json_object *doc = NULL;
                _cleanup_free_ char *err = NULL;

                assert_int_equal(mc_facts_reader_feed(rd, "{\"a\": ", 6), 0);
                assert_int_equal(mc_facts_reader_feed(rd, "\"b\0\"}", 4), -EBADMSG);
                assert_int_equal(mc_facts_reader_feed(rd, "}", 1), -EBADMSG);
                assert_int_equal(mc_facts_reader_end(rd, &doc, &err), -EBADMSG);
                assert_string_equal(err, "facts contain a NUL byte: not JSON text");
        }
        (void) state;
}

static void test_huge_facts_rejected(void **state) {
        size_t n = MC_FACTS_MAX_SIZE + 1;
        _cleanup_free_ char *big = malloc(n);

        memset(big, ' ', n);
        expect_reject(big, n, "larger than");
}

/* Values of the wrong type are treated as unknown, never trusted. */
static void test_wrong_types_are_unknown(void **state) {
        static const char text[] =
                "{\"schema_version\":1,"
                " \"files\":{\"/etc/libvirt/libvirtd.conf\":{\"state\":\"ok\",\"settings\":{\"listen_tcp\":{\"value\":1,\"line\":\"x\"}}},"
                "          \"/etc/nova/nova.conf\":{\"state\":[],\"sections\":7}},"
                " \"nova\":{\"files\":{\"a\":1}, \"instances_path\":\"/x\"},"
                " \"versions\":{\"nova\":[\"icehouse\"]}, \"systemd\":{\"units\":[1,2]}, \"runtime\":{\"listening\":{}}}";
        json_object *facts = NULL;
        _cleanup_free_ char *err = NULL;
        struct mc_setting s;
        struct mc_cluster c = {};
        struct mc_results rs = {};

        assert_int_equal(mc_facts_parse(text, strlen(text), &facts, &err), 0);
        assert_int_equal(mc_facts_setting(facts, "/etc/libvirt/libvirtd.conf", NULL, "listen_tcp", &s), -ENOENT);
        assert_int_equal(mc_facts_file(facts, "/etc/nova/nova.conf", NULL), MC_FILE_ERROR);
        assert_int_equal(mc_facts_nova(facts, "DEFAULT", "x", &s), -ENOENT);

        /* Every check runs over it without crashing, and none passes on garbage it could not read. */
        mc_cluster_add(&c, "hostile")->facts = facts;
        mc_checks_run(&c, NULL, NULL, &rs);
        assert_int_equal(rs.n, mc_n_checks);
        for (size_t i = 0; i < rs.n; i++)
                if (strstr(rs.items[i].check, "nova") && rs.items[i].status == MC_PASS)
                        fail_msg("%s passed on unreadable nova facts: %s", rs.items[i].check, rs.items[i].summary);
        mc_results_done(&rs);
        mc_cluster_done(&c);
}

static void test_secrets_never_collected(void **state) {
        char *root = tree_new();
        const struct mc_collect_opts o = { .root = root, .needs = MC_NEED_ALL };
        json_object *facts = NULL;
        _cleanup_free_ char *err = NULL;
        const char *text;

        fixture_rhel6_icehouse(root);
        tree_write(root, "/etc/nova/nova.conf.d/10-secret.conf",
                   "[DEFAULT]\ntransport_url = rabbit://nova:RABBIT_S3CRET@ctl:5672/\n"
                   "[libvirt]\nlive_migration_uri = qemu+tcp://admin:URI_S3CRET@%s/system\n"
                   "[keystone_authtoken]\npassword = KS_S3CRET\n");
        tree_write(root, "/etc/libvirt/qemu.conf", "vnc_password = \"VNC_S3CRET\"\nspice_password = \"SPICE_S3CRET\"\n");
        assert_int_equal(mc_collect(&o, &facts, &err), 0);
        text = json_object_to_json_string_ext(facts, JSON_C_TO_STRING_NOSLASHESCAPE);
        assert_null(strstr(text, "S3CRET"));
        assert_null(strstr(text, "NOVA_DBPASS"));
        assert_null(strstr(text, "rabbit_password"));
        /* Redacted, not dropped, where migcheck reads the option. */
        assert_non_null(strstr(text, "qemu+tcp://admin:<redacted>@%s/system"));
        json_object_put(facts);
        tree_free(root);
}

static void test_rootfs_confinement(void **state) {
        char *root = tree_new();
        _cleanup_(mc_rootfs_freep) struct mc_rootfs *fs = NULL;
        _cleanup_free_ char *text = NULL, *fifo = NULL, *big = NULL;
        size_t len;
        int fd;

        /* An absolute symlink resolves inside the tree, as in a chroot. */
        tree_write(root, "/usr/lib/os-release", "ID=inside\n");
        tree_symlink(root, "/etc/os-release", "/usr/lib/os-release");
        /* One that climbs out stays in too: /../../etc/passwd is /etc/passwd of the tree. */
        tree_symlink(root, "/etc/escape", "../../../../../../etc/hostname");
        assert_int_equal(mc_rootfs_open(root, &fs), 0);
        assert_int_equal(mc_rootfs_read(fs, "/etc/os-release", 1024, &text, &len), 0);
        assert_string_equal(text, "ID=inside\n");
        /* ... where it is missing: the link is there, its target is not (not an absent file). */
        assert_int_equal(mc_rootfs_read(fs, "/etc/escape", 1024, &text, &len), -ENOLINK);
        assert_int_equal(mc_rootfs_read(fs, "/etc/nothing-here", 1024, &text, &len), -ENOENT);

        /* A FIFO does not hang the reader; a huge file is refused. */
        fifo = mc_path_join(root, "/etc/fifo");
        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_int_equal(mc_rootfs_read(fs, "/etc/fifo", 1024, &text, &len), -EBADFD);
        big = mc_path_join(root, "/etc/big");
        fd = open(big, O_CREAT | O_WRONLY, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, 8 * 1024 * 1024), 0);
        close(fd);
        assert_int_equal(mc_rootfs_read(fs, "/etc/big", MC_CONF_MAX_SIZE, &text, &len), -EFBIG);
        tree_free(root);
}

static void test_hostname_and_os(void **state) {
        char *root = tree_new();
        const struct mc_collect_opts o = { .root = root, .needs = MC_NEED_NOVA };
        json_object *facts = NULL, *nova, *rpm;
        _cleanup_free_ char *err = NULL;

        fixture_rhel6_icehouse(root);
        assert_int_equal(mc_collect(&o, &facts, &err), 0);
        /* RHEL 6: no /etc/hostname and no os-release. */
        assert_string_equal(mc_json_str(mc_json_get(facts, "node"), "hostname"), "compute1.example.com");
        assert_string_equal(mc_json_str(mc_json_get(facts, "os"), "id"), "centos");
        assert_string_equal(mc_json_str(mc_json_get(facts, "os"), "version_id"), "6.5");
        assert_string_equal(mc_json_str(mc_json_path(facts, "versions", "libvirt", NULL), "value"), "0.10.2");
        assert_string_equal(mc_json_str(mc_json_path(facts, "versions", "nova", NULL), "release"), "icehouse");
        /* RHEL 6's python is 2.6; the sosreport's installed-rpms agrees. */
        nova = mc_json_path(facts, "versions", "nova", NULL);
        assert_string_equal(mc_json_str(nova, "source"), "/usr/lib/python2.6/site-packages/nova-2014.1.1-py2.6.egg-info");
        assert_string_equal(mc_json_str(nova, "chosen_by"), "every record agrees");
        assert_int_equal(json_object_array_length(mc_json_get(nova, "candidates")), 2);
        rpm = json_object_array_get_idx(mc_json_get(nova, "candidates"), 1);
        assert_string_equal(mc_json_str(rpm, "source"), "/installed-rpms");
        assert_string_equal(mc_json_str(rpm, "package"), "openstack-nova-compute");
        assert_int_equal(json_object_get_int(mc_json_get(rpm, "line")), 2);
        /* --only nova checks: libvirt's files were not collected. */
        assert_null(mc_json_path(facts, "files", "/etc/libvirt/libvirtd.conf", NULL));
        json_object_put(facts);
        tree_free(root);
}

static void test_missing_root(void **state) {
        const struct mc_collect_opts o = { .root = "/nonexistent/migcheck", .needs = MC_NEED_ALL };
        json_object *facts = NULL;
        _cleanup_free_ char *err = NULL;

        assert_int_equal(mc_collect(&o, &facts, &err), -ENOENT);
        assert_non_null(strstr(err, "/nonexistent/migcheck"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hostile_facts_rejected),
                cmocka_unit_test(test_huge_facts_rejected),
                cmocka_unit_test(test_facts_reader_chunks),
                cmocka_unit_test(test_facts_reader_refusals),
                cmocka_unit_test(test_wrong_types_are_unknown),
                cmocka_unit_test(test_secrets_never_collected),
                cmocka_unit_test(test_rootfs_confinement),
                cmocka_unit_test(test_hostname_and_os),
                cmocka_unit_test(test_missing_root),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
