/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What /etc/hosts on one node must say for the cluster, computed from the
 * index hosts-consistent, hosts-loopback-hostname and
 * libvirt-hostname-resolvable judge with, so that the fixer (fixers/hosts.c)
 * writes exactly what the checks want and nothing they would not judge. */

#include <stddef.h>

#include "cluster.h"

struct mc_hosts_name {
        char *name;     /* lower case, as the checks compare names */
        char *address;  /* where it must resolve (normalised); NULL: unknown, see why */
        char *node;     /* the node it names; NULL when several claim it */
        char *why;      /* when address is NULL: why no address can be written */
};

struct mc_hosts_names {
        struct mc_hosts_name *v;
        size_t n;
};

/* Each list holds only what must change: a name every line of the node
 * already maps to its address is left out. */
struct mc_hosts_wanted {
        /* hosts-consistent: every name of every node (inventory name,
         * hostname, nova host, libvirt hostname, their short forms), and
         * the FQDNs this node lists at a wrong address, each with the
         * address the cluster agrees on. Names the check does not judge
         * for want of an address (or because two nodes claim them) come
         * with address NULL and the reason. */
        struct mc_hosts_names consistent;
        /* hosts-loopback-hostname: the cluster's names this node maps to
         * loopback (/etc/hosts, or NSS first), with the address they
         * belong at instead. */
        struct mc_hosts_names loopback;
        /* libvirt-hostname-resolvable: the name each peer's libvirt hands
         * out, with its address when it is one of the peer's names and the
         * cluster agrees on an address; otherwise address NULL and why
         * (only for names this node cannot resolve from /etc/hosts). */
        struct mc_hosts_names libvirt;
};

/* For node n of cluster c. Builds its own index (the checks' is per run):
 * O(the cluster's /etc/hosts entries). */
void mc_hosts_wanted(const struct mc_cluster *c, const struct mc_node *n, struct mc_hosts_wanted *ret);
void mc_hosts_wanted_done(struct mc_hosts_wanted *w);
