/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixers for hosts-consistent, hosts-loopback-hostname and
 * libvirt-hostname-resolvable: /etc/hosts lines that map the cluster's
 * names to the addresses the cluster agrees on.
 *
 * What to write comes from checks/hosts.c (mc_hosts_wanted), built from the
 * same index the checks judge with, over every node's facts: on a remote
 * node those are the coordinator's --cluster-facts. Each name becomes one
 * "NAME resolves to ADDRESS" edit (fixers/apply_hosts.c), which also takes
 * the name off loopback and wrong lines; edits already true change nothing,
 * so a second fix has nothing to do. */
#include <string.h>

#include "fixers.h"
#include "hosts.h"
#include "peers.h"
#include "util.h"

#define HOSTS "/etc/hosts"

/* One edit per name with a usable address; the others, counted, make the
 * check's "not fixed" line with the first one's reason. */
static int plan_names(struct mc_fix_ctx *ctx, const struct mc_hosts_names *l) {
        _cleanup_free_ char *first = NULL;
        size_t planned = 0, skipped = 0;

        for (size_t i = 0; i < l->n; i++) {
                const struct mc_hosts_name *v = &l->v[i];

                if (!v->address || !mc_address_is_numeric(v->address) || mc_address_is_loopback(v->address)) {
                        if (!first)
                                first = v->address ? mc_strdup_printf("the address agreed for %s, '%s', is not one "
                                                                      "migration can use", v->node ?: v->name,
                                                                      v->address)
                                                   : mc_strdup(v->why ?: "no address is known");
                        skipped++;
                        continue;
                }
                mc_plan_set(ctx, HOSTS, LENS_HOSTS, MC_CONF_HOSTS, v->name, v->address);
                planned++;
        }
        if (skipped > 1) {
                char *s = mc_strdup_printf("%s (and %zu more name%s)", first, skipped - 1, skipped == 2 ? "" : "s");
                free(first);
                first = s;
        }
        if (skipped)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s", first);
        if (planned == 0)
                return mc_plan_unfixable(ctx->plan, ctx->check->id,
                                         "the failure is not in " HOSTS ": no name of the cluster needs a line there");
        return 0;
}

static int fix_hosts(struct mc_fix_ctx *ctx, size_t which) {
        struct mc_hosts_wanted w;
        int r;

        mc_hosts_wanted(ctx->cluster, ctx->node, &w);
        r = plan_names(ctx, which == 0 ? &w.consistent : which == 1 ? &w.loopback : &w.libvirt);
        mc_hosts_wanted_done(&w);
        return r;
}

int mc_fix_hosts_consistent(struct mc_fix_ctx *ctx) {
        return fix_hosts(ctx, 0);
}

int mc_fix_hosts_loopback_hostname(struct mc_fix_ctx *ctx) {
        return fix_hosts(ctx, 1);
}

int mc_fix_libvirt_hostname_resolvable(struct mc_fix_ctx *ctx) {
        return fix_hosts(ctx, 2);
}
