/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A fix plan as a file (fix --dry-run --plan-out FILE, fix --plan FILE):
 * per node, each file with the SHA-256 of its bytes before and of the
 * text the edits render, the edits themselves (per key, never the whole
 * file: a secret the fix does not change never enters the plan, and
 * migcheck's fixers change no secret), the file-system operations, the
 * live firewall inserts, the restarts. docs/fix-plan.md is the schema.
 * Read back it is hostile input: every member is type-checked and
 * bounded, paths are absolute without "." or ".." components, and only
 * the lenses, commands and operations the fixers make are taken. */

#include <json-c/json.h>

#include "fix.h"

#define MC_PLAN_KIND "migcheck-fix-plan"
#define MC_PLAN_SCHEMA_VERSION 1
#define MC_PLAN_MAX_SIZE (64u * 1024u * 1024u)

/* One node's entry: name, tree (the --from entry, or NULL), the plan and
 * what it renders (r: the dry run's render of plan), the shown diff.
 * Refuses (-EPERM) a plan that would set a secret. */
int mc_plan_node_json(const char *name, const char *tree, const struct mc_plan *plan, const struct mc_render *r,
                      const char *diff, json_object **ret, char **ret_error);

/* The whole document, {"kind", "schema_version", "nodes": [...]}: text of
 * at most MC_PLAN_MAX_SIZE bytes, checked down to the nodes' array. */
int mc_plan_doc_parse(const char *text, size_t len, json_object **ret, char **ret_error);

/* One node's entry read back into a plan whose files expect their
 * checksums (fix.h, struct mc_file_fix). ret_name and ret_tree point into
 * node (ret_tree NULL when the entry has none). */
int mc_plan_node_parse(json_object *node, struct mc_plan *ret, const char **ret_name, const char **ret_tree,
                       char **ret_error);
