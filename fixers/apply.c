/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rendering a plan through the lenses and writing it. */
#include <augeas.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "fix.h"
#include "redact.h"
#include "rootfs.h"
#include "util.h"

#define TREE "/fix/tree"
#define TEXT "/fix/text"
#define OUT "/fix/out"
#define RULE_TEXT "/fix/rule/text"
#define RULE_TREE "/fix/rule/tree"

void mc_render_done(struct mc_render *r) {
        for (size_t i = 0; i < r->n; i++) {
                free(r->files[i].file);
                free(r->files[i].old_text);
                free(r->files[i].new_text);
                free(r->files[i].sha256_before);
        }
        free(r->files);
        *r = (struct mc_render) {};
}

/* The section's label as the file spells it: nova reads [LIBVIRT] as
 * [libvirt] (every name but DEFAULT is lower-cased). */
static char *ini_section_path(augeas *a, const char *section) {
        char **m = NULL;
        char *found = NULL;
        int n = aug_match(a, TREE "/*", &m);

        for (int i = 0; i < n; i++) {
                const char *label = NULL;

                if (!found && aug_label(a, m[i], &label) == 1 && label &&
                    (streq(section, "DEFAULT") ? streq(label, "DEFAULT") : strcasecmp(label, section) == 0 && !streq(label, "DEFAULT")))
                        found = mc_strdup(m[i]);
                free(m[i]);
        }
        free(m);
        return found;
}

static int apply_edit(augeas *a, enum mc_conf_shape shape, const struct mc_edit *e) {
        _cleanup_free_ char *parent = NULL, *key = NULL, *node = NULL, *entries = NULL;
        const char *slash = shape == MC_CONF_INI ? strchr(e->path, '/') : NULL;
        char **m = NULL;
        int n;

        if (shape == MC_CONF_INI) {
                _cleanup_free_ char *section = NULL;

                if (!slash)
                        return -EINVAL;
                section = mc_assert_alloc(strndup(e->path, (size_t) (slash - e->path)));
                key = mc_strdup(slash + 1);
                parent = ini_section_path(a, section);
                if (!parent) {
                        if (e->kind == MC_EDIT_RM)
                                return 0;
                        parent = mc_strdup_printf(TREE "/%s", section);
                }
        } else {
                parent = mc_strdup(TREE);
                key = mc_strdup(e->path);
        }

        node = mc_strdup_printf("%s/%s", parent, key);
        if (e->kind == MC_EDIT_RM)
                return aug_rm(a, node) < 0 ? -EIO : 0;

        /* The definition that counts: the last for oslo.config and the
         * shell, the first for libvirt (virConfGetValue). */
        n = aug_match(a, node, &m);
        for (int i = 0; i < n; i++)
                free(m[i]);
        free(m);
        if (n > 0) {
                _cleanup_free_ char *counted = mc_strdup_printf("%s[%s]", node, shape == MC_CONF_VIRT ? "1" : "last()");
                return aug_set(a, counted, e->value) < 0 ? -EIO : 0;
        }
        /* A new key goes after the section's last entry, not after the
         * blank lines and comments that close it. */
        entries = mc_strdup_printf("%s/*[label() != '#comment' and label() != '#empty']", parent);
        n = aug_match(a, entries, &m);
        if (n > 0) {
                int r = aug_insert(a, m[n - 1], key, 0);

                for (int i = 0; i < n; i++)
                        free(m[i]);
                free(m);
                if (r < 0)
                        return -EIO;
                free(node);
                node = mc_strdup_printf("%s/%s[last()]", parent, key);
        } else
                free(m);
        return aug_set(a, node, e->value) < 0 ? -EIO : 0;
}

/* ---- iptables-save files ------------------------------------------------ */

static void strv_matches_free(char **m, int n) {
        for (int i = 0; i < n; i++)
                free(m[i]);
        free(m);
}

static int count_matches(augeas *a, const char *expr) {
        char **m = NULL;
        int n = aug_match(a, expr, &m);

        strv_matches_free(m, n);
        return n;
}

/* Two subtrees with the same labels and values in the same order: the
 * same rule, whatever its spacing in the file. */
