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

/* The value release reads, -ENOENT when unset (the caller applies nova's
 * default). With release unknown, every name is tried. */
int mc_nova_opt_get(json_object *facts, enum mc_nova_release release, const struct mc_nova_opt *o,
                    struct mc_setting *ret);
/* A name of o set in the files that release does not read. */
int mc_nova_opt_ignored(json_object *facts, enum mc_nova_release release, const struct mc_nova_opt *o,
                        struct mc_setting *ret);

enum mc_nova_release mc_nova_release_of(json_object *facts);
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
const char *mc_scheme_to_string(enum mc_scheme s);
