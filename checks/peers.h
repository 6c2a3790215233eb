/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Who the other nodes are, as the checks that look across nodes need it. */

#include "cluster.h"

/* The address other nodes use to reach n for migration: its inventory
 * address, else what the nodes' own facts agree on. NULL when unknown;
 * a check that needs it then reports ERROR, never PASS. */
const char *mc_node_address(const struct mc_cluster *c, const struct mc_node *n);
