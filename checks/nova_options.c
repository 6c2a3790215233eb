/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nova_options.h"

#include <string.h>

#include "util.h"

/* Names and sections per release, from nova's own option definitions
 * (deprecated_name / deprecated_group), kb/nova-libvirt-facts.md section 1. */
const struct mc_nova_opt mc_nova_live_migration_flag = {
        "live_migration_flag",
        { { "libvirt", "live_migration_flag", MC_NOVA_ICEHOUSE, MC_NOVA_MITAKA },
          { "DEFAULT", "live_migration_flag", MC_NOVA_UNKNOWN, MC_NOVA_MITAKA } },
};
const struct mc_nova_opt mc_nova_block_migration_flag = {
        "block_migration_flag",
        { { "libvirt", "block_migration_flag", MC_NOVA_ICEHOUSE, MC_NOVA_MITAKA },
          { "DEFAULT", "block_migration_flag", MC_NOVA_UNKNOWN, MC_NOVA_MITAKA } },
};
const struct mc_nova_opt mc_nova_live_migration_uri = {
        "live_migration_uri",
        { { "libvirt", "live_migration_uri", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN },
          { "DEFAULT", "live_migration_uri", MC_NOVA_UNKNOWN, MC_NOVA_MITAKA } },
};
const struct mc_nova_opt mc_nova_live_migration_scheme = {
        "live_migration_scheme",
        { { "libvirt", "live_migration_scheme", MC_NOVA_OCATA, MC_NOVA_UNKNOWN } },
};
const struct mc_nova_opt mc_nova_live_migration_inbound_addr = {
        "live_migration_inbound_addr",
        { { "libvirt", "live_migration_inbound_addr", MC_NOVA_MITAKA, MC_NOVA_UNKNOWN } },
};
const struct mc_nova_opt mc_nova_cpu_mode = {
        "cpu_mode",
        { { "libvirt", "cpu_mode", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN },
          { "DEFAULT", "libvirt_cpu_mode", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE } },
};
const struct mc_nova_opt mc_nova_cpu_models = {
        "cpu_models",
        { { "libvirt", "cpu_models", MC_NOVA_TRAIN, MC_NOVA_UNKNOWN },
          { "libvirt", "cpu_model", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN },
          { "DEFAULT", "libvirt_cpu_model", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE } },
};
const struct mc_nova_opt mc_nova_virt_type = {
        "virt_type",
        { { "libvirt", "virt_type", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN },
          { "DEFAULT", "libvirt_type", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE } },
};
const struct mc_nova_opt mc_nova_force_config_drive = {
        "force_config_drive",
        { { "DEFAULT", "force_config_drive", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN } },
};
const struct mc_nova_opt mc_nova_config_drive_format = {
        "config_drive_format",
        { { "DEFAULT", "config_drive_format", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN } },
};
const struct mc_nova_opt mc_nova_vnc_listen = {
        "server_listen",
        { { "vnc", "server_listen", MC_NOVA_QUEENS, MC_NOVA_UNKNOWN },
          { "vnc", "vncserver_listen", MC_NOVA_LIBERTY, MC_NOVA_XENA },
          { "DEFAULT", "vncserver_listen", MC_NOVA_UNKNOWN, MC_NOVA_XENA } },
};

static bool name_read_by(const struct mc_nova_name *n, enum mc_nova_release r) {
        if (r == MC_NOVA_UNKNOWN)
                return true;
        if (n->since != MC_NOVA_UNKNOWN && r < n->since)
                return false;
        if (n->until != MC_NOVA_UNKNOWN && r > n->until)
                return false;
        return true;
}

int mc_nova_opt_get(json_object *facts, enum mc_nova_release release, const struct mc_nova_opt *o,
                    struct mc_setting *ret) {
        json_object *files = mc_json_path(facts, "nova", "files", NULL);

        if (!files || !json_object_is_type(files, json_type_array))
                return -ENOENT;
        /* oslo.config looks at the files newest first and, in each, at the
         * option's every name: a deprecated name in a drop-in beats the new
         * name in nova.conf. */
        for (size_t f = json_object_array_length(files); f-- > 0;) {
                const char *path = mc_json_str(json_object_array_get_idx(files, f), NULL);

                for (size_t i = 0; path && i < ELEMENTSOF(o->names) && o->names[i].key; i++)
                        if (name_read_by(&o->names[i], release) &&
                            mc_facts_setting(facts, path, o->names[i].section, o->names[i].key, ret) >= 0)
                                return 0;
        }
        return -ENOENT;
}

