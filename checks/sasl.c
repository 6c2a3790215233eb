/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirtd-auth's verdict on auth_tcp = sasl, which is also libvirt's
 * default on distro builds: a migration over plain tcp authenticates the
 * source's libvirtd to the destination's with SASL. The destination offers
 * the mechanisms of /etc/sasl2/libvirt.conf (Debian and RHEL ship
 * "mech_list: gssapi"); the source, a daemon with nobody to ask, answers
 * only from libvirt's auth.conf. Without credentials there the migration
 * fails at once: "authentication failed: No authentication callback
 * available" (the lab shows it). Kerberos tickets are not visible in any
 * file: GSSAPI with a keytab is a warning, without one a failure.
 *
 * Which sources lack credentials is computed once per run (mc_check_scratch):
 * the nodes whose auth.conf has no [auth-libvirt-default], and per host
 * name the nodes that name it; each destination then costs O(its names). */
#include <ctype.h>
#include <glib.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "sasl.h"
#include "util.h"

#define NAMED MC_NAMES_SHOWN  /* sources named in a summary */

struct source {
        const struct mc_node *node;
        const char *file;       /* the auth.conf libvirt reads, NULL: none */
        int line;               /* of its [auth-libvirt-default] or first entry */
        bool usable;            /* a credentials-* with a name and a password */
        bool deflt;             /* [auth-libvirt-default] with credentials */
};

struct sasl_index {
        struct source *s;
        size_t n;
        size_t *no_default;     /* indices of sources without a default entry */
        size_t n_no_default;
        GHashTable *named;      /* lower-case host name -> GArray of source indices */
};

static void index_free(void *p) {
        struct sasl_index *x = p;

        if (!x)
                return;
        free(x->s);
        free(x->no_default);
        if (x->named)
                g_hash_table_destroy(x->named);
        free(x);
}

/* libvirt's daemon reads root's own file first, then /etc's. */
static const char *auth_file(json_object *facts) {
        if (mc_facts_file(facts, MC_LIBVIRT_AUTH_CONF_ROOT, NULL) != MC_FILE_ABSENT)
                return MC_LIBVIRT_AUTH_CONF_ROOT;
        if (mc_facts_file(facts, MC_LIBVIRT_AUTH_CONF, NULL) != MC_FILE_ABSENT)
                return MC_LIBVIRT_AUTH_CONF;
        return NULL;
}

static void named_add(GHashTable *named, const char *host, size_t i) {
        g_autofree char *key = g_ascii_strdown(host, -1);
        GArray *a = g_hash_table_lookup(named, key);

        if (!a) {
                a = g_array_new(FALSE, FALSE, sizeof(size_t));
                g_hash_table_insert(named, g_steal_pointer(&key), a);
        }
        if (a->len == 0 || g_array_index(a, size_t, a->len - 1) != i)
                g_array_append_val(a, i);
}

static void source_of(const struct mc_node *n, size_t i, GHashTable *named, struct source *ret) {
        json_object *sections = NULL;

        *ret = (struct source) { .node = n, .file = n->facts ? auth_file(n->facts) : NULL };
        if (!ret->file || mc_facts_file(n->facts, ret->file, NULL) != MC_FILE_OK)
                return;
        sections = mc_json_path(n->facts, "files", ret->file, "sections", NULL);
        if (!sections || !json_object_is_type(sections, json_type_object))
                return;
        json_object_object_foreach(sections, name, keys) {
                if (strncasecmp(name, "credentials-", 12) == 0)
                        ret->usable = ret->usable || ((mc_json_get(keys, "authname") || mc_json_get(keys, "username")) &&
                                                      mc_json_get(keys, "password"));
                else if (strncasecmp(name, "auth-libvirt-", 13) == 0 && mc_json_get(keys, "credentials")) {
                        if (!ret->line)
                                ret->line = (int) mc_json_int(mc_json_get(keys, "credentials"), "line", 0);
                        if (strcasecmp(name + 13, "default") == 0) {
                                ret->deflt = true;
                                ret->line = (int) mc_json_int(mc_json_get(keys, "credentials"), "line", 0);
                        } else
                                named_add(named, name + 13, i);
                }
        }
}

static void *index_new(const struct mc_cluster *c) {
        struct sasl_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));

        x->n = c->n_nodes;
        x->s = mc_assert_alloc(calloc(x->n + 1, sizeof(*x->s)));
        x->no_default = mc_assert_alloc(calloc(x->n + 1, sizeof(size_t)));
        x->named = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
        for (size_t i = 0; i < x->n; i++) {
                source_of(&c->nodes[i], i, x->named, &x->s[i]);
                if (!(x->s[i].deflt && x->s[i].usable))
                        x->no_default[x->n_no_default++] = i;
        }
        return x;
}

/* Whether source i names host h (one of the destination's names), with a
 * usable credential. */
