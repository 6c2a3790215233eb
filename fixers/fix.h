/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Fixing in place. A fix is a plan first: Augeas edits on named files and
 * a few file-system operations (a socket unit's enablement symlink, the
 * instances directory), ACCEPT rules for the live legacy filter table
 * (libiptc), commands for firewalls migcheck does not edit itself
 * (firewalld, ufw, iptables-nft), the services to restart, and the
 * failures no fixer covers with the reason. The plan is shown as a unified diff (dry
 * run) or applied: every file re-parsed and re-rendered through its lens
 * in memory first, nothing written unless every file of the node parses,
 * then atomic writes (temporary file, fsync, rename) that keep mode and
 * owner, with a backup, under a lock; then the checks run again. */

#include <stdbool.h>
#include <sys/types.h>

#include "check.h"
#include "confparse.h"
#include "iptables_libiptc.h"

enum mc_edit_kind {
        MC_EDIT_SET,      /* set path (created where missing) to value */
        MC_EDIT_RM,       /* remove path */
        /* MC_CONF_IPTABLES: put the rule value ("-A INPUT -p tcp ...") into
         * the *filter table before INPUT rule `before` (1-based, as the
         * evaluator numbers the file's rules; 0: after the last), unless
         * an identical rule comes before that already. path: the chain. */
        MC_EDIT_IPT_INSERT,
        _MC_EDIT_MAX,
};

struct mc_edit {
        enum mc_edit_kind kind;
        char *path;   /* below the file's tree: "listen_tcp", "libvirt/cpu_mode"; the chain */
        char *value;
        unsigned before;  /* MC_EDIT_IPT_INSERT */
};

struct mc_file_fix {
        char *file;                /* as on the node */
        const char *lens;
        enum mc_conf_shape shape;
        struct mc_edit *edits;
        size_t n_edits;
        /* A plan read back (fix --plan): what the file must hold before
         * (its SHA-256; NULL: it must not exist) and what the edits must
         * render, or the node is refused. */
        bool expect;
        char *expect_before;
        char *expect_after;
};

enum mc_fsop_kind {
        MC_FSOP_SYMLINK,  /* path -> target, as systemctl enable makes it */
        MC_FSOP_MKDIR,    /* path with uid, gid, mode; or fix the owner of an existing one */
        _MC_FSOP_MAX,
};

struct mc_fsop {
        enum mc_fsop_kind kind;
        char *path;
        char *target;
        uid_t uid;
        gid_t gid;
        mode_t mode;
};

struct mc_unfixable {
        char *check;
        char *reason;
};

struct mc_plan {
        struct mc_file_fix *files;
        size_t n_files;
        struct mc_fsop *fsops;
        size_t n_fsops;
        struct mc_ipt_accept *live;  /* for the live legacy filter table, through libiptc */
        size_t n_live;
        char **commands;           /* firewall commands, run only with apply_firewall_commands */
        char **restart;            /* commands, e.g. "systemctl restart libvirtd" */
        char **fixed_checks;       /* the checks this plan addresses */
        struct mc_unfixable *unfixable;
        size_t n_unfixable;
};

struct mc_fix_opts {
        bool include_warnings;
        bool allow_insecure_auth;
        bool backup;
        /* Run the firewall-cmd, ufw or iptables-nft commands a fix needs;
         * without it they are named and the checks left not fixed. */
        bool apply_firewall_commands;
};

struct mc_fix_ctx {
        const struct mc_check *check;
        const struct mc_cluster *cluster;
        const struct mc_node *node;
        json_object *facts;
        const struct mc_result *result;  /* the row to fix */
        const struct mc_fix_opts *opts;
        struct mc_plan *plan;
};

/* Building a plan, from fixers. */
void mc_plan_set(struct mc_fix_ctx *ctx, const char *file, const char *lens, enum mc_conf_shape shape,
                 const char *path, const char *value);
void mc_plan_rm(struct mc_fix_ctx *ctx, const char *file, const char *lens, enum mc_conf_shape shape,
                const char *path);
/* A string value in one of libvirt's files (MC_CONF_VIRT), quoted as
 * libvirt writes it ("none"); integers go through mc_plan_set bare. */
void mc_plan_set_virt_string(struct mc_fix_ctx *ctx, const char *file, const char *key, const char *value);
void mc_plan_symlink(struct mc_fix_ctx *ctx, const char *path, const char *target);
void mc_plan_mkdir(struct mc_fix_ctx *ctx, const char *path, uid_t uid, gid_t gid, mode_t mode);
void mc_plan_restart(struct mc_fix_ctx *ctx, const char *command);
/* Insert rule ("-A CHAIN ...") into file's *filter table before rule
 * before of chain (0: after the last). */
