/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every fixer, one per fixable check id: mc_fix_<id with _ for ->. */

#include "fix.h"
#include "virtconf.h"

int mc_fix_firewall_libvirt_port(struct mc_fix_ctx *ctx);
int mc_fix_firewall_migration_ports(struct mc_fix_ctx *ctx);
int mc_fix_firewall_persistent(struct mc_fix_ctx *ctx);
int mc_fix_host_uuid_unique(struct mc_fix_ctx *ctx);
int mc_fix_hosts_consistent(struct mc_fix_ctx *ctx);
int mc_fix_hosts_loopback_hostname(struct mc_fix_ctx *ctx);
int mc_fix_libvirt_host_uuid(struct mc_fix_ctx *ctx);
int mc_fix_libvirt_hostname_resolvable(struct mc_fix_ctx *ctx);
int mc_fix_libvirtd_auth(struct mc_fix_ctx *ctx);
int mc_fix_libvirtd_listen(struct mc_fix_ctx *ctx);
int mc_fix_libvirtd_startup(struct mc_fix_ctx *ctx);
int mc_fix_nova_config_drive(struct mc_fix_ctx *ctx);
int mc_fix_nova_cpu_mode(struct mc_fix_ctx *ctx);
int mc_fix_nova_instances_path(struct mc_fix_ctx *ctx);
int mc_fix_nova_live_migration_flag(struct mc_fix_ctx *ctx);
int mc_fix_nova_migration_uri(struct mc_fix_ctx *ctx);
int mc_fix_nova_vnc_listen(struct mc_fix_ctx *ctx);
int mc_fix_qemu_migration_ports(struct mc_fix_ctx *ctx);

/* The command that restarts service on this node's distro ("libvirtd"
 * is libvirt-bin on Ubuntu 14.04 and 16.04). */
char *mc_restart_command(json_object *facts, const char *service);

/* libvirt's own files (libvirtd.conf, virtqemud.conf, qemu.conf ...): values
 * as written, so a string is planned quoted (mc_virtconf_quote) and an
 * integer bare. */
#define LENS_LIBVIRTD MC_LENS_VIRTCONF
#define LENS_QEMU MC_LENS_VIRTCONF
#define LENS_SHELLVARS "Mc_shellvars.lns"
#define LENS_NOVA "Mc_nova.lns"
#define LENS_HOSTS "Hosts.lns"
