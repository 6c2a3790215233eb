/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading nova.conf (src/confparse.c, the INI reader): bounded time on
 * hostile sizes, oslo.config's errors at the right line. What it reads is
 * compared with oslo.config itself in tests/real/nova_conf_oslo.py. */
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "confparse.h"
#include "facts.h"
#include "mc_test.h"
#include "util.h"

/* No wall-clock assertions (a loaded CI machine is no benchmark; the speed
 * is measured by bench/nova-conf): the sizes below are such that the old,
 * quadratic reader ran into ctest's timeout (8,000 sections took 2.3 s,
 * 32,000 87 s, 100,000 over 120 s), where one pass takes milliseconds. */
static json_object *parse(const char *text, size_t len) {
        _cleanup_(mc_aug_freep) augeas *a = NULL;

        assert_int_equal(mc_aug_new(&a), 0);
        return mc_conf_parse_text(a, &mc_nova_conf_spec, text, len);
}

static void assert_error(json_object *f, const char *msg, int line) {
        assert_string_equal(mc_json_str(f, "state"), "error");
        if (!strstr(mc_json_str(mc_json_get(f, "error"), "message"), msg))
                fail_msg("message '%s' lacks '%s'", mc_json_str(mc_json_get(f, "error"), "message"), msg);
        assert_int_equal(mc_json_int(mc_json_get(f, "error"), "line", 0), line);
}

/* Before: reading walked Augeas's tree by path, quadratic in the sections
 * (8,000 took 2.3 s, 32,000 87 s). Now one pass: the most sections and
 * settings accepted, among 50,000 comment lines, take milliseconds, even
 * under ASan. */
static void test_largest_accepted_linear(void **state) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);

        fputs("[DEFAULT]\nmy_ip = 10.0.0.1\n", m);
        for (int i = 0; i < 998; i++) {
                fprintf(m, "[group%d]\n", i);
                for (int k = 0; k < 10; k++)
                        fprintf(m, "# option_%d_%d = default\n#\n# Help text of the option.\n#\nhost = h%d\n", i, k, k);
        }
        fputs("[libvirt]\nlive_migration_scheme = tls\n", m);
        fclose(m);
        _cleanup_json_ json_object *f = parse(text, len);
        assert_string_equal(mc_json_str(f, "state"), "ok");
        assert_int_equal(json_object_object_length(mc_json_get(f, "sections")), 1000);
        assert_string_equal(mc_json_str(mc_json_path(f, "sections", "group997", "host", NULL), "value"), "h9");
        assert_int_equal(mc_json_int(mc_json_path(f, "sections", "libvirt", "live_migration_scheme", NULL), "line", 0),
                         2 + 998 * 51 + 2);
}

/* Past 1,000 sections or 10,000 settings the file is refused at the line
 * that passes the bound (the fix engine's Mc_nova put is quadratic). */
static void test_section_cap(void **state) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);

        for (int i = 0; i < 100000; i++)
                fprintf(m, "[g%d]\nk = v\n", i);
        fclose(m);
        _cleanup_json_ json_object *f = parse(text, len);
        assert_error(f, "more than 1000 sections", 2 * 1000 + 1);
}

static void test_settings_cap(void **state) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);

        fputs("[DEFAULT]\n", m);
        for (int i = 0; i < 40000; i++)
                fprintf(m, "opt_%d = v\n", i);
        fclose(m);
        _cleanup_json_ json_object *f = parse(text, len);
        assert_error(f, "more than 10000 settings", 1 + 10000 + 1);
}

/* Joining continuation lines was a copy of the value per line. */
static void test_long_continuation_linear(void **state) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        const char *v;

        fputs("[libvirt]\ncpu_model_extra_flags = first\n", m);
        for (int i = 0; i < 200000; i++)
                fputs("    pcid \n", m);
        fclose(m);
        _cleanup_json_ json_object *f = parse(text, len);
        v = mc_json_str(mc_json_path(f, "sections", "libvirt", "cpu_model_extra_flags", NULL), "value");
        assert_non_null(v);
        assert_int_equal(strlen(v), strlen("first") + 200000 * strlen("\npcid"));
        assert_true(strncmp(v, "first\npcid\npcid", 15) == 0);
}

/* oslo.config's refusals, at the line that holds the mistake. */
static void test_errors_name_the_line(void **state) {
        static const struct {
                const char *text, *msg;
                int line;
        } cases[] = {
                { "# nova.conf\nmy_ip = 10.0.0.1\n[DEFAULT]\n", "section must be started before assignment", 2 },
                { "my_ip = 10.0.0.1", "section must be started before assignment", 1 },
                { "[DEFAULT]\nmy_ip = a\n# c\n  b\n", "unexpected continuation line", 4 },
                { "[DEFAULT]\r\nmy_ip = a\r\n\r\n  b\r\n", "unexpected continuation line", 4 },
                { "[DEFAULT]\nhost = a\nmy_ip\n", "no ':' or '=' found in assignment", 3 },
                { "[DEFAULT]\n  \t= a\n", "unexpected continuation line", 2 },
                { "[DEFAULT]\n\xc2\xa0= a\n", "key cannot be empty", 2 },
                { "[DEFAULT] # main\n", "invalid section (must end with ])", 1 },
                { "[DEFAULT]\n[]\n", "empty section name", 2 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_json_ json_object *f = parse(cases[i].text, strlen(cases[i].text));
                assert_error(f, cases[i].msg, cases[i].line);
        }
}

/* Only kept keys are read into the facts; a credential's value is never
 * copied, whatever its shape. */
static void test_only_kept_keys(void **state) {
        static const char text[] = "[database]\nconnection = mysql+pymysql://nova:S3cret@db/nova\n"
                                   "[DEFAULT]\ntransport_url = rabbit://u:pw@h\nmy_ip = 10.0.0.1\n"
                                   "[libvirt]\nlive_migration_uri = qemu+tcp://admin:pw@%s/system\n";
        _cleanup_json_ json_object *f = parse(text, strlen(text));
        const char *out = json_object_to_json_string(f);

        assert_string_equal(mc_json_str(f, "state"), "ok");
        assert_null(strstr(out, "S3cret"));
        assert_null(strstr(out, ":pw@"));
        assert_non_null(mc_json_path(f, "sections", "database", NULL));
        assert_null(mc_json_path(f, "sections", "database", "connection", NULL));
        assert_string_equal(mc_json_str(mc_json_path(f, "sections", "DEFAULT", "my_ip", NULL), "value"), "10.0.0.1");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_largest_accepted_linear),
                cmocka_unit_test(test_section_cap),
                cmocka_unit_test(test_settings_cap),
                cmocka_unit_test(test_long_continuation_linear),
                cmocka_unit_test(test_errors_name_the_line),
                cmocka_unit_test(test_only_kept_keys),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
