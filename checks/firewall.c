/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "checks.h"

void mc_check_firewall_backend(struct mc_check_ctx *ctx) {
}

void mc_check_firewall_libvirt_port(struct mc_check_ctx *ctx) {
}

void mc_check_firewall_migration_ports(struct mc_check_ctx *ctx) {
}

void mc_check_firewall_persistent(struct mc_check_ctx *ctx) {
}
