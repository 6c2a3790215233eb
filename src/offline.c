/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "offline.h"

#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "escape.h"
#include "facts.h"
#include "util.h"

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Shared /etc/hosts entries. Config management gives most nodes the same
 * /etc/hosts, and in the classic setup it lists every node: n nodes' facts
 * then hold n copies of n lines. --save-facts writes each distinct list
 * once, as DIR/hosts-sha256-HEX.entries (the entries array as JSON; HEX the
 * SHA-256 of those bytes), and the node's facts name it with
 * hosts.entries_sha256. Loading, every node with the same list shares one
 * json-c array (reference counted), whether it came from such a file or
 * inline: memory grows with the distinct lists, not with the nodes, and
 * the hosts checks index each distinct list once (checks/hosts.c). */
#define HOSTS_SHARED_PREFIX "hosts-sha256-"
#define HOSTS_SHARED_SUFFIX ".entries"

static void json_put(void *o) {
        json_object_put(o);
}

static json_object *hosts_entries(json_object *facts) {
        json_object *e = mc_json_path(facts, "hosts", "entries", NULL);

        return e && json_object_is_type(e, json_type_array) ? e : NULL;
}

static void hosts_fail(json_object *hosts, char *message) {
        json_object *e = json_object_new_object();

        json_object_object_add(e, "message", json_object_new_string(message));
        json_object_object_add(hosts, "state", json_object_new_string("error"));
        json_object_object_add(hosts, "error", e);
        free(message);
}

/* The shared entries named by digest: from the table, else from the file
 * beside the facts, checked against the digest. */
static int shared_entries(GHashTable *shared, const char *dir, const char *digest, json_object **ret, char **ret_error) {
        _cleanup_free_ char *path = mc_strdup_printf("%s/" HOSTS_SHARED_PREFIX "%s" HOSTS_SHARED_SUFFIX, dir, digest);
        _cleanup_(json_tokener_freep) json_tokener *tok = NULL;
        _cleanup_free_ char *text = NULL;
        char got[65];
        json_object *o;
        size_t len;
        int r;

        if ((o = g_hash_table_lookup(shared, digest))) {
                *ret = o;
                return 0;
        }
        r = mc_read_file(path, MC_FACTS_MAX_SIZE, &text, &len);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot read '%s': %s", path, strerror(-r));
                return r;
        }
        mc_sha256_hex(text, len, got);
        if (!streq(got, digest)) {
                *ret_error = mc_strdup_printf("'%s' does not hold what the facts name (its sha256 is %s)", path, got);
                return -EBADMSG;
        }
        tok = mc_assert_alloc(json_tokener_new_ex(64));
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        o = len <= INT32_MAX ? json_tokener_parse_ex(tok, text, (int) len) : NULL;
        if (!o || json_tokener_get_parse_end(tok) < len || !json_object_is_type(o, json_type_array)) {
                json_object_put(o);
                *ret_error = mc_strdup_printf("'%s' is not a JSON array of /etc/hosts entries", path);
                return -EBADMSG;
        }
        g_hash_table_insert(shared, mc_strdup(digest), o);
        *ret = o;
        return 0;
}

