/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mc_test.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "iptables_save.h"
#include "util.h"

char *tree_new(void) {
        char *t = mc_strdup("/tmp/migcheck-test-XXXXXX");

        assert_non_null(mkdtemp(t));
        return t;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f) {
        return remove(p);
}

void tree_free(char *root) {
        if (!root)
                return;
        nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
        free(root);
}

static void mkparents(const char *full) {
        _cleanup_free_ char *p = mc_strdup(full);

        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                mkdir(p, 0755);
                *s = '/';
        }
}

char *tree_read(const char *root, const char *path) {
        _cleanup_free_ char *full = mc_path_join(root, path);
        char *text = NULL;

        if (mc_read_file(full, 1 << 24, &text, NULL) < 0)
                return NULL;
        return text;
}

void tree_write(const char *root, const char *path, const char *content) {
        _cleanup_free_ char *full = mc_path_join(root, path);
        FILE *f;

        mkparents(full);
        f = fopen(full, "we");
        assert_non_null(f);
        fputs(content, f);
        assert_int_equal(fclose(f), 0);
}

void tree_mkdir(const char *root, const char *path, uid_t uid, gid_t gid) {
        _cleanup_free_ char *full = mc_path_join(root, path);

        mkparents(full);
        mkdir(full, 0755);
        assert_int_equal(chown(full, uid, gid), 0);
}

void tree_symlink(const char *root, const char *path, const char *target) {
        _cleanup_free_ char *full = mc_path_join(root, path);

        mkparents(full);
        assert_int_equal(symlink(target, full), 0);
}

void tree_os(const char *root, const char *os_release) {
        tree_write(root, "/etc/os-release", os_release);
        tree_write(root, "/etc/hostname", "compute1\n");
        tree_passwd(root, 64060);
}

void tree_passwd(const char *root, uid_t nova) {
        _cleanup_free_ char *t = mc_strdup_printf("root:x:0:0:root:/root:/bin/bash\n"
                                                  "nova:x:%u:%u::/var/lib/nova:/bin/sh\n", nova, nova);
        tree_write(root, "/etc/passwd", t);
}

void tree_dpkg(const char *root, const char *const *pkgs) {
        _cleanup_free_ char *text = mc_strdup("");

        for (; *pkgs; pkgs++) {
                const char *eq = strchr(*pkgs, '=');
                char *n = mc_strdup_printf("%sPackage: %.*s\nStatus: install ok installed\nVersion: %s\n\n", text,
                                           (int) (eq - *pkgs), *pkgs, eq + 1);
                free(text);
                text = n;
        }
        tree_write(root, "/var/lib/dpkg/status", text);
}

void run_check(const char *root, const char *check_id, const char *nova_release, struct mc_results *out) {
        const struct mc_collect_opts o = { .root = root, .needs = MC_NEED_ALL, .nova_release = nova_release };
        _cleanup_strv_free_ char **only = mc_split(check_id, ",");
        struct mc_cluster c = {};
        _cleanup_free_ char *err = NULL;
        json_object *facts = NULL;

        assert_non_null(mc_check_find(check_id));
        assert_int_equal(mc_collect(&o, &facts, &err), 0);
        mc_cluster_add(&c, "node")->facts = facts;
        mc_checks_run(&c, only, NULL, out);
        mc_cluster_done(&c);
}

const struct mc_result *one_row(const struct mc_results *rs) {
        if (rs->n != 1) {
                for (size_t i = 0; i < rs->n; i++)
                        print_message("row %zu: %s %s\n", i, mc_status_to_string(rs->items[i].status),
                                      rs->items[i].summary);
                fail_msg("expected one row, got %zu", rs->n);
        }
        return &rs->items[0];
}

void assert_row(const struct mc_result *r, enum mc_status st, const char *summary_part) {
        if (r->status != st || (summary_part && !strstr(r->summary, summary_part)))
                fail_msg("expected %s containing '%s', got %s: %s", mc_status_to_string(st), summary_part ?: "",
                         mc_status_to_string(r->status), r->summary);
}

void assert_evidence(const struct mc_result *r, const char *file, unsigned line, const char *text_part) {
        for (size_t i = 0; i < r->n_evidence; i++) {
                const struct mc_evidence *e = &r->evidence[i];

                if (streq(e->file, file) && (line == 0 || e->line == line) &&
                    (!text_part || (e->text && strstr(e->text, text_part))))
                        return;
        }
        for (size_t i = 0; i < r->n_evidence; i++)
                print_message("evidence: %s:%u: %s\n", r->evidence[i].file, r->evidence[i].line,
                              r->evidence[i].text ?: "");
        fail_msg("no evidence %s:%u '%s'", file, line, text_part ?: "");
}

struct mc_node *cluster_add_json(struct mc_cluster *c, const char *name, const char *json) {
        _cleanup_free_ char *err = NULL, *text = NULL;
        json_object *facts = NULL;
        struct mc_node *n;

        text = strstr(json, "\"schema_version\"") ? mc_strdup(json)
                                                   : mc_strdup_printf("{\"schema_version\": 1, %s", strchr(json, '{') + 1);
        if (mc_facts_parse(text, strlen(text), &facts, &err) < 0)
                fail_msg("bad fixture facts for %s: %s", name, err);
        n = mc_cluster_add(c, name);
        n->facts = facts;
        return n;
}

struct mc_node *cluster_add_tree(struct mc_cluster *c, const char *name, const char *root) {
        const struct mc_collect_opts o = { .root = root, .needs = MC_NEED_ALL };
        _cleanup_free_ char *err = NULL;
        json_object *facts = NULL;
        struct mc_node *n;

        assert_int_equal(mc_collect(&o, &facts, &err), 0);
        n = mc_cluster_add(c, name);
        n->facts = facts;
        return n;
}

void run_cluster_check(const struct mc_cluster *c, const char *check_id, struct mc_results *out) {
        _cleanup_strv_free_ char **only = mc_split(check_id, ",");

        assert_non_null(mc_check_find(check_id));
        mc_checks_run(c, only, NULL, out);
}

const struct mc_result *row_of(const struct mc_results *rs, const char *node) {
        const struct mc_result *found = NULL;
        size_t n = 0;

        for (size_t i = 0; i < rs->n; i++)
                if (streq(rs->items[i].node, node)) {
                        found = &rs->items[i];
                        n++;
                }
        if (n != 1) {
                for (size_t i = 0; i < rs->n; i++)
                        print_message("row %zu: %s %s %s\n", i, rs->items[i].node,
                                      mc_status_to_string(rs->items[i].status), rs->items[i].summary);
                fail_msg("expected one row for node %s, got %zu", node, n);
        }
        return found;
}

json_object *parse_rules(const char *rules) {
        _cleanup_(mc_aug_freep) augeas *a = NULL;
        _cleanup_free_ char *err = NULL;
        json_object *filter = NULL;

        assert_int_equal(mc_aug_new(&a), 0);
        if (mc_ipt_parse_save(a, rules, strlen(rules), &filter, &err) < 0)
                fail_msg("rules do not parse: %s", err);
        assert_non_null(filter);
        return filter;
}
