/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* versions.nova: which nova release the node's nova-compute runs.
 *
 * Every place an installed nova leaves a record is a candidate: the python
 * metadata (egg-info, a file or a directory, and dist-info) in any python's
 * site-packages or dist-packages under /usr/lib, /usr/lib64 and
 * /usr/local/lib, in the virtualenvs deployment tools install, dpkg's
 * status, the RPM database and a sosreport's installed-rpms. When they
 * disagree (an upgrade left an old venv behind, pip installed over the
 * package), the one nova-compute runs is chosen, by the rule in
 * docs/facts.md "versions.nova": the running process, else its service
 * unit, else the system python's nova, else the newest virtualenv. All of
 * them are recorded, with file and line, so that a check can cite them. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "facts.h"
#include "nova_release.h"
#include "pkgdb.h"
#include "util.h"

/* PKG-INFO and METADATA carry the long description after their header;
 * Version: is in the first lines. */
#define MC_PKG_INFO_MAX_SIZE (1u << 20)
#define MC_UNIT_MAX_SIZE (64u * 1024u)
#define MC_CMDLINE_MAX_SIZE (64u * 1024u)

struct cand {
        char *version;
        char *source;   /* file or directory as on the node, or "rpmdb" */
        char *path;     /* the database file, for "rpmdb" */
        char *package;  /* the package manager's name, when from one */
        unsigned line;
        char *prefix;   /* where its bin/nova-compute lives: "/usr", a venv */
        bool venv;
};

struct cands {
        struct cand *v;
        size_t n;
};

static void cands_done(struct cands *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].version);
                free(l->v[i].source);
                free(l->v[i].path);
                free(l->v[i].package);
                free(l->v[i].prefix);
        }
        free(l->v);
}

static struct cand *cands_add(struct cands *l, char *version, char *source, unsigned line, const char *prefix) {
        struct cand *c;

        l->v = mc_assert_alloc(reallocarray(l->v, l->n + 1, sizeof(*l->v)));
        c = &l->v[l->n++];
        *c = (struct cand) { .version = version, .source = source, .line = line, .prefix = mc_strdup(prefix) };
        return c;
}

/* The "Version:" header of PKG-INFO or METADATA (RFC 822 style: the header
 * ends at the first blank line). */
static char *metadata_version(struct mc_rootfs *fs, const char *path, unsigned *ret_line) {
        _cleanup_free_ char *text = NULL;
        unsigned lineno = 0;

        if (mc_rootfs_read(fs, path, MC_PKG_INFO_MAX_SIZE, &text, NULL) < 0)
                return NULL;
        for (char *line = text, *nl; line; line = nl) {
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                lineno++;
                line[strcspn(line, "\r")] = '\0';
                if (!*line)
                        break;
                if (mc_startswith(line, "Version:")) {
                        char *v = mc_strip(line + strlen("Version:"));

                        if (!*v)
                                return NULL;
                        *ret_line = lineno;
                        return mc_strdup(v);
                }
        }
        return NULL;
}

/* One site-packages directory: nova-2014.1.5-py2.6.egg-info (a directory,
 * or a file when distutils wrote it), nova-26.2.2.egg-info,
 * nova-31.0.1.dev12.dist-info, and nova.egg-info (a develop install, whose
 * name carries no version: its PKG-INFO does). Listed through mc_rootfs, so
 * that a link in the tree never leads out. */
