/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* How each distro release starts libvirtd: which file its init reads, which
 * variable carries libvirtd's arguments, and what libvirt it ships. The
 * libvirtd-startup check and its fixer take every distro fact from here. */

#include <stdbool.h>

enum mc_init {
        MC_INIT_SYSV,
        MC_INIT_UPSTART,
        MC_INIT_SYSTEMD,
        _MC_INIT_MAX,
};

struct mc_distro_profile {
        const char *name;            /* "ubuntu-14.04": shown in reports */
        const char *os_id;           /* os-release ID */
        const char *version_min;     /* VERSION_ID range, inclusive; NULL: open */
        const char *version_max;
        enum mc_init init;
        const char *startup_file;    /* the file libvirtd's init script or unit reads */
        const char *startup_var;     /* the variable holding libvirtd's arguments */
        const char *listen_value;    /* what an operator writes there, e.g. "-d -l" */
        const char *libvirt;         /* the libvirt this release ships */
        bool modular;                /* fresh installs use virtqemud + virtproxyd */
        const char *init_args;       /* words the init script passes before the variable
                                      * when systemd does not start libvirtd ("" none) */
};

/* The files any distro reads, so that a file written for another distro
 * can be recognised. */
extern const char *const mc_startup_files[];

const struct mc_distro_profile *mc_distro_profile_find(const char *os_id, const char *id_like, const char *version_id);
const char *mc_init_to_string(enum mc_init i);

/* libvirt from 5.6 is started by systemd socket units when systemd runs it. */
#define MC_LIBVIRT_SOCKET_ACTIVATION "5.6.0"
