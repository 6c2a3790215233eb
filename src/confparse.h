/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Configuration files through Augeas, with migcheck doing the I/O.
 *
 * Files are read by mc_rootfs (size limit, binary refusal, root
 * confinement) and handed to Augeas with aug_text_store(), so Augeas never
 * touches the file system and only the lens modules a run names are
 * compiled: no autoload, which costs 0.3-0.6 s. */

#include <json-c/json.h>
#include <stdbool.h>

#include "rootfs.h"

typedef struct augeas augeas;

enum mc_conf_shape {
        MC_CONF_FLAT,  /* key = value (/etc/default/..., sasl2): the last definition wins */
        MC_CONF_VIRT,  /* libvirt's virConf files (Mc_virtconf.lns, src/virtconf.h): values quoted as
                        * written, lists; the first definition wins, as in virConfGetValue() */
        MC_CONF_INI,   /* [section] key = value (nova.conf) */
        MC_CONF_HOSTS, /* /etc/hosts (Hosts.lns): edits name host names, not paths (fixers/apply_hosts.c) */
        MC_CONF_IPTABLES,  /* iptables-save text (Iptables.lns); only the fix engine edits it this way:
                            * the collector reads it through src/iptables_save.c */
};

struct mc_conf_spec {
        const char *path;   /* as on the node */
        const char *lens;   /* e.g. "Mc_virtconf.lns" */
        const char *kind;   /* recorded in facts: "libvirtd", "nova", ... */
        enum mc_conf_shape shape;
        /* Keep only these keys (NULL: all). Used for nova.conf, so that no
         * credential is ever collected, redacted or not. */
        const char *const *keep;
};

/* Where migcheck's own lenses live: $MIGCHECK_LENS_PATH, then
 * ../share/migcheck/lenses beside the running binary (a relocated
 * install), the configured install directory, and the source tree's
 * fixers/lenses for binaries in the build tree. */
const char *mc_lens_path(void);

/* The message for a lens migcheck ships that the path above does not hold:
 * "lens 'Mc_virtconf' not found in PATH: reinstall migcheck or set
 * MIGCHECK_LENS_PATH". */
char *mc_lens_missing_message(const char *lens);

int mc_aug_new(augeas **ret);
void mc_aug_freep(augeas **a);

/* Parse one file into its facts object (always returned: state absent, ok
 * or error with message and line). */
json_object *mc_conf_collect(augeas *a, struct mc_rootfs *fs, const struct mc_conf_spec *spec);

/* Parse text already in memory; label names the file in errors. */
json_object *mc_conf_parse_text(augeas *a, const struct mc_conf_spec *spec, const char *text, size_t len);

/* Whether a key names a secret; its value is never recorded. */
bool mc_key_is_secret(const char *key);
/* Copy of value with any URL password ("scheme://user:pw@host") masked. */
char *mc_redact_url(const char *value);
