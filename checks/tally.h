/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Counting the values nodes have for one setting, to find the one the
 * cluster agrees on and the nodes that differ: linear in the nodes. */

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "check.h"

struct mc_tally_group {
        const char *key;      /* borrowed from the caller, who keeps it alive */
        size_t count, first;  /* first: a node on it, for its text */
        size_t ex[MC_NAMES_SHOWN];  /* the first nodes on it, named in rows */
};

struct mc_tally {
        GHashTable *groups;   /* key -> struct mc_tally_group */
        const struct mc_tally_group *best;  /* the most common value */
        bool tie;             /* ...shared with another: nobody is right */
        size_t total;
        struct mc_tally_group **sorted;  /* most common first, then by first node */
        size_t n_groups;
};

void mc_tally_init(struct mc_tally *t);
void mc_tally_add(struct mc_tally *t, const char *key, size_t node);
/* After the last add: sort, and find the best. */
void mc_tally_done(struct mc_tally *t);
void mc_tally_free(struct mc_tally *t);

/* "VALUE on 3 nodes (n1, n2, n3), OTHER on 1 node (n4)": the most common
 * groups first, at most MC_NAMES_SHOWN, skip left out, the rest counted; label()
 * describes a group, name() a node by its index. Constant cost per row,
 * however many nodes and values. */
char *mc_tally_text(const struct mc_tally *d, const struct mc_tally_group *skip, const char *sep,
                    const char *(*label)(const void *data, const struct mc_tally_group *g),
                    const char *(*name)(const void *data, size_t node), const void *data);