int mc_nova_opt_ignored(json_object *facts, enum mc_nova_release release, const struct mc_nova_opt *o,
                        struct mc_setting *ret) {
        for (size_t i = 0; i < ELEMENTSOF(o->names) && o->names[i].key; i++)
                if (!name_read_by(&o->names[i], release) &&
                    mc_facts_nova(facts, o->names[i].section, o->names[i].key, ret) >= 0)
                        return 0;
        return -ENOENT;
}

enum mc_nova_release mc_nova_release_of(json_object *facts) {
        json_object *v = mc_json_path(facts, "versions", "nova", NULL);

        return mc_nova_release_from_string(mc_json_str(v, "release") ?: mc_json_str(v, "value"));
}

bool mc_nova_configured(json_object *facts) {
        json_object *files = mc_json_path(facts, "nova", "files", NULL);

        return files && json_object_is_type(files, json_type_array) && json_object_array_length(files) > 0;
}

static const char *const scheme_table[_MC_SCHEME_MAX] = {
        [MC_SCHEME_TCP] = "tcp",
        [MC_SCHEME_TLS] = "tls",
        [MC_SCHEME_SSH] = "ssh",
        [MC_SCHEME_OTHER] = "other",
};

const char *mc_scheme_to_string(enum mc_scheme s) {
        return s < _MC_SCHEME_MAX ? scheme_table[s] : NULL;
}

static void set_scheme(struct mc_transport *t, const char *name) {
        snprintf(t->scheme_name, sizeof(t->scheme_name), "%s", name);
        t->scheme = streq(name, "tcp") ? MC_SCHEME_TCP
                  : streq(name, "tls") ? MC_SCHEME_TLS
                  : streq(name, "ssh") || streq(name, "libssh") || streq(name, "libssh2") ? MC_SCHEME_SSH
                                                                                          : MC_SCHEME_OTHER;
        t->port = t->scheme == MC_SCHEME_TCP ? 16509 : t->scheme == MC_SCHEME_TLS ? 16514 : t->scheme == MC_SCHEME_SSH ? 22 : 0;
}

int mc_migration_transport(json_object *facts, struct mc_transport *ret) {
        enum mc_nova_release rel = mc_nova_release_of(facts);
        struct mc_transport t = {};
        struct mc_setting s;

        /* live_migration_uri wins over live_migration_scheme when both are set. */
        if (mc_nova_opt_get(facts, rel, &mc_nova_live_migration_uri, &s) >= 0) {
                const char *plus = strchr(s.value, '+'), *sep = strstr(s.value, "://");

                t.has_source = true;
                t.source = s;
                snprintf(t.uri, sizeof(t.uri), "%s", s.value);
                if (plus && sep && plus < sep) {
                        _cleanup_free_ char *name = mc_assert_alloc(strndup(plus + 1, (size_t) (sep - plus - 1)));
                        set_scheme(&t, name);
                } else if (sep) {
                        /* qemu:///system or qemu://host/system: libvirt's default is tls. */
                        set_scheme(&t, "tls");
                } else
                        set_scheme(&t, "unparsable");
                if (sep) {
                        const char *host = sep + 3, *end = host + strcspn(host, "/?"), *colon, *at;

                        /* "qemu+ssh://nova:pw@%s:2222/system": the port follows the host, after any user. */
                        at = memrchr(host, '@', (size_t) (end - host));
                        if (at)
                                host = at + 1;

                        /* "%s:16510": a port after the host's %%s or name. */
                        colon = memrchr(host, ':', (size_t) (end - host));
                        if (colon && colon + 1 < end && !memchr(colon, ']', (size_t) (end - colon))) {
                                t.port = (unsigned) strtoul(colon + 1, NULL, 10);
                                t.port_explicit = true;
                        }
                }
        } else if (mc_nova_opt_get(facts, rel, &mc_nova_live_migration_scheme, &s) >= 0) {
                t.has_source = true;
                t.source = s;
                set_scheme(&t, s.value);
                snprintf(t.uri, sizeof(t.uri), "qemu+%s://%%s/system", s.value);
        } else {
                /* Every release defaults to qemu+tcp for kvm and qemu. */
                set_scheme(&t, "tcp");
                snprintf(t.uri, sizeof(t.uri), "qemu+tcp://%%s/system");
        }
        *ret = t;
        return 0;
}
