/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cluster.h"

#include "util.h"

struct mc_node *mc_cluster_add(struct mc_cluster *c, const char *name) {
        struct mc_node *n;

        c->nodes = mc_assert_alloc(reallocarray(c->nodes, c->n_nodes + 1, sizeof(*c->nodes)));
        n = &c->nodes[c->n_nodes++];
        *n = (struct mc_node) { .name = mc_strdup(name) };
        return n;
}

void mc_cluster_done(struct mc_cluster *c) {
        for (size_t i = 0; i < c->n_nodes; i++) {
                free(c->nodes[i].name);
                free(c->nodes[i].address);
                free(c->nodes[i].error);
                free(c->nodes[i].source);
                json_object_put(c->nodes[i].facts);
                json_object_put(c->nodes[i].report);
        }
        free(c->nodes);
        *c = (struct mc_cluster) {};
}