void mc_plan_ipt_insert(struct mc_fix_ctx *ctx, const char *file, const char *chain, unsigned before, const char *rule);
/* An ACCEPT for the live legacy filter table (copied). */
void mc_plan_live_accept(struct mc_fix_ctx *ctx, const struct mc_ipt_accept *a);
/* A firewall command for the shell (apply_firewall_commands). */
void mc_plan_command(struct mc_fix_ctx *ctx, const char *command);
/* Returns -EOPNOTSUPP, for fixers to return. */
int mc_plan_unfixable(struct mc_plan *plan, const char *check, const char *fmt, ...) _printf_(3, 4);
void mc_plan_done(struct mc_plan *plan);
bool mc_plan_empty(const struct mc_plan *plan);

/* Plan fixes for the rows of one node in rs (FAIL, and WARN when asked). */
void mc_fix_plan_node(const struct mc_cluster *c, const struct mc_node *n, const struct mc_results *rs,
                      const struct mc_fix_opts *opts, struct mc_plan *plan);

/* What applying the plan under root would write: for each file, its old
 * and new text, or the error that stops the whole node. */
struct mc_rendered {
        char *file;
        char *old_text;   /* NULL: the file does not exist yet */
        char *new_text;
        char *sha256_before;  /* of the bytes read (old_text may have gained a newline); NULL: no file */
};

struct mc_render {
        struct mc_rendered *files;
        size_t n;
};

/* Refuses (-ESTALE, naming the file and both checksums) a file of a plan
 * read back whose bytes or rendering differ from what the plan recorded. */
int mc_fix_render(const char *root, const struct mc_plan *plan, struct mc_render *ret, char **ret_error);
void mc_render_done(struct mc_render *r);
/* The unified diff of the rendered files and the file-system operations. */
char *mc_fix_diff(const struct mc_render *r, const struct mc_plan *plan);
/* The live rules first: all of the plan's ACCEPTs in one libiptc commit,
 * or none. */
int mc_fix_apply_live(const struct mc_plan *plan, size_t *ret_written, char **ret_error);
/* Write it: backups (unless !backup), atomic writes, fs operations;
 * the caller holds the lock. Refuses any path that leaves root. A node's
 * files are written all or nothing: every one is checked first (a
 * regular file, not immutable or append-only, its directory writable),
 * and a write that still fails puts back the files written before it.
 * The file-system operations come last. ret_written counts, and
 * ret_files (when not NULL) names, what is written when it returns:
 * files and operations, also on an error (NULL when nothing is). A file
 * rename() cannot replace (a mount point) is written over in place after
 * its backup, and *ret_notes (a NULL-terminated list, may stay NULL) says
 * so. */
int mc_fix_apply(const char *root, const struct mc_render *r, const struct mc_plan *plan, bool backup,
                 size_t *ret_written, char ***ret_files, char ***ret_notes, char **ret_error);
/* The node's fix lock, taken before rendering so that nobody changes the
 * files between reading and writing them. Returns an fd to close, or a
 * negative errno. */
int mc_fix_lock(const char *root, char **ret_error);

/* The MC_CONF_HOSTS shape's edits on the /etc/hosts tree parsed at tree
 * (apply_hosts.c, for the renderer). */
int mc_hosts_edit(augeas *a, const char *tree, const struct mc_edit *edits, size_t n_edits, char **ret_error);
/* /etc/hosts rendered with f's edits (apply_hosts.c): text (taken; NULL
 * for a missing file) through the Hosts lens at the given Augeas paths,
 * with the lines the lens cannot take (those glibc skips) kept aside and
 * put back, CRLF and a missing final newline as they were. */
int mc_hosts_render(augeas *a, const struct mc_file_fix *f, char *text, const char *text_path, const char *tree,
                    const char *out_path, struct mc_rendered *ret, char **ret_error);

/* Unified diff of two texts (labels a/LABEL, b/LABEL); NULL when equal. */
char *mc_unified_diff(const char *label, const char *a, const char *b);
/* The same, comparing a and b but printing the lines of a_shown and
 * b_shown (line for line the same texts, secrets redacted). */
char *mc_unified_diff_shown(const char *label, const char *a, const char *b, const char *a_shown, const char *b_shown);
