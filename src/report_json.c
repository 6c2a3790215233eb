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

int mc_report_json(FILE *f, const struct mc_cluster *c, const struct mc_results *rs, json_object *extra) {
        _cleanup_json_ json_object *root = json_object_new_object();
        json_object *nodes = json_object_new_array(), *results = json_object_new_array();
        json_object *summary = json_object_new_object();
        size_t counts[_MC_STATUS_MAX];

        json_object_object_add(root, "schema_version", json_object_new_int(MC_REPORT_SCHEMA_VERSION));
        json_object_object_add(root, "migcheck_version", json_object_new_string(MC_VERSION));
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
                json_object_array_add(nodes, o);
        }
        json_object_object_add(root, "nodes", nodes);
        for (size_t i = 0; i < rs->n; i++)
                json_object_array_add(results, result_json(&rs->items[i]));
        json_object_object_add(root, "results", results);

        mc_results_count(rs, counts);
        for (int s = 0; s < _MC_STATUS_MAX; s++)
                json_object_object_add(summary, mc_status_to_string(s), json_object_new_int64((int64_t) counts[s]));
        json_object_object_add(summary, "total", json_object_new_int64((int64_t) rs->n));
        json_object_object_add(summary, "exit_code", json_object_new_int(mc_results_exit_code(rs)));
        json_object_object_add(root, "summary", summary);
        /* Verb-specific members, e.g. "fix": the plan that was applied. */
        if (extra) {
                json_object_object_foreach(extra, key, val)
                        json_object_object_add(root, key, json_object_get(val));
        }

        /* Strict parsers (Python's json) refuse bytes that are not UTF-8. */
        mc_json_utf8(root);
        fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE),
              f);
        fputc('\n', f);
        return ferror(f) ? -EIO : 0;
}
