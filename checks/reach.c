/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "checks.h"

void mc_check_reach_libvirt_port(struct mc_check_ctx *ctx) {
}
