/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The package managers' records of what is installed, read from the node's
 * files: dpkg's status file, a sosreport's installed-rpms, and (through
 * migcheck-rpm-probe) the RPM database. */

#include <stddef.h>

#include "rootfs.h"

struct mc_pkg_hit {
        char *version;  /* as the record writes it: "2:26.2.2-1~deb12u5", "2014.1.5" */
        unsigned line;  /* of the Version: line, or the installed-rpms line; 0 in the rpmdb */
};

void mc_pkg_hits_free(struct mc_pkg_hit *hits, size_t n);

/* /var/lib/dpkg/status: ret[i] for pkgs[i] when installed. */
void mc_dpkg_versions(struct mc_rootfs *fs, const char *const *pkgs, size_t n, struct mc_pkg_hit *ret);

/* A sosreport's installed-rpms ("libvirt-daemon-4.5.0-10.el7.x86_64   date"):
 * the version of each name (no release, no epoch: the file has none). */
void mc_installed_rpms_versions(struct mc_rootfs *fs, const char *const *pkgs, size_t n, struct mc_pkg_hit *ret);

/* The node's RPM database (/var/lib/rpm or /usr/lib/sysimage/rpm: a
 * Berkeley DB Packages file, RHEL 7/8, or rpmdb.sqlite, RHEL 9, Fedora),
 * asked through migcheck-rpm-probe. 0 and *ret_db (the database file, as on
 * the node) when one exists, ret[i] as "EPOCH:VERSION-RELEASE" (epoch only
 * when not 0); -ENOENT when there is none; another error with *ret_error. */
int mc_rpmdb_versions(struct mc_rootfs *fs, const char *const *pkgs, size_t n, struct mc_pkg_hit *ret, char **ret_db,
                      char **ret_error);
