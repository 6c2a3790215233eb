/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>

#include "cluster.h"
#include "results.h"

enum mc_format {
        MC_FORMAT_TEXT,
        MC_FORMAT_JSON,
        _MC_FORMAT_MAX,
};

int mc_report_text(FILE *f, const struct mc_cluster *c, const struct mc_results *rs, bool color, bool verbose);
/* extra: members added to the report object (may be NULL). */
int mc_report_json(FILE *f, const struct mc_cluster *c, const struct mc_results *rs, json_object *extra);
/* The check table, for `migcheck list`. */
int mc_list_text(FILE *f);
int mc_list_json(FILE *f);
int mc_list_markdown(FILE *f);
