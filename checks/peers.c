/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "peers.h"

#include "facts.h"
#include "util.h"

const char *mc_node_address(const struct mc_cluster *c, const struct mc_node *n) {
        if (n->address)
                return n->address;
        /* The coordinator told every node its peers' addresses; with --from
         * the saved facts still carry them. */
        for (size_t i = 0; i < c->n_nodes; i++) {
                json_object *peers = mc_json_get(c->nodes[i].facts, "peers");

                if (!peers || !json_object_is_type(peers, json_type_array))
                        continue;
                for (size_t k = 0; k < json_object_array_length(peers); k++) {
                        json_object *p = json_object_array_get_idx(peers, k);
                        const char *a = mc_json_str(p, "address");

                        if (a && streq_ptr(mc_json_str(p, "name"), n->name))
                                return a;
                }
        }
        return NULL;
}
