/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The check table and what a check sees.
 *
 * A check is a pure function of facts: it does no I/O and never prints.
 * It reports through the mc_check_ctx helpers, one or more rows for its
 * node. The table in checks/registry.c lists every check; its ids are
 * part of migcheck's contract with scripts and must never change. */

#include <stdbool.h>

#include "cluster.h"
#include "facts.h"
#include "results.h"

enum mc_scope {
        MC_SCOPE_NODE,     /* run once per node, from that node's facts */
        MC_SCOPE_CLUSTER,  /* run once per node, comparing it with the others */
        _MC_SCOPE_MAX,
};

/* Which facts a check reads: a run collects (and loads Augeas lenses for)
 * only the union of what its selected checks need. */
enum {
        MC_NEED_LIBVIRTD = 1u << 0,  /* libvirtd.conf, virtproxyd.conf */
        MC_NEED_QEMU = 1u << 1,      /* qemu.conf */
        MC_NEED_STARTUP = 1u << 2,   /* /etc/default, /etc/sysconfig, systemd units */
        MC_NEED_NOVA = 1u << 3,      /* nova.conf, nova.conf.d, instances_path */
        MC_NEED_RUNTIME = 1u << 4,   /* running daemons, listening ports (live only) */
        MC_NEED_LIBVIRT_API = 1u << 5, /* the running libvirt: versions, hostname, UUID, CPU (live only) */
        MC_NEED_HOSTS = 1u << 6,     /* /etc/hosts and name resolution of the peers */
        MC_NEED_MOUNTS = 1u << 7,    /* the mount that holds instances_path */
        MC_NEED_NET = 1u << 8,       /* routes, links, addresses (netlink), DNS of the peers (live only) */
        MC_NEED_PROBE = 1u << 9,     /* TCP connects to the peers' libvirt ports (live only) */
        MC_NEED_FIREWALL = 1u << 10, /* the filter table (libiptc / iptables-save) and the persisted rules */
        MC_NEED_ALL = (1u << 11) - 1,
};

/* How many peers, nodes or values a row names before it counts the rest
 * ("and 995 more"): the one cap of every check, so that a row's size does
 * not grow with the cluster. */
#define MC_NAMES_SHOWN 8

struct mc_check_ctx;
struct mc_fix_ctx;

struct mc_check {
        const char *id;     /* stable, kebab-case */
        const char *title;
        enum mc_scope scope;
        unsigned needs;
        void (*run)(struct mc_check_ctx *ctx);
        const char *doc;    /* one paragraph for docs/checks.md: what breaks and why */
        /* Plans the fix of a failing row (fixers/); NULL: fix_note says why not. */
        int (*fix)(struct mc_fix_ctx *ctx);
        const char *fix_note;
};

struct mc_scratch {
        void *data;
        void (*destroy)(void *data);
};

struct mc_check_ctx {
        const struct mc_check *check;
        const struct mc_cluster *cluster;
        const struct mc_node *node;
        json_object *facts;    /* node->facts */
        struct mc_results *out;
        size_t n_reported;
        struct mc_scratch *scratch;  /* this check's, for this run */
};

/* State a check keeps for one run over the cluster: built by build() at
 * the first node, handed back at the others, destroyed when the run ends.
 * Cluster checks index all nodes once instead of once per node. */
void *mc_check_scratch(struct mc_check_ctx *ctx, void *(*build)(const struct mc_cluster *c), void (*destroy)(void *data));
/* Destroy a scratch a caller outside mc_checks_run gave its context. */
void mc_scratch_done(struct mc_scratch *s);

/* Report one row for ctx's check and node. */
struct mc_result *mc_report(struct mc_check_ctx *ctx, enum mc_status st, const char *fmt, ...) _printf_(3, 4);

/* Report a row prepared elsewhere (a verdict the running state may
 * override), with its evidence and hint; summary NULL keeps from's. */
struct mc_result *mc_report_copy(struct mc_check_ctx *ctx, enum mc_status st, const char *summary,
                                 const struct mc_result *from);

/* Evidence from a setting: its file, line and text. */
void mc_evidence_setting(struct mc_result *r, const struct mc_setting *s);

/* When path could not be parsed, report ERROR naming file, line and the
 * parser's message, and return false. */
bool mc_require_file(struct mc_check_ctx *ctx, const char *path);

extern const struct mc_check mc_checks[];
extern const size_t mc_n_checks;

const struct mc_check *mc_check_find(const char *id);
const char *mc_scope_to_string(enum mc_scope s);

/* Run the selected checks (all when only is NULL) over the cluster. */
void mc_checks_run(const struct mc_cluster *c, char *const *only, char *const *skip, struct mc_results *out);
void mc_checks_run_table(const struct mc_check *table, size_t n_table, const struct mc_cluster *c, char *const *only,
                         char *const *skip, struct mc_results *out);
unsigned mc_checks_needs(char *const *only, char *const *skip);
bool mc_check_selected(const struct mc_check *chk, char *const *only, char *const *skip);
