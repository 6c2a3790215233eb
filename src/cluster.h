/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct mc_node {
        char *name;            /* as the user named it; the hostname for a single local node */
        char *address;         /* from the inventory; NULL: resolve name */
        json_object *facts;    /* owned; NULL when collection failed */
        json_object *report;   /* owned; a node-side verb's JSON report (fix) */
        char *error;           /* why there are no facts */
        char *source;          /* --from: the entry it was read from (DIR/NAME.json or DIR/TREE) */
        bool tree;             /* --from: source is the node's root tree, collected */
};

struct mc_address_memo;

struct mc_cluster {
        struct mc_node *nodes;
        size_t n_nodes;
        /* Run state, not data: set by mc_checks_run_table for one run so
         * that mc_node_address (checks/peers.c) indexes the cluster once
         * instead of scanning it per call. NULL outside a run. */
        struct mc_address_memo *address_memo;
};

struct mc_node *mc_cluster_add(struct mc_cluster *c, const char *name);
void mc_cluster_done(struct mc_cluster *c);
