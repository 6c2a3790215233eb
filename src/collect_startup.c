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

/* Which init runs, and how that was decided: systemd keeps
 * /run/systemd/system while it is PID 1 (sd_booted()); a tree shows it
 * only through what was collected with it. Unknown is left out, and the
 * checks fall back to the distro's default, saying so. Collected for
 * every run: the restart commands of every fixer depend on it. */
void mc_collect_init(struct mc_collector *c) {
        json_object *init = json_object_new_object();
        _cleanup_free_ char *comm = NULL, *why = NULL;
        struct stat st;
        /* A sosreport copies /etc/systemd, not systemd's binary. */
        bool systemd_present = mc_rootfs_stat(c->fs, "/lib/systemd/systemd", &st) >= 0 ||
                               mc_rootfs_stat(c->fs, "/usr/lib/systemd/systemd", &st) >= 0 ||
                               mc_rootfs_stat(c->fs, "/etc/systemd/system", &st) >= 0;
        bool run_sd = mc_rootfs_stat(c->fs, "/run/systemd/system", &st) >= 0 && S_ISDIR(st.st_mode);
        bool has_comm = mc_rootfs_read(c->fs, "/proc/1/comm", 4096, &comm, NULL) >= 0;
        int systemd = -1;

        if (has_comm) {
                mc_strip(comm);
                json_object_object_add(init, "pid1", json_object_new_string(comm));
        }
        if (c->live) {
                /* In a container /run/systemd/system can be the host's,
                 * bind-mounted: PID 1 must be systemd too. */
                systemd = run_sd && (!has_comm || streq(comm, "systemd"));
                if (!run_sd)
                        why = mc_strdup_printf("live: /run/systemd/system is absent%s%s%s", has_comm ? " (PID 1 is '" : "",
                                               has_comm ? comm : "", has_comm ? "')" : "");
                else if (!systemd)
                        why = mc_strdup_printf("live: PID 1 is '%s', not systemd", comm);
                else
                        why = mc_strdup("live: /run/systemd/system exists and PID 1 is 'systemd'");
        } else if (run_sd) {
                systemd = 1;
                why = mc_strdup("the tree's /run/systemd/system exists");
        } else if (has_comm) {
                systemd = streq(comm, "systemd");
                why = mc_strdup_printf("the tree's /proc/1/comm is '%s'", comm);
        } else if (!systemd_present) {
                systemd = 0;
                why = mc_strdup("the tree has no systemd (/lib/systemd/systemd, /usr/lib/systemd/systemd, "
                                "/etc/systemd/system): a container image or another init");
        } else
                why = mc_strdup("nothing in the tree shows the init that runs (no /run/systemd/system, no /proc/1/comm)");
        if (systemd >= 0)
                json_object_object_add(init, "systemd", json_object_new_boolean(systemd));
        json_object_object_add(init, "decided_by", json_object_new_string(why));
        json_object_object_add(c->facts, "init", init);
}

static void collect_units(struct mc_collector *c) {
        json_object *sd = mc_json_get_or_add_object(c->facts, "systemd");
        json_object *out = mc_json_get_or_add_object(sd, "units");
        struct stat st;
        bool present = mc_rootfs_stat(c->fs, "/lib/systemd/systemd", &st) >= 0 ||
                  mc_rootfs_stat(c->fs, "/usr/lib/systemd/systemd", &st) >= 0;
        json_object_object_add(sd, "present", json_object_new_boolean(present));
        /* Older readers' (and migcheck's before facts.init) view: live only. */
        if (c->live)
                json_object_object_add(sd, "booted",
                                       json_object_new_boolean(mc_rootfs_stat(c->fs, "/run/systemd/system", &st) >= 0));
        /* Where `systemctl enable` leaves its symlinks: without it, unit state is unknown. */
        json_object_object_add(sd, "config",
                               json_object_new_boolean(mc_rootfs_stat(c->fs, "/etc/systemd/system", &st) >= 0));

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