static void python_dir(struct mc_rootfs *fs, const char *dir, const char *prefix, bool venv, struct cands *out) {
        _cleanup_strv_free_ char **names = NULL;

        if (mc_rootfs_list(fs, dir, &names) < 0)
                return;
        for (char **n = names; *n; n++) {
                const char *name = *n, *v, *egg, *dist, *end;
                _cleanup_free_ char *path = NULL;
                char *version = NULL;
                unsigned line = 0;
                struct stat st;
                struct cand *c;

                if (!mc_startswith(name, "nova"))
                        continue;
                v = name + strlen("nova");
                egg = strstr(v, ".egg-info");
                dist = strstr(v, ".dist-info");
                end = egg ?: dist;
                if (!end || end[egg ? 9 : 10] != '\0')
                        continue;
                /* "nova-VERSION..." or "nova.egg-info"; not novaclient-...,
                 * nova_powervm-... (setuptools writes a project's "-" as "_"). */
                if (!(v[0] == '-' && isdigit((unsigned char) v[1])) && v != end)
                        continue;
                path = mc_strdup_printf("%s/%s", dir, name);
                if (v != end) {
                        /* The version ends where "-py2.6" or the suffix starts. */
                        size_t len = strcspn(v + 1, "-");

                        if (v + 1 + len > end)
                                len = (size_t) (end - (v + 1));
                        version = mc_assert_alloc(strndup(v + 1, len));
                } else if (mc_rootfs_stat(fs, path, &st) >= 0) {
                        _cleanup_free_ char *meta = S_ISDIR(st.st_mode)
                                ? mc_strdup_printf("%s/%s", path, egg ? "PKG-INFO" : "METADATA")
                                : mc_strdup(path);

                        version = metadata_version(fs, meta, &line);
                        if (version) {
                                c = cands_add(out, version, TAKE_PTR(meta), line, prefix);
                                c->venv = venv;
                        }
                        continue;
                }
                if (!version)
                        continue;
                c = cands_add(out, version, TAKE_PTR(path), 0, prefix);
                c->venv = venv;
        }
}

/* LIBDIR/python*\/{site,dist}-packages: every python version there, none
 * named by hand (RHEL 6 has python2.6, Debian python3, a venv python3.12). */
static void python_lib(struct mc_rootfs *fs, const char *libdir, const char *prefix, bool venv, struct cands *out) {
        _cleanup_strv_free_ char **names = NULL;

        if (mc_rootfs_list(fs, libdir, &names) < 0)
                return;
        for (char **n = names; *n; n++) {
                static const char *const subs[] = { "site-packages", "dist-packages" };

                if (!mc_startswith(*n, "python"))
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(subs); i++) {
                        _cleanup_free_ char *d = mc_strdup_printf("%s/%s/%s", libdir, *n, subs[i]);

                        python_dir(fs, d, prefix, venv, out);
                }
        }
}

/* The virtualenvs of the deployment tools, each its own prefix:
 * - openstack-ansible: /openstack/venvs/nova-{{ openstack_release }}
 *   (os_nova role, nova_bin; the name carries OSA's release, not nova's,
 *   so the version comes from the metadata inside);
 * - kolla source images: /var/lib/kolla/venv (kolla's base Dockerfile);
 * - LOCI (openstack-helm's images): /var/lib/openstack;
 * - DevStack with GLOBAL_VENV (default since 2023.2): /opt/stack/data/venv. */
static void python_venvs(struct mc_rootfs *fs, struct cands *out) {
        static const char *const fixed[] = { "/var/lib/kolla/venv", "/var/lib/openstack", "/opt/stack/data/venv" };
        _cleanup_strv_free_ char **names = NULL;

        if (mc_rootfs_list(fs, "/openstack/venvs", &names) >= 0)
                for (char **n = names; *n; n++)
                        if (mc_startswith(*n, "nova-")) {
                                _cleanup_free_ char *venv = mc_strdup_printf("/openstack/venvs/%s", *n);
                                _cleanup_free_ char *lib = mc_strdup_printf("%s/lib", venv);

                                python_lib(fs, lib, venv, true, out);
                        }
        for (size_t i = 0; i < ELEMENTSOF(fixed); i++) {
                _cleanup_free_ char *lib = mc_strdup_printf("%s/lib", fixed[i]);

                python_lib(fs, lib, fixed[i], true, out);
        }
}

/* The system python: what /usr/bin/nova-compute (a package's, pip's into
 * /usr/local) imports. DevStack without a venv installs nova in develop
 * mode: /opt/stack/nova/nova.egg-info, run as /usr/local/bin/nova-compute. */
static void python_system(struct mc_rootfs *fs, struct cands *out) {
        /* In the order of the system python's sys.path: /usr/local first
         * (Debian's and RHEL 8's site.py), so that what pip installed over
         * the package comes first, as python imports it. */
        python_lib(fs, "/usr/local/lib", "/usr/local", false, out);
        python_lib(fs, "/usr/lib64", "/usr", false, out);
        python_lib(fs, "/usr/lib", "/usr", false, out);
        python_dir(fs, "/opt/stack/nova", "/usr/local", false, out);
}

