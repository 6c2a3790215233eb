/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the network collectors (collect_net.c, collect_probes.c):
 * which address this node uses for each peer. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* Forward lookups of peers' names that neither the coordinator nor the
 * "resolve" facts answered are bounded by this, for the whole batch. */
#define MC_NET_FORWARD_DEADLINE_MS 2500u
/* Reverse lookups of the peers' addresses, for the whole batch. */
#define MC_NET_REVERSE_DEADLINE_MS 2500u

struct mc_peer_target {
        const char *name;     /* borrowed from facts.peers */
        char *address;        /* numeric; NULL when unknown (error says why) */
        const char *source;   /* "peer" (coordinator), "net" (net.routes), "resolve" (NSS facts), "getaddrinfo" */
        char **resolved;      /* getaddrinfo's addresses, when this collector looked the name up */
        char *error;
};

/* One target per entry of facts.peers. The address is the coordinator's
 * (or the name itself) when numeric, else the one net.routes already chose,
 * else the first of the "resolve" facts for the name, else a bounded
 * getaddrinfo() here of the coordinator's address (an ssh target may be a
 * name) or of the name: the address a connect from this node would use. */
void mc_peer_targets(json_object *facts, struct mc_peer_target **ret, size_t *ret_n);
void mc_peer_targets_free(struct mc_peer_target *t, size_t n);

/* A numeric address is a name too: a node named 10.0.0.2 needs no lookup. */
bool mc_is_numeric_address(const char *s);
