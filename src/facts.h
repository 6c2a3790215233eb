/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The facts document: everything a node's collectors found, as JSON.
 *
 * One representation serves collection, storage (collect -o), offline
 * checking (--from) and the checks themselves, so there is no second
 * model to keep in sync. Checks read it only through the typed accessors
 * below, which treat a value of the wrong type as absent: a hostile or
 * truncated facts file degrades to "not known", never to a crash.
 *
 * The layout (schema_version 2; 1 is still read) is documented member by member in
 * docs/facts.md: node, os, distro, versions, collection, peers, files
 * (each config file with its settings or sections, every value with line
 * and text), nova (files in read order, instances_path), systemd, runtime
 * and the live collectors' libvirt, hosts, resolve, net, probes, firewall.
 */

#include <json-c/json.h>
#include <stdbool.h>

/* What collect writes. 2: no "peers" echo (the coordinator records each
 * node's own inventory name and address under "inventory"), and saved
 * facts may keep /etc/hosts entries in a file shared by the nodes whose
 * /etc/hosts is the same (hosts.entries_sha256). Readers take 1 too. */
#define MC_FACTS_SCHEMA_VERSION 2
#define MC_FACTS_SCHEMA_VERSION_MIN 1

/* A facts file larger than this is refused rather than parsed: a real
 * node's facts are a few tens of KiB. */
#define MC_FACTS_MAX_SIZE (16u * 1024u * 1024u)

enum mc_file_state {
        MC_FILE_ABSENT,
        MC_FILE_OK,
        MC_FILE_ERROR,  /* exists, but could not be read or parsed */
        _MC_FILE_STATE_MAX,
};

const char *mc_file_state_to_string(enum mc_file_state s);
enum mc_file_state mc_file_state_from_string(const char *s);

/* One configuration value and where it came from. Pointers borrow from
 * the facts document. */
struct mc_setting {
        const char *section;  /* NULL for files without sections */
        const char *key;
        const char *value;
        const char *file;
        int line;          /* 1-based; 0 when unknown */
        const char *text;  /* the line as written, secrets redacted */
};

struct mc_file_error {
        const char *file;
        const char *message;
        int line;
        bool lens;  /* migcheck could not load its lens: not the file's fault */
};

/* Typed, NULL-tolerant access into a json-c tree. */
json_object *mc_json_get(json_object *o, const char *key);
json_object *mc_json_path(json_object *o, ...) __attribute__((sentinel));
const char *mc_json_str(json_object *o, const char *key);
bool mc_json_bool(json_object *o, const char *key, bool dflt);
int64_t mc_json_int(json_object *o, const char *key, int64_t dflt);

/* Files the facts record and more than one part of migcheck reads. */
#define MC_SASL_CONF "/etc/sasl2/libvirt.conf"
#define MC_LIBVIRT_AUTH_CONF_ROOT "/root/.config/libvirt/auth.conf"
#define MC_LIBVIRT_AUTH_CONF "/etc/libvirt/auth.conf"

/* Files. */
enum mc_file_state mc_facts_file(json_object *facts, const char *path, struct mc_file_error *ret_error);
int mc_facts_setting(json_object *facts, const char *path, const char *section, const char *key,
                     struct mc_setting *ret);

/* nova: the option as nova reads it, last definition across nova.conf and
 * nova.conf.d winning. -ENOENT when no file sets it. */
int mc_facts_nova(json_object *facts, const char *section, const char *key, struct mc_setting *ret);

/* What the coordinator knows of the node: the name and address it was given
 * (-n NAME=ADDRESS, -i), recorded as "inventory" so that saved facts read
 * back with --from name and address the node as the run did. */
void mc_facts_set_inventory(json_object *facts, const char *name, const char *address);

/* Loading and saving facts files. */
int mc_facts_load(const char *path, json_object **ret, char **ret_error);
int mc_facts_parse(const char *text, size_t len, json_object **ret, char **ret_error);
/* The same with another size limit: a coordinator's cluster document. */
int mc_facts_parse_max(const char *text, size_t len, size_t max, json_object **ret, char **ret_error);

/* The same, fed as the text arrives (a node's pipe): the coordinator
 * holds the parsed document, not the text as well. The first refusal
 * (too large, a NUL byte, not JSON, text after the document) is kept and
 * later input ignored; _end() returns it, or the document once its type
 * and schema_version are checked. */
struct mc_facts_reader;
struct mc_facts_reader *mc_facts_reader_new(size_t max);
int mc_facts_reader_feed(struct mc_facts_reader *rd, const char *buf, size_t len);
int mc_facts_reader_end(struct mc_facts_reader *rd, json_object **ret, char **ret_error);
void mc_facts_reader_free(struct mc_facts_reader *rd);
static inline void mc_facts_reader_freep(struct mc_facts_reader **rd) {
        mc_facts_reader_free(*rd);
}