static bool same_tree(augeas *a, const char *x, const char *y) {
        const char *vx = NULL, *vy = NULL;
        char **mx = NULL, **my = NULL;
        int nx, ny;
        bool same;

        if (aug_get(a, x, &vx) < 0 || aug_get(a, y, &vy) < 0 || !streq_ptr(vx, vy))
                return false;
        _cleanup_free_ char *cx = mc_strdup_printf("%s/*", x), *cy = mc_strdup_printf("%s/*", y);
        nx = aug_match(a, cx, &mx);
        ny = aug_match(a, cy, &my);
        same = nx >= 0 && nx == ny;
        for (int i = 0; same && i < nx; i++) {
                const char *lx = NULL, *ly = NULL;

                same = aug_label(a, mx[i], &lx) == 1 && aug_label(a, my[i], &ly) == 1 && streq_ptr(lx, ly) &&
                       same_tree(a, mx[i], my[i]);
        }
        strv_matches_free(mx, nx);
        strv_matches_free(my, ny);
        return same;
}

/* One rule into the *filter table, through the lens: the rule's own text
 * is parsed by Iptables.lns into a scratch tree and copied in, so the
 * lens writes it as iptables-save would and nothing is hand-formatted. */
static int ipt_insert(augeas *a, const struct mc_file_fix *f, const struct mc_edit *e, char **ret_error) {
        static const char filter[] = TREE "/table[.='filter']";
        _cleanup_free_ char *rule_doc = mc_strdup_printf("*filter\n%s\nCOMMIT\n", e->value);
        _cleanup_free_ char *rules = mc_strdup_printf("%s/append[.='%s']", filter, e->path);
        _cleanup_free_ char *inserts = mc_strdup_printf("%s/insert[.='%s']", filter, e->path);
        _cleanup_free_ char *dst = NULL;
        const char *anchor;
        int n, limit;
        bool before_anchor;

        if (count_matches(a, filter) != 1) {
                *ret_error = mc_strdup_printf("%s: has no *filter table to put '%s' in", f->file, e->value);
                return -ENOENT;
        }
        if (count_matches(a, inserts) > 0) {
                /* -I lines go to the front of the chain when loaded: the
                 * evaluator's numbers no longer follow the file's order. */
                *ret_error = mc_strdup_printf("%s: has '-I %s' lines; migcheck does not place rules among them", f->file,
                                              e->path);
                return -EOPNOTSUPP;
        }
        aug_rm(a, "/fix/rule");
        aug_rm(a, "/augeas/text/fix/rule");
        if (aug_set(a, RULE_TEXT, rule_doc) < 0 || aug_text_store(a, "Iptables.lns", RULE_TEXT, RULE_TREE) < 0 ||
            count_matches(a, RULE_TREE "/table/append") != 1) {
                *ret_error = mc_strdup_printf("%s: the Iptables lens does not parse the rule '%s'", f->file, e->value);
                return -EINVAL;
        }
        n = count_matches(a, rules);
        if (n < 0 || e->before > (unsigned) n) {
                *ret_error = mc_strdup_printf("%s: the %s chain has %d rules, not the %u or more it had when checked: "
                                              "run the fix again", f->file, e->path, n, e->before);
                return -ESTALE;
        }
        /* The rule is there already where it counts: nothing to add. */
        limit = e->before == 0 ? n : (int) e->before - 1;
        for (int i = 1; i <= limit; i++) {
                _cleanup_free_ char *p = mc_strdup_printf("%s[%d]", rules, i);
                if (same_tree(a, p, RULE_TREE "/table/append"))
                        return 0;
        }
        if (e->before > 0) {
                dst = mc_strdup_printf("%s[%u]", rules, e->before);
                before_anchor = true;
        } else if (n > 0) {
                dst = mc_strdup_printf("%s[last()]", rules);
                before_anchor = false;
        } else if (count_matches(a, TREE "/table[.='filter']/chain") > 0) {
                /* A chain without rules: after the chain declarations. */
                dst = mc_strdup(TREE "/table[.='filter']/chain[last()]");
                before_anchor = false;
        } else {
                *ret_error = mc_strdup_printf("%s: the *filter table declares no chain", f->file);
                return -EINVAL;
        }
        if (aug_defvar(a, "mc_at", dst) != 1 || aug_insert(a, "$mc_at", "append", before_anchor) < 0) {
                *ret_error = mc_strdup_printf("%s: cannot insert '%s'", f->file, e->value);
                return -EIO;
        }
        anchor = before_anchor ? "$mc_at/preceding-sibling::*[1]" : "$mc_at/following-sibling::*[1]";
        if (aug_cp(a, RULE_TREE "/table/append", anchor) < 0) {
                *ret_error = mc_strdup_printf("%s: cannot insert '%s'", f->file, e->value);
                return -EIO;
        }
        aug_defvar(a, "mc_at", NULL);
        return 0;
}

