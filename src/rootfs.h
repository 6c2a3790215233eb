/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading a node's files, either on this machine ("/") or inside a tree
 * that stands for a node's root file system (--root). Inside a tree,
 * paths and symlinks resolve as if the tree were chroot()ed into
 * (openat2 RESOLVE_IN_ROOT), so an image's absolute symlinks stay inside
 * the image and never read this machine's files. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Config files larger than this are refused: the biggest real one, nova's
 * generated sample, is ~400 KiB. */
#define MC_CONF_MAX_SIZE (4u * 1024u * 1024u)

struct mc_rootfs {
        char *root;   /* "/" for this machine */
        int fd;       /* O_PATH to root */
        bool strict;  /* a symlink that leaves root is refused (EXDEV), not resolved inside it */
};

int mc_rootfs_open(const char *root, struct mc_rootfs **ret);
/* For writing: paths that leave the root, by ".." or an absolute symlink,
 * fail with -EXDEV instead of being resolved inside it. */
int mc_rootfs_open_strict(const char *root, struct mc_rootfs **ret);
/* openat2() below the root; returns an fd or a negative errno. */
int mc_rootfs_openat(struct mc_rootfs *r, const char *path, int flags, mode_t mode);
struct mc_rootfs *mc_rootfs_free(struct mc_rootfs *r);
static inline void mc_rootfs_freep(struct mc_rootfs **r) {
        mc_rootfs_free(*r);
}

/* Read path (absolute, as on the node) into a NUL-terminated buffer.
 * -ENOENT absent, -ENOLINK a symlink whose target is absent, -EFBIG too
 * large, -EBADMSG binary (a NUL byte), -EBADFD not a regular file. */
int mc_rootfs_read(struct mc_rootfs *r, const char *path, size_t max, char **ret, size_t *ret_len);
int mc_rootfs_stat(struct mc_rootfs *r, const char *path, struct stat *ret);
int mc_rootfs_readlink(struct mc_rootfs *r, const char *path, char **ret);
/* Entries of a directory, sorted, without . and .. */
int mc_rootfs_list(struct mc_rootfs *r, const char *dir, char ***ret);

const char *mc_read_error_string(int r);
