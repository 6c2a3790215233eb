/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rootfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>

#include "util.h"

int mc_rootfs_open(const char *root, struct mc_rootfs **ret) {
        _cleanup_free_ struct mc_rootfs *r = NULL;
        int fd;

        fd = open(isempty(root) ? "/" : root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = mc_assert_alloc(calloc(1, sizeof(*r)));
        r->root = mc_strdup(isempty(root) ? "/" : root);
        r->fd = fd;
        *ret = TAKE_PTR(r);
        return 0;
}

int mc_rootfs_open_strict(const char *root, struct mc_rootfs **ret) {
        int r = mc_rootfs_open(root, ret);

        if (r >= 0)
                (*ret)->strict = true;
        return r;
}

struct mc_rootfs *mc_rootfs_free(struct mc_rootfs *r) {
        if (!r)
                return NULL;
        if (r->fd >= 0)
                close(r->fd);
        free(r->root);
        free(r);
        return NULL;
}

int mc_rootfs_openat(struct mc_rootfs *r, const char *path, int flags, mode_t mode) {
        struct open_how how = {
                /* openat2() refuses O_PATH with anything but these. */
                .flags = (uint64_t) (flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
                .mode = (flags & O_CREAT) ? mode : 0,
                .resolve = RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        /* This machine's own files may be links anywhere on it; a tree's
         * stay inside it: resolved as in a chroot when reading, refused
         * when writing. */
        if (!streq(r->root, "/"))
                how.resolve |= r->strict ? RESOLVE_BENEATH : RESOLVE_IN_ROOT;

        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        fd = (int) syscall(SYS_openat2, r->fd, path, &how, sizeof(how));
        return fd < 0 ? -errno : fd;
}

int mc_rootfs_read(struct mc_rootfs *r, const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *proc = NULL, *buf = NULL;
        size_t len;
        int k;

        /* O_NONBLOCK: a FIFO planted where a config file should be must not hang us. */
        fd = mc_rootfs_openat(r, path, O_RDONLY | O_NONBLOCK, 0);
        if (fd == -ENOENT) {
                /* The name is there, its target is not (in a tree: a link
                 * to a file the tree does not hold): not an absent file. */
                _cleanup_free_ char *target = NULL;

                if (mc_rootfs_readlink(r, path, &target) >= 0)
                        return -ENOLINK;
        }
        if (fd < 0)
                return fd;
        proc = mc_strdup_printf("/proc/self/fd/%d", fd);
        k = mc_read_file(proc, max, &buf, &len);
        if (k < 0)
                return k;
        if (memchr(buf, '\0', len))
                return -EBADMSG;
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int mc_rootfs_stat(struct mc_rootfs *r, const char *path, struct stat *ret) {
        _cleanup_close_ int fd = mc_rootfs_openat(r, path, O_PATH, 0);

        if (fd < 0)
                return fd;
        return fstat(fd, ret) < 0 ? -errno : 0;
}

int mc_rootfs_readlink(struct mc_rootfs *r, const char *path, char **ret) {
        _cleanup_close_ int dfd = -1;
        _cleanup_free_ char *dir = mc_strdup(path);
        char *slash = strrchr(dir, '/'), buf[PATH_MAX];
        ssize_t n;

        if (!slash)
                return -EINVAL;
        *slash = '\0';
        dfd = mc_rootfs_openat(r, *dir ? dir : "/", O_PATH | O_DIRECTORY, 0);
        if (dfd < 0)
                return dfd;
        n = readlinkat(dfd, slash + 1, buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        *ret = mc_strdup(buf);
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int mc_rootfs_list(struct mc_rootfs *r, const char *dir, char ***ret) {
        int fd = mc_rootfs_openat(r, dir, O_RDONLY | O_DIRECTORY, 0);
        char **l = NULL;
        size_t n = 0;
        DIR *d;

        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        l = mc_assert_alloc(calloc(1, sizeof(char *)));
        for (struct dirent *de; (de = readdir(d));) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                /* A directory of thousands of files is not a config directory. */
                if (n >= 4096)
                        break;
                l = mc_assert_alloc(reallocarray(l, n + 2, sizeof(char *)));
                l[n++] = mc_strdup(de->d_name);
                l[n] = NULL;
        }
        closedir(d);
        qsort(l, n, sizeof(char *), cmp_str);
        *ret = l;
        return 0;
}

const char *mc_read_error_string(int r) {
        switch (r) {
        case -EFBIG:
                return "file too large";
        case -EBADMSG:
                return "binary file (contains a NUL byte)";
        case -EBADFD:
                return "not a regular file";
        case -EISDIR:
                return "is a directory";
        case -EXDEV:
                /* Only writes see it (RESOLVE_BENEATH): reading, such a
                 * path resolves inside the tree, as under chroot. */
                return "the path goes through an absolute symlink or climbs with '..': fixes write only beneath the root";
        case -ENOLINK:
                return "a symlink whose target does not exist (under --root: is not in the tree)";
        default:
                return strerror(-r);
        }
}
