/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "profiles.h"

#include <string.h>

#include "util.h"

const char *const mc_startup_files[] = {
        "/etc/sysconfig/libvirtd",
        "/etc/default/libvirtd",
        "/etc/default/libvirt-bin",
        NULL,
};

/* Sources: each release's libvirt packaging (init script, upstart job or
 * unit's EnvironmentFile=) as summarised in kb/nova-libvirt-facts.md.
 * init_args, where systemd does not start libvirtd: RHEL 6's
 * /etc/rc.d/init.d/libvirtd runs `libvirtd --daemon $LIBVIRTD_ARGS`;
 * Ubuntu 14.04's upstart job sets libvirtd_opts="-d" before it sources
 * /etc/default/libvirt-bin and runs `libvirtd $libvirtd_opts` (the file's
 * value replaces the -d); Debian's and Ubuntu's SysV scripts run
 * `start-stop-daemon ... -- -d $LIBVIRTD_ARGS` (Debian 12's
 * libvirt-daemon-system-sysv 9.0.0-4 /etc/init.d/libvirtd; libvirtd_opts
 * before 7.0.0-3). RHEL 7+ and Fedora ship no init script: there the
 * daemon is run by hand or by a container's entry point. */
static const struct mc_distro_profile profiles[] = {
        { "rhel-6", "rhel", "6", "6.99", MC_INIT_SYSV, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS", "--listen", "0.10.2", false, "--daemon" },
        { "rhel-7", "rhel", "7", "7.99", MC_INIT_SYSTEMD, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS", "--listen", "4.5.0", false, "" },
        { "rhel-8", "rhel", "8", "8.99", MC_INIT_SYSTEMD, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS", "--listen", "8.0.0", false, "" },
        { "rhel-9+", "rhel", "9", NULL, MC_INIT_SYSTEMD, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS", "--listen", "9.0.0", true, "" },
        { "fedora", "fedora", NULL, "34.99", MC_INIT_SYSTEMD, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS", "--listen", "7.0.0", false, "" },
        { "fedora-35+", "fedora", "35", NULL, MC_INIT_SYSTEMD, "/etc/sysconfig/libvirtd", "LIBVIRTD_ARGS", "--listen", "7.6.0", true, "" },
        { "ubuntu-14.04", "ubuntu", "14.04", "14.10", MC_INIT_UPSTART, "/etc/default/libvirt-bin", "libvirtd_opts", "-d -l", "1.2.2", false, "" },
        { "ubuntu-16.04", "ubuntu", "15.04", "16.10", MC_INIT_SYSTEMD, "/etc/default/libvirt-bin", "libvirtd_opts", "-l", "1.3.1", false, "-d" },
        { "ubuntu-18.04", "ubuntu", "17.04", "19.10", MC_INIT_SYSTEMD, "/etc/default/libvirtd", "libvirtd_opts", "-l", "4.0.0", false, "-d" },
        { "ubuntu-20.04", "ubuntu", "20.04", "21.10", MC_INIT_SYSTEMD, "/etc/default/libvirtd", "libvirtd_opts", "-l", "6.0.0", false, "-d" },
        { "ubuntu-22.04+", "ubuntu", "22.04", NULL, MC_INIT_SYSTEMD, "/etc/default/libvirtd", "LIBVIRTD_ARGS", "--listen", "8.0.0", false, "-d" },
        { "debian-8", "debian", "8", "8.99", MC_INIT_SYSTEMD, "/etc/default/libvirtd", "libvirtd_opts", "-l", "1.2.9", false, "-d" },
        { "debian-9", "debian", "9", "9.99", MC_INIT_SYSTEMD, "/etc/default/libvirtd", "libvirtd_opts", "-l", "3.0.0", false, "-d" },
        { "debian-10", "debian", "10", "10.99", MC_INIT_SYSTEMD, "/etc/default/libvirtd", "libvirtd_opts", "-l", "5.0.0", false, "-d" },
        { "debian-11+", "debian", "11", NULL, MC_INIT_SYSTEMD, "/etc/default/libvirtd", "LIBVIRTD_ARGS", "--listen", "7.0.0", false, "-d" },
};

static const char *const init_table[_MC_INIT_MAX] = {
        [MC_INIT_SYSV] = "sysv",
        [MC_INIT_UPSTART] = "upstart",
        [MC_INIT_SYSTEMD] = "systemd",
};

const char *mc_init_to_string(enum mc_init i) {
        return i < _MC_INIT_MAX ? init_table[i] : NULL;
}

/* RHEL's rebuilds keep RHEL's packaging. */
static const char *family(const char *os_id, const char *id_like) {
        static const char *const rhel_like[] = { "rhel", "centos", "rocky", "almalinux", "ol", "scientific" };

        for (size_t i = 0; i < ELEMENTSOF(rhel_like); i++)
                if (streq(os_id, rhel_like[i]))
                        return "rhel";
        if (streq(os_id, "fedora") || streq(os_id, "ubuntu") || streq(os_id, "debian"))
                return os_id;
        if (id_like && strstr(id_like, "rhel"))
                return "rhel";
        return os_id;
}

const struct mc_distro_profile *mc_distro_profile_find(const char *os_id, const char *id_like, const char *version_id) {
        const char *fam;

        if (!os_id)
                return NULL;
        fam = family(os_id, id_like);
        for (size_t i = 0; i < ELEMENTSOF(profiles); i++) {
                const struct mc_distro_profile *p = &profiles[i];

                if (!streq(p->os_id, fam))
                        continue;
                /* Debian testing/sid have no VERSION_ID: newest profile. */
                if (!version_id) {
                        if (!p->version_max)
                                return p;
                        continue;
                }
                if (p->version_min && mc_version_cmp(version_id, p->version_min) < 0)
                        continue;
                if (p->version_max && mc_version_cmp(version_id, p->version_max) > 0)
                        continue;
                return p;
        }
        return NULL;
}
