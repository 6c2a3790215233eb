/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A node's answer to `migcheck fix --format json`, as the coordinator
 * reads it. It comes over a transport from a machine the coordinator does
 * not control, so it is hostile input like any facts document: every
 * member's type is checked before any is used (json-c asserts, and the
 * process aborts, on an array accessor given another type). */

#include <json-c/json.h>

#include "results.h"

/* 0 when report has the shape a fix report has (results: an array of
 * objects with string check, status, summary, optional hint and an
 * evidence array of objects; fix: an object whose not_fixed, restart,
 * diff, error members have their types); else -EBADMSG and, in
 * ret_error, the first member that does not. */
int mc_node_report_check(json_object *report, char **ret_error);

/* Add the report's rows for node to rs (the report checked first; nothing
 * is added to rs when it fails). */
int mc_node_report_rows(const char *node, json_object *report, struct mc_results *rs, char **ret_error);