static int apply_ipt_edits(augeas *a, const struct mc_file_fix *f, char **ret_error) {
        _cleanup_free_ struct mc_ipt_accept *pos = mc_assert_alloc(calloc(f->n_edits + 1, sizeof(*pos)));
        _cleanup_free_ size_t *order = mc_assert_alloc(calloc(f->n_edits + 1, sizeof(*order)));

        /* Placed in the order that keeps every position valid, as the
         * live inserts are (mc_ipt_accept_order). */
        for (size_t i = 0; i < f->n_edits; i++) {
                if (f->edits[i].kind != MC_EDIT_IPT_INSERT) {
                        *ret_error = mc_strdup_printf("%s: cannot apply '%s'", f->file, f->edits[i].path);
                        return -EINVAL;
                }
                pos[i].before = f->edits[i].before;
        }
        mc_ipt_accept_order(pos, f->n_edits, order);
        for (size_t k = 0; k < f->n_edits; k++) {
                int r = ipt_insert(a, f, &f->edits[order[k]], ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* What a plan read back was approved with is what is written: the same
 * bytes before and the same edits render the same text (the renderer has
 * no other input), and the rendered text's checksum proves it. */
static int expect_rendered(const struct mc_file_fix *f, const struct mc_rendered *rd, char **ret_error) {
        char sha[65];

        if (!f->expect)
                return 0;
        mc_sha256_hex(rd->new_text, strlen(rd->new_text), sha);
        if (!streq_ptr(sha, f->expect_after)) {
                *ret_error = mc_strdup_printf("%s: renders differently than the plan showed: sha256 %s in the plan, %s now "
                                              "(another migcheck or lens?)", f->file, f->expect_after ?: "(none)", sha);
                return -ESTALE;
        }
        return 0;
}

static int render_text(augeas *a, const struct mc_file_fix *f, char *text_in, size_t len, struct mc_rendered *ret,
                       char **ret_error) {
        _cleanup_free_ char *text = text_in;
        const char *out = NULL;
        int r;

        if (text && len > 0 && text[len - 1] != '\n') {
                /* Lenses want the last newline; the file gains it. */
                char *t = mc_strdup_printf("%s\n", text);
                free(text);
                text = t;
        }
        if (text && (f->shape == MC_CONF_INI || f->shape == MC_CONF_VIRT) && strchr(text, '\r')) {
                *ret_error = mc_strdup_printf("%s: has CR line endings; migcheck does not rewrite such a file", f->file);
                return -EBADMSG;
        }

        aug_rm(a, "/fix");
        aug_rm(a, "/augeas/text/fix");
        if (aug_set(a, TEXT, text ?: "") < 0 || aug_text_store(a, f->lens, TEXT, TREE) < 0) {
                const char *msg = NULL, *line = NULL;
                int err = aug_error(a);  /* before aug_get() resets it */

                aug_get(a, "/augeas/text" TREE "/error/message", &msg);
                aug_get(a, "/augeas/text" TREE "/error/line", &line);
                if (!msg && err == AUG_ENOLENS) {
                        *ret_error = mc_lens_missing_message(f->lens);
                        return -ENOENT;
                }
                *ret_error = mc_strdup_printf("%s:%s: parse error: %s", f->file, line ?: "?", msg ?: "unknown");
                return -EBADMSG;
        }
        if (f->shape == MC_CONF_IPTABLES) {
                r = apply_ipt_edits(a, f, ret_error);
                if (r < 0)
                        return r;
        } else
                for (size_t i = 0; i < f->n_edits; i++)
                        if (apply_edit(a, f->shape, &f->edits[i]) < 0) {
                                *ret_error = mc_strdup_printf("%s: cannot apply '%s'", f->file, f->edits[i].path);
                                return -EINVAL;
                        }
        if (aug_text_retrieve(a, f->lens, TEXT, TREE, OUT) < 0 || aug_get(a, OUT, &out) != 1) {
                const char *msg = NULL;

                aug_get(a, "/augeas/text" OUT "/error/message", &msg);
                *ret_error = mc_strdup_printf("%s: the lens cannot write the change: %s", f->file, msg ?: "unknown");
                return -EINVAL;
        }
        *ret = (struct mc_rendered) {
                .file = mc_strdup(f->file),
                .old_text = TAKE_PTR(text),
                .new_text = mc_strdup(out ?: ""),
        };
        return 0;
}

static int render_file(augeas *a, struct mc_rootfs *fs, const struct mc_file_fix *f, struct mc_rendered *ret,
                       char **ret_error) {
        _cleanup_free_ char *text = NULL;
        char sha[65] = "";
        size_t len = 0;
        bool had_file;
        int r;

        r = mc_rootfs_read(fs, f->file, MC_CONF_MAX_SIZE, &text, &len);
        if (r == -ENOENT)
                text = NULL;
        else if (r < 0) {
                *ret_error = mc_strdup_printf("%s: cannot read: %s", f->file, mc_read_error_string(r));
                return r;
        }
        had_file = text != NULL;
        if (text)
                mc_sha256_hex(text, len, sha);
        /* A plan read back: the file as it was when the plan was made. */
        if (f->expect && !streq_ptr(text ? sha : NULL, f->expect_before)) {
                *ret_error = mc_strdup_printf("%s: changed since the plan was made: sha256 %s in the plan, %s now", f->file,
                                              f->expect_before ?: "(no file)", text ? sha : "(no file)");
                return -ESTALE;
        }
        if (f->shape == MC_CONF_HOSTS)
                r = mc_hosts_render(a, f, TAKE_PTR(text), TEXT, TREE, OUT, ret, ret_error);
        else
                r = render_text(a, f, TAKE_PTR(text), len, ret, ret_error);
        if (r < 0)
                return r;
        ret->sha256_before = had_file ? mc_strdup(sha) : NULL;
        return expect_rendered(f, ret, ret_error);
}

int mc_fix_render(const char *root, const struct mc_plan *plan, struct mc_render *ret, char **ret_error) {
        _cleanup_(mc_rootfs_freep) struct mc_rootfs *fs = NULL;
        _cleanup_(mc_aug_freep) augeas *a = NULL;
        struct mc_render out = {};
        int r;

        r = mc_rootfs_open_strict(root, &fs);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot open root '%s': %s", root ?: "/", strerror(-r));
                return r;
        }
        r = mc_aug_new(&a);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot initialise augeas: %s", strerror(-r));
                return r;
        }
        out.files = mc_assert_alloc(calloc(plan->n_files + 1, sizeof(*out.files)));
        for (size_t i = 0; i < plan->n_files; i++) {
                /* Every file of the node renders, or nothing is written. */
                r = render_file(a, fs, &plan->files[i], &out.files[out.n], ret_error);
                if (r < 0) {
                        mc_render_done(&out);
                        return r;
                }
                out.n++;
        }
        *ret = out;
        return 0;
}

char *mc_fix_diff(const struct mc_render *r, const struct mc_plan *plan) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = mc_assert_alloc(open_memstream(&out, &len));

        for (size_t i = 0; i < r->n; i++) {
                /* Shown as the facts show it: a diff's context lines are
                 * the file's, secrets included (src/redact.h). */
                enum mc_conf_shape shape = MC_CONF_FLAT;
                _cleanup_free_ char *d = NULL, *old_shown = NULL, *new_shown = NULL;

                for (size_t k = 0; k < plan->n_files; k++)
                        if (streq(plan->files[k].file, r->files[i].file))
                                shape = plan->files[k].shape;
                old_shown = mc_redact_text(shape, r->files[i].old_text);
                new_shown = mc_redact_text(shape, r->files[i].new_text);
                d = mc_unified_diff_shown(r->files[i].file, r->files[i].old_text, r->files[i].new_text, old_shown,
                                          new_shown);

                if (d)
                        fputs(d, f);
        }
        for (size_t i = 0; i < plan->n_fsops; i++) {
                const struct mc_fsop *op = &plan->fsops[i];

                if (op->kind == MC_FSOP_SYMLINK)
                        fprintf(f, "symlink %s -> %s\n", op->path, op->target);
                else
                        fprintf(f, "directory %s owner %u:%u mode %04o\n", op->path, (unsigned) op->uid,
                                (unsigned) op->gid, (unsigned) op->mode);
        }
        if (plan->n_live > 0) {
                _cleanup_free_ size_t *order = mc_assert_alloc(calloc(plan->n_live, sizeof(*order)));

                /* As iptables commands, in the order libiptc inserts them. */
                mc_ipt_accept_order(plan->live, plan->n_live, order);
                for (size_t k = 0; k < plan->n_live; k++) {
                        const struct mc_ipt_accept *a = &plan->live[order[k]];
                        _cleanup_free_ char *spec = mc_ipt_accept_spec(a);

                        if (a->before)
                                fprintf(f, "live: iptables -I %s %u %s   (legacy filter table, through libiptc)\n", a->chain,
                                        a->before, spec);
                        else
                                fprintf(f, "live: iptables -A %s %s   (legacy filter table, through libiptc)\n", a->chain, spec);
                }
        }
        for (char **c = plan->commands; c && *c; c++)
                fprintf(f, "run: %s\n", *c);
        fclose(f);
        return out;
}

