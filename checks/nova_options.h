/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* nova.conf options by release: each option's names and sections across
 * the releases that read it, so that a check asks for "vnc listen" and
 * gets what that release of nova would use. */

#include <stdbool.h>

#include "facts.h"
#include "nova_release.h"

struct mc_nova_name {
        const char *section;
        const char *key;
        enum mc_nova_release since;  /* MC_NOVA_UNKNOWN: always */
        enum mc_nova_release until;  /* inclusive; MC_NOVA_UNKNOWN: still read */
        const char *cite;            /* nova's source for since/until: commit or file@tag */
};

struct mc_nova_opt {
        const char *name;            /* as documented today */
        struct mc_nova_name names[5];  /* preferred first: oslo uses the new name when both are set */
};

extern const struct mc_nova_opt mc_nova_live_migration_flag;
extern const struct mc_nova_opt mc_nova_block_migration_flag;
extern const struct mc_nova_opt mc_nova_live_migration_uri;
extern const struct mc_nova_opt mc_nova_live_migration_scheme;
extern const struct mc_nova_opt mc_nova_live_migration_inbound_addr;
extern const struct mc_nova_opt mc_nova_cpu_mode;
extern const struct mc_nova_opt mc_nova_cpu_models;
extern const struct mc_nova_opt mc_nova_virt_type;
extern const struct mc_nova_opt mc_nova_force_config_drive;
extern const struct mc_nova_opt mc_nova_config_drive_format;
extern const struct mc_nova_opt mc_nova_vnc_listen;
extern const struct mc_nova_opt mc_nova_vnc_enabled;
extern const struct mc_nova_opt mc_nova_spice_listen;
extern const struct mc_nova_opt mc_nova_spice_enabled;
extern const struct mc_nova_opt mc_nova_live_migration_tunnelled;

/* The value release reads, -ENOENT when unset (the caller applies nova's
 * default). With release unknown, every name is tried. */
int mc_nova_opt_get(json_object *facts, enum mc_nova_release release, const struct mc_nova_opt *o,
                    struct mc_setting *ret);
/* A name of o set in the files that release does not read. */
int mc_nova_opt_ignored(json_object *facts, enum mc_nova_release release, const struct mc_nova_opt *o,
                        struct mc_setting *ret);

enum mc_nova_release mc_nova_release_of(json_object *facts);

/* The releases a node's files can belong to: the detected release alone,
 * or, when it is unknown, the range the other facts allow (the libvirt and
 * QEMU versions nova would refuse, option names only newer releases read). */
struct mc_nova_candidates {
        enum mc_nova_release lo, hi;  /* inclusive */
        bool known;                   /* the release itself was detected or given */
        char why[512];                /* how lo and hi were decided, for evidence */
};

void mc_nova_candidates(json_object *facts, struct mc_nova_candidates *ret);

/* The newest release whose nova-compute starts with this libvirt (QEMU)
 * version: nova refuses versions below MIN_LIBVIRT_VERSION
 * (MIN_QEMU_VERSION) at startup. MC_NOVA_UNKNOWN when every release
 * refuses it; the newest release when version says nothing. */
/* A package version's upstream part against an upstream version: Debian's
 * "1:7.2+dfsg-7" compares as 7.2, RPM's "0.10.2-29.el6" as 0.10.2. */
int mc_package_version_cmp(const char *pkg, const char *upstream);
enum mc_nova_release mc_nova_newest_for_libvirt(const char *version);
enum mc_nova_release mc_nova_newest_for_qemu(const char *version);
bool mc_nova_configured(json_object *facts);

/* How the source's libvirt reaches the destination's. */
enum mc_scheme {
        MC_SCHEME_TCP,
        MC_SCHEME_TLS,
        MC_SCHEME_SSH,
        MC_SCHEME_OTHER,
        _MC_SCHEME_MAX,
};

struct mc_transport {
        enum mc_scheme scheme;
        char scheme_name[32];
        unsigned port;            /* libvirtd's port the URI names or implies */
        bool port_explicit;
        bool has_source;          /* false: nova's default */
        struct mc_setting source; /* live_migration_uri or live_migration_scheme */
        char uri[256];
};

int mc_migration_transport(json_object *facts, struct mc_transport *ret);
/* The same for one release (the names it reads). */
int mc_migration_transport_for(json_object *facts, enum mc_nova_release rel, struct mc_transport *ret);
const char *mc_scheme_to_string(enum mc_scheme s);
