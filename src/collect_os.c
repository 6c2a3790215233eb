/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who the node is: hostname, operating system, installed versions. */
#include <ctype.h>
#include <string.h>
#include <sys/utsname.h>

#include "collect.h"
#include "facts.h"
#include "nova_release.h"
#include "profiles.h"
#include "shell.h"
#include "util.h"

/* dpkg's status file of a full desktop is a few MiB. */
#define MC_PKGDB_MAX_SIZE (64u * 1024u * 1024u)

static json_object *sourced(const char *value, const char *source) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "value", json_object_new_string(value));
        json_object_object_add(o, "source", json_object_new_string(source));
        return o;
}

static void collect_hostname(struct mc_collector *c) {
        _cleanup_free_ char *text = NULL;
        json_object *node = mc_json_get_or_add_object(c->facts, "node");
        struct utsname u;

        if (c->live && uname(&u) == 0) {
                json_object_object_add(node, "hostname", json_object_new_string(u.nodename));
                json_object_object_add(node, "hostname_source", json_object_new_string("uname"));
                return;
        }
        int r = mc_rootfs_read(c->fs, "/etc/hostname", 4096, &text, NULL);
        if (r < 0 && r != -ENOENT)  /* a FIFO, a directory, too large: said, not silently unnamed */
                json_object_object_add(node, "hostname_error", json_object_new_string(mc_read_error_string(r)));
        if (r >= 0) {
                char *h = mc_strip(text);

                h[strcspn(h, " \t\n")] = '\0';
                if (*h) {
                        json_object_object_add(node, "hostname", json_object_new_string(h));
                        json_object_object_add(node, "hostname_source", json_object_new_string("/etc/hostname"));
                        return;
                }
        }
        /* RHEL 6 keeps it in /etc/sysconfig/network as HOSTNAME=. */
        {
                static const struct mc_conf_spec net = {
                        "/etc/sysconfig/network", "Mc_shellvars.lns", "sysconfig-network", MC_CONF_FLAT, NULL,
                };
                json_object *f = mc_conf_collect(c->aug, c->fs, &net);
                const char *v = mc_json_str(mc_json_path(f, "settings", "HOSTNAME", NULL), "value");
                _cleanup_free_ char *h = v ? mc_shell_unquote(v) : NULL;

                if (!isempty(h)) {
                        json_object_object_add(node, "hostname", json_object_new_string(h));
                        json_object_object_add(node, "hostname_source",
                                               json_object_new_string("/etc/sysconfig/network"));
                }
                json_object_put(f);
        }
}

static void collect_os_release(struct mc_collector *c) {
        static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
        json_object *os = mc_json_get_or_add_object(c->facts, "os");
        _cleanup_free_ char *text = NULL;

        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                const struct mc_conf_spec spec = { paths[i], "Mc_shellvars.lns", "os-release", MC_CONF_FLAT, NULL };
                json_object *f = mc_conf_collect(c->aug, c->fs, &spec);
                json_object *s = mc_json_get(f, "settings");

                const char *unread = mc_json_str(mc_json_get(f, "error"), "message");

                if (unread && !mc_json_get(os, "error"))  /* said, not "no os-release" */
                        json_object_object_add(os, "error", json_object_new_string(unread));
                if (s) {
                        static const char *const keys[][2] = {
                                { "ID", "id" }, { "ID_LIKE", "id_like" }, { "VERSION_ID", "version_id" },
                                { "PRETTY_NAME", "pretty_name" },
                        };
                        for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
                                const char *v = mc_json_str(mc_json_get(s, keys[k][0]), "value");
                                _cleanup_free_ char *u = v ? mc_shell_unquote(v) : NULL;

                                if (u)
                                        json_object_object_add(os, keys[k][1], json_object_new_string(u));
                        }
                        json_object_object_add(os, "source", json_object_new_string(paths[i]));
                        json_object_put(f);
                        return;
                }
                json_object_put(f);
        }

        /* RHEL/CentOS 6 predate os-release: "CentOS release 6.5 (Final)". */
        if (mc_rootfs_read(c->fs, "/etc/redhat-release", 4096, &text, NULL) >= 0) {
                const char *id = strcasestr(text, "centos") ? "centos" : "rhel";
                char *p = text;

                while (*p && !isdigit((unsigned char) *p))
                        p++;
                p[strspn(p, "0123456789.")] = '\0';
                json_object_object_add(os, "id", json_object_new_string(id));
                json_object_object_add(os, "id_like", json_object_new_string("rhel fedora"));
                if (*p)
                        json_object_object_add(os, "version_id", json_object_new_string(p));
                json_object_object_add(os, "source", json_object_new_string("/etc/redhat-release"));
        }
}

