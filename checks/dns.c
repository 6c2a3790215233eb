/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dns-resolution: the node as the migration source, resolving each peer's
 * name as its libvirtd and QEMU will (NSS, recorded by collect_hosts.c in
 * "resolve"), then the reverse of the address (net.reverse, collect_net.c),
 * and its own /etc/hosts entry for the name (hosts.entries).
 *
 * Not resolving, or resolving to another address than the one the cluster
 * agrees on (mc_node_address): FAIL, since the migration goes elsewhere or
 * nowhere ("Unable to resolve address ... Name or service not known").
 * A reverse that names another host, or none: WARN, since libvirt does
 * not need it, but SASL/Kerberos and TLS certificate checks and the logs do.
 * An /etc/hosts entry that NSS does not follow: WARN (nsswitch.conf order). */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "clauses.h"
#include "peers.h"
#include "util.h"





/* This node's /etc/hosts entry for name: the first line naming it, which
 * is the one NSS "files" answers with. */
static json_object *hosts_entry(json_object *facts, const char *name) {
        json_object *entries = mc_json_path(facts, "hosts", "entries", NULL);

        if (!entries || !json_object_is_type(entries, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(entries); i++) {
                json_object *e = json_object_array_get_idx(entries, i), *names = mc_json_get(e, "names");

                if (!names || !json_object_is_type(names, json_type_array))
                        continue;
                for (size_t k = 0; k < json_object_array_length(names); k++) {
                        const char *n = mc_json_str(json_object_array_get_idx(names, k), NULL);

                        if (n && strcasecmp(n, name) == 0)
                                return e;
                }
        }
        return NULL;
}

static char *addresses_text(json_object *res) {
        json_object *a = mc_json_get(res, "addresses");
        char *out = NULL;

        for (size_t i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
                json_object *x = json_object_array_get_idx(a, i);
                const char *s = json_object_is_type(x, json_type_string) ? json_object_get_string(x) : mc_json_str(x, "address");
                char *n = mc_strdup_printf("%s%s%s", out ?: "", out ? ", " : "", s ?: "?");

                free(out);
                out = n;
        }
        return out ?: mc_strdup("nothing");
}

void mc_check_dns_resolution(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        json_object *resolve = mc_json_get(ctx->facts, "resolve"), *net = mc_json_get(ctx->facts, "net");
        struct mc_clauses bad = {}, good = {};
        enum mc_status st = MC_PASS;
        bool no_reverse_facts = !mc_json_get(net, "reverse");
        bool hint_resolve = false, hint_address = false, hint_reverse = false, hint_hosts = false;
        struct mc_result *r;
        struct ev {
                char *text;
        } *ev;

        if (!resolve) {
                mc_report(ctx, MC_SKIP, "%s", mc_json_bool(mc_json_get(ctx->facts, "collection"), "live", false)
                                                      ? "name resolution facts were not collected"
                                                      : "name resolution (nss) is collected live only");
                return;
        }
        if (c->n_nodes < 2) {
                mc_report(ctx, MC_SKIP, "no peers: resolution is checked between two nodes or more");
                return;
        }
        ev = mc_assert_alloc(calloc(c->n_nodes, sizeof(*ev)));

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *p = &c->nodes[i];
                json_object *res, *rev, *host;
                const char *agreed, *first, *addr, *err, *rname;
                _cleanup_free_ char *answers = NULL;
                enum mc_status s = MC_PASS;

                if (p == ctx->node)
                        continue;
                if (mc_address_is_numeric(p->name)) {
                        mc_clause_add(&good, "%s is named by its address", p->name);
                        ev[i].text = mc_strdup_printf("%s: a numeric address, nothing to resolve", p->name);
                        continue;
                }
                res = mc_json_get(resolve, p->name);
                agreed = mc_node_address(c, p);
                if (agreed && !mc_address_is_numeric(agreed))
                        agreed = NULL;  /* an inventory address that is a name (an ssh target): nothing to compare */
                if (!res) {
                        st = mc_status_worse(st, MC_ERROR);
                        mc_clause_add(&bad, "%s was not looked up here (not passed to this node as a peer)", p->name);
                        ev[i].text = mc_strdup_printf("%s: not looked up", p->name);
                        continue;
                }
                answers = addresses_text(res);
                first = mc_resolve_first(res);
                err = mc_json_str(res, "error");
                if (!first) {
                        st = mc_status_worse(st, MC_FAIL);
                        hint_resolve = true;
                        json_object *all = mc_json_get(res, "addresses");

                        if (all && json_object_is_type(all, json_type_array) && json_object_array_length(all) > 0)
                                mc_clause_add(&bad, "%s resolves to loopback only (%s)", p->name, answers);
                        else
                                mc_clause_add(&bad, "%s does not resolve: '%s'", p->name, err ?: "no address");
                        ev[i].text = mc_strdup_printf("getaddrinfo(%s): %s", p->name, err ?: answers);
                        continue;
                }
                ev[i].text = mc_strdup_printf("getaddrinfo(%s): %s", p->name, answers);
                if (agreed && !mc_resolve_has(res, agreed)) {
                        s = MC_FAIL;
                        hint_address = true;
                        mc_clause_add(&bad, "%s resolves to %s, not to its address %s", p->name, answers, agreed);
                }
                /* The address a connect from here uses: the agreed one when NSS has it, else NSS's first. */
                addr = agreed && mc_resolve_has(res, agreed) ? agreed : first;

                host = hosts_entry(ctx->facts, p->name);
                if (host && mc_json_str(host, "address") && !mc_resolve_has(res, mc_json_str(host, "address"))) {
                        s = mc_status_worse(s, MC_WARN);
                        hint_hosts = true;
                        mc_clause_add(&bad, "/etc/hosts:%" PRId64 " maps %s to %s, but nss answers %s", mc_json_int(host, "line", 0),
                                 p->name, mc_json_str(host, "address"), answers);
                }

                rev = mc_json_path(net, "reverse", addr, NULL);
                rname = mc_json_str(rev, "name");
                if (no_reverse_facts || !rev) {
                        /* Reverse lookups are part of the live network facts; forward alone still decides. */
                } else if (!rname) {
                        s = mc_status_worse(s, MC_WARN);
                        hint_reverse = true;
                        mc_clause_add(&bad, "%s (%s) has no reverse name: '%s'", p->name, addr, mc_json_str(rev, "error") ?: "?");
                } else if (!mc_host_name_matches(rname, p->name)) {
                        s = mc_status_worse(s, MC_WARN);
                        hint_reverse = true;
                        mc_clause_add(&bad, "%s's address %s reverses to '%s', not to %s", p->name, addr, rname, p->name);
                }
                if (rev) {
                        char *n = mc_strdup_printf("%s; getnameinfo(%s): %s", ev[i].text, addr, rname ?: mc_json_str(rev, "error") ?: "?");
                        free(ev[i].text);
                        ev[i].text = n;
                }
                if (s == MC_PASS)
                        mc_clause_add(&good, "%s -> %s%s%s", p->name, addr, rname ? " -> " : "", rname ?: "");
                st = mc_status_worse(st, s);
        }

        r = mc_report_clauses(ctx, st, &bad, &good,
                              no_reverse_facts ? "every peer resolves to its address"
                                               : "every peer resolves to its address and back",
                              NULL);
        for (size_t i = 0; i < c->n_nodes; i++) {
                if (!ev[i].text)
                        continue;
                mc_result_evidence(r, "nss", 0, "%s", ev[i].text);
                free(ev[i].text);
        }
        free(ev);
        if (no_reverse_facts)
                mc_result_evidence(r, "nss", 0, "reverse lookups not collected (network facts are live only)");
        if (hint_resolve)
                mc_result_hint(r, "add each peer's name, short and fully qualified, to /etc/hosts on this node (or to "
                                  "DNS): libvirt and QEMU connect to the name ('Unable to resolve address')");
        if (hint_address)
                mc_result_hint(r, "correct the /etc/hosts line or DNS record so that the name gives the address the "
                                  "other nodes and the inventory use");
        if (hint_hosts)
                mc_result_hint(r, "nss did not take /etc/hosts' answer: put 'files' before 'dns' on the hosts line of "
                                  "/etc/nsswitch.conf, or correct the stale line");
        if (hint_reverse)
                mc_result_hint(r, "add a PTR record (or an /etc/hosts line) mapping the address back to the node's "
                                  "name: TLS and SASL/GSSAPI checks and the logs use it");
}
