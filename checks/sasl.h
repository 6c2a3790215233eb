/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "check.h"
#include "nova_options.h"

/* libvirtd-auth's row for key (auth_tcp) = sasl in the daemon's conf, set
 * (auth) or libvirt's default (auth NULL), on the destination node of ctx. */
void mc_check_sasl(struct mc_check_ctx *ctx, const struct mc_transport *t, const char *conf, const char *key,
                   const struct mc_setting *auth);