/* Versions of the named packages from dpkg's status file. */
static void dpkg_versions(struct mc_collector *c, const char *const *pkgs, size_t n, char **ret) {
        _cleanup_free_ char *text = NULL;
        char *save = NULL, *pkg = NULL;
        bool installed = false;
        char *version = NULL;

        if (mc_rootfs_read(c->fs, "/var/lib/dpkg/status", MC_PKGDB_MAX_SIZE, &text, NULL) < 0)
                return;
        /* Stanzas end with a blank line; strtok_r skips it, so each stanza
         * closes when the next Package: starts. */
        for (char *line = strtok_r(text, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
                if (!line || mc_startswith(line, "Package: ")) {
                        if (pkg && installed && version)
                                for (size_t i = 0; i < n; i++)
                                        if (!ret[i] && streq(pkgs[i], pkg))
                                                ret[i] = mc_strdup(version);
                        if (!line)
                                break;
                        pkg = line + strlen("Package: ");
                        installed = false;
                        version = NULL;
                } else if (mc_startswith(line, "Status: "))
                        installed = strstr(line, " installed") != NULL;
                else if (mc_startswith(line, "Version: "))
                        version = line + strlen("Version: ");
        }
}

/* A sosreport's installed-rpms: "libvirt-daemon-4.5.0-10.el7.x86_64   date". */
static char *rpm_version(struct mc_collector *c, const char *pkg) {
        _cleanup_free_ char *text = NULL;
        size_t n = strlen(pkg);
        char *save = NULL;

        if (mc_rootfs_read(c->fs, "/installed-rpms", MC_PKGDB_MAX_SIZE, &text, NULL) < 0)
                return NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (strncmp(line, pkg, n) == 0 && line[n] == '-' && isdigit((unsigned char) line[n + 1])) {
                        char *v = line + n + 1;

                        v[strcspn(v, "- \t")] = '\0';
                        return mc_strdup(v);
                }
        return NULL;
}

/* nova-2014.1.1-py2.7.egg-info, nova-26.2.2.egg-info, nova-27.1.0.dist-info:
 * listed through mc_rootfs, so that a link in the tree never leads out. */
static char *nova_from_python(struct mc_collector *c, char **ret_source) {
        static const char *const dirs[] = {
                "/usr/lib/python3/dist-packages",
                "/usr/lib/python2.7/site-packages",
                "/usr/lib/python2.7/dist-packages",
                "/usr/lib/python3.6/site-packages",
                "/usr/lib/python3.9/site-packages",
                "/usr/lib/python3.11/site-packages",
                "/usr/lib/python3.12/site-packages",
                "/usr/local/lib/python3/dist-packages",
        };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_strv_free_ char **names = NULL;

                if (mc_rootfs_list(c->fs, dirs[i], &names) < 0)
                        continue;
                for (char **n = names; *n; n++) {
                        const char *v = *n + strlen("nova-");
                        size_t len;

                        if (!mc_startswith(*n, "nova-") || !isdigit((unsigned char) *v))
                                continue;
                        if (!strstr(v, ".egg-info") && !strstr(v, ".dist-info"))
                                continue;
                        /* The version ends where "-py2.7", ".egg-info" or ".dist-info" starts. */
                        len = strcspn(v, "-");
                        if (strstr(v, ".egg-info") && (size_t) (strstr(v, ".egg-info") - v) < len)
                                len = (size_t) (strstr(v, ".egg-info") - v);
                        if (strstr(v, ".dist-info") && (size_t) (strstr(v, ".dist-info") - v) < len)
                                len = (size_t) (strstr(v, ".dist-info") - v);
                        *ret_source = mc_strdup_printf("%s/%s", dirs[i], *n);
                        return mc_assert_alloc(strndup(v, len));
                }
        }
        return NULL;
}

