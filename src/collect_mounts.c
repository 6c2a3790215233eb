/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mount that holds nova's instances_path: whether the node keeps its
 * guests on local disk or on storage its peers share decides between live
 * and block migration (InvalidSharedStorage / InvalidLocalStorage).
 *
 * Facts: nova.instances_path.mount.{target,fstype,source,root,shared,table,
 * path} or .error. Reads nova.instances_path.path, so it runs after
 * mc_collect_nova(). */
#include <string.h>

#include "collect.h"
#include "facts.h"
#include "util.h"

/* The mount tables to read, best first. A live node has its kernel's;
 * a sosreport-like tree has a copy of /proc's; an image has only its
 * fstab, which says what would be mounted, not what is. */
static const char *const live_tables[] = { "/proc/self/mountinfo", "/proc/mounts" };
static const char *const tree_tables[] = {
        "/proc/self/mountinfo", "/proc/1/mountinfo", "/proc/mounts", "/proc/self/mounts", "/etc/mtab", "/etc/fstab",
};

/* File systems whose contents other nodes see: a directory on one of them
 * is what nova's shared-storage test (a temporary file created on the
 * destination, looked for on the source) finds shared. */
static bool fstype_shared(const char *fstype) {
        static const char *const shared[] = {
                "nfs", "nfs4", "cifs", "smb3", "smbfs", "glusterfs", "ceph", "cephfs", "ceph-fuse", "ocfs2", "gfs2",
                "gfs", "lustre", "gpfs", "beegfs", "afs", "virtiofs", "9p", "sshfs", "mfs", "moosefs", "lizardfs",
                "quobyte", "vxfs",
        };

        /* FUSE clients appear as fuse.NAME (fuse.glusterfs, fuse.ceph-fuse). */
        if (mc_startswith(fstype, "fuse."))
                fstype += strlen("fuse.");
        for (size_t i = 0; i < ELEMENTSOF(shared); i++)
                if (streq(fstype, shared[i]))
                        return true;
        return false;
}

/* The kernel writes space, tab, newline and backslash in mount tables as
 * \040, \011, \012 and \134; fstab uses the same convention. In place. */
static char *unescape(char *s) {
        char *out = s;

        for (char *p = s; *p;) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
                        *out++ = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
                        p += 4;
                } else
                        *out++ = *p++;
        }
        *out = '\0';
        return s;
}

struct mount_entry {
        const char *target, *fstype, *source, *root;
};

/* One line of a table into fields: mountinfo ("ID PARENT MAJ:MIN ROOT
 * TARGET OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS") or the fstab
 * format that /proc/mounts and /etc/mtab share ("SOURCE TARGET FSTYPE
 * OPTS ..."). Points into line, which it modifies. */
static bool parse_line(char *line, bool mountinfo, struct mount_entry *ret) {
        char *f[64], *save = NULL;
        size_t n = 0;

        for (char *t = strtok_r(line, " \t", &save); t && n < ELEMENTSOF(f); t = strtok_r(NULL, " \t", &save))
                f[n++] = t;
        if (n == 0 || f[0][0] == '#')
                return false;
        if (mountinfo) {
                size_t dash = 6;

                while (dash < n && !streq(f[dash], "-"))
                        dash++;
                if (n < 5 || dash + 2 >= n)
                        return false;
                *ret = (struct mount_entry) {
                        .root = unescape(f[3]), .target = unescape(f[4]),
                        .fstype = unescape(f[dash + 1]), .source = unescape(f[dash + 2]),
                };
                return true;
        }
        if (n < 3)
                return false;
        *ret = (struct mount_entry) { .source = unescape(f[0]), .target = unescape(f[1]), .fstype = unescape(f[2]) };
        return true;
}

