/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* version-skew: nova's conductor refuses a destination whose hypervisor
 * (QEMU, as libvirt's getVersion reports it) is older than the source's:
 * DestinationHypervisorTooOld, "The instance requires a newer hypervisor
 * version than has been provided". libvirt itself migrates to older
 * releases, with limits; nova releases that differ only work across one
 * step of a rolling upgrade. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "checks.h"
#include "util.h"

struct version {
        const char *raw;     /* as found: "1:7.2+dfsg-7+deb12u18", "7.2.0" */
        char upstream[64];   /* what compares: "7.2" */
        const char *source;  /* "libvirt API" or the package database */
};

struct node_versions {
        struct version qemu, libvirt;
        const char *hv_type;
        const char *nova;    /* release name; NULL when unknown */
};

/* Debian and RPM versions carry an epoch ("1:") and a packaging suffix
 * ("+dfsg-7+deb12u18", "-10.el7", "~bpo11+1") that say nothing about the
 * upstream release nova and libvirt compare. */
static void upstream_of(const char *v, char *out, size_t n) {
        const char *colon = strchr(v, ':');
        size_t len;

        if (colon && strspn(v, "0123456789") == (size_t) (colon - v))
                v = colon + 1;
        len = strcspn(v, "+-~ ");
        snprintf(out, n, "%.*s", (int) len, v);
}

static bool ends_number(const char *p) {
        return isdigit((unsigned char) p[0]) && !isdigit((unsigned char) p[1]);
}

static size_t count_numbers(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                n += ends_number(s);
        return n;
}

/* s cut after its n-th number. */
static char *first_numbers(const char *s, size_t n) {
        char *c = mc_strdup(s);
        size_t k = 0;

        for (char *p = c; *p; p++)
                if (ends_number(p) && ++k == n) {
                        p[1] = '\0';
                        break;
                }
        return c;
}

/* Compare at the precision both have: Debian's "1:7.2+dfsg-7+deb12u18"
 * says 7.2 where libvirt reports the binary's 7.2.22, and those are one
 * release as far as anyone can tell. */
static int upstream_cmp(const char *a, const char *b) {
        size_t na = count_numbers(a), nb = count_numbers(b);
        _cleanup_free_ char *x = first_numbers(a, na < nb ? na : nb), *y = first_numbers(b, na < nb ? na : nb);

        return mc_version_cmp(x, y);
}

static void version_set(struct version *ver, const char *raw, const char *source) {
        if (!raw || !*raw)
                return;
        ver->raw = raw;
        ver->source = source;
        upstream_of(raw, ver->upstream, sizeof(ver->upstream));
        /* "unknown", "dfsg": nothing that compares. */
        if (!strpbrk(ver->upstream, "0123456789"))
                ver->raw = NULL;
}

static void versions_of(json_object *facts, struct node_versions *ret) {
        json_object *lv = mc_json_get(facts, "libvirt"), *v = mc_json_get(facts, "versions");
        bool live = streq_ptr(mc_json_str(lv, "state"), "ok");
        const char *rel;

        *ret = (struct node_versions) {};
        /* The running daemon's answer first: it is what nova compares, and
         * a package upgraded without a restart says otherwise. */
        if (live)
                version_set(&ret->qemu, mc_json_str(lv, "hv_version"), "libvirt API (getVersion)");
        if (!ret->qemu.raw)
                version_set(&ret->qemu, mc_json_str(mc_json_get(v, "qemu"), "value"),
                            mc_json_str(mc_json_get(v, "qemu"), "source") ?: "package database");
        if (live)
                version_set(&ret->libvirt, mc_json_str(lv, "lib_version"), "libvirt API (getLibVersion)");
        if (!ret->libvirt.raw)
                version_set(&ret->libvirt, mc_json_str(mc_json_get(v, "libvirt"), "value"),
                            mc_json_str(mc_json_get(v, "libvirt"), "source") ?: "package database");
        ret->hv_type = live ? mc_json_str(lv, "hv_type") : NULL;
        rel = mc_json_str(mc_json_get(v, "nova"), "release");
        ret->nova = rel && !streq(rel, "unknown") ? rel : NULL;
}


static void evidence_version(struct mc_result *r, const char *node, const char *what, const struct version *v) {
        _cleanup_free_ char *f = node ? mc_strdup_printf("%s: %s", node, v->source) : NULL;

        mc_result_evidence(r, f ?: v->source, 0, "%s %s", what, v->raw);
}

void mc_check_version_skew(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        _cleanup_free_ char *qemu_newer = NULL, *libvirt_newer = NULL, *nova_other = NULL, *unknown = NULL,
                            *type_other = NULL, *summary = NULL;
        struct node_versions me, p;
        enum mc_status st = MC_PASS;
        struct mc_result *r;

        versions_of(ctx->facts, &me);
        if (c->n_nodes < 2) {
                r = mc_report(ctx, MC_SKIP, "single node: no peer to compare versions with (QEMU %s, libvirt %s, nova %s)",
                              me.qemu.raw ?: "unknown", me.libvirt.raw ?: "unknown", me.nova ?: "unknown");
                if (me.qemu.raw)
                        evidence_version(r, NULL, "qemu", &me.qemu);
                if (me.libvirt.raw)
                        evidence_version(r, NULL, "libvirt", &me.libvirt);
                return;
        }

        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *n = &c->nodes[i];

                if (n == ctx->node)
                        continue;
                if (!n->facts) {
                        mc_strappendf(&unknown, "%s%s (no facts)", unknown ? ", " : "", n->name);
                        continue;
                }
                versions_of(n->facts, &p);
                if (me.qemu.raw && p.qemu.raw && upstream_cmp(me.qemu.upstream, p.qemu.upstream) < 0)
                        mc_strappendf(&qemu_newer, "%s%s (%s)", qemu_newer ? ", " : "", n->name, p.qemu.upstream);
                if (me.libvirt.raw && p.libvirt.raw && upstream_cmp(me.libvirt.upstream, p.libvirt.upstream) < 0)
                        mc_strappendf(&libvirt_newer, "%s%s (%s)", libvirt_newer ? ", " : "", n->name, p.libvirt.upstream);
                if (me.hv_type && p.hv_type && !streq(me.hv_type, p.hv_type))
                        mc_strappendf(&type_other, "%s%s (%s)", type_other ? ", " : "", n->name, p.hv_type);
                if (me.nova && p.nova && !streq(me.nova, p.nova))
                        mc_strappendf(&nova_other, "%s%s %s", nova_other ? ", " : "", n->name, p.nova);
                if (!p.qemu.raw)
                        mc_strappendf(&unknown, "%s%s (QEMU version unknown)", unknown ? ", " : "", n->name);
        }

        if (type_other) {
                st = MC_FAIL;
                mc_strappendf(&summary, "hypervisor %s here, but %s: nova migrates only between hypervisors of one type; ",
                       me.hv_type, type_other);
        }
        if (qemu_newer) {
                st = MC_FAIL;
                mc_strappendf(&summary, "QEMU %s here is older than on %s: nova refuses to migrate their guests here "
                                 "('The instance requires a newer hypervisor version than has been provided'); ",
                       me.qemu.upstream, qemu_newer);
        }
        if (!me.qemu.raw) {
                st = st == MC_FAIL ? st : MC_ERROR;
                mc_strappendf(&summary, "cannot evaluate the QEMU version: %s; ",
                       mc_json_get(ctx->facts, "libvirt") ? "libvirt did not report it and no QEMU package was found"
                                                          : "no QEMU package found and libvirt was not asked (offline)");
        }
        if (libvirt_newer) {
                st = st == MC_PASS ? MC_WARN : st;
                mc_strappendf(&summary, "libvirt %s here is older than on %s: migration from a newer libvirt works only for "
                                 "guests that use nothing this release lacks; ",
                       me.libvirt.upstream, libvirt_newer);
        }
        if (nova_other) {
                st = st == MC_PASS ? MC_WARN : st;
                mc_strappendf(&summary, "nova releases differ: %s here, %s; ", me.nova, nova_other);
        }
        if (st == MC_PASS)
                mc_strappendf(&summary, "QEMU %s and libvirt %s are not older than on any peer%s%s; ", me.qemu.upstream,
                       me.libvirt.raw ? me.libvirt.upstream : "(unknown)", me.nova ? ", nova " : "", me.nova ?: "");
        if (unknown)
                mc_strappendf(&summary, "not compared: %s; ", unknown);
        summary[strlen(summary) - 2] = '\0';  /* the last "; " */

        r = mc_report(ctx, st, "%s", summary);
        if (me.qemu.raw)
                evidence_version(r, NULL, "qemu", &me.qemu);
        if (me.libvirt.raw)
                evidence_version(r, NULL, "libvirt", &me.libvirt);
        for (size_t i = 0; i < c->n_nodes; i++) {
                const struct mc_node *n = &c->nodes[i];

                if (n == ctx->node || !n->facts)
                        continue;
                versions_of(n->facts, &p);
                if (qemu_newer && p.qemu.raw && me.qemu.raw && upstream_cmp(me.qemu.upstream, p.qemu.upstream) < 0)
                        evidence_version(r, n->name, "qemu", &p.qemu);
                if (libvirt_newer && p.libvirt.raw && me.libvirt.raw &&
                    upstream_cmp(me.libvirt.upstream, p.libvirt.upstream) < 0)
                        evidence_version(r, n->name, "libvirt", &p.libvirt);
        }
        if (qemu_newer)
                mc_result_hint(r, "upgrade QEMU here to at least the version of %s, or migrate to this node only from "
                                  "nodes whose QEMU is not newer", qemu_newer);
        if (libvirt_newer)
                mc_result_hint(r, "upgrade libvirt here to at least the release of %s", libvirt_newer);
        if (type_other)
                mc_result_hint(r, "migrate only between nodes with the same hypervisor type");
        if (nova_other)
                mc_result_hint(r, "finish the upgrade: nova supports mixed releases only one release apart, during a "
                                  "rolling upgrade");
        if (!me.qemu.raw)
                mc_result_hint(r, "collect the node live with libvirtd running, or include /var/lib/dpkg/status "
                                  "(or the sosreport's installed-rpms) in the collected tree");
}