/* Split "/etc/libvirt/libvirtd.conf" into an fd of its directory (created
 * when missing, below the root) and the name. */
static int open_parent(struct mc_rootfs *fs, const char *path, bool create, char **ret_name) {
        _cleanup_free_ char *dir = mc_strdup(path);
        char *slash = strrchr(dir, '/');
        int fd;

        if (!slash || !slash[1])
                return -EINVAL;
        *ret_name = mc_strdup(slash + 1);
        *slash = '\0';
        fd = mc_rootfs_openat(fs, *dir ? dir : "/", O_RDONLY | O_DIRECTORY, 0);
        if (fd == -ENOENT && create) {
                /* Make the missing directories one by one, each below the root. */
                for (char *p = dir + 1;; p++) {
                        if (*p == '/' || !*p) {
                                char c = *p;
                                int pfd;

                                *p = '\0';
                                pfd = mc_rootfs_openat(fs, dir, O_RDONLY | O_DIRECTORY, 0);
                                if (pfd == -ENOENT) {
                                        _cleanup_free_ char *name = NULL;
                                        _cleanup_close_ int gfd = open_parent(fs, dir, false, &name);

                                        if (gfd < 0 || mkdirat(gfd, name, 0755) < 0) {
                                                *p = c;
                                                return gfd < 0 ? gfd : -errno;
                                        }
                                } else if (pfd >= 0)
                                        close(pfd);
                                *p = c;
                                if (!c)
                                        break;
                        }
                }
                fd = mc_rootfs_openat(fs, *dir ? dir : "/", O_RDONLY | O_DIRECTORY, 0);
        }
        if (fd < 0)
                free(TAKE_PTR(*ret_name));
        return fd;
}

