/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* --from DIR: nodes from what was collected before. Each *.json file is a
 * node's facts (migcheck collect -o); each directory is a node's root tree
 * (an extracted sosreport, a copy of /etc), collected as --root would. */

#include "cluster.h"
#include "collect.h"

int mc_cluster_from_dir(struct mc_cluster *c, const char *dir, const struct mc_collect_opts *o, char **ret_error);

/* --save-facts DIR: one NAME.json per collected node, written atomically. */
int mc_cluster_save_facts(const struct mc_cluster *c, const char *dir, char **ret_error);