static bool mount_covers(const char *target, const char *path) {
        size_t n = strlen(target);

        if (streq(target, "/"))
                return true;
        while (n > 1 && target[n - 1] == '/')
                n--;
        return strncmp(path, target, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* path with its symlinks resolved inside the node's root, as the kernel
 * resolves it when nova opens it: /var/lib/nova/instances -> /srv/nfs/nova
 * is on /srv/nfs's mount, not /var's. A component that does not exist
 * ends the resolution; the rest is kept as written. */
static char *resolve_path(struct mc_rootfs *fs, const char *path) {
        _cleanup_free_ char *done = mc_strdup(""), *pending = mc_strdup(path);
        unsigned hops = 0;

        for (;;) {
                char *rest, *comp = pending, *link = NULL, *n;
                int r;

                comp += strspn(comp, "/");
                if (!*comp)
                        break;
                rest = comp + strcspn(comp, "/");
                if (*rest)
                        *rest++ = '\0';
                if (streq(comp, ".")) {
                        n = mc_strdup(rest);
                        free(pending);
                        pending = n;
                        continue;
                }
                if (streq(comp, "..")) {
                        char *slash = strrchr(done, '/');

                        if (slash)
                                *slash = '\0';
                        n = mc_strdup(rest);
                        free(pending);
                        pending = n;
                        continue;
                }
                _cleanup_free_ char *candidate = mc_strdup_printf("%s/%s", done, comp);
                r = mc_rootfs_readlink(fs, candidate, &link);
                if (r >= 0) {
                        if (++hops > 40) {  /* the kernel's ELOOP limit */
                                free(link);
                                return mc_strdup(path);
                        }
                        if (link[0] == '/') {
                                free(done);
                                done = mc_strdup("");
                        }
                        n = mc_strdup_printf("%s/%s", link, rest);
                        free(link);
                        free(pending);
                        pending = n;
                        continue;
                }
                free(done);
                done = TAKE_PTR(candidate);
                if (r != -EINVAL) {
                        /* Missing, or unreadable: keep the rest as written. */
                        if (*rest) {
                                n = mc_strdup_printf("%s/%s", done, rest);
                                free(done);
                                done = n;
                        }
                        break;
                }
                n = mc_strdup(rest);
                free(pending);
                pending = n;
        }
        if (!*done)
                return mc_strdup("/");
        /* "a//b" and a trailing "/" from the rest kept as written. */
        {
                char *out = done, *p = done;

                for (; *p; p++)
                        if (!(p[0] == '/' && (p[1] == '/' || p[1] == '\0') && out > done))
                                *out++ = *p;
                *out = '\0';
        }
        return TAKE_PTR(done);
}

/* The longest mount point that covers path; of equal ones, the last
 * mounted (a later mount hides an earlier one on the same point). */
static json_object *find_mount(char *text, bool mountinfo, const char *path, const char *table) {
        struct mount_entry best = {}, e;
        size_t best_len = 0;
        bool found = false;
        char *save = NULL;
        json_object *m;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (!parse_line(line, mountinfo, &e) || e.target[0] != '/' || !mount_covers(e.target, path))
                        continue;
                if (!found || strlen(e.target) >= best_len) {
                        best = e;
                        best_len = strlen(e.target);
                        found = true;
                }
        }
        if (!found)
                return NULL;
        m = json_object_new_object();
        json_object_object_add(m, "target", json_object_new_string(best.target));
        json_object_object_add(m, "fstype", json_object_new_string(best.fstype));
        json_object_object_add(m, "source", json_object_new_string(best.source));
        if (best.root)
                json_object_object_add(m, "root", json_object_new_string(best.root));
        json_object_object_add(m, "shared", json_object_new_boolean(fstype_shared(best.fstype)));
        json_object_object_add(m, "table", json_object_new_string(table));
        return m;
}

void mc_collect_mounts(struct mc_collector *c) {
        json_object *ip = mc_json_path(c->facts, "nova", "instances_path", NULL);
        const char *path = mc_json_str(ip, "path");
        const char *const *tables = c->live ? live_tables : tree_tables;
        size_t n_tables = c->live ? ELEMENTSOF(live_tables) : ELEMENTSOF(tree_tables);
        _cleanup_free_ char *resolved = NULL;
        json_object *m = NULL;

        /* Without nova's facts (not collected, or instances_path could not
         * be resolved) there is no path to look up; the check says why. */
        if (!ip || !path || path[0] != '/')
                return;
        resolved = resolve_path(c->fs, path);
        for (size_t i = 0; i < n_tables && !m; i++) {
                _cleanup_free_ char *text = NULL;

                if (mc_rootfs_read(c->fs, tables[i], 64u * 1024u * 1024u, &text, NULL) < 0)
                        continue;
                m = find_mount(text, strstr(tables[i], "mountinfo") != NULL, resolved, tables[i]);
        }
        if (!m) {
                m = json_object_new_object();
                json_object_object_add(m, "error", json_object_new_string(
                                c->live ? "no mount covers it in /proc/self/mountinfo"
                                        : "no mount table in the tree (proc/self/mountinfo, proc/mounts, etc/mtab, "
                                          "etc/fstab)"));
        }
        if (!streq(resolved, path))
                json_object_object_add(m, "path", json_object_new_string(resolved));
        json_object_object_add(ip, "mount", m);
}
