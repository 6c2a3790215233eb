/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "confparse.h"
#include "pkgdb.h"
#include "rootfs.h"

struct mc_collect_opts {
        const char *root;          /* NULL or "/": this machine */
        unsigned needs;            /* MC_NEED_* of the checks to run */
        const char *nova_release;  /* override, e.g. "icehouse" */
        char *const *peers;        /* the other nodes: "NAME" or "NAME=ADDRESS" */
        char *const *targets;      /* names the other nodes hand out for migration (--migration-target) */
};

/* Collect one node's facts. Fails only when nothing could be collected
 * (the root does not exist); a file that does not parse is a fact. */
int mc_collect(const struct mc_collect_opts *o, json_object **ret, char **ret_error);

/* The collectors, each adding its part to facts. */
struct mc_collector {
        struct mc_rootfs *fs;
        augeas *aug;
        bool live;     /* this machine, running: processes and sockets are visible */
        json_object *facts;
        char *const *peers;
        char *const *targets;
};

void mc_collect_os(struct mc_collector *c);
void mc_collect_versions(struct mc_collector *c, const char *nova_release);
/* versions.nova (src/collect_nova_release.c); dpkg's hits for nova's
 * packages come from mc_collect_versions, which reads dpkg's status once. */
/* --nova-release R: versions.nova is R, on collected and on saved facts
 * (what the node's collection found stays, as "collected"). */
void mc_nova_release_override(json_object *facts, const char *release);
void mc_collect_nova_release(struct mc_collector *c, const char *override, const char *const *dpkg_pkgs,
                             struct mc_pkg_hit *dpkg_hits, size_t n_dpkg);
void mc_collect_libvirt_conf(struct mc_collector *c, unsigned needs);
void mc_collect_startup(struct mc_collector *c);
void mc_collect_init(struct mc_collector *c);
void mc_collect_nova(struct mc_collector *c);
void mc_collect_runtime(struct mc_collector *c);
void mc_collect_libvirt_api(struct mc_collector *c);
void mc_collect_hosts(struct mc_collector *c);
void mc_collect_mounts(struct mc_collector *c);
void mc_collect_net(struct mc_collector *c);
/* net.pmtu (src/collect_pmtu.c): reads net.routes. */
void mc_collect_pmtu(struct mc_collector *c);
void mc_collect_probes(struct mc_collector *c);
/* migration_targets: each --migration-target resolved and connected to (live only). */
void mc_collect_migration_targets(struct mc_collector *c);
/* Bounded connects from src/collect_probes.c, for other collectors. */
void mc_probe_addresses(const char *const *addresses, size_t n, unsigned port, int *ret_err, unsigned *ret_ms);
const char *mc_probe_result(int err);
void mc_collect_firewall(struct mc_collector *c);

/* How nova.conf and each file nova reads with it is parsed (path: nova.conf's). */
extern const struct mc_conf_spec mc_nova_conf_spec;
/* How the libvirt configuration file of this kind ("libvirtd", "qemu",
 * "sasl2", "libvirt-auth", ...) is parsed, or NULL: the collector's own
 * spec, for the fuzzers and benches. */
const struct mc_conf_spec *mc_libvirt_conf_spec(const char *kind);

/* Record a parsed config file under facts.files. */
json_object *mc_collect_conf(struct mc_collector *c, const struct mc_conf_spec *spec);
