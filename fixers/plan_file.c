/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fix plans written to a file and read back (docs/fix-plan.md). */
#include <stdarg.h>
#include <string.h>

#include "plan_file.h"
#include "util.h"
#include "virtconf.h"

/* Bounds on what is read back: far above what a fix plans (a handful of
 * files, a few edits each), far below what would exhaust the coordinator. */
#define MAX_FILES 256
#define MAX_EDITS 10000
#define MAX_OPS 256
#define MAX_PATH_LEN 4096
#define MAX_VALUE_LEN (1024u * 1024u)

/* Each shape with its lens and where the fixers write files of it (the
 * collectors' paths): a plan read back names no other file, so that it
 * cannot put a line into /etc/cron.d or a key into /etc/shadow. */
static const struct {
        enum mc_conf_shape shape;
        const char *name;
        const char *lens;
        const char *dirs[3];   /* a file directly in or below one of these */
        const char *suffix;    /* and ending so; NULL: any name */
        const char *files[3];  /* or exactly one of these */
} shapes[] = {
        { MC_CONF_FLAT, "flat", "Mc_shellvars.lns", { "/etc/default/", "/etc/sysconfig/" }, NULL, {} },
        { MC_CONF_VIRT, "virt", MC_LENS_VIRTCONF, { "/etc/libvirt/" }, ".conf", {} },
        { MC_CONF_INI, "ini", "Mc_nova.lns", { "/etc/nova/" }, ".conf", {} },
        { MC_CONF_HOSTS, "hosts", "Hosts.lns", {}, NULL, { "/etc/hosts" } },
        { MC_CONF_IPTABLES, "iptables", "Iptables.lns", {}, NULL, { "/etc/sysconfig/iptables", "/etc/iptables/rules.v4" } },
};

static bool shape_path_ok(size_t k, const char *file) {
        for (size_t i = 0; i < ELEMENTSOF(shapes[k].files) && shapes[k].files[i]; i++)
                if (streq(file, shapes[k].files[i]))
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(shapes[k].dirs) && shapes[k].dirs[i]; i++)
                if (mc_startswith(file, shapes[k].dirs[i]) && (!shapes[k].suffix || mc_endswith(file, shapes[k].suffix)))
                        return true;
        return false;
}

static const char *const edit_kinds[_MC_EDIT_MAX] = {
        [MC_EDIT_SET] = "set",
        [MC_EDIT_RM] = "rm",
        [MC_EDIT_IPT_INSERT] = "ipt-insert",
};

/* The key an edit names, for the secret test: "section/key" in nova.conf,
 * the key itself in the flat and libvirt files. Host names and chains are
 * not keys. */
static const char *edit_key(enum mc_conf_shape shape, const struct mc_edit *e) {
        const char *slash;

        if (shape == MC_CONF_HOSTS || shape == MC_CONF_IPTABLES)
                return NULL;
        slash = strrchr(e->path, '/');
        return slash ? slash + 1 : e->path;
}

