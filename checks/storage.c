/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* instances-path-consistent: nova's instances_path is the same directory
 * on every node, and it is either on storage all nodes share or local on
 * all of them.
 *
 * Why both: the domain XML names disk files by absolute path, so the
 * destination must have the same path; and nova tells shared from local
 * storage by creating a file in the destination's instances_path and
 * looking for it on the source, so a cluster that mixes the two gets
 * InvalidSharedStorage or InvalidLocalStorage depending on the direction
 * of each migration (kb signatures 5 and 13).
 *
 * Verdicts per node: a node whose value differs from the cluster's most
 * common one fails; with a tie for most common, every node of the tie
 * fails (nothing says which side is right). Nodes on the most common value
 * pass, and their row names the nodes that differ.
 *
 * Cost: values are grouped once per run in a hash table, O(nodes); a row
 * is O(groups named). */
#include <ctype.h>
#include <glib.h>
#include <string.h>

#include "checks.h"
#include "tally.h"
#include "nova_options.h"
#include "util.h"

enum snode_state {
        SN_NONE,   /* no facts: not counted */
        SN_SKIP,   /* not a nova compute node */
        SN_ERROR,  /* instances_path unknown */
        SN_OK,
};

struct snode {
        const struct mc_node *node;
        json_object *facts;
        enum snode_state state;
        char *why;           /* SN_SKIP / SN_ERROR: the reason */
        const char *path;
        json_object *mount;  /* NULL or with .error: storage unknown */
        char *store;         /* "local", or what is shared: "nfs nfs1:/export/nova" */
        char *store_text;    /* for people: "nfs4 export nfs1:/export/nova/instances" */
};



struct storage_index {
        const struct mc_cluster *cluster;
        const struct mc_node *nodes;
        size_t n_nodes;
        struct snode *n;
        struct mc_tally path, store;
};






static void index_free(struct storage_index *x) {
        if (!x)
                return;
        for (size_t k = 0; k < x->n_nodes; k++) {
                free(x->n[k].why);
                free(x->n[k].store);
                free(x->n[k].store_text);
        }
        free(x->n);
        mc_tally_free(&x->path);
        mc_tally_free(&x->store);
        free(x);
}

/* The client side of a network file system writes its server as it was
 * given ("NFS1:/export/", "nfs1:/export"): one spelling for comparing. The
 * server's name is not resolved (checks do no I/O), so an address on one
 * node and a name on another differ. */
static char *source_norm(const char *source) {
        char *s = mc_strdup(source), *colon = strchr(s, ':'), *out, *p;

        if (colon && colon[1] == '/')
                for (p = s; p < colon; p++)
                        *p = (char) tolower((unsigned char) *p);
        for (out = p = s; *p; p++)
                if (!(p[0] == '/' && (p[1] == '/' || p[1] == '\0') && out > s && out[-1] != ':'))
                        *out++ = *p;
        *out = '\0';
        return s;
}

/* Several names for one kind of client: NFSv3 and v4 mounts of one export
 * hold the same files. */
static const char *fstype_class(const char *fstype) {
        if (mc_startswith(fstype, "fuse."))
                fstype += strlen("fuse.");
        if (streq(fstype, "nfs4"))
                return "nfs";
        if (streq(fstype, "smb3") || streq(fstype, "smbfs"))
                return "cifs";
        if (streq(fstype, "cephfs") || streq(fstype, "ceph-fuse"))
                return "ceph";
        return fstype;
}

/* Cluster file systems on shared block devices name a device local to
 * each node (/dev/mapper/...), so their source says nothing: the mount
 * point stands in for it. */
static bool fstype_block_cluster(const char *cls) {
        return streq(cls, "ocfs2") || streq(cls, "gfs2") || streq(cls, "gfs") || streq(cls, "gpfs") || streq(cls, "vxfs");
}

