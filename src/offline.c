/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "offline.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "facts.h"
#include "util.h"

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool cluster_has(const struct mc_cluster *c, const char *name) {
        for (size_t i = 0; i < c->n_nodes; i++)
                if (streq(c->nodes[i].name, name))
                        return true;
        return false;
}

/* The node's name is the hostname its facts record, else the entry's name. */
static const char *facts_hostname(json_object *facts) {
        return mc_json_str(mc_json_get(facts, "node"), "hostname");
}

int mc_cluster_from_dir(struct mc_cluster *c, const char *dir, const struct mc_collect_opts *o, char **ret_error) {
        _cleanup_strv_free_ char **names = NULL;
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
                struct stat st;
                struct mc_node *node;
                int r;

                if (stat(path, &st) < 0)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        struct mc_collect_opts oo = *o;

                        oo.root = path;
                        r = mc_collect(&oo, &facts, &err);
                } else if (S_ISREG(st.st_mode) && len > 5 && streq(names[i] + len - 5, ".json"))
                        r = mc_facts_load(path, &facts, &err);
                else
                        continue;  /* README, checksums, ...: not a node */

                if (r < 0) {
                        _cleanup_free_ char *name = mc_assert_alloc(
                                strndup(names[i], S_ISDIR(st.st_mode) ? len : len - 5));
                        node = mc_cluster_add(c, name);
                        node->error = mc_strdup_printf("%s: %s", path, err);
                        continue;
                }
                if (facts_hostname(facts) && !cluster_has(c, facts_hostname(facts)))
                        node = mc_cluster_add(c, facts_hostname(facts));
                else {
                        /* No hostname, or two entries with the same one (a
                         * cloned image): the entry's own name tells them apart. */
                        _cleanup_free_ char *name = mc_assert_alloc(
                                strndup(names[i], S_ISDIR(st.st_mode) ? len : len - 5));
                        node = mc_cluster_add(c, name);
                }
                node->facts = facts;
        }
        if (c->n_nodes == 0) {
                *ret_error = mc_strdup_printf("'%s' holds no facts files (*.json) and no node directories", dir);
                return -ENOENT;
        }
        return 0;
}

int mc_cluster_save_facts(const struct mc_cluster *c, const char *dir, char **ret_error) {
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                *ret_error = mc_strdup_printf("cannot create '%s': %s", dir, strerror(errno));
                return -errno;
        }
        for (size_t i = 0; i < c->n_nodes; i++) {
                _cleanup_free_ char *name = NULL, *path = NULL, *data = NULL;
                size_t len = 0;
                FILE *f;
                int r;

                if (!c->nodes[i].facts)
                        continue;
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
                r = mc_write_file_atomic(path, data, strlen(data), 0600);
                if (r < 0) {
                        *ret_error = mc_strdup_printf("cannot write '%s': %s", path, strerror(-r));
                        return r;
                }
        }
        return 0;
}