static bool names_host(const struct sasl_index *x, size_t i, char *const *names) {
        if (!x->s[i].usable)
                return false;
        for (char *const *h = names; *h; h++) {
                GArray *a = g_hash_table_lookup(x->named, *h);

                for (guint k = 0; a && k < a->len; k++)
                        if (g_array_index(a, size_t, k) == i)
                                return true;
        }
        return false;
}

/* The names a source's libvirt may look this node up by in auth.conf: the
 * host of the migration URI is the node's name as nova knows it. */
static char **dest_names(const struct mc_check_ctx *ctx) {
        const char *cand[] = { ctx->node->name, mc_json_str(mc_json_get(ctx->facts, "node"), "hostname") };
        char **l = mc_assert_alloc(calloc(2 * ELEMENTSOF(cand) + 1, sizeof(char *)));
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(cand); i++) {
                const char *dot;

                if (!cand[i])
                        continue;
                l[n++] = g_ascii_strdown(cand[i], -1);
                if ((dot = strchr(cand[i], '.')) && dot != cand[i])
                        l[n++] = g_ascii_strdown(cand[i], dot - cand[i]);
        }
        return l;
}

static bool mech_listed(const char *list, const char *mech) {
        g_auto(GStrv) words = g_strsplit_set(list, " \t,", -1);

        for (char **w = words; w && *w; w++)
                if (g_ascii_strcasecmp(*w, mech) == 0)
                        return true;
        return false;
}

/* Password mechanisms the list offers besides GSSAPI (EXTERNAL and
 * ANONYMOUS carry no credentials libvirt could send). */
static bool mech_password(const char *list) {
        g_auto(GStrv) words = g_strsplit_set(list, " \t,", -1);

        for (char **w = words; w && *w; w++)
                if (**w && g_ascii_strcasecmp(*w, "gssapi") && g_ascii_strcasecmp(*w, "external") &&
                    g_ascii_strcasecmp(*w, "anonymous"))
                        return true;
        return false;
}

static void evidence_auth(struct mc_result *r, const struct mc_setting *s, const char *key) {
        if (s)
                mc_evidence_setting(r, s);
        else
                mc_result_evidence(r, "libvirt default", 0, "%s not set: sasl (libvirt built with SASL)", key);
}

