/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "node_report.h"

#include <stdarg.h>
#include <stdio.h>

#include "facts.h"
#include "util.h"

static bool is(json_object *o, json_type t) {
        return o && json_object_is_type(o, t);
}

/* Absent or null is allowed for optional members. */
static bool opt(json_object *o, json_type t) {
        return !o || json_object_is_type(o, json_type_null) || json_object_is_type(o, t);
}

static _printf_(2, 3) int bad(char **ret_error, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        return -EBADMSG;
}

static int check_row(json_object *row, size_t i, char **ret_error) {
        static const char *const strings[] = { "check", "status", "summary" };
        json_object *ev = mc_json_get(row, "evidence");

        if (!is(row, json_type_object))
                return bad(ret_error, "'results[%zu]' is not an object", i);
        for (size_t k = 0; k < ELEMENTSOF(strings); k++)
                if (!is(mc_json_get(row, strings[k]), json_type_string))
                        return bad(ret_error, "'results[%zu].%s' is not a string", i, strings[k]);
        if (!opt(mc_json_get(row, "hint"), json_type_string))
                return bad(ret_error, "'results[%zu].hint' is not a string", i);
        if (!opt(ev, json_type_array))
                return bad(ret_error, "'results[%zu].evidence' is not an array", i);
        for (size_t e = 0; ev && is(ev, json_type_array) && e < json_object_array_length(ev); e++) {
                json_object *x = json_object_array_get_idx(ev, e);

                if (!is(x, json_type_object) || !opt(mc_json_get(x, "file"), json_type_string) ||
                    !opt(mc_json_get(x, "text"), json_type_string) || !opt(mc_json_get(x, "line"), json_type_int))
                        return bad(ret_error, "'results[%zu].evidence[%zu]' is not a {file, line, text} object", i, e);
        }
        return 0;
}

int mc_node_report_check(json_object *report, char **ret_error) {
        json_object *rows = mc_json_get(report, "results"), *fix = mc_json_get(report, "fix");
        static const struct {
                const char *key;
                json_type type;
        } fix_members[] = {
                { "not_fixed", json_type_array }, { "restart", json_type_array }, { "diff", json_type_string },
                { "error", json_type_string }, { "applied", json_type_boolean }, { "written", json_type_int },
                { "written_files", json_type_array }, { "restarted", json_type_boolean }, { "restart_failed", json_type_array },
                { "notes", json_type_array },
        };

        if (!is(report, json_type_object))
                return bad(ret_error, "not a JSON object");
        if (!is(rows, json_type_array))
                return bad(ret_error, "'results' is not an array");
        for (size_t i = 0; i < json_object_array_length(rows); i++) {
                int r = check_row(json_object_array_get_idx(rows, i), i, ret_error);
                if (r < 0)
                        return r;
        }
        if (!opt(fix, json_type_object))
                return bad(ret_error, "'fix' is not an object");
        for (size_t k = 0; fix && is(fix, json_type_object) && k < ELEMENTSOF(fix_members); k++)
                if (!opt(mc_json_get(fix, fix_members[k].key), fix_members[k].type))
                        return bad(ret_error, "'fix.%s' is not a %s", fix_members[k].key, json_type_to_name(fix_members[k].type));
        {
                json_object *nf = mc_json_get(fix, "not_fixed");

                for (size_t i = 0; is(nf, json_type_array) && i < json_object_array_length(nf); i++) {
                        json_object *u = json_object_array_get_idx(nf, i);

                        if (!is(u, json_type_object) || !opt(mc_json_get(u, "check"), json_type_string) ||
                            !opt(mc_json_get(u, "reason"), json_type_string))
                                return bad(ret_error, "'fix.not_fixed[%zu]' is not a {check, reason} object", i);
                }
                static const char *const lists[] = { "restart", "written_files", "restart_failed", "notes" };

                for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
                        json_object *a = mc_json_get(fix, lists[l]);

                        for (size_t i = 0; is(a, json_type_array) && i < json_object_array_length(a); i++)
                                if (!is(json_object_array_get_idx(a, i), json_type_string))
                                        return bad(ret_error, "'fix.%s[%zu]' is not a string", lists[l], i);
                }
        }
        return 0;
}

int mc_node_report_rows(const char *node, json_object *report, struct mc_results *rs, char **ret_error) {
        json_object *rows = mc_json_get(report, "results");
        int r = mc_node_report_check(report, ret_error);

        if (r < 0)
                return r;
        for (size_t k = 0; k < json_object_array_length(rows); k++) {
                json_object *row = json_object_array_get_idx(rows, k), *ev = mc_json_get(row, "evidence");
                const char *st = mc_json_str(row, "status");
                enum mc_status status = MC_ERROR;
                struct mc_result *res;

                /* An unknown status is one the coordinator cannot vouch for. */
                for (int sx = 0; sx < _MC_STATUS_MAX; sx++)
                        if (streq_ptr(st, mc_status_to_string(sx)))
                                status = sx;
                res = mc_results_add(rs, mc_json_str(row, "check"), node, status, "%s", mc_json_str(row, "summary"));
                for (size_t e = 0; is(ev, json_type_array) && e < json_object_array_length(ev); e++) {
                        json_object *x = json_object_array_get_idx(ev, e);
                        int64_t line = mc_json_int(x, "line", 0);

                        mc_result_evidence(res, mc_json_str(x, "file") ?: "", line > 0 && line <= UINT32_MAX ? (unsigned) line : 0,
                                           "%s", mc_json_str(x, "text") ?: "");
                }
                if (mc_json_str(row, "hint"))
                        mc_result_hint(res, "%s", mc_json_str(row, "hint"));
        }
        return 0;
}