/* Give facts the shared copy of its /etc/hosts entries. */
static void hosts_intern(GHashTable *shared, const char *dir, json_object *facts) {
        json_object *hosts = mc_json_get(facts, "hosts"), *entries = hosts_entries(facts), *o;
        const char *digest = mc_json_str(hosts, "entries_sha256");
        _cleanup_free_ char *err = NULL;
        char d[65];

        if (!hosts || !json_object_is_type(hosts, json_type_object))
                return;
        if (!entries && digest) {
                if (!mc_is_sha256_hex(digest))
                        hosts_fail(hosts, mc_strdup_printf("hosts.entries_sha256 is not a SHA-256 digest: '%s'", digest));
                else if (shared_entries(shared, dir, digest, &o, &err) < 0)
                        hosts_fail(hosts, mc_strdup_printf("the node's /etc/hosts entries are shared: %s", err));
                else
                        json_object_object_add(hosts, "entries", json_object_get(o));
                return;
        }
        if (!entries)
                return;
        /* Inline entries: identical lists become one, keyed by the digest
         * of their plain serialisation (what --save-facts would write). */
        {
                size_t len;
                const char *text = json_object_to_json_string_length(
                        entries, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

                mc_sha256_hex(text, len, d);
        }
        if ((o = g_hash_table_lookup(shared, d)))
                json_object_object_add(hosts, "entries", json_object_get(o));
        else
                g_hash_table_insert(shared, mc_strdup(d), json_object_get(entries));
}

/* The node's name is the hostname its facts record, else the entry's name. */
static const char *facts_hostname(json_object *facts) {
        return mc_json_str(mc_json_get(facts, "node"), "hostname");
}

int mc_cluster_from_dir(struct mc_cluster *c, const char *dir, const struct mc_collect_opts *o, char **ret_error) {
        _cleanup_strv_free_ char **names = NULL;
        g_autoptr(GHashTable) shared = g_hash_table_new_full(g_str_hash, g_str_equal, free,
                                                              json_put);
        g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);
        size_t n = 0;
        DIR *d;

        d = opendir(dir);
        if (!d) {
                *ret_error = mc_strdup_printf("cannot open '%s': %s", dir, strerror(errno));
                return -errno;
        }
        names = mc_assert_alloc(calloc(1, sizeof(char *)));
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.')
                        continue;
                names = mc_assert_alloc(reallocarray(names, n + 2, sizeof(char *)));
                names[n++] = mc_strdup(de->d_name);
                names[n] = NULL;
        }
        closedir(d);
        qsort(names, n, sizeof(char *), cmp_str);

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = mc_strdup_printf("%s/%s", dir, names[i]), *err = NULL;
                size_t len = strlen(names[i]);
                json_object *facts = NULL;
                bool json = len > 5 && streq(names[i] + len - 5, ".json");
                struct stat st, target;
                struct mc_node *node;
                int r;

                if (lstat(path, &st) < 0)
                        continue;
                if (S_ISLNK(st.st_mode) && (json || (stat(path, &target) == 0 && S_ISDIR(target.st_mode)))) {
                        /* "ln -s / DIR/node" would audit this machine's
                         * files as the node's: refused, as --root refuses a
                         * path that leaves the tree. */
                        _cleanup_free_ char *name = mc_assert_alloc(strndup(names[i], json ? len - 5 : len));

                        node = mc_cluster_add(c, name);
                        node->error = mc_strdup_printf("%s: a symlink: --from reads only the directory's own entries", path);
                        node->source = mc_strdup(path);
                        g_hash_table_add(taken, node->name);
                        continue;
                }
                if (S_ISDIR(st.st_mode)) {
                        struct mc_collect_opts oo = *o;

                        oo.root = path;
                        r = mc_collect(&oo, &facts, &err);
                } else if (S_ISREG(st.st_mode) && json) {
                        r = mc_facts_load(path, &facts, &err);
                        /* --nova-release applies to saved facts as to trees. */
                        if (r >= 0 && o->nova_release)
                                mc_nova_release_override(facts, o->nova_release);
                } else
                        continue;  /* README, checksums, ...: not a node */

                if (r < 0) {
                        _cleanup_free_ char *name = mc_assert_alloc(
                                strndup(names[i], S_ISDIR(st.st_mode) ? len : len - 5));
                        node = mc_cluster_add(c, name);
                        node->error = mc_strdup_printf("%s: %s", path, err);
                        node->source = mc_strdup(path);
                        node->tree = S_ISDIR(st.st_mode);
                        g_hash_table_add(taken, node->name);
                        continue;
                }
                hosts_intern(shared, dir, facts);
                /* The coordinator's name for the node (schema 2), else its hostname. */
                const char *want = mc_json_str(mc_json_get(facts, "inventory"), "name") ?: facts_hostname(facts);
                if (!isempty(want) && !g_hash_table_contains(taken, want))
                        node = mc_cluster_add(c, want);
                else {
                        /* No hostname, or two entries with the same one (a
                         * cloned image): the entry's own name tells them apart. */
                        _cleanup_free_ char *name = mc_assert_alloc(
                                strndup(names[i], S_ISDIR(st.st_mode) ? len : len - 5));
                        node = mc_cluster_add(c, name);
                }
                node->facts = facts;
                node->address = mc_strdup(mc_json_str(mc_json_get(facts, "inventory"), "address"));
                node->source = mc_strdup(path);
                node->tree = S_ISDIR(st.st_mode);
                g_hash_table_add(taken, node->name);
        }
        if (c->n_nodes == 0) {
                *ret_error = mc_strdup_printf("'%s' holds no facts files (*.json) and no node directories", dir);
                return -ENOENT;
        }
        return 0;
}

