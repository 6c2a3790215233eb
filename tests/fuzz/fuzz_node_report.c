/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A node's answer to `migcheck fix --format json --cluster-facts -`, as the
 * coordinator of a cluster fix reads it (main.c fix_cluster): parsed like
 * every document from a node (mc_facts_parse), its rows taken with
 * mc_node_report_rows() (src/node_report.c), then the text and the JSON
 * report of the coordinator. A report is hostile input: the nodes have
 * already written their fixes when it is read (issue 10, item 3). */
#include <stdlib.h>

#include "cluster.h"
#include "facts.h"
#include "fuzz.h"
#include "node_report.h"
#include "report.h"
#include "results.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *err = NULL, *bad = NULL;
        json_object *doc = NULL;
        struct mc_cluster c = {};
        struct mc_results rs = {};

        if (mc_facts_parse((const char *) data, size, &doc, &err) < 0)
                return 0;
        mc_cluster_add(&c, "compute-a")->report = doc;
        if (mc_node_report_rows("compute-a", doc, &rs, &bad) < 0) {
                if (!bad || rs.n != 0)
                        abort();  /* refused: says why, and adds no row */
                mc_results_add(&rs, "fix", "compute-a", MC_ERROR, "not fixed: the node's report is not readable: %s", bad);
        }
        mc_report_text(mc_fuzz_sink(), &c, &rs, false, true);
        mc_report_json(mc_fuzz_sink(), &c, &rs, NULL);
        mc_results_done(&rs);
        mc_cluster_done(&c);
        return 0;
}