/* The package names nova-compute's code comes in: Debian/Ubuntu's
 * nova-common, python3-nova, python-nova; RDO's openstack-nova-common,
 * openstack-nova-compute, python-nova (to Liberty), python2-nova (Queens to
 * Train, RHEL 7), python3-nova (Ussuri on, RHEL 8/9). */
static const char *const rpm_pkgs[] = {
        "openstack-nova-common", "openstack-nova-compute", "python3-nova", "python2-nova", "python-nova",
};

static void add_pkg_hits(struct cands *out, const char *const *pkgs, struct mc_pkg_hit *hits, size_t n, const char *source,
                         const char *path) {
        for (size_t i = 0; i < n; i++)
                if (hits[i].version) {
                        struct cand *c = cands_add(out, TAKE_PTR(hits[i].version), mc_strdup(source), hits[i].line, "/usr");

                        c->package = mc_strdup(pkgs[i]);
                        c->path = path ? mc_strdup(path) : NULL;
                        /* The array is filled again by the next reader. */
                        hits[i].line = 0;
                }
}

/* "/x/venv/bin/nova-compute" -> "/x/venv". */
static char *prefix_of(const char *exe) {
        const char *slash = strrchr(exe, '/');

        if (!slash || slash == exe || !streq(slash, "/nova-compute"))
                return NULL;
        for (const char *p = slash - 1; p > exe; p--)
                if (*p == '/')
                        return strncmp(p, "/bin/", 5) == 0 ? mc_assert_alloc(strndup(exe, (size_t) (p - exe))) : NULL;
        return NULL;
}

/* A running nova-compute: its command line names the script it runs
 * ("/usr/bin/python3 /openstack/venvs/nova-29.0.0/bin/nova-compute ...");
 * its comm is the script's name. Live only: /proc is this machine's. */
static char *running_prefix(struct mc_rootfs *fs, char **ret_pid, char **ret_how) {
        _cleanup_strv_free_ char **pids = NULL;

        if (mc_rootfs_list(fs, "/proc", &pids) < 0)
                return NULL;
        for (char **p = pids; *p; p++) {
                _cleanup_free_ char *comm_path = NULL, *comm = NULL, *cmd_path = NULL, *cmd = NULL;
                size_t len = 0;

                if ((*p)[strspn(*p, "0123456789")] != '\0')
                        continue;
                comm_path = mc_strdup_printf("/proc/%s/comm", *p);
                if (mc_read_file(comm_path, 4096, &comm, NULL) < 0 || !streq(mc_strip(comm), "nova-compute"))
                        continue;
                cmd_path = mc_strdup_printf("/proc/%s/cmdline", *p);
                if (mc_read_file(cmd_path, MC_CMDLINE_MAX_SIZE, &cmd, &len) < 0)
                        continue;
                for (size_t off = 0; off < len; off += strlen(cmd + off) + 1) {
                        char *prefix = cmd[off] == '/' ? prefix_of(cmd + off) : NULL;

                        if (prefix) {
                                *ret_how = mc_strdup_printf("the running nova-compute (pid %s) runs %s", *p, cmd + off);
                                *ret_pid = mc_strdup(*p);
                                return prefix;
                        }
                }
        }
        return NULL;
}

/* The unit that starts nova-compute: its ExecStart= names the script
 * (openstack-ansible's nova-compute.service runs the venv's). */
