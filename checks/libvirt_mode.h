/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* How libvirt's remote listener comes to be on a node: the distro profile,
 * the libvirt version, and whether systemd socket activation or the
 * modular daemons are in charge. Derived from facts, shared by the
 * libvirtd-* checks so that they agree. */

#include <stdbool.h>

#include "facts.h"
#include "profiles.h"

struct mc_libvirt_mode {
        const struct mc_distro_profile *profile;  /* NULL: unknown distro */
        const char *os_id, *os_version;
        const char *libvirt_version;
        bool libvirt_version_assumed;  /* from the profile, not the package database */
        bool socket_activated;
        bool modular;                  /* virtproxyd carries remote access */
        bool units_known;              /* the tree holds systemd unit state */
        const char *daemon;            /* "libvirtd" or "virtproxyd" */
        const char *daemon_conf;       /* its configuration file */
        char why[256];                 /* one sentence: how the mode was decided */
};

void mc_libvirt_mode(json_object *facts, struct mc_libvirt_mode *ret);

/* Unit state from facts. */
bool mc_unit_enabled(json_object *facts, const char *unit, const char **ret_link);
bool mc_unit_masked(json_object *facts, const char *unit);

/* The running daemon's process object, NULL when none (or not live). */
json_object *mc_runtime_process(json_object *facts, const char *name);
/* Whether facts were collected from a running system. */
bool mc_facts_live(json_object *facts);
/* Whether a TCP port is listening now; ret_process names the holder. */
bool mc_port_listening(json_object *facts, unsigned port, const char **ret_process);

/* libvirtd's argv (words) asks for --listen: "-l", "--listen", "-dl". */
bool mc_args_listen(char *const *words);

/* What to do when a check needs the running libvirt and the facts lack it:
 * offline when they were not collected live. */
const char *mc_libvirt_missing_hint(json_object *facts, const char *offline);
