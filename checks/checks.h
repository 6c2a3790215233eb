/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every check's entry point, one per id: mc_check_<id with _ for ->. */

#include "check.h"

void mc_check_config_drift(struct mc_check_ctx *ctx);
void mc_check_dns_resolution(struct mc_check_ctx *ctx);
void mc_check_firewall_backend(struct mc_check_ctx *ctx);
void mc_check_firewall_libvirt_port(struct mc_check_ctx *ctx);
void mc_check_firewall_migration_ports(struct mc_check_ctx *ctx);
void mc_check_firewall_persistent(struct mc_check_ctx *ctx);
void mc_check_mtu_consistent(struct mc_check_ctx *ctx);
void mc_check_reach_libvirt_port(struct mc_check_ctx *ctx);
void mc_check_route_peer(struct mc_check_ctx *ctx);
void mc_check_cpu_compatible(struct mc_check_ctx *ctx);
void mc_check_host_uuid_unique(struct mc_check_ctx *ctx);
void mc_check_hosts_consistent(struct mc_check_ctx *ctx);
void mc_check_hosts_loopback_hostname(struct mc_check_ctx *ctx);
void mc_check_instances_path_consistent(struct mc_check_ctx *ctx);
void mc_check_libvirt_hostname_resolvable(struct mc_check_ctx *ctx);
void mc_check_migration_address_resolvable(struct mc_check_ctx *ctx);
void mc_check_version_skew(struct mc_check_ctx *ctx);
void mc_check_libvirt_host_uuid(struct mc_check_ctx *ctx);
void mc_check_libvirtd_auth(struct mc_check_ctx *ctx);
void mc_check_libvirtd_listen(struct mc_check_ctx *ctx);
void mc_check_libvirtd_startup(struct mc_check_ctx *ctx);
void mc_check_nova_config_drive(struct mc_check_ctx *ctx);
void mc_check_nova_cpu_mode(struct mc_check_ctx *ctx);
void mc_check_nova_instances_path(struct mc_check_ctx *ctx);
void mc_check_nova_live_migration_flag(struct mc_check_ctx *ctx);
void mc_check_nova_migration_uri(struct mc_check_ctx *ctx);
void mc_check_nova_vnc_listen(struct mc_check_ctx *ctx);
void mc_check_qemu_migration_ports(struct mc_check_ctx *ctx);

/* qemu.conf's migration port range, libvirt's defaults where unset;
 * -EINVAL when a bound is not a number. */
int mc_qemu_migration_range(json_object *facts, long *ret_lo, long *ret_hi);
/* uuid lower-cased without dashes, as libvirt compares them. */
void mc_uuid_normalise(const char *uuid, char *out, size_t n);
/* A UUID firmware vendors put in every board of a model. */
bool mc_uuid_is_firmware_default(const char *uuid);

/* The newest CPU model every node of c lists as usable (libvirt's
 * domain capabilities, mode custom), and in *ret_n how many nodes that
 * is; NULL when a node's models are unknown or none is common. */
const char *mc_cpu_baseline_model(const struct mc_cluster *c, size_t *ret_n);

/* The distinct values the nodes hand out for migration
 * (live_migration_inbound_addr, else migration_host): what the coordinator
 * asks every node to resolve and reach (collect --migration-target). */
char **mc_migration_targets(const struct mc_cluster *c);

/* Valid, more than one port, clear of 22, 16509 and 16514. */
bool mc_qemu_range_usable(long lo, long hi);