static char *unit_prefix(struct mc_rootfs *fs, char **ret_how) {
        static const char *const units[] = {
                "/etc/systemd/system/nova-compute.service",
                "/etc/systemd/system/openstack-nova-compute.service",
                "/usr/lib/systemd/system/nova-compute.service",
                "/usr/lib/systemd/system/openstack-nova-compute.service",
                "/lib/systemd/system/nova-compute.service",
                "/lib/systemd/system/openstack-nova-compute.service",
        };

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                _cleanup_free_ char *text = NULL;
                unsigned lineno = 0;

                if (mc_rootfs_read(fs, units[i], MC_UNIT_MAX_SIZE, &text, NULL) < 0)
                        continue;
                for (char *line = text, *nl; line; line = nl) {
                        char *v, *prefix;

                        nl = strchr(line, '\n');
                        if (nl)
                                *nl++ = '\0';
                        lineno++;
                        v = mc_strip(line);
                        if (!mc_startswith(v, "ExecStart="))
                                continue;
                        v += strlen("ExecStart=");
                        v += strspn(v, "-@+!:");  /* systemd's prefixes */
                        v[strcspn(v, " \t")] = '\0';
                        prefix = prefix_of(v);
                        if (prefix) {
                                *ret_how = mc_strdup_printf("%s:%u runs %s", units[i], lineno, v);
                                return prefix;
                        }
                }
                /* The first unit found is the one systemd loads. */
                return NULL;
        }
        return NULL;
}

static json_object *cand_json(const struct cand *c) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "value", json_object_new_string(c->version));
        json_object_object_add(o, "source", json_object_new_string(c->source));
        if (c->line)
                json_object_object_add(o, "line", json_object_new_int((int) c->line));
        if (c->path)
                json_object_object_add(o, "path", json_object_new_string(c->path));
        if (c->package)
                json_object_object_add(o, "package", json_object_new_string(c->package));
        json_object_object_add(o, "release",
                               json_object_new_string(mc_nova_release_name(mc_nova_release_from_string(c->version))));
        return o;
}

static bool all_agree(const struct cands *l) {
        for (size_t i = 1; i < l->n; i++)
                if (mc_nova_release_from_string(l->v[i].version) != mc_nova_release_from_string(l->v[0].version))
                        return false;
        return true;
}

static bool has_prefix(const struct cands *l, const char *prefix) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].prefix, prefix))
                        return true;
        return false;
}

/* A nova-compute in a container (kolla's nova_compute) runs a nova this
 * machine's own paths do not hold: look where it runs, through
 * /proc/PID/root, and name the candidates by that path. */
static void container_cands(const char *pid, const char *prefix, struct cands *l) {
        _cleanup_(mc_rootfs_freep) struct mc_rootfs *fs = NULL;
        _cleanup_free_ char *root = mc_strdup_printf("/proc/%s/root", pid), *lib = mc_strdup_printf("%s/lib", prefix);
        size_t first = l->n;

        if (mc_rootfs_open(root, &fs) < 0)
                return;
        if (streq(prefix, "/usr") || streq(prefix, "/usr/local"))
                python_system(fs, l);
        else
                python_lib(fs, lib, prefix, true, l);
        for (size_t i = first; i < l->n; i++) {
                char *s = mc_strdup_printf("%s%s", root, l->v[i].source);

                free(l->v[i].source);
                l->v[i].source = s;
        }
}

/* Which candidate nova-compute runs (docs/facts.md "versions.nova"):
 * prefix names the bin/nova-compute that runs (how says who said so). */
static size_t choose(const struct cands *l, const char *prefix, const char *how, char **ret_how) {
        if (prefix)
                for (size_t i = 0; i < l->n; i++)
                        if (streq(l->v[i].prefix, prefix)) {
                                *ret_how = mc_strdup(how);
                                return i;
                        }
        if (all_agree(l)) {
                *ret_how = mc_strdup(l->n > 1 ? "every record agrees" : "the only record");
                return 0;
        }
        /* Nothing names one: the system python's (the distribution's
         * nova-compute runs it), else the newest virtualenv (an upgrade
         * installs a new venv and leaves the old one). */
        for (size_t i = 0; i < l->n; i++)
                if (!l->v[i].venv) {
                        *ret_how = mc_strdup_printf("%s%s; the system python's nova",
                                                    how ?: "no running nova-compute and no unit names one",
                                                    how ? ", whose nova was not found" : "");
                        return i;
                }
        size_t pick = 0;
        for (size_t i = 1; i < l->n; i++)
                if (mc_version_cmp(l->v[i].version, l->v[pick].version) > 0)
                        pick = i;
        *ret_how = mc_strdup_printf("%s%s; the newest virtualenv", how ?: "no running nova-compute and no unit names one",
                                    how ? ", whose nova was not found" : "");
        return pick;
}

