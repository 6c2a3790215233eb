/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Test helpers: build a node's root file system in a temporary directory,
 * collect it with the real collectors (real Augeas, real lenses), run one
 * check, and look at its rows. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "check.h"
#include "collect.h"
#include "results.h"

char *tree_new(void);
void tree_free(char *root);
void tree_write(const char *root, const char *path, const char *content);
/* The file's text, NULL when it cannot be read; free() it. */
char *tree_read(const char *root, const char *path);
void tree_mkdir(const char *root, const char *path, uid_t uid, gid_t gid);
void tree_symlink(const char *root, const char *path, const char *target);

/* Distro skeletons: os identification, passwd and package versions. */
void tree_os(const char *root, const char *os_release);
void tree_passwd(const char *root, uid_t nova_uid);
void tree_dpkg(const char *root, const char *const *pkg_versions /* "name=version", NULL-terminated */);

/* Collect root (needs: all) and run one check; rows land in out. */
void run_check(const char *root, const char *check_id, const char *nova_release, struct mc_results *out);

/* The only row of check_id, failing the test when there is not exactly one. */
const struct mc_result *one_row(const struct mc_results *rs);

void assert_row(const struct mc_result *r, enum mc_status st, const char *summary_part);
void assert_evidence(const struct mc_result *r, const char *file, unsigned line, const char *text_part);

/* Clusters from facts: each node's facts as JSON text (schema_version is
 * added when missing), so that cluster checks are tested from fixtures. */
struct mc_node *cluster_add_json(struct mc_cluster *c, const char *name, const char *json);
/* A node collected from a tree, as --from DIR/NODE/ would. */
struct mc_node *cluster_add_tree(struct mc_cluster *c, const char *name, const char *root);
void run_cluster_check(const struct mc_cluster *c, const char *check_id, struct mc_results *out);
/* The row of check_id for node, failing when there is not exactly one. */
const struct mc_result *row_of(const struct mc_results *rs, const char *node);

/* iptables-save text as the facts record a filter table (the Iptables lens). */
json_object *parse_rules(const char *rules);