static void classify_store(struct snode *sn) {
        json_object *m = sn->mount;
        const char *target = mc_json_str(m, "target"), *fstype = mc_json_str(m, "fstype"),
                   *source = mc_json_str(m, "source"), *root = mc_json_str(m, "root"),
                   *path = mc_json_str(m, "path") ?: sn->path, *rel;
        const char *cls;
        _cleanup_free_ char *src = NULL;

        if (!target || !fstype || !source)
                return;
        if (!mc_json_bool(m, "shared", false)) {
                sn->store = mc_strdup("local");
                sn->store_text = mc_strdup_printf("local storage (%s %s on %s)", fstype, source, target);
                return;
        }
        /* The directory inside the export: the same export mounted one level
         * higher on another node is another directory. */
        rel = path + (streq(target, "/") ? 0 : strlen(target));
        if (!mc_startswith(path, target))
                rel = "";
        cls = fstype_class(fstype);
        src = source_norm(source);
        if (fstype_block_cluster(cls))
                sn->store = mc_strdup_printf("%s on %s%s", cls, target, rel);
        else
                sn->store = mc_strdup_printf("%s %s%s%s", cls, src, root && !streq(root, "/") ? root : "", rel);
        sn->store_text = mc_strdup_printf("shared %s %s%s%s (mounted on %s)", fstype, source,
                                          root && !streq(root, "/") ? root : "", rel, target);
}

static void classify(struct snode *sn) {
        json_object *ip = mc_json_path(sn->facts, "nova", "instances_path", NULL);
        json_object *files = mc_json_path(sn->facts, "nova", "files", NULL);

        if (!sn->facts)
                return;
        if (!mc_json_get(sn->facts, "nova")) {
                sn->state = SN_ERROR;
                sn->why = mc_strdup("nova's facts were not collected");
                return;
        }
        if (!mc_nova_configured(sn->facts)) {
                sn->state = SN_SKIP;
                sn->why = mc_strdup("no /etc/nova/nova.conf: not a nova compute node");
                return;
        }
        for (size_t i = 0; i < json_object_array_length(files); i++) {
                const char *p = mc_json_str(json_object_array_get_idx(files, i), NULL);
                struct mc_file_error e;

                if (p && mc_facts_file(sn->facts, p, &e) == MC_FILE_ERROR) {
                        sn->state = SN_ERROR;
                        sn->why = mc_strdup_printf("'%s' did not parse (line %d: %s)", p, e.line, e.message ?: "");
                        return;
                }
        }
        sn->path = mc_json_str(ip, "path");
        if (!sn->path) {
                sn->state = SN_ERROR;
                sn->why = mc_strdup_printf("instances_path is not known: %s",
                                           mc_json_str(ip, "error") ?: "not in the facts");
                return;
        }
        sn->state = SN_OK;
        sn->mount = mc_json_get(ip, "mount");
        if (sn->mount && !mc_json_get(sn->mount, "error"))
                classify_store(sn);
}

static struct storage_index *index_build(const struct mc_cluster *c) {
        struct storage_index *x = mc_assert_alloc(calloc(1, sizeof(*x)));

        x->cluster = c;
        x->nodes = c->nodes;
        x->n_nodes = c->n_nodes;
        x->n = mc_assert_alloc(calloc(c->n_nodes ?: 1, sizeof(*x->n)));
        mc_tally_init(&x->path);
        mc_tally_init(&x->store);
        for (size_t k = 0; k < c->n_nodes; k++) {
                struct snode *sn = &x->n[k];

                sn->node = &c->nodes[k];
                sn->facts = c->nodes[k].facts;
                classify(sn);
                if (sn->state != SN_OK)
                        continue;
                mc_tally_add(&x->path, sn->path, k);
                if (sn->store)
                        mc_tally_add(&x->store, sn->store, k);
        }
        mc_tally_done(&x->path);
        mc_tally_done(&x->store);
        return x;
}

static void *index_new(const struct mc_cluster *c) {
        return index_build(c);
}

static void index_destroy(void *x) {
        index_free(x);
}