void mc_check_sasl(struct mc_check_ctx *ctx, const struct mc_transport *t, const char *conf, const char *key,
                   const struct mc_setting *auth) {
        struct sasl_index *x = mc_check_scratch(ctx, index_new, index_free);
        json_object *sasl = mc_json_get(ctx->facts, "sasl");
        struct mc_setting mech;
        bool have_mech = mc_facts_setting(ctx->facts, MC_SASL_CONF, NULL, "mech_list", &mech) >= 0;
        bool gssapi = have_mech && mech_listed(mech.value, "gssapi");
        bool password = !have_mech || mech_password(mech.value);
        bool keytab = mc_json_bool(mc_json_get(sasl, "keytab"), "exists", false);
        _cleanup_strv_free_ char **names = dest_names(ctx);
        size_t self = (size_t) (ctx->node - ctx->cluster->nodes), lacking = 0, sources = 0;
        const struct mc_node *named[NAMED];
        _cleanup_free_ char *who = NULL;
        struct mc_result *r;
        bool alone = ctx->cluster->n_nodes <= 1;

        if (!sasl) {
                r = mc_report(ctx, MC_ERROR, "%s is sasl, but the SASL configuration was not collected", key);
                evidence_auth(r, auth, key);
                return;
        }
        /* The sources: every other node; a node alone stands for nodes set
         * up like it. */
        for (size_t k = 0; k < x->n_no_default; k++) {
                size_t i = x->no_default[k];

                if ((i == self && !alone) || !x->s[i].node->facts)
                        continue;
                if (names_host(x, i, names))
                        continue;
                if (lacking < NAMED)
                        named[lacking] = x->s[i].node;
                lacking++;
        }
        for (size_t i = 0; i < x->n; i++)
                sources += (i != self || alone) && x->s[i].node->facts;
        for (size_t i = 0; i < lacking && i < NAMED; i++) {
                char *old = who;
                who = mc_strdup_printf("%s%s%s", old ?: "", old ? ", " : "", named[i]->name);
                free(old);
        }
        if (lacking > NAMED) {
                char *old = who;
                who = mc_strdup_printf("%s and %zu more", old, lacking - NAMED);
                free(old);
        }

        if (have_mech && !password) {
                /* GSSAPI alone: Kerberos, whose tickets no file shows. */
                if (!keytab) {
                        r = mc_report(ctx, MC_FAIL,
                                      "%s = sasl and the only SASL mechanism is GSSAPI (Kerberos), but this node has no "
                                      "keytab (%s): every migration to it fails authentication",
                                      key, mc_json_str(mc_json_get(sasl, "keytab"), "path") ?: "/etc/krb5.keytab");
                        evidence_auth(r, auth, key);
                        mc_evidence_setting(r, &mech);
                        mc_result_hint(r, "give libvirtd a Kerberos keytab (keytab: in %s), or offer scram-sha-256 "
                                          "(mech_list) with a user made by saslpasswd2 -a libvirt and its credentials in "
                                          "%s on every node, or set %s = \"none\" and admit only the compute nodes to "
                                          "tcp/%u in the firewall",
                                       MC_SASL_CONF, MC_LIBVIRT_AUTH_CONF, key, t->port);
                        return;
                }
                r = mc_report(ctx, MC_WARN,
                              "%s = sasl with GSSAPI (Kerberos) only: every source needs a ticket for libvirt/%s, which "
                              "migcheck cannot see",
                              key, names[0]);
                evidence_auth(r, auth, key);
                mc_evidence_setting(r, &mech);
                mc_result_hint(r, "check with 'virsh -c %s list' as root on every other node; without a ticket the "
                                  "migration fails authentication",
                               t->uri);
                return;
        }
        if (lacking == 0) {
                if (!mc_json_bool(mc_json_get(sasl, "sasldb"), "exists", false) && !gssapi) {
                        r = mc_report(ctx, MC_FAIL,
                                      "%s = sasl with password mechanisms, but this node has no SASL user database (%s): "
                                      "every source's credentials are refused",
                                      key, mc_json_str(mc_json_get(sasl, "sasldb"), "path") ?: "/etc/sasldb2");
                        evidence_auth(r, auth, key);
                        if (have_mech)
                                mc_evidence_setting(r, &mech);
                        mc_result_hint(r, "create the migration user on this node: saslpasswd2 -a libvirt USER "
                                          "(sasldb_path in %s)",
                                       MC_SASL_CONF);
                        return;
                }
                if (alone)
                        r = mc_report(ctx, MC_PASS, "%s = sasl: this node has SASL credentials in libvirt's auth.conf, "
                                                    "as nodes set up like it need them (present, not tried)",
                                      key);
                else
                        r = mc_report(ctx, MC_PASS, "%s = sasl: %s SASL credentials for this node in libvirt's "
                                                    "auth.conf (present, not tried)",
                                      key, sources == 1 ? "the other node has" : "every other node has");
                evidence_auth(r, auth, key);
                return;
        }
        if (gssapi && keytab) {
                r = mc_report(ctx, MC_WARN,
                              "%s = sasl: %s %s no password credentials for this node in libvirt's auth.conf and must "
                              "use Kerberos tickets, which migcheck cannot see",
                              key, who, lacking == 1 ? "has" : "have");
                evidence_auth(r, auth, key);
                mc_evidence_setting(r, &mech);
                mc_result_hint(r, "add [credentials-NAME] (authname, password) and [auth-libvirt-default] "
                                  "(credentials=NAME) to %s on those nodes, or check their Kerberos tickets",
                               MC_LIBVIRT_AUTH_CONF);
                return;
        }
        if (alone)
                r = mc_report(ctx, MC_FAIL,
                              "%s = sasl%s, but this node has no SASL credentials in libvirt's auth.conf: a node set up "
                              "like it cannot authenticate to another, and the migration fails with 'authentication "
                              "failed: No authentication callback available'",
                              key, auth ? "" : " (libvirt's default)");
        else
                r = mc_report(ctx, MC_FAIL,
                              "%s = sasl%s, but %s %s no SASL credentials for this node in libvirt's auth.conf: a "
                              "migration from %s fails with 'authentication failed: No authentication callback "
                              "available'",
                              key, auth ? "" : " (libvirt's default)", who, lacking == 1 ? "has" : "have",
                              lacking == 1 ? "it" : "them");
        evidence_auth(r, auth, key);
        if (have_mech)
                mc_evidence_setting(r, &mech);
        for (size_t i = 0; i < lacking && i < NAMED; i++) {
                _cleanup_free_ char *f = mc_strdup_printf("%s: %s", named[i]->name, MC_LIBVIRT_AUTH_CONF);
                const struct source *s = &x->s[named[i] - ctx->cluster->nodes];

                mc_result_evidence(r, alone ? MC_LIBVIRT_AUTH_CONF : f, (unsigned) s->line, "%s",
                                   !s->file ? "no auth.conf"
                                   : !s->usable ? "no [credentials-*] with authname and password"
                                                : "no [auth-libvirt-default] or [auth-libvirt-HOST] for this node");
        }
        mc_result_hint(r, "set %s = \"none\" in %s and admit only the compute nodes to tcp/%u in the "
                          "firewall (migcheck fix --allow-insecure-auth does the first), or make a user with "
                          "saslpasswd2 -a libvirt here and give every node [credentials-migration] "
                          "(authname, password) and [auth-libvirt-default] (credentials=migration) in %s",
                       key, conf, t->port, MC_LIBVIRT_AUTH_CONF);
}
