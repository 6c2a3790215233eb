/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The names other nodes hand out for migration (their qemu.conf
 * migration_host, their nova.conf live_migration_inbound_addr), as this
 * node, the migration's source, resolves and reaches them. The
 * coordinator learns them from the first collection and asks each node
 * with `collect --migration-target NAME` (main.c).
 *
 *   migration_targets.NAME { addresses[], canonical?, error?,
 *                            probe? { address, port, result, errno, error?, ms } }
 *
 * Resolved as QEMU's inet_connect asks (getaddrinfo AF_UNSPEC, SOCK_STREAM,
 * AI_CANONNAME | AI_ADDRCONFIG; QEMU util/qemu-sockets.c), all names with
 * one deadline; the first address is connected to on the port this node's
 * migration URI uses (libvirt's, where inbound_addr sends the connection;
 * for migration_host the port shows that the address answers: QEMU listens
 * on a migration port only during a migration). Live only. */
#include "collect.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "facts.h"
#include "lookup.h"
#include "nova_options.h"
#include "util.h"

#define MC_TARGET_RESOLVE_MS 2000u
/* A hostile coordinator cannot make a node look up thousands of names. */
#define MC_TARGETS_MAX 256u

void mc_collect_migration_targets(struct mc_collector *c) {
        json_object *out = json_object_new_object();
        size_t n = 0, m = 0;
        struct mc_transport tr;

        json_object_object_add(c->facts, "migration_targets", out);
        while (c->targets[n] && n < MC_TARGETS_MAX)
                n++;
        _cleanup_free_ struct mc_lookup *l = mc_assert_alloc(calloc(n + 1, sizeof(*l)));
        _cleanup_free_ const char **addr = mc_assert_alloc(calloc(n + 1, sizeof(*addr)));
        _cleanup_free_ json_object **entry = mc_assert_alloc(calloc(n + 1, sizeof(*entry)));
        _cleanup_free_ int *err = mc_assert_alloc(calloc(n + 1, sizeof(*err)));
        _cleanup_free_ unsigned *ms = mc_assert_alloc(calloc(n + 1, sizeof(*ms)));

        for (size_t i = 0; i < n; i++)
                l[i] = (struct mc_lookup) { .kind = MC_LOOKUP_FORWARD, .query = c->targets[i],
                                            .ai_flags = AI_CANONNAME | AI_ADDRCONFIG };
        if (mc_lookup_run(l, n, MC_TARGET_RESOLVE_MS) < 0)
                for (size_t i = 0; i < n; i++)
                        l[i].done = false;
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_new_object(), *a = json_object_new_array();

                json_object_object_add(o, "addresses", a);
                if (l[i].done && l[i].gai_error == 0 && l[i].addresses && l[i].addresses[0]) {
                        for (char **s = l[i].addresses; *s; s++)
                                json_object_array_add(a, json_object_new_string(*s));
                        if (l[i].name)
                                json_object_object_add(o, "canonical", json_object_new_string(l[i].name));
                        addr[m] = l[i].addresses[0];
                        entry[m++] = o;
                } else {
                        _cleanup_free_ char *e = mc_lookup_error(&l[i], MC_TARGET_RESOLVE_MS);
                        json_object_object_add(o, "error", json_object_new_string(e));
                }
                json_object_object_add(out, c->targets[i], o);
        }

        mc_migration_transport(c->facts, &tr);
        if (tr.port > 0 && m > 0)
                mc_probe_addresses(addr, m, tr.port, err, ms);
        for (size_t i = 0; tr.port > 0 && i < m; i++) {
                json_object *p = json_object_new_object();

                json_object_object_add(p, "address", json_object_new_string(addr[i]));
                json_object_object_add(p, "port", json_object_new_int((int) tr.port));
                json_object_object_add(p, "result", json_object_new_string(mc_probe_result(err[i])));
                json_object_object_add(p, "errno", json_object_new_int(err[i]));
                if (err[i] != 0)
                        json_object_object_add(p, "error", json_object_new_string(strerror(err[i])));
                json_object_object_add(p, "ms", json_object_new_int64(ms[i]));
                json_object_object_add(entry[i], "probe", p);
        }
        mc_lookup_done(l, n);
}
