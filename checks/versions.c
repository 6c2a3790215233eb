/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* version-skew: nova's conductor refuses a destination whose hypervisor
 * (QEMU, as libvirt's getVersion reports it) is older than the source's:
 * DestinationHypervisorTooOld, "The instance requires a newer hypervisor
 * version than has been provided". libvirt itself migrates to older
 * releases, with limits; nova releases that differ only work across one
 * step of a rolling upgrade. */
#include <ctype.h>
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "checks.h"
#include "clauses.h"
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

/* Each node's versions, read once per run, and the nodes grouped by what
 * compares (few groups: a cluster runs a handful of builds), so that a row
 * compares this node with each group once and walks the others with
 * integer compares. */
struct vs_node {
        struct node_versions v;
        size_t group;
};

struct vs_index {
        struct vs_node *n;
        size_t n_groups;
        struct mc_members *members;  /* per group */
        struct mc_members no_facts;
};

static void *vs_build(const struct mc_cluster *c) {
        struct vs_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));
        g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);

        x->n = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*x->n)));
        x->members = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(*x->members)));
        for (size_t i = 0; i < c->n_nodes; i++) {
                struct node_versions *v = &x->n[i].v;
                _cleanup_free_ char *key = NULL;
                gpointer g;

                if (!c->nodes[i].facts) {
                        x->n[i].group = SIZE_MAX;
                        mc_members_add(&x->no_facts, i);
                        continue;
                }
                versions_of(c->nodes[i].facts, v);
                key = mc_strdup_printf("%d%s|%d%s|%s|%s", v->qemu.raw != NULL, v->qemu.upstream, v->libvirt.raw != NULL,
                                       v->libvirt.upstream, v->hv_type ?: "", v->nova ?: "");
                if (g_hash_table_lookup_extended(groups, key, NULL, &g))
                        x->n[i].group = GPOINTER_TO_SIZE(g);
                else {
                        x->n[i].group = x->n_groups++;
                        g_hash_table_insert(groups, TAKE_PTR(key), GSIZE_TO_POINTER(x->n[i].group));
                }
                mc_members_add(&x->members[x->n[i].group], i);
        }
        return x;
}

static void vs_free(void *p) {
        struct vs_index *x = p;

        free(x->n);
        free(x->members);
        free(x);
}

/* Nodes named in a list before the rest is counted. */
#define VS_NAMED MC_NAMES_SHOWN

struct namelist {
        char *s;
        size_t n;
        size_t first[VS_NAMED];  /* node indices of the named ones */
};

static void namelist_add(struct namelist *l, size_t node, const char *fmt, ...) _printf_(3, 4);
static void namelist_add(struct namelist *l, size_t node, const char *fmt, ...) {
        _cleanup_free_ char *piece = NULL;
        va_list ap;

        if (l->n < VS_NAMED) {
                va_start(ap, fmt);
                if (vasprintf(&piece, fmt, ap) < 0)
                        mc_oom();
                va_end(ap);
                mc_strappendf(&l->s, "%s%s", l->s ? ", " : "", piece);
                l->first[l->n] = node;
        }
        l->n++;
}

/* The members of group g but self, each as "NAME" + suffix while they are
 * named, then counted. */
static void namelist_add_group(struct namelist *l, const struct mc_cluster *c, const struct mc_members *g, size_t self,
                               const char *suffix) {
        size_t others = g->count, seen = 0;

        for (size_t k = 0; k < g->count && k < ELEMENTSOF(g->ex); k++)
                if (g->ex[k] == self)
                        others--;
                else if (l->n < VS_NAMED) {
                        namelist_add(l, g->ex[k], "%s%s", c->nodes[g->ex[k]].name, suffix);
                        seen++;
                }
        if (g->count > ELEMENTSOF(g->ex) && others == g->count && self != SIZE_MAX)
                others--;  /* self is past ex[] */
        l->n += others - seen;
}

/* The text, with "and N more" when some were not named; NULL when empty. */
static char *namelist_text(const struct namelist *l) {
        if (l->n == 0)
                return NULL;
        if (l->n > VS_NAMED)
                return mc_strdup_printf("%s and %zu more", l->s, l->n - VS_NAMED);
        return mc_strdup(l->s);
}

void mc_check_version_skew(struct mc_check_ctx *ctx) {
        const struct mc_cluster *c = ctx->cluster;
        _cleanup_free_ char *qemu_newer = NULL, *libvirt_newer = NULL, *nova_other = NULL, *unknown = NULL,
                            *type_other = NULL, *summary = NULL;
        struct namelist lq = {}, ll = {}, lt = {}, ln = {}, lu = {};
        const struct vs_index *x;
        size_t self = (size_t) (ctx->node - c->nodes);
        struct node_versions me;
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

        x = mc_check_scratch(ctx, vs_build, vs_free);
        /* Each group once: its members share every version compared here. */
        namelist_add_group(&lu, c, &x->no_facts, SIZE_MAX, " (no facts)");
        for (size_t g = 0; g < x->n_groups; g++) {
                const struct mc_members *m = &x->members[g];
                const struct node_versions *p = &x->n[m->ex[0]].v;
                size_t s = x->n[self].group == g ? self : SIZE_MAX;
                _cleanup_free_ char *sq = NULL, *sl = NULL, *st_ = NULL, *sn = NULL;

                if (m->count - (s != SIZE_MAX) == 0)
                        continue;  /* this node alone */
                if (me.qemu.raw && p->qemu.raw && upstream_cmp(me.qemu.upstream, p->qemu.upstream) < 0) {
                        sq = mc_strdup_printf(" (%s)", p->qemu.upstream);
                        namelist_add_group(&lq, c, m, s, sq);
                }
                if (me.libvirt.raw && p->libvirt.raw && upstream_cmp(me.libvirt.upstream, p->libvirt.upstream) < 0) {
                        sl = mc_strdup_printf(" (%s)", p->libvirt.upstream);
                        namelist_add_group(&ll, c, m, s, sl);
                }
                if (me.hv_type && p->hv_type && !streq(me.hv_type, p->hv_type)) {
                        st_ = mc_strdup_printf(" (%s)", p->hv_type);
                        namelist_add_group(&lt, c, m, s, st_);
                }
                if (me.nova && p->nova && !streq(me.nova, p->nova)) {
                        sn = mc_strdup_printf(" %s", p->nova);
                        namelist_add_group(&ln, c, m, s, sn);
                }
                if (!p->qemu.raw)
                        namelist_add_group(&lu, c, m, s, " (QEMU version unknown)");
        }
        qemu_newer = namelist_text(&lq);
        libvirt_newer = namelist_text(&ll);
        type_other = namelist_text(&lt);
        nova_other = namelist_text(&ln);
        unknown = namelist_text(&lu);

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
        /* The versions of the nodes named. */
        for (size_t k = 0; qemu_newer && k < lq.n && k < VS_NAMED; k++)
                evidence_version(r, c->nodes[lq.first[k]].name, "qemu", &x->n[lq.first[k]].v.qemu);
        for (size_t k = 0; libvirt_newer && k < ll.n && k < VS_NAMED; k++)
                evidence_version(r, c->nodes[ll.first[k]].name, "libvirt", &x->n[ll.first[k]].v.libvirt);
        free(lq.s);
        free(ll.s);
        free(lt.s);
        free(ln.s);
        free(lu.s);
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
