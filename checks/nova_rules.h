/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The nova-* checks' release rules that their fixers need too, so that a
 * fixer writes what the check passes: one home (checks/nova.c) for each
 * rule, with its source in nova beside it. */

#include <stdbool.h>

#include "check.h"
#include "nova_release.h"

/* ---- nova-config-drive */

enum mc_nova_forced {
        MC_NOVA_FORCED_NO,
        MC_NOVA_FORCED_YES,
        MC_NOVA_FORCED_INVALID,  /* oslo.config raises when nova reads it */
};

/* What release makes of force_config_drive = v. */
enum mc_nova_forced mc_nova_config_drive_forced(enum mc_nova_release rel, const char *v);
/* Whether config_drive_format = vfat makes a forced config drive
 * migratable in release (Kilo to Mitaka); from Newton it needs nothing. */
bool mc_nova_config_drive_vfat_helps(enum mc_nova_release rel);
/* The spelling release reads as forced (on) or not: "True", "False", or
 * NULL when no value but an empty one (none written) says it. */
const char *mc_nova_config_drive_spelling(enum mc_nova_release rel, bool on);

/* ---- nova-live-migration-flag */

/* value as nova splits it: value.split(','), each item stripped. */
char **mc_nova_flag_items(const char *value);
/* The release's default for live_migration_flag (block: block_migration_flag). */
const char *mc_nova_flags_default(enum mc_nova_release rel, bool block);
/* items made into a list the check passes for release (before Newton):
 * unknown and empty items out, LIVE, PEER2PEER and UNDEFINE_SOURCE in,
 * NON_SHARED_* out of the live and NON_SHARED_INC into the block flags,
 * what Mitaka corrects at start corrected, TUNNELLED out of the block
 * flags where the check warns about it. The order kept, additions last. */
char **mc_nova_flags_repaired(enum mc_nova_release rel, bool block, char *const *items);
/* The flags nova release uses for items: Mitaka's corrections at start
 * (live_migration_tunnelled among them) applied. */
char **mc_nova_flags_used(json_object *facts, enum mc_nova_release rel, bool block, char *const *items);

/* ---- nova-vnc-listen */

/* [vnc] server_listen's and [spice] server_listen's default in every
 * release (2014.1:nova/vnc/__init__.py, nova/spice/__init__.py;
 * 33.0.0:nova/conf/vnc.py, spice.py). */
#define MC_NOVA_LISTEN_DEFAULT "127.0.0.1"

/* Whether a VNC or SPICE listen address addr lets nova release migrate
 * from node (facts, its cluster): false where the check fails or cannot
 * tell (SKIP). */
bool mc_nova_listen_migrates(json_object *facts, const struct mc_cluster *cluster, const struct mc_node *node,
                             enum mc_nova_release rel, const char *addr);
/* Whether release enables VNC (SPICE) with the node's settings. */
bool mc_nova_vnc_on(json_object *facts, enum mc_nova_release rel);
bool mc_nova_spice_on(json_object *facts, enum mc_nova_release rel);
