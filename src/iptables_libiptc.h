/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The legacy (x_tables) filter table through libiptc.
 *
 * iptc_init("filter") creates the table when it does not exist yet (the
 * kernel instantiates it on first use), so the caller must first see
 * "filter" in /proc/net/ip_tables_names: reading must never change the
 * node. Rules added with iptables-nft are invisible here. */

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* The filter table in the facts' shape (iptables_rule.h), each rule's
 * text rendered as iptables-save prints it; matches migcheck does not
 * decode appear as "-m NAME" without their options and in "unknown". */
int mc_ipt_read_legacy(json_object **ret_filter, char **ret_error);

/* The one kind of rule migcheck's fixers add: an ACCEPT for new TCP
 * connections to a destination port range, from any source on any
 * interface (in OUTPUT: to one peer's address), with a comment that names migcheck (so that an operator
 * reading iptables-save knows where it came from). */
struct mc_ipt_accept {
        char *chain;          /* "INPUT", "OUTPUT" */
        char *dst;            /* an IPv4 address: the only destination accepted (-d ADDR/32); NULL: any */
        unsigned before;      /* the rule (1-based) it goes before; 0: after the last */
        unsigned n_rules;     /* the chain's rules when the plan was made */
        uint16_t dport_lo, dport_hi;
        char *comment;        /* "migcheck: libvirt migration" */
};

/* The rule as iptables-save prints it, without "-A CHAIN": "-p tcp -m tcp
 * --dport 16509 -m comment --comment \"migcheck: libvirt migration\" -j
 * ACCEPT". The same text goes into the saved files. */
char *mc_ipt_accept_spec(const struct mc_ipt_accept *a);

/* The order in which to insert rules[0..n) so that each lands before the
 * rule its plan named: appends first, then from the highest position
 * down (an insert never moves a rule above it), rules for the same
 * position in reverse so that they end up in plan order. */
void mc_ipt_accept_order(const struct mc_ipt_accept *rules, size_t n, size_t *ret_order);

/* Insert the rules into the legacy filter table in that order and commit
 * once, so that the kernel gets all of them or none, under iptables'
 * /run/xtables.lock so that no iptables command runs in between. Refuses, changing
 * nothing, when the kernel has no legacy filter table (iptc_init() would
 * create one) or a chain no longer holds the number of rules the plan
 * counted (the positions would be wrong). */
int mc_ipt_insert_legacy(const struct mc_ipt_accept *rules, size_t n, char **ret_error);
