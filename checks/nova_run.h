/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "check.h"
#include "nova_release.h"

/* One nova check for one release: reports exactly one row. */
typedef void (*mc_nova_eval_fn)(struct mc_check_ctx *ctx, enum mc_nova_release rel);

/* SKIP without nova.conf, ERROR when a nova file did not parse; true when
 * the check can go on. */
bool mc_nova_prelude(struct mc_check_ctx *ctx);

/* The prelude, then eval for the node's release, or for every candidate
 * release when it is unknown, reported as one row. */
void mc_nova_run(struct mc_check_ctx *ctx, mc_nova_eval_fn eval);
