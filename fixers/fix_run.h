/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cluster.h"
#include "collect.h"
#include "fix.h"

struct mc_fix_request {
        const struct mc_collect_opts *collect;  /* this machine or --root */
        char *const *only;
        char *const *skip;
        const struct mc_fix_opts *opts;
        bool dry_run;
        bool restart;   /* run the plan's restart commands */
        /* Run as a node of a cluster: the name the coordinator knows it
         * by, and every node's facts ({"schema_version":2,"cluster":[...]})
         * so that cluster checks and their fixers see the others. */
        const char *node_name;
        json_object *cluster_facts;
        /* A plan read back (fix --plan): applied instead of planning, taken
         * (moved into the outcome); each file must hold what the plan
         * recorded and render what it showed, or nothing is written. */
        struct mc_plan *plan;
};

struct mc_fix_outcome {
        struct mc_plan plan;
        struct mc_render render;
        char *diff;            /* unified diff and file-system operations */
        char *error;           /* why nothing (more) was written */
        bool applied;
        bool restarted;        /* the restart commands ran (--restart) */
        size_t written;        /* files, operations and live rules in place at the end */
        char **written_files;  /* the files and operations among them, as on the node */
        char **restart_failed;
        char **commands_failed;  /* firewall commands that did not exit 0 */
        char **notes;          /* how files were written, when not atomically ("wrote F in place: ...") */
};

/* Check the node, plan, render; unless dry_run write and check again.
 * out receives the final rows (FIXED, or FAIL "the fix did not resolve
 * it"); on a render error nothing is written and out holds the check's
 * rows. */
int mc_fix_run(const struct mc_fix_request *req, struct mc_cluster *c, struct mc_results *out, struct mc_fix_outcome *o);
void mc_fix_outcome_done(struct mc_fix_outcome *o);

/* A cluster fixed node by node is checked again as a whole once every
 * node is done: a node's own re-check ran while its peers were still
 * restarting. fresh is that cluster check, fixed the nodes' fix rows; out
 * gets fresh's rows, FIXED where a node's fix addressed a check that
 * passes now, FAIL "the fix did not resolve it" where it still fails. */
void mc_fix_merge_recheck(const struct mc_results *fixed, const struct mc_results *fresh, struct mc_results *out);