static int write_all(int fd, const char *data, size_t len) {
        for (size_t done = 0; done < len;) {
                ssize_t n = write(fd, data + done, len - done);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                done += (size_t) n;
        }
        return 0;
}

/* Over the file itself, for a target rename() cannot replace: a bind
 * mount (/etc/hosts in every container; EBUSY) or a file on another file
 * system than its directory (EXDEV). Augeas does the same under
 * copy_if_rename_fails, Ansible under unsafe_writes. Not atomic: a reader
 * may see the file short for a moment, and a crash in between leaves it
 * cut, which is why the backup is written (and synced) first. The inode
 * stays, and with it mode, owner and labels. */
static int write_in_place(int dfd, const char *name, const char *data, size_t len) {
        _cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        struct stat st;
        int r;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        r = write_all(fd, data, len);
        if (r < 0)
                return r;
        if (ftruncate(fd, (off_t) len) < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

/* ret_in_place (may be NULL): set when the file had to be written over
 * in place. A new file (like == NULL) is always created by rename. */
static int write_at(int dfd, const char *name, const char *data, size_t len, const struct stat *like,
                    bool *ret_in_place) {
        char tmp[NAME_MAX + 1];
        uint64_t rnd;
        _cleanup_close_ int fd = -1;
        int r;

        if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
                rnd = (uint64_t) time(NULL) ^ (uint64_t) getpid();
        snprintf(tmp, sizeof(tmp), ".%.200s.migcheck-%016llx", name, (unsigned long long) rnd);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (r < 0)
                goto fail;
        /* The original's mode, owner and group survive the fix. */
        if (fchmod(fd, like ? like->st_mode & 07777 : 0644) < 0 ||
            (like && fchown(fd, like->st_uid, like->st_gid) < 0) || fsync(fd) < 0) {
                r = -errno;
                goto fail;
        }
        if (renameat(dfd, tmp, dfd, name) < 0) {
                r = -errno;
                unlinkat(dfd, tmp, 0);
                if (!like || (r != -EBUSY && r != -EXDEV))
                        return r;
                r = write_in_place(dfd, name, data, len);
                if (r >= 0 && ret_in_place)
                        *ret_in_place = true;
                return r;
        }
        fsync(dfd);
        return 0;
fail:
        unlinkat(dfd, tmp, 0);
        return r;
}

int mc_fix_lock(const char *root, char **ret_error) {
        const char *dir = isempty(root) ? "/" : root;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

        if (fd < 0) {
                *ret_error = mc_strdup_printf("cannot open root '%s': %s", dir, strerror(errno));
                return -errno;
        }
        /* One fix at a time per node: a lock on the root directory itself,
         * which leaves no file behind. Waits up to 10 s. */
        r = mc_flock_wait(fd, 10000);
        if (r >= 0)
                return fd;
        close(fd);
        *ret_error = r == -EBUSY ? mc_strdup_printf("another migcheck fix holds the lock on '%s'", dir)
                                 : mc_strdup_printf("cannot lock '%s': %s", dir, strerror(-r));
        return r;
}

int mc_fix_apply_live(const struct mc_plan *plan, size_t *ret_written, char **ret_error) {
        int r;

        *ret_written = 0;
        r = mc_ipt_insert_legacy(plan->live, plan->n_live, ret_error);
        if (r < 0)
                return r;
        *ret_written = plan->n_live;
        return 0;
}

/* write_at's temporary files, ".NAME.migcheck-HEX16" (and the backup's,
 * ".NAME.migcheck-bak.migcheck-HEX16"): one left behind was a write that
 * was killed, since writers hold the node's fix lock. */
static bool is_stale_temp(const char *entry, const char *name) {
        size_t n = strlen(name);
        const char *p;

        if (entry[0] != '.' || strncmp(entry + 1, name, n) != 0)
                return false;
        p = entry + 1 + n;
        if (mc_startswith(p, ".migcheck-bak."))
                p += strlen(".migcheck-bak");
        if (!mc_startswith(p, ".migcheck-"))
                return false;
        p += strlen(".migcheck-");
        return strlen(p) == 16 && strspn(p, "0123456789abcdef") == 16;
}

static void remove_stale_temps(int dfd, const char *name) {
        int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

        if (!d) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;

                if (is_stale_temp(de->d_name, name) && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISREG(st.st_mode))
                        unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
}

/* Whether fd's inode refuses to be replaced or changed (chattr +i, +a). */
static bool is_immutable(int fd) {
        int flags = 0;

        return fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL));
}