void mc_nova_release_override(json_object *facts, const char *release) {
        json_object *versions = mc_json_get_or_add_object(facts, "versions"), *o = json_object_new_object(), *was;

        json_object_object_add(o, "value", json_object_new_string(release));
        json_object_object_add(o, "source", json_object_new_string("--nova-release"));
        json_object_object_add(o, "release",
                               json_object_new_string(mc_nova_release_name(mc_nova_release_from_string(release))));
        /* Saved facts keep what their node's collection found, for the reader. */
        was = mc_json_get(versions, "nova");
        if (was && json_object_is_type(was, json_type_object) && !streq_ptr(mc_json_str(was, "source"), "--nova-release"))
                json_object_object_add(o, "collected", json_object_get(was));
        json_object_object_add(versions, "nova", o);
}

void mc_collect_nova_release(struct mc_collector *c, const char *override, const char *const *dpkg_pkgs,
                             struct mc_pkg_hit *dpkg_hits, size_t n_dpkg) {
        json_object *versions = mc_json_get_or_add_object(c->facts, "versions"), *o;
        _cleanup_(cands_done) struct cands l = {};
        _cleanup_free_ char *how = NULL, *run_prefix = NULL, *run_pid = NULL, *run_how = NULL;
        size_t system, pick;

        if (override) {
                mc_nova_release_override(c->facts, override);
                return;
        }

        python_system(c->fs, &l);
        system = l.n;
        add_pkg_hits(&l, dpkg_pkgs, dpkg_hits, n_dpkg, "/var/lib/dpkg/status", NULL);
        {
                struct mc_pkg_hit hits[ELEMENTSOF(rpm_pkgs)] = {};
                _cleanup_free_ char *db = NULL, *err = NULL;

                mc_installed_rpms_versions(c->fs, rpm_pkgs, ELEMENTSOF(rpm_pkgs), hits);
                add_pkg_hits(&l, rpm_pkgs, hits, ELEMENTSOF(rpm_pkgs), "/installed-rpms", NULL);
                /* The package database only where the system python's own
                 * metadata is missing: that metadata is what nova-compute
                 * imports (and what pip overwrote, when it did), and loading
                 * librpm costs ~15 ms (docs/architecture.md). */
                if (system == 0) {
                        int r = mc_rpmdb_versions(c->fs, rpm_pkgs, ELEMENTSOF(rpm_pkgs), hits, &db, &err);

                        if (r >= 0)
                                add_pkg_hits(&l, rpm_pkgs, hits, ELEMENTSOF(rpm_pkgs), "rpmdb", db);
                        else if (r != -ENOENT) {
                                json_object *e = json_object_new_object();

                                json_object_object_add(e, "source", json_object_new_string("rpmdb"));
                                json_object_object_add(e, "path", json_object_new_string(db));
                                json_object_object_add(e, "error", json_object_new_string(err));
                                json_object_object_add(versions, "nova_rpmdb_error", e);
                        }
                }
                mc_pkg_hits_free(hits, ELEMENTSOF(hits));
        }
        python_venvs(c->fs, &l);

        /* Who runs which, only when it matters: none found here, or they
         * disagree (a walk of /proc costs a few ms). */
        if (l.n == 0 || !all_agree(&l)) {
                if (c->live)
                        run_prefix = running_prefix(c->fs, &run_pid, &run_how);
                if (run_prefix && !has_prefix(&l, run_prefix))
                        container_cands(run_pid, run_prefix, &l);
                if (!run_prefix)
                        run_prefix = unit_prefix(c->fs, &run_how);
        }
        if (l.n == 0)
                return;

        pick = choose(&l, run_prefix, run_how, &how);
        o = cand_json(&l.v[pick]);
        json_object_object_add(o, "chosen_by", json_object_new_string(how));
        if (l.n > 1) {
                json_object *a = json_object_new_array();

                for (size_t i = 0; i < l.n; i++)
                        json_object_array_add(a, cand_json(&l.v[i]));
                json_object_object_add(o, "candidates", a);
        }
        json_object_object_add(versions, "nova", o);
}
