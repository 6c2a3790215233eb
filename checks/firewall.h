/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the firewall fixers (fixers/firewall.c) take from the checks'
 * evaluation: which ports some peer cannot reach (INPUT) or this node
 * cannot reach on a peer (OUTPUT), and where in that chain an ACCEPT must
 * go for the evaluator, and so the kernel, to let it through. The
 * fixers add exactly what the checks would then pass; they never
 * re-implement the walk. Pure, like the checks. */

#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "fw_eval.h"

enum mc_fw_ports {
        MC_FW_PORTS_LIBVIRT,    /* each peer's libvirt port (its migration URI) */
        MC_FW_PORTS_MIGRATION,  /* this node's qemu.conf migration range, opened whole */
};

enum mc_fw_rules {
        MC_FW_RULES_LIVE,   /* the live table the port checks evaluate */
        MC_FW_RULES_SAVED,  /* the persisted file (firewall.persisted) */
};

struct mc_fw_gap {
        enum mc_fw_hook hook;  /* the chain: INPUT, or OUTPUT for this node's connections to a peer */
        const char *dst;    /* OUTPUT: the peer's address, the only destination the ACCEPT opens; INPUT: NULL */
        uint16_t lo, hi;    /* the ports one ACCEPT must open */
        unsigned before;    /* the chain's rule (1-based) it must precede; 0: after the last */
        unsigned n_rules;   /* the chain's rules in that table now */
        const char *table;  /* "legacy", "nft" or "saved" */
};

/* INPUT: one ACCEPT (any source, any interface) per port or range that
 * some peer's new TCP connection does not get through now (refused, or
 * uncertain), placed before every rule that decides otherwise for any
 * peer. OUTPUT: the same per peer that this node's connection to its
 * libvirt port or its migration range does not reach. Returns 0 with *ret_n = 0 when every peer is accepted; a negative
 * errno with *ret_error when the rules cannot be evaluated, or the live
 * rules are split over both backends (-EOPNOTSUPP). */
int mc_firewall_gaps(const struct mc_cluster *c, const struct mc_node *n, enum mc_fw_ports ports, enum mc_fw_rules rules,
                     struct mc_fw_gap **ret, size_t *ret_n, char **ret_error);
