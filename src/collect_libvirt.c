/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's own configuration: the daemons' .conf files and qemu.conf. */
#include "check.h"
#include "collect.h"

/* Debian 12 ships no virtproxyd/virtqemud lens; their keys are a subset of
 * libvirtd.conf's, which the Libvirtd lens reads. */
static const struct mc_conf_spec daemon_confs[] = {
        { "/etc/libvirt/libvirtd.conf", "Libvirtd.lns", "libvirtd", MC_CONF_FLAT, NULL },
        { "/etc/libvirt/virtproxyd.conf", "Libvirtd.lns", "virtproxyd", MC_CONF_FLAT, NULL },
        { "/etc/libvirt/virtqemud.conf", "Libvirtd.lns", "virtqemud", MC_CONF_FLAT, NULL },
};

static const struct mc_conf_spec qemu_conf = {
        "/etc/libvirt/qemu.conf", "Libvirtd_qemu.lns", "qemu", MC_CONF_FLAT, NULL,
};

void mc_collect_libvirt_conf(struct mc_collector *c, unsigned needs) {
        if (needs & MC_NEED_LIBVIRTD)
                for (size_t i = 0; i < ELEMENTSOF(daemon_confs); i++)
                        mc_collect_conf(c, &daemon_confs[i]);
        if (needs & MC_NEED_QEMU)
                mc_collect_conf(c, &qemu_conf);
}