/* Built at the run's first node, kept for the others (mc_check_scratch). */
static struct storage_index *index_get(struct mc_check_ctx *ctx) {
        struct storage_index *x = mc_check_scratch(ctx, index_new, index_destroy);
        return x;
}

static const char *path_text(const void *data, const struct mc_tally_group *g) {
        return ((const struct storage_index *) data)->n[g->first].path;
}

static const char *store_text(const void *data, const struct mc_tally_group *g) {
        return ((const struct storage_index *) data)->n[g->first].store_text;
}

static const char *node_name(const void *data, size_t k) {
        return ((const struct storage_index *) data)->n[k].node->name;
}

/* "/a on 3 nodes (n1, n2, n3); /b on 1 node (n4)", other than skip. */
static char *groups_text(const struct storage_index *x, const struct mc_tally *d, const struct mc_tally_group *skip,
                         const char *(*text)(const void *, const struct mc_tally_group *)) {
        return mc_tally_text(d, skip, "; ", text, node_name, x);
}

static void evidence_path(struct mc_result *r, const struct snode *sn) {
        struct mc_setting s;

        if (mc_facts_nova(sn->facts, "DEFAULT", "instances_path", &s) >= 0)
                mc_evidence_setting(r, &s);
        else
                mc_result_evidence(r, "nova default", 0, "instances_path = $state_path/instances = %s", sn->path);
}

static void evidence_mount(struct mc_result *r, const struct snode *sn) {
        json_object *m = sn->mount;

        if (!m)
                return;
        if (mc_json_get(m, "error"))
                mc_result_evidence(r, "mounts", 0, "%s", mc_json_str(m, "error") ?: "");
        else
                mc_result_evidence(r, mc_json_str(m, "table") ?: "mounts", 0, "%s on %s type %s%s%s",
                                   mc_json_str(m, "source") ?: "?", mc_json_str(m, "target") ?: "?",
                                   mc_json_str(m, "fstype") ?: "?", mc_json_str(m, "path") ? ", instances_path resolves to " : "",
                                   mc_json_str(m, "path") ?: "");
}

