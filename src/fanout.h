/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Collecting many nodes at once. Each remote node runs `migcheck collect`
 * itself (it must see its own kernel, files and daemons), reached through
 * a transport: a command prefix (--exec TEMPLATE) or OpenSSH. A bounded
 * pool of child processes with a deadline each: a node that hangs, dies
 * or prints garbage becomes an error for that node, never a hung run. */

#include <stdbool.h>

#include "cluster.h"

enum mc_transport_kind {
        MC_TRANSPORT_LOCAL,  /* in process; only for this machine */
        MC_TRANSPORT_EXEC,   /* /bin/sh -c "TEMPLATE REMOTE collect ..." */
        MC_TRANSPORT_SSH,    /* ssh -o BatchMode=yes ADDRESS REMOTE collect ... */
        _MC_TRANSPORT_MAX,
};

struct mc_fanout_opts {
        enum mc_transport_kind kind;
        const char *exec_template;    /* "{node}" is replaced by the node's shell-quoted name */
        const char *remote_migcheck;  /* default "migcheck" */
        unsigned jobs;                /* at most this many nodes at once */
        unsigned timeout_ms;          /* per node, from its start */
        const char *nova_release;     /* passed on */
        char *const *only;            /* passed on: the remote collects what these checks need */
        char *const *skip;
        /* The node-side verb: NULL is "collect" (facts into nodes[i].facts);
         * "fix" puts the node's JSON report into nodes[i].report. */
        const char *verb;
        char *const *verb_args;       /* more arguments for it, each shell-quoted here */
        const char *stdin_data;       /* fed to every node's standard input (NULL: /dev/null) */
        size_t stdin_len;
        /* Called as nodes finish (the library never prints). */
        void (*progress)(size_t done, size_t total, void *userdata);
        void *userdata;
};

/* Output larger than this is not facts: the node is an error. */
#define MC_FANOUT_MAX_OUTPUT (16u * 1024u * 1024u)

/* How many nodes can run at once within the open-files limit (four
 * descriptors each), after raising the soft limit towards the hard one:
 * want, or fewer when even the hard limit is too low. *ret_nofile gets
 * the limit. mc_fanout_collect() keeps to it; callers may say so. */
unsigned mc_fanout_max_jobs(unsigned want, unsigned *ret_nofile);

/* Fill nodes[i].facts (or .report) or nodes[i].error for every node of c
 * that has no error yet. */
int mc_fanout_collect(struct mc_cluster *c, const struct mc_fanout_opts *o);

/* Every node's facts in one document, {"schema_version":2,"cluster":[...]}
 * with "node_name" added to each, for a node-side fix to see the cluster. */
char *mc_cluster_facts_json(const struct mc_cluster *c);

/* The same from that document, on the node: every node but self, with the
 * address the coordinator knows it by (its "inventory" record). */
char **mc_cluster_doc_peers(json_object *doc, const char *self);

