/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How libvirtd is started: the distros' environment files and systemd's
 * unit enablement, read from the file system as systemctl would leave it. */
#include <string.h>
#include <sys/stat.h>

#include "collect.h"
#include "facts.h"
#include "util.h"

static const struct mc_conf_spec startup_files[] = {
        { "/etc/sysconfig/libvirtd", "Mc_shellvars.lns", "sysconfig-libvirtd", MC_CONF_FLAT, NULL },
        { "/etc/default/libvirtd", "Mc_shellvars.lns", "default-libvirtd", MC_CONF_FLAT, NULL },
        { "/etc/default/libvirt-bin", "Mc_shellvars.lns", "default-libvirt-bin", MC_CONF_FLAT, NULL },
};

static const char *const units[] = {
        "libvirtd.service",  "libvirtd.socket",      "libvirtd-ro.socket",    "libvirtd-admin.socket",
        "libvirtd-tcp.socket", "libvirtd-tls.socket", "virtproxyd.service",   "virtproxyd.socket",
        "virtproxyd-tcp.socket", "virtproxyd-tls.socket", "virtqemud.service", "virtqemud.socket",
        "libvirt-bin.service",
};

static const char *const unit_dirs[] = {
        "/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
};

/* The .wants/.requires directories `systemctl enable` writes symlinks into,
 * per the units' [Install] sections. */
static const char *const wants_dirs[] = {
        "/etc/systemd/system/sockets.target.wants",
        "/etc/systemd/system/multi-user.target.wants",
        "/etc/systemd/system/libvirtd.service.wants",
        "/etc/systemd/system/libvirtd.service.requires",
        "/etc/systemd/system/virtproxyd.service.wants",
        "/etc/systemd/system/virtproxyd.service.requires",
};

static void collect_units(struct mc_collector *c) {
        json_object *sd = mc_json_get_or_add_object(c->facts, "systemd");
        json_object *out = mc_json_get_or_add_object(sd, "units");
        struct stat st;
        bool present = mc_rootfs_stat(c->fs, "/lib/systemd/systemd", &st) >= 0 ||
                  mc_rootfs_stat(c->fs, "/usr/lib/systemd/systemd", &st) >= 0;
        json_object_object_add(sd, "present", json_object_new_boolean(present));
        /* Where `systemctl enable` leaves its symlinks: without it, unit state is unknown. */
        json_object_object_add(sd, "config",
                               json_object_new_boolean(mc_rootfs_stat(c->fs, "/etc/systemd/system", &st) >= 0));
        if (c->live)
                json_object_object_add(sd, "booted",
                                       json_object_new_boolean(mc_rootfs_stat(c->fs, "/run/systemd/system", &st) >= 0));

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                json_object *u = NULL, *enabled = json_object_new_array();
                const char *installed = NULL;
                bool masked = false;

                for (size_t d = 0; d < ELEMENTSOF(unit_dirs); d++) {
                        _cleanup_free_ char *p = mc_strdup_printf("%s/%s", unit_dirs[d], units[i]);
                        _cleanup_free_ char *target = NULL;

                        if (d == 0 && mc_rootfs_readlink(c->fs, p, &target) >= 0 && streq(target, "/dev/null")) {
                                masked = true;
                                continue;
                        }
                        if (!installed && mc_rootfs_stat(c->fs, p, &st) >= 0 && S_ISREG(st.st_mode))
                                installed = unit_dirs[d];
                }
                for (size_t w = 0; w < ELEMENTSOF(wants_dirs); w++) {
                        _cleanup_free_ char *p = mc_strdup_printf("%s/%s", wants_dirs[w], units[i]);
                        _cleanup_free_ char *target = NULL;

                        if (mc_rootfs_readlink(c->fs, p, &target) >= 0)
                                json_object_array_add(enabled, json_object_new_string(p));
                }
                if (!installed && !masked && json_object_array_length(enabled) == 0) {
                        json_object_put(enabled);
                        continue;
                }
                u = json_object_new_object();
                if (installed) {
                        _cleanup_free_ char *p = mc_strdup_printf("%s/%s", installed, units[i]);
                        json_object_object_add(u, "installed", json_object_new_string(p));
                }
                json_object_object_add(u, "enabled", enabled);
                json_object_object_add(u, "masked", json_object_new_boolean(masked));
                json_object_object_add(out, units[i], u);
        }
}

void mc_collect_startup(struct mc_collector *c) {
        for (size_t i = 0; i < ELEMENTSOF(startup_files); i++)
                mc_collect_conf(c, &startup_files[i]);
        collect_units(c);
}