void mc_check_instances_path_consistent(struct mc_check_ctx *ctx) {
        struct storage_index *x = index_get(ctx);
        size_t j = (size_t) (ctx->node - ctx->cluster->nodes);
        const struct snode *sn = &x->n[j];
        bool path_bad, store_bad, store_unknown;
        _cleanup_free_ char *others = NULL;
        struct mc_result *r;

        if (sn->state == SN_SKIP) {
                mc_report(ctx, MC_SKIP, "%s", sn->why);
                return;
        }
        if (sn->state != SN_OK) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: %s", sn->why);
                mc_result_hint(r, "correct nova.conf so that instances_path resolves (state_path set in [DEFAULT]), then "
                                  "collect again");
                return;
        }

        path_bad = g_hash_table_size(x->path.groups) > 1 && (x->path.tie || !streq(sn->path, x->path.best->key));
        store_unknown = !sn->store;
        store_bad = !store_unknown && g_hash_table_size(x->store.groups) > 1 &&
                    (x->store.tie || !streq(sn->store, x->store.best->key));

        if (path_bad) {
                others = groups_text(x, &x->path, g_hash_table_lookup(x->path.groups, sn->path), path_text);
                r = mc_report(ctx, MC_FAIL, "instances_path differs between nodes: %s here; %s", sn->path, others);
                evidence_path(r, sn);
                if (store_bad)
                        mc_result_evidence(r, "cluster", 0, "storage differs too: %s here", sn->store_text);
                mc_result_hint(r, "set instances_path in [DEFAULT] of /etc/nova/nova.conf to the same directory on "
                                  "every node%s%s%s; disk paths in the guests' XML are absolute, so the destination "
                                  "needs the source's path",
                               x->path.tie ? "" : " (most use ", x->path.tie ? "" : x->path.best->key,
                               x->path.tie ? "" : ")");
                return;
        }
        if (store_unknown) {
                json_object *m = sn->mount;

                /* Offline trees often have no mount table: what cannot be
                 * known is a SKIP with the reason (as for the other
                 * live-only facts), and the path comparison is still said. */
                r = mc_report(ctx, MC_SKIP, "instances_path %s%s; whether it is shared is unknown: %s", sn->path,
                              g_hash_table_size(x->path.groups) > 1 ? "" : ", the same on every node with facts",
                              !m ? "the mount table was not collected"
                                 : mc_json_str(m, "error") ?: "the mount facts are incomplete");
                evidence_path(r, sn);
                evidence_mount(r, sn);
                mc_result_hint(r, "collect on the live node, or include proc/self/mountinfo or proc/mounts in the "
                                  "collected tree");
                return;
        }
        if (store_bad) {
                bool here_local = streq(sn->store, "local"), most_local = streq(x->store.best->key, "local");

                others = groups_text(x, &x->store, g_hash_table_lookup(x->store.groups, sn->store), store_text);
                r = mc_report(ctx, MC_FAIL, "instances_path is on %s here, the cluster mixes storage (%s): nova "
                                            "refuses live migration with InvalidSharedStorage or InvalidLocalStorage "
                                            "depending on the direction",
                              sn->store_text, others);
                evidence_path(r, sn);
                evidence_mount(r, sn);
                if (x->store.tie)
                        mc_result_hint(r, "put instances_path on one shared export on every node, or on local disk "
                                          "on every node (then migrate with --block-migrate)");
                else if (here_local && !most_local) {
                        const struct snode *like = &x->n[x->store.best->first];

                        mc_result_hint(r, "mount %s on %s here (%s, as %s does) and make the mount permanent "
                                          "(/etc/fstab)",
                                       mc_json_str(like->mount, "source"), mc_json_str(like->mount, "target"),
                                       mc_json_str(like->mount, "fstype"), like->node->name);
                }
                else if (most_local)
                        mc_result_hint(r, "the other nodes keep instances on local disk: unmount the share from %s "
                                          "here, or mount one shared export on every node",
                                       sn->path);
                else {
                        const struct snode *like = &x->n[x->store.best->first];

                        mc_result_hint(r, "mount the export most nodes use here: %s on %s (%s, as %s does)",
                                       mc_json_str(like->mount, "source"), mc_json_str(like->mount, "target"),
                                       mc_json_str(like->mount, "fstype"), like->node->name);
                }
                return;
        }

        /* This node agrees with the cluster's most common values. */
        {
                _cleanup_free_ char *odd_path = NULL, *odd_store = NULL, *note = NULL;
                size_t n_ok = x->store.best ? x->store.best->count : 1;
                bool local = streq(sn->store, "local");

                if (g_hash_table_size(x->path.groups) > 1)
                        odd_path = groups_text(x, &x->path, x->path.best, path_text);
                if (g_hash_table_size(x->store.groups) > 1)
                        odd_store = groups_text(x, &x->store, x->store.best, store_text);
                if (odd_path || odd_store)
                        note = mc_strdup_printf("; differing (see their rows): %s%s%s", odd_path ?: "",
                                                odd_path && odd_store ? "; " : "", odd_store ?: "");
                if (local)
                        r = mc_report(ctx, MC_PASS, "instances_path %s on %s, local on %zu of %zu node%s: nothing is "
                                                    "shared, live migration must copy the disks (block migration)%s",
                                      sn->path, sn->store_text, n_ok, x->store.total, x->store.total == 1 ? "" : "s",
                                      note ?: "");
                else
                        r = mc_report(ctx, MC_PASS, "instances_path %s on %s, the same on %zu of %zu node%s%s", sn->path,
                                      sn->store_text, x->store.best ? x->store.best->count : 1, x->store.total,
                                      x->store.total == 1 ? "" : "s", note ?: "");
                evidence_path(r, sn);
                evidence_mount(r, sn);
                if (local)
                        mc_result_hint(r, "migrate with block migration (nova live-migration --block-migrate; automatic "
                                          "from Mitaka), or put instances_path on storage every node shares");
        }
}
