/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "escape.h"
#include "facts.h"
#include "report.h"
#include "util.h"
#include "version.h"

#define MC_REPORT_SCHEMA_VERSION 1

static json_object *result_json(const struct mc_result *r) {
        json_object *o = json_object_new_object(), *ev = json_object_new_array();

        json_object_object_add(o, "check", json_object_new_string(r->check));
        json_object_object_add(o, "node", json_object_new_string(r->node));
        json_object_object_add(o, "status", json_object_new_string(mc_status_to_string(r->status)));
        json_object_object_add(o, "summary", json_object_new_string(r->summary));
        for (size_t j = 0; j < r->n_evidence; j++) {
                json_object *e = json_object_new_object();

                json_object_object_add(e, "file", json_object_new_string(r->evidence[j].file ?: ""));
                if (r->evidence[j].line)
                        json_object_object_add(e, "line", json_object_new_int((int) r->evidence[j].line));
                json_object_object_add(e, "text", json_object_new_string(r->evidence[j].text ?: ""));
                json_object_array_add(ev, e);
        }
        json_object_object_add(o, "evidence", ev);
        json_object_object_add(o, "hint", r->hint ? json_object_new_string(r->hint) : NULL);
        return o;
}

#define FLAGS (JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/* One value, written on one line and freed: the report is written as it is
 * built, a row at a time, so that its size in memory stays that of a row,
 * and a reader may take it a line (a node, a row) at a time. */
static void put(FILE *f, json_object *o) {
        /* Strict parsers (Python's json) refuse bytes that are not UTF-8. */
        mc_json_utf8(o);
        fputs(json_object_to_json_string_ext(o, FLAGS), f);
        json_object_put(o);
}

static void put_key(FILE *f, bool first, const char *key) {
        _cleanup_json_ json_object *k = json_object_new_string(key);

        mc_json_utf8(k);
        fprintf(f, "%s\n  %s: ", first ? "" : ",", json_object_to_json_string_ext(k, FLAGS));
}

int mc_report_json(FILE *f, const struct mc_cluster *c, const struct mc_results *rs, json_object *extra) {
        json_object *summary = json_object_new_object();
        size_t counts[_MC_STATUS_MAX];

        fputc('{', f);
        put_key(f, true, "schema_version");
        put(f, json_object_new_int(MC_REPORT_SCHEMA_VERSION));
        put_key(f, false, "migcheck_version");
        put(f, json_object_new_string(MC_VERSION));
        put_key(f, false, "nodes");
        fputc('[', f);
        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *n = &c->nodes[i];
                json_object *o = json_object_new_object();
                const char *host = mc_json_str(mc_json_get(n->facts, "node"), "hostname");

                json_object_object_add(o, "name", json_object_new_string(n->name));
                if (host)
                        json_object_object_add(o, "hostname", json_object_new_string(host));
                json_object_object_add(o, "collected", json_object_new_boolean(n->facts != NULL));
                if (n->error)
                        json_object_object_add(o, "error", json_object_new_string(n->error));
                fputs(i ? ",\n    " : "\n    ", f);
                put(f, o);
        }
        fputs(c->n_nodes ? "\n  ]" : "]", f);
        put_key(f, false, "results");
        fputc('[', f);
        for (size_t i = 0; i < rs->n; i++) {
                fputs(i ? ",\n    " : "\n    ", f);
                put(f, result_json(&rs->items[i]));
        }
        fputs(rs->n ? "\n  ]" : "]", f);

        mc_results_count(rs, counts);
        for (int s = 0; s < _MC_STATUS_MAX; s++)
                json_object_object_add(summary, mc_status_to_string(s), json_object_new_int64((int64_t) counts[s]));
        json_object_object_add(summary, "total", json_object_new_int64((int64_t) rs->n));
        json_object_object_add(summary, "exit_code", json_object_new_int(mc_results_exit_code(rs)));
        put_key(f, false, "summary");
        put(f, summary);
        /* Verb-specific members, e.g. "fix": the plan that was applied. */
        if (extra) {
                json_object_object_foreach(extra, key, val) {
                        put_key(f, false, key);
                        put(f, json_object_get(val));
                }
        }
        fputs("\n}\n", f);
        return ferror(f) ? -EIO : 0;
}
