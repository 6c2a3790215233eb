/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* How libvirt's remote listener comes to be on a node: the distro profile,
 * the libvirt version, and whether systemd socket activation or the
 * modular daemons are in charge. Derived from facts, shared by the
 * libvirtd-* checks so that they agree. */

#include <stdbool.h>

#include "facts.h"
#include "libvirtd_args.h"
#include "profiles.h"

struct mc_libvirt_mode {
        const struct mc_distro_profile *profile;  /* NULL: unknown distro */
        const char *os_id, *os_version;
        const char *libvirt_version;
        bool libvirt_version_assumed;  /* from the profile, not the package database */
        bool socket_activated;
        bool modular;                  /* virtproxyd carries remote access */
        bool units_known;              /* the tree holds systemd unit state */
        bool init_systemd;             /* systemd runs and starts libvirtd through its unit */
        bool init_assumed;             /* the facts do not show the init: the distro's default */
        char init_why[192];            /* how the init was decided */
        const char *daemon;            /* "libvirtd" or "virtproxyd" */
        const char *daemon_conf;       /* its configuration file */
        char why[512];                 /* one sentence: how the mode was decided */
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

/* Whether systemd runs on the node (PID 1), from facts.init (older facts:
 * systemd.booted), else assumed from the distro; ret_why says how. */
bool mc_init_systemd(json_object *facts, const struct mc_distro_profile *p, char *ret_why, size_t why_size,
                     bool *ret_assumed);

/* What libvirtd gets from its startup file: the init's own words (when
 * systemd does not start it: "-d" of Debian's init script, "--daemon" of
 * RHEL 6's), then $VAR split as the shell splits it, parsed with
 * libvirtd's getopt. */
struct mc_startup_args {
        bool set;                      /* VAR is set in FILE */
        bool quoting_ok;               /* its value is valid shell quoting */
        struct mc_setting s;           /* when set */
        char **words;                  /* what libvirtd gets */
        struct mc_libvirtd_args parsed;
};
void mc_startup_args(json_object *facts, const struct mc_libvirt_mode *m, const char *file, const char *var,
                     struct mc_startup_args *ret);
void mc_startup_args_done(struct mc_startup_args *a);

/* The running daemon's arguments (argv[1..]) parsed the same way; false
 * when it does not run or was not collected live. ret_words is freed by
 * the caller. */
bool mc_running_args(json_object *facts, const struct mc_libvirt_mode *m, char ***ret_words,
                     struct mc_libvirtd_args *ret);

/* The listeners on a TCP port now: whether any, whether one takes peers
 * (not a loopback address), and the holder's name. */
bool mc_port_listeners(json_object *facts, unsigned port, bool *ret_reachable, const char **ret_process);

/* What to do when a check needs the running libvirt and the facts lack it:
 * offline when they were not collected live. */
const char *mc_libvirt_missing_hint(json_object *facts, const char *offline);