/* Write the node's /etc/hosts entries to the shared file for their digest
 * (once per save), and return the digest; NULL when the facts have none. */
static char *save_shared_hosts(GHashTable *written, const char *dir, json_object *entries, char **ret_error) {
        size_t len;
        const char *text = json_object_to_json_string_length(entries, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
                                                             &len);
        char d[65];

        mc_sha256_hex(text, len, d);
        if (!g_hash_table_contains(written, d)) {
                _cleanup_free_ char *path = mc_strdup_printf("%s/" HOSTS_SHARED_PREFIX "%s" HOSTS_SHARED_SUFFIX, dir, d);
                int r = mc_write_file_atomic(path, text, len, 0600);

                if (r < 0) {
                        *ret_error = mc_strdup_printf("cannot write '%s': %s", path, strerror(-r));
                        return NULL;
                }
                g_hash_table_add(written, mc_strdup(d));
        }
        return mc_strdup(d);
}

int mc_cluster_save_facts(const struct mc_cluster *c, const char *dir, char **ret_error) {
        g_autoptr(GHashTable) written = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);

        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                *ret_error = mc_strdup_printf("cannot create '%s': %s", dir, strerror(errno));
                return -errno;
        }
        for (size_t i = 0; i < c->n_nodes; i++) {
                _cleanup_free_ char *name = NULL, *path = NULL, *data = NULL, *digest = NULL;
                json_object *hosts = mc_json_get(c->nodes[i].facts, "hosts"), *entries = hosts_entries(c->nodes[i].facts);
                size_t len = 0;
                FILE *f;
                int r;

                if (!c->nodes[i].facts)
                        continue;
                mc_json_utf8(c->nodes[i].facts);
                if (entries) {
                        digest = save_shared_hosts(written, dir, entries, ret_error);
                        if (!digest)
                                return -EIO;
                        /* Written without the entries, naming them instead;
                         * the facts in memory are given back their array. */
                        json_object_get(entries);
                        json_object_object_del(hosts, "entries");
                        json_object_object_add(hosts, "entries_sha256", json_object_new_string(digest));
                }
                /* A node name is not a path: '/', '%' and a leading '.' are
                 * escaped as %XX, so that distinct names stay distinct. */
                f = mc_assert_alloc(open_memstream(&name, &len));
                for (const char *p = c->nodes[i].name; *p; p++)
                        if (*p == '/' || *p == '%' || (p == c->nodes[i].name && *p == '.'))
                                fprintf(f, "%%%02X", (unsigned char) *p);
                        else
                                fputc(*p, f);
                fclose(f);
                path = mc_strdup_printf("%s/%s.json", dir, name);
                data = mc_strdup_printf("%s\n", json_object_to_json_string_ext(c->nodes[i].facts,
                                                                              JSON_C_TO_STRING_PRETTY |
                                                                                      JSON_C_TO_STRING_NOSLASHESCAPE));
                if (entries) {
                        json_object_object_del(hosts, "entries_sha256");
                        json_object_object_add(hosts, "entries", entries);
                }
                r = mc_write_file_atomic(path, data, strlen(data), 0600);
                if (r < 0) {
                        *ret_error = mc_strdup_printf("cannot write '%s': %s", path, strerror(-r));
                        return r;
                }
        }
        return 0;
}