/* What can be known before writing anything: the target is a regular
 * file, neither it nor its directory is immutable, the directory is
 * writable (a read-only mount says EROFS). */
static int preflight(int dfd, const char *file, const char *name, struct stat *ret_st, bool *ret_exists, char **ret_error) {
        *ret_exists = fstatat(dfd, name, ret_st, AT_SYMLINK_NOFOLLOW) == 0;
        if (*ret_exists && !S_ISREG(ret_st->st_mode)) {
                *ret_error = mc_strdup_printf("%s: not a regular file (a symlink?): migcheck does not write through it", file);
                return -EBADFD;
        }
        if (is_immutable(dfd)) {
                *ret_error = mc_strdup_printf("%s: its directory is immutable or append-only (chattr +i, +a): no file in it "
                                              "can be replaced", file);
                return -EPERM;
        }
        if (*ret_exists) {
                _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

                if (is_immutable(fd)) {
                        *ret_error = mc_strdup_printf("%s: immutable or append-only (chattr +i, +a): it cannot be replaced",
                                                      file);
                        return -EPERM;
                }
        }
        if (faccessat(dfd, ".", W_OK, AT_EACCESS) < 0) {
                int r = -errno;

                *ret_error = mc_strdup_printf("%s: its directory is not writable: %s", file, strerror(-r));
                return r;
        }
        return 0;
}

