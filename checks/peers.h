/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Who the other nodes are, as the checks that look across nodes need it. */

#include <stdbool.h>

#include "cluster.h"
#include "facts.h"

/* The address other nodes use to reach n for migration, first found of:
 *  1. its inventory address (-n NAME=ADDR, -i FILE);
 *  2. its name, when the name is a numeric address;
 *  3. the address the coordinator passed with --peer, as recorded in any
 *     node's facts.peers (saved facts keep it for --from);
 *  4. what the other nodes resolve its name to: the most common first
 *     non-loopback address of their "resolve" facts (ties: the first node's).
 * NULL when unknown; a check that needs it then reports ERROR, never PASS.
 * During a run (mc_checks_run_table sets c->address_memo) 3 and 4 are
 * indexed once for all nodes in one pass over the facts, and each call is
 * O(1); outside a run, O(n) per call. */
const char *mc_node_address(const struct mc_cluster *c, const struct mc_node *n);

/* The per-run index behind mc_node_address, built on its first use. */
struct mc_address_memo *mc_address_memo_new(const struct mc_cluster *c);
void mc_address_memo_free(struct mc_address_memo *m);

/* Whether addr is n's agreed address (mc_node_address) or one of the
 * addresses on its own interfaces (net.addresses of its live facts): how
 * a peer is recognised in facts keyed by another name, as when --from
 * names nodes by hostname and the coordinator had passed inventory names. */
bool mc_node_has_address(const struct mc_cluster *c, const struct mc_node *n, const char *addr);

/* Whether a and b name the same host: equal ignoring case and a trailing
 * dot, or one is a single label equal to the other's first label
 * ("compute2" and "compute2.example.org", not ".a.org" and ".b.org"). */
bool mc_host_name_matches(const char *a, const char *b);

bool mc_address_is_numeric(const char *s);
bool mc_address_is_loopback(const char *s);

/* libvirt's "address of the local machine" for qemu.conf's migration_host
 * and migration_address: a name starting with "localhost" (case as
 * written), or numerically 127.0.0.1 or ::1 (virSocketAddrIsNumericLocalhost),
 * IPv6 brackets stripped first (src/qemu/qemu_conf.c at commit 49f326edc0f9,
 * virQEMUDriverConfigLoadNetworkEntry). With one, the QEMU driver refuses
 * to load. */
bool mc_libvirt_is_localhost(const char *s);
/* A host whose connections stay on the machine: libvirt's test above, any
 * 127/8, ::1 or IPv4-mapped loopback address, or a name starting with
 * "localhost" in any case (localhost6, localhost.localdomain: glibc's files
 * backend compares names without case). */
bool mc_host_is_loopback(const char *s);

/* Status order for a row that sums up several peers: PASS < WARN < ERROR
 * < FAIL, so that a definite failure is never hidden behind an ERROR. */
enum mc_status mc_status_worse(enum mc_status a, enum mc_status b);

/* The first non-loopback address of a "resolve" entry ({addresses[], error}). */
const char *mc_resolve_first(json_object *entry);
/* Whether a "resolve" entry's addresses contain addr. */
bool mc_resolve_has(json_object *entry, const char *addr);
