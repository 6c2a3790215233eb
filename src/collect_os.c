/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who the node is: hostname, operating system, installed versions. */
#include <ctype.h>
#include <string.h>
#include <sys/utsname.h>

#include "collect.h"
#include "facts.h"
#include "pkgdb.h"
#include "profiles.h"
#include "shell.h"
#include "util.h"

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
        /* libvirt's and QEMU's packages, then Debian/Ubuntu's of nova's
         * code, most specific first. */
        static const char *const pkgs[] = {
                "libvirt-daemon", "libvirt-bin", "libvirt0", "qemu-system-x86", "qemu-kvm",
                "nova-common", "python3-nova", "python-nova",
        };
        enum { NOVA_PKGS = 5 };
        static const char *const rpms[] = { "libvirt-daemon", "libvirt", "qemu-kvm" };
        json_object *versions = mc_json_get_or_add_object(c->facts, "versions");
        struct mc_pkg_hit v[ELEMENTSOF(pkgs)] = {}, r[ELEMENTSOF(rpms)] = {};
        const char *libvirt, *qemu;

        /* dpkg's status is read once, for nova's packages too. */
        mc_dpkg_versions(c->fs, pkgs, ELEMENTSOF(pkgs), v);
        libvirt = v[0].version ?: v[1].version ?: v[2].version;
        qemu = v[3].version ?: v[4].version;
        if (!libvirt || !qemu)
                mc_installed_rpms_versions(c->fs, rpms, ELEMENTSOF(rpms), r);
        if (libvirt)
                json_object_object_add(versions, "libvirt", sourced(libvirt, "/var/lib/dpkg/status"));
        else if (r[0].version || r[1].version)
                json_object_object_add(versions, "libvirt", sourced(r[0].version ?: r[1].version, "/installed-rpms"));
        if (qemu)
                json_object_object_add(versions, "qemu", sourced(qemu, "/var/lib/dpkg/status"));
        else if (r[2].version)
                json_object_object_add(versions, "qemu", sourced(r[2].version, "/installed-rpms"));

        mc_collect_nova_release(c, nova_release, pkgs + NOVA_PKGS, v + NOVA_PKGS, ELEMENTSOF(pkgs) - NOVA_PKGS);
        mc_pkg_hits_free(v, ELEMENTSOF(v));
        mc_pkg_hits_free(r, ELEMENTSOF(r));
}
