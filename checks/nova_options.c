/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nova_options.h"

#include <string.h>

#include "libvirt_mode.h"
#include "util.h"

/* Names and sections per release, from nova's own option definitions
 * (deprecated_name / deprecated_group), each spelling with the source that
 * bounds it. oslo.config reads a deprecated_name/deprecated_group pair as
 * the one spelling [deprecated_group] deprecated_name, the option's own
 * name or group standing in for the one not given.
 *
 * Havana (2013.2) registered the libvirt options in [DEFAULT] under
 * libvirt_* names where they had one; Icehouse moved them to [libvirt] and
 * kept the old spelling as deprecated (2014.1:nova/virt/libvirt/driver.py
 * libvirt_opts); Juno removed every such spelling (d0a02fa390 "Remove
 * deprecated config option names: Juno Edition"). */
#define ICEHOUSE_GROUP "2014.1:nova/virt/libvirt/driver.py libvirt_opts: register_opts(libvirt_opts, 'libvirt')"
#define HAVANA_DEFAULT "2013.2:nova/virt/libvirt/driver.py libvirt_opts (group DEFAULT); " \
                       "d0a02fa390 Remove deprecated config option names: Juno Edition"

const struct mc_nova_opt mc_nova_live_migration_flag = {
        "live_migration_flag",
        { { "libvirt", "live_migration_flag", MC_NOVA_ICEHOUSE, MC_NOVA_MITAKA,
            ICEHOUSE_GROUP "; a48b6146af [libvirt] Remove live_migration_flag & block_migration_flag" },
          { "DEFAULT", "live_migration_flag", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE, HAVANA_DEFAULT } },
};
const struct mc_nova_opt mc_nova_block_migration_flag = {
        "block_migration_flag",
        { { "libvirt", "block_migration_flag", MC_NOVA_ICEHOUSE, MC_NOVA_MITAKA,
            ICEHOUSE_GROUP "; a48b6146af [libvirt] Remove live_migration_flag & block_migration_flag" },
          { "DEFAULT", "block_migration_flag", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE, HAVANA_DEFAULT } },
};
const struct mc_nova_opt mc_nova_live_migration_uri = {
        "live_migration_uri",
        { { "libvirt", "live_migration_uri", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN,
            ICEHOUSE_GROUP "; deprecated_since 15.0.0 (15.0.0:nova/conf/libvirt.py), still read" },
          { "DEFAULT", "live_migration_uri", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE, HAVANA_DEFAULT } },
};
const struct mc_nova_opt mc_nova_live_migration_scheme = {
        "live_migration_scheme",
        { { "libvirt", "live_migration_scheme", MC_NOVA_OCATA, MC_NOVA_UNKNOWN,
            "df334b4f41 Add new configuration option live_migration_scheme (15.0.0)" } },
};
const struct mc_nova_opt mc_nova_live_migration_inbound_addr = {
        "live_migration_inbound_addr",
        { { "libvirt", "live_migration_inbound_addr", MC_NOVA_MITAKA, MC_NOVA_UNKNOWN,
            "af41accff9 Split-network-plane-for-live-migration (13.0.0)" } },
};
const struct mc_nova_opt mc_nova_live_migration_tunnelled = {
        "live_migration_tunnelled",
        { { "libvirt", "live_migration_tunnelled", MC_NOVA_MITAKA, MC_NOVA_UNKNOWN,
            "621594fc41 libvirt: add a new live_migration_tunnelled config (13.0.0); deprecated_since 23.0.0, "
            "still read" } },
};
/* Read by no check: their names date a file (mc_nova_candidates). */
static const struct mc_nova_opt live_migration_permit_post_copy = {
        "live_migration_permit_post_copy",
        { { "libvirt", "live_migration_permit_post_copy", MC_NOVA_NEWTON, MC_NOVA_UNKNOWN,
            "3d83c462bc Add new configuration option to turn postcopy on/off (14.0.0)" } },
};
static const struct mc_nova_opt live_migration_permit_auto_converge = {
        "live_migration_permit_auto_converge",
        { { "libvirt", "live_migration_permit_auto_converge", MC_NOVA_NEWTON, MC_NOVA_UNKNOWN,
            "0c0f60031a Add new configuration option to turn auto converge on/off (14.0.0)" } },
};
static const struct mc_nova_opt live_migration_with_native_tls = {
        "live_migration_with_native_tls",
        { { "libvirt", "live_migration_with_native_tls", MC_NOVA_STEIN, MC_NOVA_UNKNOWN,
            "9160fe5098 libvirt: Support native TLS for migration and disks over NBD (19.0.0)" } },
};
const struct mc_nova_opt mc_nova_cpu_mode = {
        "cpu_mode",
        { { "libvirt", "cpu_mode", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN, ICEHOUSE_GROUP },
          { "DEFAULT", "libvirt_cpu_mode", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE, HAVANA_DEFAULT } },
};
const struct mc_nova_opt mc_nova_cpu_models = {
        "cpu_models",
        { { "libvirt", "cpu_models", MC_NOVA_TRAIN, MC_NOVA_UNKNOWN,
            "f80e5f989d vCPU model selection (20.0.0): ListOpt cpu_models, deprecated_name cpu_model" },
          { "libvirt", "cpu_model", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN,
            ICEHOUSE_GROUP "; the deprecated name of cpu_models from 20.0.0, still read" },
          { "DEFAULT", "libvirt_cpu_model", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE, HAVANA_DEFAULT } },
};
const struct mc_nova_opt mc_nova_virt_type = {
        "virt_type",
        { { "libvirt", "virt_type", MC_NOVA_ICEHOUSE, MC_NOVA_UNKNOWN, ICEHOUSE_GROUP },
          { "DEFAULT", "libvirt_type", MC_NOVA_UNKNOWN, MC_NOVA_ICEHOUSE, HAVANA_DEFAULT } },
};
/* In [DEFAULT] in every release: nova/virt/configdrive.py, later nova/conf/configdrive.py. */
const struct mc_nova_opt mc_nova_force_config_drive = {
        "force_config_drive",
        { { "DEFAULT", "force_config_drive", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN,
            "2014.1:nova/virt/configdrive.py configdrive_opts; 33.0.0:nova/conf/configdrive.py" } },
};
const struct mc_nova_opt mc_nova_config_drive_format = {
        "config_drive_format",
        { { "DEFAULT", "config_drive_format", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN,
            "2014.1:nova/virt/configdrive.py configdrive_opts; deprecated_for_removal 19.0.0, still read" } },
};
const struct mc_nova_opt mc_nova_vnc_listen = {
        "server_listen",
        { { "vnc", "server_listen", MC_NOVA_QUEENS, MC_NOVA_UNKNOWN,
            "e5a03e3c54 conf: Rename two VNC options (17.0.0)" },
          { "vnc", "vncserver_listen", MC_NOVA_LIBERTY, MC_NOVA_XENA,
            "380c4d750f Register the vnc config options under group 'vnc' (12.0.0); "
            "cec9e7f1f1 Remove deprecated opts from VNC conf (25.0.0)" },
          { "DEFAULT", "vncserver_listen", MC_NOVA_UNKNOWN, MC_NOVA_XENA,
            "2014.1:nova/vnc/__init__.py vnc_opts; deprecated_group DEFAULT from 380c4d750f; "
            "cec9e7f1f1 Remove deprecated opts from VNC conf (25.0.0)" } },
};
const struct mc_nova_opt mc_nova_vnc_enabled = {
        "enabled",
        { { "vnc", "enabled", MC_NOVA_LIBERTY, MC_NOVA_UNKNOWN,
            "380c4d750f Register the vnc config options under group 'vnc' (12.0.0)" },
          { "DEFAULT", "vnc_enabled", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN,
            "2014.1:nova/vnc/__init__.py vnc_opts; deprecated_name of [vnc] enabled, still read "
            "(33.0.0:nova/conf/vnc.py)" } },
};
/* [spice] since before Havana; enabled defaults to False. */
const struct mc_nova_opt mc_nova_spice_listen = {
        "server_listen",
        { { "spice", "server_listen", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN,
            "2014.1:nova/spice/__init__.py spice_opts; 33.0.0:nova/conf/spice.py" } },
};
const struct mc_nova_opt mc_nova_spice_enabled = {
        "enabled",
        { { "spice", "enabled", MC_NOVA_UNKNOWN, MC_NOVA_UNKNOWN,
            "2014.1:nova/spice/__init__.py spice_opts (default False); 33.0.0:nova/conf/spice.py" } },
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

/* MIN_LIBVIRT_VERSION and MIN_QEMU_VERSION of nova/virt/libvirt/driver.py
 * at each release's tag (2013.2, 2014.1, ..., 33.0.0): init_host raises
 * "Nova requires libvirt version %s or greater" below them, so a node whose
 * libvirt is older runs no later release. Releases without MIN_QEMU_VERSION
 * (before 14.0.0) have no QEMU floor. */
static const struct {
        const char *libvirt, *qemu;
} min_versions[_MC_NOVA_RELEASE_MAX] = {
        [MC_NOVA_HAVANA] = { "0.9.6", NULL },
        [MC_NOVA_ICEHOUSE] = { "0.9.6", NULL },
        [MC_NOVA_JUNO] = { "0.9.11", NULL },
        [MC_NOVA_KILO] = { "0.9.11", NULL },
        [MC_NOVA_LIBERTY] = { "0.9.11", NULL },
        [MC_NOVA_MITAKA] = { "0.10.2", NULL },
        [MC_NOVA_NEWTON] = { "1.2.1", "1.5.3" },
        [MC_NOVA_OCATA] = { "1.2.1", "1.5.3" },
        [MC_NOVA_PIKE] = { "1.2.9", "2.1.0" },
        [MC_NOVA_QUEENS] = { "1.2.9", "2.1.0" },
        [MC_NOVA_ROCKY] = { "1.3.1", "2.5.0" },
        [MC_NOVA_STEIN] = { "3.0.0", "2.8.0" },
        [MC_NOVA_TRAIN] = { "3.0.0", "2.8.0" },
        [MC_NOVA_USSURI] = { "4.0.0", "2.11.0" },
        [MC_NOVA_VICTORIA] = { "5.0.0", "4.0.0" },
        [MC_NOVA_WALLABY] = { "6.0.0", "4.2.0" },
        [MC_NOVA_XENA] = { "6.0.0", "4.2.0" },
        [MC_NOVA_YOGA] = { "6.0.0", "4.2.0" },
        [MC_NOVA_ZED] = { "6.0.0", "4.2.0" },
        [MC_NOVA_2023_1] = { "6.0.0", "4.2.0" },
        [MC_NOVA_2023_2] = { "7.0.0", "5.2.0" },
        [MC_NOVA_2024_1] = { "7.0.0", "5.2.0" },
        [MC_NOVA_2024_2] = { "7.0.0", "5.2.0" },
        [MC_NOVA_2025_1] = { "8.0.0", "6.2.0" },
        [MC_NOVA_2025_2] = { "8.0.0", "6.2.0" },
        [MC_NOVA_2026_1] = { "8.0.0", "6.2.0" },
};

int mc_package_version_cmp(const char *pkg, const char *upstream) {
        const char *colon = strchr(pkg, ':');
        _cleanup_free_ char *v = NULL;

        if (colon && strspn(pkg, "0123456789") == (size_t) (colon - pkg))
                pkg = colon + 1;
        v = mc_assert_alloc(strndup(pkg, strcspn(pkg, "+-~ ")));
        return mc_version_cmp(v, upstream);
}

static enum mc_nova_release newest_for(const char *version, bool qemu) {
        enum mc_nova_release newest = MC_NOVA_UNKNOWN;

        if (!version || !strpbrk(version, "0123456789"))
                return _MC_NOVA_RELEASE_MAX - 1;
        for (int r = MC_NOVA_UNKNOWN + 1; r < _MC_NOVA_RELEASE_MAX; r++) {
                const char *min = qemu ? min_versions[r].qemu : min_versions[r].libvirt;

                if (!min || mc_package_version_cmp(version, min) >= 0)
                        newest = r;
        }
        return newest;
}

enum mc_nova_release mc_nova_newest_for_libvirt(const char *version) {
        return newest_for(version, false);
}

enum mc_nova_release mc_nova_newest_for_qemu(const char *version) {
        return newest_for(version, true);
}

/* Options whose names tell the oldest release a file was written for: a
 * deployment tool writes the names of the release it deploys. Names only
 * older releases read say nothing (they outlive upgrades in files). */
static const struct mc_nova_opt *const dating_opts[] = {
        &mc_nova_live_migration_flag, &mc_nova_live_migration_uri, &mc_nova_live_migration_scheme,
        &mc_nova_live_migration_inbound_addr, &mc_nova_live_migration_tunnelled, &mc_nova_cpu_mode,
        &mc_nova_cpu_models, &mc_nova_virt_type, &mc_nova_vnc_listen, &mc_nova_vnc_enabled,
        &live_migration_permit_post_copy, &live_migration_permit_auto_converge, &live_migration_with_native_tls,
};

void mc_nova_candidates(json_object *facts, struct mc_nova_candidates *ret) {
        struct mc_nova_candidates c = { .lo = MC_NOVA_UNKNOWN + 1, .hi = _MC_NOVA_RELEASE_MAX - 1 };
        enum mc_nova_release rel = mc_nova_release_of(facts), lo_names = c.lo, hi;
        _cleanup_free_ char *why = mc_strdup(""), *names_why = NULL;
        const char *qemu = mc_json_str(mc_json_path(facts, "versions", "qemu", NULL), "value");
        struct mc_libvirt_mode m;

        if (rel != MC_NOVA_UNKNOWN) {
                *ret = (struct mc_nova_candidates) { .lo = rel, .hi = rel, .known = true };
                snprintf(ret->why, sizeof(ret->why), "nova %s", mc_nova_release_name(rel));
                return;
        }
        mc_libvirt_mode(facts, &m);
        if (m.libvirt_version && (hi = mc_nova_newest_for_libvirt(m.libvirt_version)) > MC_NOVA_UNKNOWN && hi < c.hi) {
                c.hi = hi;
                mc_strappendf(&why, "; libvirt %s%s: nova after %s refuses to start with it (MIN_LIBVIRT_VERSION %s)",
                              m.libvirt_version, m.libvirt_version_assumed ? " (the distro's, assumed)" : "",
                              mc_nova_release_name(hi), min_versions[hi + 1].libvirt);
        }
        if (qemu && (hi = mc_nova_newest_for_qemu(qemu)) > MC_NOVA_UNKNOWN && hi < c.hi) {
                c.hi = hi;
                mc_strappendf(&why, "; QEMU %s: nova after %s refuses to start with it (MIN_QEMU_VERSION %s)", qemu,
                              mc_nova_release_name(hi), min_versions[hi + 1].qemu);
        }
        for (size_t i = 0; i < ELEMENTSOF(dating_opts); i++) {
                const struct mc_nova_opt *o = dating_opts[i];

                for (size_t k = 0; k < ELEMENTSOF(o->names) && o->names[k].key; k++) {
                        const struct mc_nova_name *n = &o->names[k];
                        struct mc_setting s;

                        if (n->since <= lo_names || mc_facts_nova(facts, n->section, n->key, &s) < 0)
                                continue;
                        lo_names = n->since;
                        free(names_why);
                        names_why = mc_strdup_printf("[%s] %s is set (%s:%d), a name nova reads from %s", n->section,
                                                     n->key, s.file, s.line, mc_nova_release_name(n->since));
                }
        }
        /* A libvirt nova refuses is a harder fact than a name in a file. */
        if (names_why && lo_names <= c.hi) {
                c.lo = lo_names;
                mc_strappendf(&why, "; %s", names_why);
        } else if (names_why)
                mc_strappendf(&why, "; %s, but that release refuses this libvirt: the name is not counted", names_why);
        snprintf(c.why, sizeof(c.why), "no package metadata names the nova release%s", why);
        *ret = c;
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
        return mc_migration_transport_for(facts, mc_nova_release_of(facts), ret);
}

int mc_migration_transport_for(json_object *facts, enum mc_nova_release rel, struct mc_transport *ret) {
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
                /* Every release defaults to qemu+tcp for kvm and qemu: the
                 * option's default until Liberty (2014.1:nova/virt/libvirt/
                 * driver.py libvirt_opts), derived from virt_type from Mitaka
                 * (3159c8fd5b libvirt: make live_migration_uri flag dependent
                 * on virt_type). */
                set_scheme(&t, "tcp");
                snprintf(t.uri, sizeof(t.uri), "qemu+tcp://%%s/system");
        }
        *ret = t;
        return 0;
}
