/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's own configuration: the daemons' .conf files, qemu.conf, and
 * what SASL authentication over tcp needs on either side of a migration:
 * the destination's SASL configuration (mechanisms, Kerberos keytab,
 * password database) and the source's credentials in libvirt's auth.conf. */
#include <sys/stat.h>

#include "check.h"
#include "collect.h"
#include "facts.h"
#include "util.h"
#include "virtconf.h"

/* Every one of libvirt's own files is read with libvirt's grammar
 * (virconf.c), through migcheck's Mc_virtconf lens: the stock Libvirtd
 * lenses know one release's keys and refuse what libvirt accepts. */
static const struct mc_conf_spec daemon_confs[] = {
        { "/etc/libvirt/libvirtd.conf", MC_LENS_VIRTCONF, "libvirtd", MC_CONF_VIRT, NULL },
        { "/etc/libvirt/virtproxyd.conf", MC_LENS_VIRTCONF, "virtproxyd", MC_CONF_VIRT, NULL },
        { "/etc/libvirt/virtqemud.conf", MC_LENS_VIRTCONF, "virtqemud", MC_CONF_VIRT, NULL },
};

static const struct mc_conf_spec qemu_conf = {
        "/etc/libvirt/qemu.conf", MC_LENS_VIRTCONF, "qemu", MC_CONF_VIRT, NULL,
};

/* libsasl2 reads the application's file, libvirt.conf, from /etc/sasl2. */
static const struct mc_conf_spec sasl_conf = {
        MC_SASL_CONF, "Mc_sasl2.lns", "sasl2", MC_CONF_FLAT, NULL,
};

/* A migration's source libvirtd is the client of the destination's and
 * answers SASL from libvirt's auth file: virAuthGetConfigFilePath() takes
 * $XDG_CONFIG_HOME/libvirt/auth.conf (root's daemon: /root/.config), then
 * /etc/libvirt/auth.conf. A GKeyFile, read with the INI lens; only the
 * keys that say whether a credential is there are kept, and passwords are
 * redacted like every secret. */
static const char *const auth_keep[] = { "credentials", "authname", "username", "password", NULL };
static const struct mc_conf_spec auth_confs[] = {
        { MC_LIBVIRT_AUTH_CONF_ROOT, "Mc_nova.lns", "libvirt-auth", MC_CONF_INI, auth_keep },
        { MC_LIBVIRT_AUTH_CONF, "Mc_nova.lns", "libvirt-auth", MC_CONF_INI, auth_keep },
};

/* Whether a file the SASL settings name is there: path as configured, else
 * libsasl2's default. */
static void sasl_file(struct mc_collector *c, json_object *sasl, const char *what, const char *key, const char *dflt) {
        json_object *o = json_object_new_object();
        struct mc_setting s;
        struct stat st;
        const char *path = mc_facts_setting(c->facts, MC_SASL_CONF, NULL, key, &s) >= 0 ? s.value : dflt;

        json_object_object_add(o, "path", json_object_new_string(path));
        json_object_object_add(o, "exists", json_object_new_boolean(mc_rootfs_stat(c->fs, path, &st) >= 0));
        json_object_object_add(sasl, what, o);
}

void mc_collect_libvirt_conf(struct mc_collector *c, unsigned needs) {
        if (needs & MC_NEED_LIBVIRTD) {
                json_object *sasl = json_object_new_object();

                for (size_t i = 0; i < ELEMENTSOF(daemon_confs); i++)
                        mc_collect_conf(c, &daemon_confs[i]);
                mc_collect_conf(c, &sasl_conf);
                sasl_file(c, sasl, "keytab", "keytab", "/etc/krb5.keytab");
                sasl_file(c, sasl, "sasldb", "sasldb_path", "/etc/sasldb2");
                json_object_object_add(c->facts, "sasl", sasl);
                for (size_t i = 0; i < ELEMENTSOF(auth_confs); i++)
                        mc_collect_conf(c, &auth_confs[i]);
        }
        if (needs & MC_NEED_QEMU)
                mc_collect_conf(c, &qemu_conf);
}

const struct mc_conf_spec *mc_libvirt_conf_spec(const char *kind) {
        const struct mc_conf_spec *all[] = { &daemon_confs[0], &daemon_confs[1], &daemon_confs[2], &qemu_conf,
                                             &sasl_conf, &auth_confs[0] };

        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                if (streq(all[i]->kind, kind))
                        return all[i];
        return NULL;
}
