/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pkgdb.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_tool.h"
#include "util.h"

/* dpkg's status file of a full desktop is a few MiB. */
#define MC_PKGDB_MAX_SIZE (64u * 1024u * 1024u)
/* librpm opens a database in ~20 ms here (docs/architecture.md). */
#define MC_RPM_PROBE_TIMEOUT_MS 10000u
#define MC_RPM_PROBE_NAME "migcheck-rpm-probe"

void mc_pkg_hits_free(struct mc_pkg_hit *hits, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(hits[i].version);
}

static size_t index_of(const char *const *pkgs, size_t n, const char *name, size_t len) {
        for (size_t i = 0; i < n; i++)
                if (strlen(pkgs[i]) == len && strncmp(pkgs[i], name, len) == 0)
                        return i;
        return n;
}

void mc_dpkg_versions(struct mc_rootfs *fs, const char *const *pkgs, size_t n, struct mc_pkg_hit *ret) {
        _cleanup_free_ char *text = NULL;
        const char *pkg = NULL, *version = NULL;
        size_t pkg_len = 0, version_len = 0;
        unsigned lineno = 0, version_line = 0;
        bool installed = false;
        const char *end;
        size_t size;

        if (mc_rootfs_read(fs, "/var/lib/dpkg/status", MC_PKGDB_MAX_SIZE, &text, &size) < 0)
                return;
        end = text + size;
        /* Stanzas are separated by blank lines; each closes when the next
         * Package: starts or the file ends. Lines are found with memchr
         * within the known size: strchr() on the rest of an 800 KB status
         * file per line is quadratic wherever string bounds are checked
         * (ASan's strict_string_checks made a collect take 3.4 s). */
        for (const char *line = text;; ) {
                const char *nl = line ? memchr(line, '\n', (size_t) (end - line)) : NULL;
                size_t len = line ? (size_t) ((nl ?: end) - line) : 0;

                if (!line || (len >= 9 && strncmp(line, "Package: ", 9) == 0)) {
                        size_t i = pkg ? index_of(pkgs, n, pkg, pkg_len) : n;

                        if (i < n && installed && version && !ret[i].version) {
                                ret[i].version = mc_assert_alloc(strndup(version, version_len));
                                ret[i].line = version_line;
                        }
                        if (!line)
                                break;
                        pkg = line + 9;
                        pkg_len = len - 9;
                        installed = false;
                        version = NULL;
                }
                lineno++;
                if (len >= 8 && strncmp(line, "Status: ", 8) == 0)
                        installed = memmem(line, len, " installed", 10) != NULL;
                else if (len >= 9 && strncmp(line, "Version: ", 9) == 0) {
                        version = line + 9;
                        version_len = len - 9;
                        version_line = lineno;
                }
                line = nl && nl + 1 < end ? nl + 1 : NULL;
        }
}

void mc_installed_rpms_versions(struct mc_rootfs *fs, const char *const *pkgs, size_t n, struct mc_pkg_hit *ret) {
        _cleanup_free_ char *text = NULL;
        unsigned lineno = 0;
        size_t size;
        char *end;

        if (mc_rootfs_read(fs, "/installed-rpms", MC_PKGDB_MAX_SIZE, &text, &size) < 0)
                return;
        end = text + size;
        for (char *line = text, *nl; line && line < end; line = nl) {
                nl = memchr(line, '\n', (size_t) (end - line));
                if (nl)
                        *nl++ = '\0';
                lineno++;
                /* NAME-VERSION-RELEASE.ARCH: the name ends at the first "-DIGIT". */
                for (char *p = strchr(line, '-'); p; p = strchr(p + 1, '-')) {
                        size_t i;

                        if (!isdigit((unsigned char) p[1]))
                                continue;
                        i = index_of(pkgs, n, line, (size_t) (p - line));
                        if (i < n && !ret[i].version) {
                                ret[i].version = mc_assert_alloc(strndup(p + 1, strcspn(p + 1, "- \t")));
                                ret[i].line = lineno;
                        }
                        break;
                }
        }
}

int mc_rpmdb_versions(struct mc_rootfs *fs, const char *const *pkgs, size_t n, struct mc_pkg_hit *ret, char **ret_db,
                      char **ret_error) {
        /* Fedora 36+ moved the database to /usr/lib/sysimage/rpm and left
         * /var/lib/rpm a link to it; both are read inside the root. */
        static const char *const dirs[] = { "/var/lib/rpm", "/usr/lib/sysimage/rpm" };
        static const struct {
                const char *file, *backend;
        } kinds[] = { { "rpmdb.sqlite", "sqlite" }, { "Packages", "bdb_ro" } };
        _cleanup_free_ char *helper = NULL, *dbdir = NULL, *out = NULL, *err = NULL;
        const char *dir = NULL, *backend = NULL, *file = NULL;
        _cleanup_free_ const char **argv = NULL;
        int dfd = -1, r;
        size_t len;

        for (size_t d = 0; d < ELEMENTSOF(dirs) && !dir; d++)
                for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                        _cleanup_free_ char *p = mc_strdup_printf("%s/%s", dirs[d], kinds[k].file);
                        struct stat st;

                        if (mc_rootfs_stat(fs, p, &st) >= 0 && S_ISREG(st.st_mode)) {
                                dir = dirs[d], backend = kinds[k].backend, file = kinds[k].file;
                                break;
                        }
                }
        if (!dir)
                return -ENOENT;
        *ret_db = mc_strdup_printf("%s/%s", dir, file);
        /* librpm opens paths itself: under a tree it gets the directory
         * opened inside the root, as /proc/self/fd/N, so that a link in the
         * tree resolves there as everywhere else (src/rootfs.h). */
        if (streq(fs->root, "/"))
                dbdir = mc_strdup(dir);
        else {
                int fd = mc_rootfs_openat(fs, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);

                if (fd < 0) {
                        *ret_error = mc_strdup_printf("cannot open '%s': %s", dir, strerror(-fd));
                        return fd;
                }
                dfd = fcntl(fd, F_DUPFD, 3);  /* without O_CLOEXEC: the helper inherits it */
                close(fd);
                if (dfd < 0) {
                        r = -errno;
                        *ret_error = mc_strdup_printf("cannot open '%s': %s", dir, strerror(errno));
                        return r;
                }
                dbdir = mc_strdup_printf("/proc/self/fd/%d", dfd);
        }
        helper = mc_helper_path("MIGCHECK_RPM_PROBE", MC_RPM_PROBE_NAME);
        argv = mc_assert_alloc(calloc(n + 4, sizeof(char *)));
        argv[0] = helper, argv[1] = dbdir, argv[2] = backend;
        for (size_t i = 0; i < n; i++)
                argv[3 + i] = pkgs[i];
        r = mc_run_tool((char *const *) argv, MC_RPM_PROBE_TIMEOUT_MS, 1u << 20, &out, &len, &err);
        if (dfd >= 0)
                close(dfd);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot read the rpm database '%s': %s", *ret_db, err);
                return r;
        }
        /* "NAME\tEPOCH:VERSION-RELEASE" per installed header. */
        for (char *line = out, *nl; line && *line; line = nl) {
                char *tab, *v;
                size_t i;

                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                tab = strchr(line, '\t');
                if (!tab)
                        continue;
                i = index_of(pkgs, n, line, (size_t) (tab - line));
                if (i == n || ret[i].version)
                        continue;
                v = tab + 1;
                if (mc_startswith(v, "0:"))
                        v += 2;
                ret[i].version = mc_strdup(v);
        }
        return 0;
}