void mc_collect_os(struct mc_collector *c) {
        json_object *os;
        const struct mc_distro_profile *p;

        collect_hostname(c);
        collect_os_release(c);
        /* Recorded for the reader; checks derive it again from os, so that
         * facts from an older migcheck get today's profiles. */
        os = mc_json_get(c->facts, "os");
        p = mc_distro_profile_find(mc_json_str(os, "id"), mc_json_str(os, "id_like"), mc_json_str(os, "version_id"));
        if (p) {
                json_object *d = json_object_new_object();

                json_object_object_add(d, "profile", json_object_new_string(p->name));
                json_object_object_add(d, "init", json_object_new_string(mc_init_to_string(p->init)));
                json_object_object_add(d, "startup_file", json_object_new_string(p->startup_file));
                json_object_object_add(d, "startup_var", json_object_new_string(p->startup_var));
                json_object_object_add(c->facts, "distro", d);
        }
}

void mc_collect_versions(struct mc_collector *c, const char *nova_release) {
        static const char *const pkgs[] = {
                "libvirt-daemon", "libvirt-bin", "libvirt0", "qemu-system-x86", "qemu-kvm", "nova-common",
                "python3-nova", "python-nova",
        };
        json_object *versions = mc_json_get_or_add_object(c->facts, "versions");
        _cleanup_free_ char *nova_src = NULL;
        char *v[ELEMENTSOF(pkgs)] = {};
        const char *libvirt, *qemu, *nova;
        _cleanup_free_ char *rpm_libvirt = NULL, *rpm_qemu = NULL, *rpm_nova = NULL, *py_nova = NULL;

        dpkg_versions(c, pkgs, ELEMENTSOF(pkgs), v);
        libvirt = v[0] ?: v[1] ?: v[2];
        qemu = v[3] ?: v[4];
        nova = v[5] ?: v[6] ?: v[7];
        if (libvirt)
                json_object_object_add(versions, "libvirt", sourced(libvirt, "/var/lib/dpkg/status"));
        else if ((rpm_libvirt = rpm_version(c, "libvirt-daemon")) || (rpm_libvirt = rpm_version(c, "libvirt")))
                json_object_object_add(versions, "libvirt", sourced(rpm_libvirt, "/installed-rpms"));
        if (qemu)
                json_object_object_add(versions, "qemu", sourced(qemu, "/var/lib/dpkg/status"));
        else if ((rpm_qemu = rpm_version(c, "qemu-kvm")))
                json_object_object_add(versions, "qemu", sourced(rpm_qemu, "/installed-rpms"));

        if (nova_release) {
                json_object *o = sourced(nova_release, "--nova-release");

                json_object_object_add(o, "release",
                                       json_object_new_string(mc_nova_release_name(
                                               mc_nova_release_from_string(nova_release))));
                json_object_object_add(versions, "nova", o);
        } else {
                const char *src = NULL;
                json_object *o;

                if ((py_nova = nova_from_python(c, &nova_src)))
                        nova = py_nova, src = nova_src;
                else if (nova)
                        src = "/var/lib/dpkg/status";
                else if ((rpm_nova = rpm_version(c, "openstack-nova-common")))
                        nova = rpm_nova, src = "/installed-rpms";
                if (nova) {
                        o = sourced(nova, src);
                        json_object_object_add(o, "release", json_object_new_string(mc_nova_release_name(
                                                                     mc_nova_release_from_string(nova))));
                        json_object_object_add(versions, "nova", o);
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(v); i++)
                free(v[i]);
}
