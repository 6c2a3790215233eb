/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-migration-ports: qemu.conf's migration port range and addresses. */
#include <string.h>

#include "checks.h"
#include "peers.h"
#include "util.h"

#define QEMU_CONF "/etc/libvirt/qemu.conf"
#define PORT_MIN_DEFAULT 49152
#define PORT_MAX_DEFAULT 49215

static bool get_port(json_object *facts, const char *key, long dflt, long *ret, struct mc_setting *s, bool *set) {
        char *end;

        *set = mc_facts_setting(facts, QEMU_CONF, NULL, key, s) >= 0;
        if (!*set) {
                *ret = dflt;
                return true;
        }
        errno = 0;
        *ret = strtol(s->value, &end, 10);
        return errno == 0 && end != s->value && *end == '\0';
}

int mc_qemu_migration_range(json_object *facts, long *ret_lo, long *ret_hi) {
        struct mc_setting s;
        bool set;

        bool lo_ok = get_port(facts, "migration_port_min", PORT_MIN_DEFAULT, ret_lo, &s, &set);
        bool hi_ok = get_port(facts, "migration_port_max", PORT_MAX_DEFAULT, ret_hi, &s, &set);

        if (!lo_ok || !hi_ok)
                return -EINVAL;
        return 0;
}

bool mc_qemu_range_usable(long lo, long hi) {
        return lo > 0 && hi <= 65535 && lo < hi && !(lo <= 16509 && 16509 <= hi) && !(lo <= 16514 && 16514 <= hi) &&
               !(lo <= 22 && 22 <= hi);
}


void mc_check_qemu_migration_ports(struct mc_check_ctx *ctx) {
        struct mc_setting smin, smax, s;
        bool set_min, set_max;
        long lo, hi;
        struct mc_result *r;

        if (!mc_require_file(ctx, QEMU_CONF))
                return;
        /* Both are read before either is judged: with || a bad min left
         * max (and set_max, smax) unread, and the evidence took them. */
        bool min_ok = get_port(ctx->facts, "migration_port_min", PORT_MIN_DEFAULT, &lo, &smin, &set_min);
        bool max_ok = get_port(ctx->facts, "migration_port_max", PORT_MAX_DEFAULT, &hi, &smax, &set_max);

        if (!min_ok || !max_ok) {
                r = mc_report(ctx, MC_FAIL, "migration port range is not numeric: libvirt's QEMU driver refuses to load");
                if (set_min)
                        mc_evidence_setting(r, &smin);
                if (set_max)
                        mc_evidence_setting(r, &smax);
                mc_result_hint(r, "set migration_port_min = %d and migration_port_max = %d in " QEMU_CONF,
                               PORT_MIN_DEFAULT, PORT_MAX_DEFAULT);
                return;
        }
        if (lo <= 0 || hi > 65535 || lo > hi) {
                r = mc_report(ctx, MC_FAIL, "migration port range %ld-%ld is invalid: libvirt's QEMU driver refuses to load",
                              lo, hi);
                if (set_min)
                        mc_evidence_setting(r, &smin);
                if (set_max)
                        mc_evidence_setting(r, &smax);
                mc_result_hint(r, "use 0 < migration_port_min <= migration_port_max <= 65535, e.g. %d-%d",
                               PORT_MIN_DEFAULT, PORT_MAX_DEFAULT);
                return;
        }
        if ((lo <= 16509 && 16509 <= hi) || (lo <= 16514 && 16514 <= hi) || (lo <= 22 && 22 <= hi)) {
                r = mc_report(ctx, MC_FAIL, "migration port range %ld-%ld includes a port libvirtd or sshd listens on", lo, hi);
                mc_evidence_setting(r, set_min ? &smin : &smax);
                mc_result_hint(r, "move the range away from 22, 16509 and 16514, e.g. %d-%d", PORT_MIN_DEFAULT, PORT_MAX_DEFAULT);
                return;
        }
        if (mc_facts_setting(ctx->facts, QEMU_CONF, NULL, "migration_address", &s) >= 0 && mc_host_is_loopback(s.value)) {
                r = mc_report(ctx, MC_FAIL, "migration_address %s is a loopback address: libvirt refuses it ('migration_address "
                                            "must not be the address of the local machine') or listens where no peer can reach",
                              s.value);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "remove migration_address (default: all addresses) or set this node's migration address");
                return;
        }
        if (mc_facts_setting(ctx->facts, QEMU_CONF, NULL, "migration_host", &s) >= 0 && mc_host_is_loopback(s.value)) {
                if (mc_libvirt_is_localhost(s.value))
                        r = mc_report(ctx, MC_FAIL, "migration_host %s: libvirt's QEMU driver refuses to load ('migration_host "
                                                    "must not be the address of the local machine: %s'), and would tell "
                                                    "sources to connect to themselves", s.value, s.value);
                else
                        r = mc_report(ctx, MC_FAIL, "migration_host %s tells the source to connect to itself", s.value);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "remove migration_host (default: the hostname) or set a name the peers resolve to this node");
                return;
        }
        if (hi == lo) {
                /* Each incoming migration holds one port for its duration. */
                r = mc_report(ctx, MC_FAIL, "migration port range %ld-%ld has one port: a second concurrent incoming "
                                            "migration finds no free port", lo, hi);
                mc_evidence_setting(r, set_min ? &smin : &smax);
                mc_result_hint(r, "widen the range, e.g. %d-%d, and open it in the firewall", PORT_MIN_DEFAULT, PORT_MAX_DEFAULT);
                return;
        }
        r = mc_report(ctx, MC_PASS, "migration ports %ld-%ld (%ld ports%s)", lo, hi, hi - lo + 1,
                      set_min || set_max ? "" : ", libvirt's default");
        if (set_min)
                mc_evidence_setting(r, &smin);
        if (set_max)
                mc_evidence_setting(r, &smax);
}