static json_object *str_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static json_object *strv_json(char *const *l) {
        json_object *a = json_object_new_array();

        for (char *const *s = l; s && *s; s++)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

int mc_plan_node_json(const char *name, const char *tree, const struct mc_plan *plan, const struct mc_render *r,
                      const char *diff, json_object **ret, char **ret_error) {
        _cleanup_json_ json_object *o = json_object_new_object();
        json_object *files = json_object_new_array(), *ops = json_object_new_array(), *live = json_object_new_array();
        json_object *nf = json_object_new_array();

        json_object_object_add(o, "name", json_object_new_string(name));
        if (tree)
                json_object_object_add(o, "tree", json_object_new_string(tree));
        json_object_object_add(o, "files", files);
        for (size_t i = 0; i < plan->n_files; i++) {
                const struct mc_file_fix *f = &plan->files[i];
                const struct mc_rendered *rd = NULL;
                json_object *jf = json_object_new_object(), *edits = json_object_new_array();
                char after[65];

                for (size_t k = 0; k < r->n && !rd; k++)
                        if (streq(r->files[k].file, f->file))
                                rd = &r->files[k];
                if (!rd) {
                        json_object_put(jf);
                        json_object_put(edits);
                        *ret_error = mc_strdup_printf("%s: not rendered", f->file);
                        return -EINVAL;
                }
                mc_sha256_hex(rd->new_text, strlen(rd->new_text), after);
                json_object_array_add(files, jf);
                json_object_object_add(jf, "file", json_object_new_string(f->file));
                for (size_t k = 0; k < ELEMENTSOF(shapes); k++)
                        if (shapes[k].shape == f->shape && streq(shapes[k].lens, f->lens))
                                json_object_object_add(jf, "shape", json_object_new_string(shapes[k].name));
                /* Read back, the shape names the lens: a fixer with a lens
                 * the table lacks must add it there first. */
                if (!mc_json_get(jf, "shape")) {
                        *ret_error = mc_strdup_printf("%s: no plan shape for the lens '%s'", f->file, f->lens);
                        return -EINVAL;
                }
                json_object_object_add(jf, "sha256_before", str_or_null(rd->sha256_before));
                json_object_object_add(jf, "sha256_after", json_object_new_string(after));
                json_object_object_add(jf, "edits", edits);
                for (size_t k = 0; k < f->n_edits; k++) {
                        const struct mc_edit *e = &f->edits[k];
                        const char *key = edit_key(f->shape, e);
                        json_object *je = json_object_new_object();

                        /* migcheck's fixers never set a secret; a plan that
                         * would is a bug, and is not written. */
                        if (e->kind == MC_EDIT_SET && key && mc_key_is_secret(key)) {
                                json_object_put(je);
                                *ret_error = mc_strdup_printf("%s: the plan would set the secret '%s': not written", f->file,
                                                              e->path);
                                return -EPERM;
                        }
                        json_object_array_add(edits, je);
                        json_object_object_add(je, "op", json_object_new_string(edit_kinds[e->kind]));
                        json_object_object_add(je, "path", json_object_new_string(e->path));
                        if (e->value)
                                json_object_object_add(je, "value", json_object_new_string(e->value));
                        if (e->kind == MC_EDIT_IPT_INSERT)
                                json_object_object_add(je, "before", json_object_new_int64(e->before));
                }
        }
        json_object_object_add(o, "operations", ops);
        for (size_t i = 0; i < plan->n_fsops; i++) {
                const struct mc_fsop *op = &plan->fsops[i];
                json_object *jo = json_object_new_object();

                json_object_array_add(ops, jo);
                json_object_object_add(jo, "op", json_object_new_string(op->kind == MC_FSOP_SYMLINK ? "symlink" : "mkdir"));
                json_object_object_add(jo, "path", json_object_new_string(op->path));
                if (op->kind == MC_FSOP_SYMLINK)
                        json_object_object_add(jo, "target", json_object_new_string(op->target));
                else {
                        json_object_object_add(jo, "uid", json_object_new_int64(op->uid));
                        json_object_object_add(jo, "gid", json_object_new_int64(op->gid));
                        json_object_object_add(jo, "mode", json_object_new_int64(op->mode));
                }
        }
        json_object_object_add(o, "live", live);
        for (size_t i = 0; i < plan->n_live; i++) {
                const struct mc_ipt_accept *a = &plan->live[i];
                json_object *ja = json_object_new_object();

                json_object_array_add(live, ja);
                json_object_object_add(ja, "chain", json_object_new_string(a->chain));
                json_object_object_add(ja, "before", json_object_new_int64(a->before));
                json_object_object_add(ja, "n_rules", json_object_new_int64(a->n_rules));
                json_object_object_add(ja, "dport_lo", json_object_new_int64(a->dport_lo));
                json_object_object_add(ja, "dport_hi", json_object_new_int64(a->dport_hi));
                json_object_object_add(ja, "comment", json_object_new_string(a->comment));
        }
        json_object_object_add(o, "commands", strv_json(plan->commands));
        json_object_object_add(o, "restart", strv_json(plan->restart));
        json_object_object_add(o, "fixed_checks", strv_json(plan->fixed_checks));
        json_object_object_add(o, "not_fixed", nf);
        for (size_t i = 0; i < plan->n_unfixable; i++) {
                json_object *u = json_object_new_object();

                json_object_array_add(nf, u);
                json_object_object_add(u, "check", json_object_new_string(plan->unfixable[i].check));
                json_object_object_add(u, "reason", json_object_new_string(plan->unfixable[i].reason));
        }
        /* What the operator approved, as shown (secrets redacted); not read back. */
        json_object_object_add(o, "diff", str_or_null(diff));
        *ret = TAKE_PTR(o);
        return 0;
}

int mc_plan_doc_parse(const char *text, size_t len, json_object **ret, char **ret_error) {
        _cleanup_(json_tokener_freep) json_tokener *tok = NULL;
        _cleanup_json_ json_object *o = NULL;

        if (len > MC_PLAN_MAX_SIZE) {
                *ret_error = mc_strdup_printf("larger than %u bytes", MC_PLAN_MAX_SIZE);
                return -EFBIG;
        }
        if (memchr(text, '\0', len)) {
                *ret_error = mc_strdup("holds a NUL byte: not JSON text");
                return -EBADMSG;
        }
        tok = mc_assert_alloc(json_tokener_new_ex(16));
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        o = json_tokener_parse_ex(tok, text, (int) len);
        if (!o || json_tokener_get_parse_end(tok) < len) {
                enum json_tokener_error e = json_tokener_get_error(tok);

                *ret_error = mc_strdup_printf("not valid JSON at byte %zu: %s", json_tokener_get_parse_end(tok),
                                              e == json_tokener_continue ? "unexpected end of input" : json_tokener_error_desc(e));
                return -EBADMSG;
        }
        if (!json_object_is_type(o, json_type_object) || !streq_ptr(mc_json_str(o, "kind"), MC_PLAN_KIND)) {
                *ret_error = mc_strdup("not a migcheck fix plan (\"kind\": \"" MC_PLAN_KIND "\")");
                return -EBADMSG;
        }
        if (mc_json_int(o, "schema_version", -1) != MC_PLAN_SCHEMA_VERSION) {
                *ret_error = mc_strdup_printf("unsupported plan schema_version %" PRId64 " (this migcheck reads %d)",
                                              mc_json_int(o, "schema_version", -1), MC_PLAN_SCHEMA_VERSION);
                return -EPROTO;
        }
        if (!json_object_is_type(mc_json_get(o, "nodes"), json_type_array)) {
                *ret_error = mc_strdup("\"nodes\" is not an array");
                return -EBADMSG;
        }
        *ret = TAKE_PTR(o);
        return 0;
}

/* ---- reading a node back ------------------------------------------------ */

struct reader {
        char *error;
};

static int fail(struct reader *rd, const char *fmt, ...) _printf_(2, 3);
static int fail(struct reader *rd, const char *fmt, ...) {
        va_list ap;

        if (!rd->error) {
                va_start(ap, fmt);
                if (vasprintf(&rd->error, fmt, ap) < 0)
                        mc_oom();
                va_end(ap);
        }
        return -EBADMSG;
}

/* A string member: present (unless optional), a string, no NUL inside,
 * at most max bytes. */
static const char *get_str(struct reader *rd, json_object *o, const char *where, const char *key, size_t max, bool optional) {
        json_object *v = mc_json_get(o, key);

        if (!v) {
                if (!optional)
                        fail(rd, "%s: \"%s\" is missing", where, key);
                return NULL;
        }
        if (!json_object_is_type(v, json_type_string) ||
            strlen(json_object_get_string(v)) != (size_t) json_object_get_string_len(v) ||
            (size_t) json_object_get_string_len(v) > max) {
                fail(rd, "%s: \"%s\" is not a string of at most %zu bytes", where, key, max);
                return NULL;
        }
        return json_object_get_string(v);
}

static bool get_uint(struct reader *rd, json_object *o, const char *where, const char *key, int64_t max, int64_t *ret) {
        json_object *v = mc_json_get(o, key);
        int64_t n;

        if (!v || !json_object_is_type(v, json_type_int) || (n = json_object_get_int64(v)) < 0 || n > max) {
                fail(rd, "%s: \"%s\" is not an integer from 0 to %" PRId64, where, key, max);
                return false;
        }
        *ret = n;
        return true;
}

static json_object *get_array(struct reader *rd, json_object *o, const char *where, const char *key, size_t max) {
        json_object *v = mc_json_get(o, key);

        if (!v || !json_object_is_type(v, json_type_array) || json_object_array_length(v) > max) {
                fail(rd, "%s: \"%s\" is not an array of at most %zu entries", where, key, max);
                return NULL;
        }
        return v;
}

/* An absolute path inside the node's root: no "." or ".." component, no
 * empty one, no control character. The writer opens it RESOLVE_BENEATH
 * under a tree as well; this refuses the plan before anything is read. */
static bool path_ok(const char *p) {
        if (!p || p[0] != '/' || strlen(p) > MAX_PATH_LEN)
                return false;
        for (const char *c = p; *c; c++)
                if ((unsigned char) *c < 0x20 || *c == 0x7f)
                        return false;
        for (const char *c = p; *c;) {
                const char *next = strchr(c + 1, '/');
                size_t n = next ? (size_t) (next - c - 1) : strlen(c + 1);

                if (n == 0 || (n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
                        return false;
                if (!next)
                        break;
                c = next;
        }
        return true;
}

static bool sha_ok(const char *s) {
        return mc_is_sha256_hex(s);
}

/* A restart as mc_restart_command() writes it, and nothing else: the plan
 * file must not be a way to run a command. */
static bool restart_ok(const char *cmd) {
        static const char unit_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._-";
        const char *name;
        size_t n;

        if (mc_startswith(cmd, "systemctl restart ") || mc_startswith(cmd, "systemctl start ")) {
                name = strchr(cmd + strlen("systemctl "), ' ') + 1;
                n = strlen(name);
        } else if (mc_startswith(cmd, "service ") && mc_endswith(cmd, " restart")) {
                name = cmd + strlen("service ");
                n = strlen(name) - strlen(" restart");
        } else
                return false;
        return n > 0 && n <= 255 && strspn(name, unit_chars) == n;
}

static void strv_append(char ***l, const char *s) {
        size_t n = mc_strv_length(*l);

        *l = mc_assert_alloc(reallocarray(*l, n + 2, sizeof(char *)));
        (*l)[n] = mc_strdup(s);
        (*l)[n + 1] = NULL;
}

static int parse_file(struct reader *rd, json_object *jf, size_t idx, struct mc_file_fix *f) {
        _cleanup_free_ char *where = mc_strdup_printf("files[%zu]", idx);
        const char *file = get_str(rd, jf, where, "file", MAX_PATH_LEN, false);
        const char *shape = get_str(rd, jf, where, "shape", 16, false);
        const char *after = get_str(rd, jf, where, "sha256_after", 64, false);
        json_object *before = mc_json_get(jf, "sha256_before");
        json_object *edits = get_array(rd, jf, where, "edits", MAX_EDITS);
        bool shape_known = false;

        if (rd->error)
                return -EBADMSG;
        if (!path_ok(file))
                return fail(rd, "%s: '%s' is not an absolute path inside the node's root (no '.', '..' or empty "
                                "components)", where, file);
        f->file = mc_strdup(file);
        for (size_t k = 0; k < ELEMENTSOF(shapes); k++)
                if (streq(shapes[k].name, shape)) {
                        if (!shape_path_ok(k, file))
                                return fail(rd, "%s: not a file migcheck fixes as '%s'", file, shape);
                        f->shape = shapes[k].shape;
                        f->lens = shapes[k].lens;
                        shape_known = true;
                }
        if (!shape_known)
                return fail(rd, "%s: unknown shape '%s'", file, shape);
        if (!sha_ok(after) || (before && !sha_ok(json_object_get_string(before))) ||
            (before && !json_object_is_type(before, json_type_string)))
                return fail(rd, "%s: sha256_before and sha256_after must be SHA-256 digests (64 lower-case hex digits; "
                                "sha256_before null for a new file)", file);
        f->expect = true;
        f->expect_before = before ? mc_strdup(json_object_get_string(before)) : NULL;
        f->expect_after = mc_strdup(after);
        f->edits = mc_assert_alloc(calloc(json_object_array_length(edits) + 1, sizeof(*f->edits)));
        for (size_t k = 0; k < json_object_array_length(edits); k++) {
                json_object *je = json_object_array_get_idx(edits, k);
                _cleanup_free_ char *ew = mc_strdup_printf("%s: edits[%zu]", file, k);
                const char *op = get_str(rd, je, ew, "op", 16, false);
                const char *path = get_str(rd, je, ew, "path", MAX_PATH_LEN, false);
                const char *value = get_str(rd, je, ew, "value", MAX_VALUE_LEN, true);
                struct mc_edit *e = &f->edits[f->n_edits];
                int kind = -1;

                if (rd->error)
                        return -EBADMSG;
                for (int x = 0; x < _MC_EDIT_MAX; x++)
                        if (streq(edit_kinds[x], op))
                                kind = x;
                if (kind < 0 || isempty(path) || (kind != MC_EDIT_RM && !value) ||
                    (kind == MC_EDIT_IPT_INSERT) != (f->shape == MC_CONF_IPTABLES))
                        return fail(rd, "%s: not an edit of a %s file: op '%s', path '%s'%s", ew, shape, op, path,
                                    value ? "" : ", no value");
                *e = (struct mc_edit) { .kind = kind, .path = mc_strdup(path), .value = value ? mc_strdup(value) : NULL };
                f->n_edits++;
                if (kind == MC_EDIT_IPT_INSERT) {
                        int64_t b;

                        if (!get_uint(rd, je, ew, "before", 1000000, &b))
                                return -EBADMSG;
                        e->before = (unsigned) b;
                }
                if (kind == MC_EDIT_SET && edit_key(f->shape, e) && mc_key_is_secret(edit_key(f->shape, e)))
                        return fail(rd, "%s: sets the secret '%s': migcheck never writes secrets", ew, path);
        }
        return 0;
}

static int parse_ops(struct reader *rd, json_object *node, struct mc_plan *p) {
        json_object *ops = get_array(rd, node, "node", "operations", MAX_OPS);

        if (!ops)
                return -EBADMSG;
        p->fsops = mc_assert_alloc(calloc(json_object_array_length(ops) + 1, sizeof(*p->fsops)));
        for (size_t i = 0; i < json_object_array_length(ops); i++) {
                json_object *jo = json_object_array_get_idx(ops, i);
                _cleanup_free_ char *where = mc_strdup_printf("operations[%zu]", i);
                const char *op = get_str(rd, jo, where, "op", 16, false), *path = get_str(rd, jo, where, "path", MAX_PATH_LEN, false);
                struct mc_fsop *f = &p->fsops[p->n_fsops];
                int64_t uid, gid, mode;

                if (rd->error)
                        return -EBADMSG;
                if (!path_ok(path))
                        return fail(rd, "%s: '%s' is not an absolute path inside the node's root", where, path);
                if (streq(op, "symlink")) {
                        const char *target = get_str(rd, jo, where, "target", MAX_PATH_LEN, false);

                        if (!path_ok(target))
                                return fail(rd, "%s: the symlink's target is not an absolute path without '.' or '..'", where);
                        *f = (struct mc_fsop) { .kind = MC_FSOP_SYMLINK, .path = mc_strdup(path), .target = mc_strdup(target) };
                } else if (streq(op, "mkdir")) {
                        if (!get_uint(rd, jo, where, "uid", INT32_MAX, &uid) || !get_uint(rd, jo, where, "gid", INT32_MAX, &gid) ||
                            !get_uint(rd, jo, where, "mode", 07777, &mode))
                                return -EBADMSG;
                        *f = (struct mc_fsop) { .kind = MC_FSOP_MKDIR, .path = mc_strdup(path), .uid = (uid_t) uid,
                                                .gid = (gid_t) gid, .mode = (mode_t) mode };
                } else
                        return fail(rd, "%s: unknown operation '%s'", where, op);
                p->n_fsops++;
        }
        return 0;
}

static int parse_live(struct reader *rd, json_object *node, struct mc_plan *p) {
        static const char chain_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
        json_object *live = get_array(rd, node, "node", "live", MAX_OPS);

        if (!live)
                return -EBADMSG;
        p->live = mc_assert_alloc(calloc(json_object_array_length(live) + 1, sizeof(*p->live)));
        for (size_t i = 0; i < json_object_array_length(live); i++) {
                json_object *ja = json_object_array_get_idx(live, i);
                _cleanup_free_ char *where = mc_strdup_printf("live[%zu]", i);
                const char *chain = get_str(rd, ja, where, "chain", 28, false), *comment = get_str(rd, ja, where, "comment", 255, false);
                int64_t before, n_rules, lo, hi;

                if (rd->error || !get_uint(rd, ja, where, "before", 1000000, &before) ||
                    !get_uint(rd, ja, where, "n_rules", 1000000, &n_rules) || !get_uint(rd, ja, where, "dport_lo", 65535, &lo) ||
                    !get_uint(rd, ja, where, "dport_hi", 65535, &hi))
                        return -EBADMSG;
                if (isempty(chain) || strspn(chain, chain_chars) != strlen(chain) || lo == 0 || lo > hi ||
                    strpbrk(comment, "\"\\") || before > n_rules)
                        return fail(rd, "%s: not an ACCEPT migcheck would insert", where);
                for (const char *c = comment; *c; c++)
                        if ((unsigned char) *c < 0x20)
                                return fail(rd, "%s: the comment holds a control character", where);
                p->live[p->n_live++] = (struct mc_ipt_accept) {
                        .chain = mc_strdup(chain),
                        .before = (unsigned) before,
                        .n_rules = (unsigned) n_rules,
                        .dport_lo = (uint16_t) lo,
                        .dport_hi = (uint16_t) hi,
                        .comment = mc_strdup(comment),
                };
        }
        return 0;
}

static int parse_strings(struct reader *rd, json_object *node, const char *key, char ***ret) {
        json_object *a = get_array(rd, node, "node", key, MAX_OPS);

        if (!a)
                return -EBADMSG;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *v = json_object_array_get_idx(a, i);
                const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

                if (!s || strlen(s) != (size_t) json_object_get_string_len(v) || strlen(s) > 1024)
                        return fail(rd, "%s[%zu] is not a string of at most 1024 bytes", key, i);
                strv_append(ret, s);
        }
        return 0;
}

int mc_plan_node_parse(json_object *node, struct mc_plan *ret, const char **ret_name, const char **ret_tree,
                       char **ret_error) {
        struct reader rd = {};
        struct mc_plan p = {};
        const char *name, *tree;
        json_object *files;
        int r = -EBADMSG;

        if (!json_object_is_type(node, json_type_object)) {
                *ret_error = mc_strdup("a node's entry is not an object");
                return -EBADMSG;
        }
        name = get_str(&rd, node, "node", "name", 1024, false);
        tree = get_str(&rd, node, "node", "tree", 255, true);
        if (rd.error)
                goto out;
        if (isempty(name) || (tree && (isempty(tree) || strchr(tree, '/') || tree[0] == '.'))) {
                fail(&rd, "node '%s': the name is empty or the tree '%s' is not an entry of the directory", name,
                     tree ?: "");
                goto out;
        }
        files = get_array(&rd, node, name, "files", MAX_FILES);
        if (!files)
                goto out;
        p.files = mc_assert_alloc(calloc(json_object_array_length(files) + 1, sizeof(*p.files)));
        for (size_t i = 0; i < json_object_array_length(files); i++) {
                json_object *jf = json_object_array_get_idx(files, i);

                if (!json_object_is_type(jf, json_type_object)) {
                        fail(&rd, "files[%zu] is not an object", i);
                        goto out;
                }
                /* Counted first: mc_plan_done frees what parse_file took. */
                p.n_files++;
                if (parse_file(&rd, jf, i, &p.files[i]) < 0)
                        goto out;
                for (size_t k = 0; k < i; k++)
                        if (streq(p.files[k].file, p.files[i].file)) {
                                fail(&rd, "%s: named twice", p.files[i].file);
                                goto out;
                        }
        }
        if (parse_ops(&rd, node, &p) < 0 || parse_live(&rd, node, &p) < 0 ||
            parse_strings(&rd, node, "commands", &p.commands) < 0 || parse_strings(&rd, node, "restart", &p.restart) < 0 ||
            parse_strings(&rd, node, "fixed_checks", &p.fixed_checks) < 0)
                goto out;
        for (char **c = p.restart; c && *c; c++)
                if (!restart_ok(*c)) {
                        fail(&rd, "restart '%s' is not a restart migcheck plans ('systemctl restart UNIT', 'service NAME "
                                  "restart')", *c);
                        goto out;
                }
        /* A shell command from a file is not run: the firewall commands
         * are planned and run by fix --apply-firewall-commands itself. */
        if (p.commands) {
                fail(&rd, "the plan holds firewall commands ('%s'): a plan applies files, operations and live inserts "
                          "only; run 'migcheck fix --apply-firewall-commands' on the node", p.commands[0]);
                goto out;
        }
        *ret_name = name;
        *ret_tree = tree;
        *ret = p;
        p = (struct mc_plan) {};
        r = 0;
out:
        if (r < 0)
                *ret_error = TAKE_PTR(rd.error) ?: mc_strdup("not a plan");
        free(rd.error);
        mc_plan_done(&p);
        return r;
}
