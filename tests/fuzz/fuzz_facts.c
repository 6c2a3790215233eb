/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A facts document as `--from`, the fan-out and a node-side fix read it:
 * mc_facts_parse(), then every check of the table over the nodes, then the
 * text and the JSON report. A document with a "cluster" array (the
 * coordinator's --cluster-facts document) gives one node per member; any
 * other gives two nodes with the same facts, so that the cluster checks
 * compare nodes. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "cluster.h"
#include "facts.h"
#include "fuzz.h"
#include "report.h"
#include "results.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *err = NULL;
        _cleanup_json_ json_object *doc = NULL;
        struct mc_cluster c = {};
        struct mc_results rs = {};
        json_object *members;

        if (mc_facts_parse((const char *) data, size, &doc, &err) < 0)
                return 0;
        members = mc_json_get(doc, "cluster");
        if (members && json_object_is_type(members, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(members) && i < 64; i++) {
                        json_object *m = json_object_array_get_idx(members, i);
                        char name[32];

                        if (!json_object_is_type(m, json_type_object))
                                continue;
                        snprintf(name, sizeof(name), "node-%zu", i);
                        mc_cluster_add(&c, mc_json_str(m, "node_name") ?: name)->facts = json_object_get(m);
                }
        } else {
                mc_cluster_add(&c, "compute-a")->facts = json_object_get(doc);
                mc_cluster_add(&c, "compute-b.example.com")->facts = json_object_get(doc);
        }
        mc_checks_run(&c, NULL, NULL, &rs);
        if (rs.n == 0 && c.n_nodes > 0)
                abort();  /* every check reports on every node */
        mc_report_text(mc_fuzz_sink(), &c, &rs, true, true);
        mc_report_json(mc_fuzz_sink(), &c, &rs, NULL);
        mc_results_exit_code(&rs);
        mc_results_done(&rs);
        mc_cluster_done(&c);
        return 0;
}