struct staged {
        int dfd;         /* -1: the directory is made when writing */
        char *name;
        struct stat st;
        bool exists, changed, written, made;
};

/* Put back the files written so far (their old text, mode and owner; a
 * file that was new is removed). Returns how many could not be put back. */
static size_t roll_back(struct staged *s, const struct mc_render *r) {
        size_t left = 0;

        for (size_t i = 0; i < r->n; i++) {
                if (!s[i].written)
                        continue;
                if (s[i].exists ? write_at(s[i].dfd, s[i].name, r->files[i].old_text, strlen(r->files[i].old_text), &s[i].st, NULL) < 0
                                : unlinkat(s[i].dfd, s[i].name, 0) < 0)
                        left++;
                else
                        s[i].written = false;
        }
        return left;
}

int mc_fix_apply(const char *root, const struct mc_render *r, const struct mc_plan *plan, bool backup,
                 size_t *ret_written, char ***ret_files, char ***ret_notes, char **ret_error) {
        _cleanup_(mc_rootfs_freep) struct mc_rootfs *fs = NULL;
        _cleanup_free_ struct staged *s = NULL;
        _cleanup_strv_free_ char **files = NULL;
        _cleanup_free_ bool *op_done = NULL;
        size_t n_files = 0, n_ops = 0;
        int k = 0;

        *ret_written = 0;
        k = mc_rootfs_open_strict(root, &fs);
        if (k < 0) {
                *ret_error = mc_strdup_printf("cannot open root '%s': %s", root ?: "/", strerror(-k));
                return k;
        }
        s = mc_assert_alloc(calloc(r->n + 1, sizeof(*s)));
        for (size_t i = 0; i <= r->n; i++)
                s[i].dfd = -1;
        files = mc_assert_alloc(calloc(r->n + plan->n_fsops + 1, sizeof(char *)));
        op_done = mc_assert_alloc(calloc(plan->n_fsops + 1, sizeof(bool)));

        /* 1. Every file is checked before any is written: a node's files
         * change all together or not at all (an immutable nova.conf must
         * not leave libvirtd.conf rewritten beside it). */
        for (size_t i = 0; i < r->n; i++) {
                const struct mc_rendered *f = &r->files[i];

                if (f->old_text && streq(f->old_text, f->new_text))
                        continue;
                s[i].changed = true;
                s[i].dfd = open_parent(fs, f->file, false, &s[i].name);
                if (s[i].dfd == -ENOENT)
                        continue;  /* a new directory: made in 2. */
                if (s[i].dfd < 0) {
                        k = s[i].dfd;
                        *ret_error = mc_strdup_printf("%s: %s", f->file,
                                                      k == -EXDEV ? mc_read_error_string(k) : strerror(-k));
                        goto done;
                }
                k = preflight(s[i].dfd, f->file, s[i].name, &s[i].st, &s[i].exists, ret_error);
                if (k < 0)
                        goto done;
        }

        /* The operations' directories too, where they exist already: an
         * immutable /var/lib/nova must not leave nova.conf rewritten. */
        for (size_t i = 0; i < plan->n_fsops; i++) {
                _cleanup_free_ char *name = NULL;
                _cleanup_close_ int dfd = open_parent(fs, plan->fsops[i].path, false, &name);

                if (dfd >= 0 && (is_immutable(dfd) || faccessat(dfd, ".", W_OK, AT_EACCESS) < 0)) {
                        k = is_immutable(dfd) ? -EPERM : -errno;
                        *ret_error = mc_strdup_printf("%s: its directory is %s", plan->fsops[i].path,
                                                      k == -EPERM ? "immutable or append-only (chattr +i, +a)"
                                                                  : "not writable");
                        goto done;
                }
        }

        /* 2. Directories, leftovers of killed runs, backups. */
        for (size_t i = 0; i < r->n; i++) {
                const struct mc_rendered *f = &r->files[i];

                if (!s[i].changed)
                        continue;
                if (s[i].dfd < 0) {
                        free(s[i].name);
                        s[i].name = NULL;
                        s[i].dfd = open_parent(fs, f->file, true, &s[i].name);
                        if (s[i].dfd < 0) {
                                k = s[i].dfd;
                                *ret_error = mc_strdup_printf("%s: cannot create its directory: %s", f->file, strerror(-k));
                                goto done;
                        }
                }
                remove_stale_temps(s[i].dfd, s[i].name);
                if (s[i].exists && backup) {
                        _cleanup_free_ char *bak = mc_strdup_printf("%s.migcheck-bak", s[i].name);

                        k = write_at(s[i].dfd, bak, f->old_text ?: "", f->old_text ? strlen(f->old_text) : 0, &s[i].st, NULL);
                        if (k < 0) {
                                *ret_error = mc_strdup_printf("%s: cannot write the backup: %s", f->file, strerror(-k));
                                goto done;
                        }
                }
        }

        /* 3. The files, each atomically; a failure puts back those before it. */
        for (size_t i = 0; i < r->n; i++) {
                const struct mc_rendered *f = &r->files[i];

                if (!s[i].changed)
                        continue;
                bool in_place = false;

                k = write_at(s[i].dfd, s[i].name, f->new_text, strlen(f->new_text), s[i].exists ? &s[i].st : NULL,
                             &in_place);
                if (k < 0) {
                        size_t left = roll_back(s, r);

                        *ret_error = left == 0 ? mc_strdup_printf("%s: cannot write: %s; the files written before it were put back",
                                                                  f->file, strerror(-k))
                                               : mc_strdup_printf("%s: cannot write: %s; %zu file(s) written before it could "
                                                                  "not be put back", f->file, strerror(-k), left);
                        goto done;
                }
                s[i].written = true;
                if (in_place && ret_notes) {
                        size_t n = mc_strv_length(*ret_notes);

                        *ret_notes = mc_assert_alloc(reallocarray(*ret_notes, n + 2, sizeof(char *)));
                        (*ret_notes)[n] = mc_strdup_printf("wrote %s in place: it is a mount point", f->file);
                        (*ret_notes)[n + 1] = NULL;
                }
        }

        /* 4. Symlinks and directories. */
        for (size_t i = 0; i < plan->n_fsops; i++) {
                const struct mc_fsop *op = &plan->fsops[i];
                _cleanup_free_ char *name = NULL;
                _cleanup_close_ int dfd = open_parent(fs, op->path, true, &name);
                struct stat st;

                if (dfd < 0) {
                        k = dfd;
                        *ret_error = mc_strdup_printf("%s: %s", op->path, strerror(-dfd));
                        break;
                }
                if (op->kind == MC_FSOP_SYMLINK) {
                        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                                continue;  /* enabled already, or something the operator put there */
                        if (symlinkat(op->target, dfd, name) < 0) {
                                k = -errno;
                                *ret_error = mc_strdup_printf("%s: cannot create the symlink: %s", op->path, strerror(errno));
                                break;
                        }
                } else {
                        if (mkdirat(dfd, name, op->mode) < 0 && errno != EEXIST) {
                                k = -errno;
                                *ret_error = mc_strdup_printf("%s: cannot create: %s", op->path, strerror(errno));
                                break;
                        }
                        if (fchownat(dfd, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0) {
                                k = -errno;
                                *ret_error = mc_strdup_printf("%s: cannot change the owner: %s", op->path, strerror(errno));
                                break;
                        }
                }
                op_done[i] = true;
                n_ops++;
        }
done:
        for (size_t i = 0; i < r->n; i++) {
                if (s[i].written)
                        files[n_files++] = mc_strdup(r->files[i].file);
                if (s[i].dfd >= 0)
                        close(s[i].dfd);
                free(s[i].name);
        }
        /* An operation (a directory, a symlink) comes after the files and
         * rarely fails; the files written before it stay, and are named. */
        if (k < 0 && n_files + n_ops > 0)
                mc_strappendf(ret_error, "; written before it: %zu file(s) and operation(s)", n_files + n_ops);
        for (size_t i = 0; i < plan->n_fsops; i++)
                if (op_done[i])
                        files[n_files++] = mc_strdup(plan->fsops[i].path);
        *ret_written = n_files;
        if (ret_files)
                *ret_files = n_files > 0 ? TAKE_PTR(files) : NULL;
        return k < 0 ? k : 0;
}
