/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixer for qemu-migration-ports. */
#include <string.h>

#include "checks.h"
#include "fixers.h"
#include "util.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"

int mc_fix_qemu_migration_ports(struct mc_fix_ctx *ctx) {
        static const char *const addr_keys[] = { "migration_address", "migration_host" };
        _cleanup_free_ char *restart = mc_restart_command(ctx->facts, "libvirtd");

        for (size_t i = 0; i < ELEMENTSOF(addr_keys); i++) {
                struct mc_setting s;

                if (mc_facts_setting(ctx->facts, QEMU_CONF, NULL, addr_keys[i], &s) >= 0 &&
                    (mc_startswith(s.value, "127.") || streq(s.value, "::1") || mc_startswith(s.value, "localhost")))
                        mc_plan_rm(ctx, QEMU_CONF, LENS_QEMU, MC_CONF_VIRT, addr_keys[i]);
        }
        /* libvirt's own default range, which is what firewall guides open. */
        long lo, hi;
        if (mc_qemu_migration_range(ctx->facts, &lo, &hi) < 0 || !mc_qemu_range_usable(lo, hi)) {
                mc_plan_set(ctx, QEMU_CONF, LENS_QEMU, MC_CONF_VIRT, "migration_port_min", "49152");
                mc_plan_set(ctx, QEMU_CONF, LENS_QEMU, MC_CONF_VIRT, "migration_port_max", "49215");
        }
        mc_plan_restart(ctx, restart);
        return 0;
}
