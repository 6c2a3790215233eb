/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's configuration grammar: values and key types. References are to
 * libvirt's source at v9.0.0 (the release Debian 12 ships, which
 * tests/real/virtconf-diff runs): src/util/virconf.c for the grammar,
 * src/remote/remote_daemon_config.c (daemonConfigLoadOptions) and
 * src/qemu/qemu_conf.c (virQEMUDriverConfigLoadFile) for the types. */
#include "virtconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const virt_type_names[_MC_VIRT_TYPE_MAX] = {
        [MC_VIRT_STRING] = "string",
        [MC_VIRT_INT] = "int",
        [MC_VIRT_UINT] = "int",
        [MC_VIRT_LIST] = "list",
};

const char *mc_virt_type_to_string(enum mc_virt_type t) {
        return t < _MC_VIRT_TYPE_MAX ? virt_type_names[t] : NULL;
}

int mc_virtconf_scalar(const char *raw, char **ret_value, enum mc_virt_type *ret_type) {
        size_t n = strlen(raw);
        unsigned long long acc = 0;
        const char *p = raw;
        bool neg = false;

        if (n >= 6 && mc_startswith(raw, "\"\"\"")) {
                *ret_value = mc_assert_alloc(strndup(raw + 3, n - 6));
                *ret_type = MC_VIRT_STRING;
                return 0;
        }
        if (n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n - 1] == raw[0]) {
                *ret_value = mc_assert_alloc(strndup(raw + 1, n - 2));
                *ret_type = MC_VIRT_STRING;
                return 0;
        }
        if (*p == '-' || *p == '+')
                neg = *p++ == '-';
        if (*p < '0' || *p > '9')
                return -EINVAL;
        /* virConfParseLong: digits accumulate without an overflow check;
         * a '-' makes the value signed (VIR_CONF_LLONG), anything else
         * unsigned (VIR_CONF_ULLONG), so "+5" and "5" are the same. */
        for (; *p >= '0' && *p <= '9'; p++)
                acc = acc * 10 + (unsigned long long) (*p - '0');
        if (*p)
                return -EINVAL;
        *ret_value = neg ? mc_strdup_printf("%lld", -(long long) acc) : mc_strdup_printf("%llu", acc);
        *ret_type = neg ? MC_VIRT_INT : MC_VIRT_UINT;
        return 0;
}

char *mc_virtconf_quote(const char *value) {
        if (strchr(value, '\n') || (strchr(value, '"') && strchr(value, '\'')))
                return mc_strdup_printf("\"\"\"%s\"\"\"", value);
        if (strchr(value, '"'))
                return mc_strdup_printf("'%s'", value);
        return mc_strdup_printf("\"%s\"", value);
}

bool mc_virtconf_blank_only(const char *text, size_t len, int *ret_line) {
        int line = 1;

        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++) {
                if (!strchr(" \t\r\n", text[i]))
                        return false;
                if (text[i] == '\n')
                        line++;
        }
        *ret_line = line;
        return true;
}

/* ---- virConfParse()'s walk, for its error messages --------------------- */

struct walk {
        const char *cur, *end;
        int line;
        const char *error;
};

#define W_CUR(w) ((w)->cur < (w)->end ? *(w)->cur : '\0')
static bool is_eol(char c) {
        return c == '\n' || c == '\r';
}
static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}
static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}
static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void skip_blanks(struct walk *w) {
        while (w->cur < w->end && is_blank(*w->cur))
                w->cur++;
}

static void skip_blanks_eol(struct walk *w) {
        while (w->cur < w->end && (is_blank(*w->cur) || is_eol(*w->cur))) {
                if (*w->cur == '\n')
                        w->line++;
                w->cur++;
        }
}

static void next(struct walk *w) {
        if (w->cur < w->end)
                w->cur++;
}

static bool fail(struct walk *w, const char *message) {
        w->error = message;
        return false;
}

/* virConfParseString */
static bool walk_string(struct walk *w) {
        char q = W_CUR(w);

        if (q == '"' && w->cur + 6 < w->end && strncmp(w->cur, "\"\"\"", 3) == 0) {
                w->cur += 3;
                while (w->cur + 2 < w->end && strncmp(w->cur, "\"\"\"", 3) != 0) {
                        if (*w->cur == '\n')
                                w->line++;
                        next(w);
                }
                if (w->cur + 3 > w->end || strncmp(w->cur, "\"\"\"", 3) != 0)
                        return fail(w, "unterminated string");
                w->cur += 3;
                return true;
        }
        next(w);
        while (w->cur < w->end && *w->cur != q && !is_eol(*w->cur))
                next(w);
        if (W_CUR(w) != q)
                return fail(w, "unterminated string");
        next(w);
        return true;
}

/* virConfParseValue */
static bool walk_value(struct walk *w) {
        char c;

        skip_blanks(w);
        if (w->cur >= w->end)
                return fail(w, "expecting a value");
        c = *w->cur;
        if (c == '"' || c == '\'')
                return walk_string(w);
        if (c == '[') {
                next(w);
                skip_blanks_eol(w);
                if (w->cur < w->end && *w->cur != ']') {
                        if (!walk_value(w))
                                return false;
                        skip_blanks_eol(w);
                }
                while (w->cur < w->end && *w->cur != ']') {
                        if (*w->cur != ',')
                                return fail(w, "expecting a separator in list");
                        next(w);
                        skip_blanks_eol(w);
                        if (W_CUR(w) == ']')
                                break;
                        if (!walk_value(w))
                                return false;
                        skip_blanks_eol(w);
                }
                if (W_CUR(w) != ']')
                        return fail(w, "list is not closed with ]");
                next(w);
                return true;
        }
        if (is_digit(c) || c == '-' || c == '+') {
                if (c == '-' || c == '+')
                        next(w);
                if (!is_digit(W_CUR(w)))
                        return fail(w, "unterminated number");
                while (is_digit(W_CUR(w)))
                        next(w);
                return true;
        }
        return fail(w, "expecting a value");
}

/* virConfParseStatement, then virConfParseSeparator */
static bool walk_statement(struct walk *w) {
        skip_blanks_eol(w);
        if (W_CUR(w) == '#') {
                while (w->cur < w->end && !is_eol(*w->cur))
                        next(w);
        } else {
                skip_blanks(w);
                if (!is_alpha(W_CUR(w)))
                        return fail(w, "expecting a name");
                while (is_alpha(W_CUR(w)) || is_digit(W_CUR(w)) || W_CUR(w) == '_')
                        next(w);
                skip_blanks(w);
                if (W_CUR(w) != '=')
                        return fail(w, "expecting an assignment");
                next(w);
                skip_blanks(w);
                if (!walk_value(w))
                        return false;
                skip_blanks(w);
                if (W_CUR(w) == '#')
                        while (w->cur < w->end && !is_eol(*w->cur))
                                next(w);
        }
        skip_blanks(w);
        if (w->cur >= w->end)
                return true;
        if (is_eol(*w->cur))
                skip_blanks_eol(w);
        else if (*w->cur == ';') {
                next(w);
                skip_blanks_eol(w);
        } else
                return fail(w, "expecting a separator");
        return true;
}

int mc_virtconf_diagnose(const char *text, size_t len, char **ret_message, int *ret_line) {
        struct walk w = { .cur = text, .end = text + len, .line = 1 };

        while (w.cur < w.end)
                if (!walk_statement(&w)) {
                        *ret_message = mc_strdup(w.error);
                        *ret_line = w.line;
                        return -EINVAL;
                }
        *ret_message = NULL;
        return 0;
}

/* How a daemon reads a key: virConfGetValue{Bool,Int,UInt,String,StringList}. */
enum getter { GET_BOOL, GET_INT, GET_UINT, GET_STRING, GET_STRING_LIST, GET_STRING_OR_LIST };

struct key_type {
        const char *key;
        enum getter get;
        bool ip;  /* read only by daemons built WITH_IP: libvirtd, virtproxyd */
};

/* daemonConfigLoadOptions(), in its order (libvirt reports the first). */
static const struct key_type daemon_keys[] = {
        { "listen_tcp", GET_BOOL, true },
        { "listen_tls", GET_BOOL, true },
        { "tls_port", GET_STRING, true },
        { "tcp_port", GET_STRING, true },
        { "listen_addr", GET_STRING, true },
        { "auth_unix_rw", GET_STRING, false },
        { "auth_unix_ro", GET_STRING, false },
        { "auth_tcp", GET_STRING, true },
        { "auth_tls", GET_STRING, true },
        { "access_drivers", GET_STRING_LIST, false },
        { "unix_sock_group", GET_STRING, false },
        { "unix_sock_admin_perms", GET_STRING, false },
        { "unix_sock_ro_perms", GET_STRING, false },
        { "unix_sock_rw_perms", GET_STRING, false },
        { "unix_sock_dir", GET_STRING, false },
        { "tls_no_sanity_certificate", GET_BOOL, true },
        { "tls_no_verify_certificate", GET_BOOL, true },
        { "key_file", GET_STRING, true },
        { "cert_file", GET_STRING, true },
        { "ca_file", GET_STRING, true },
        { "crl_file", GET_STRING, true },
        { "tls_allowed_dn_list", GET_STRING_LIST, true },
        { "tls_priority", GET_STRING, true },
        { "sasl_allowed_username_list", GET_STRING_LIST, false },
        { "min_workers", GET_UINT, false },
        { "max_workers", GET_UINT, false },
        { "max_clients", GET_UINT, false },
        { "max_queued_clients", GET_UINT, false },
        { "max_anonymous_clients", GET_UINT, false },
        { "prio_workers", GET_UINT, false },
        { "max_client_requests", GET_UINT, false },
        { "admin_min_workers", GET_UINT, false },
        { "admin_max_workers", GET_UINT, false },
        { "admin_max_clients", GET_UINT, false },
        { "admin_max_queued_clients", GET_UINT, false },
        { "admin_max_client_requests", GET_UINT, false },
        { "audit_level", GET_UINT, false },
        { "audit_logging", GET_BOOL, false },
        { "host_uuid", GET_STRING, false },
        { "host_uuid_source", GET_STRING, false },
        { "log_level", GET_UINT, false },
        { "log_filters", GET_STRING, false },
        { "log_outputs", GET_STRING, false },
        { "keepalive_interval", GET_INT, false },
        { "keepalive_count", GET_UINT, false },
        { "admin_keepalive_interval", GET_INT, false },
        { "admin_keepalive_count", GET_UINT, false },
};

/* The qemu.conf keys migcheck reads or that deployment tools commonly set
 * (virQEMUDriverConfigLoad*Entry); the others are not type-checked here. */
static const struct key_type qemu_keys[] = {
        { "vnc_listen", GET_STRING, false },
        { "spice_listen", GET_STRING, false },
        { "remote_display_port_min", GET_UINT, false },
        { "remote_display_port_max", GET_UINT, false },
        { "migration_address", GET_STRING, false },
        { "migration_host", GET_STRING, false },
        { "migration_port_min", GET_UINT, false },
        { "migration_port_max", GET_UINT, false },
        { "user", GET_STRING, false },
        { "group", GET_STRING, false },
        { "dynamic_ownership", GET_BOOL, false },
        { "security_driver", GET_STRING_OR_LIST, false },
        { "cgroup_device_acl", GET_STRING_LIST, false },
        { "max_processes", GET_UINT, false },
};

char *mc_virtconf_type_error(const char *kind, const char *key, enum mc_virt_type type, const char *value) {
        bool qemu = streq(kind, "qemu"), ip = streq(kind, "libvirtd") || streq(kind, "virtproxyd");
        const struct key_type *table = qemu ? qemu_keys : daemon_keys;
        size_t n = qemu ? ELEMENTSOF(qemu_keys) : ELEMENTSOF(daemon_keys);
        const struct key_type *k = NULL;
        long long l;

        if (!qemu && !ip && !streq(kind, "virtqemud"))
                return NULL;
        for (size_t i = 0; i < n && !k; i++)
                if (streq(table[i].key, key) && (!table[i].ip || ip))
                        k = &table[i];
        if (!k)
                return NULL;
        l = value && type != MC_VIRT_STRING && type != MC_VIRT_LIST ? strtoll(value, NULL, 10) : 0;
        switch (k->get) {
        case GET_BOOL:
                if (type != MC_VIRT_UINT)
                        return mc_strdup_printf("expected a bool for '%s' parameter", key);
                if (strtoull(value, NULL, 10) > 1)
                        return mc_strdup_printf("value for '%s' parameter must be 0 or 1", key);
                return NULL;
        case GET_UINT:
                if (type != MC_VIRT_UINT)
                        return mc_strdup_printf("expected an unsigned integer for '%s' parameter", key);
                if (strtoull(value, NULL, 10) > UINT_MAX)
                        return mc_strdup_printf("value for '%s' parameter must be in range 0:%u", key, UINT_MAX);
                /* the value checks daemonConfigLoadOptions() and
                 * virQEMUDriverConfigLoadNetworkEntry() make */
                if (streq(value, "0") && streq(key, "max_workers"))
                        return mc_strdup("'max_workers' must be greater than 0");
                if (streq(value, "0") && streq(key, "migration_port_min"))
                        return mc_strdup("migration_port_min: port must be greater than 0");
                if (streq(key, "migration_port_max") && strtoull(value, NULL, 10) > 65535)
                        return mc_strdup("migration_port_max: port must be between the minimal port and 65535");
                return NULL;
        case GET_INT:
                if (type != MC_VIRT_INT && type != MC_VIRT_UINT)
                        return mc_strdup_printf("expected a signed integer for '%s' parameter", key);
                if ((type == MC_VIRT_UINT && strtoull(value, NULL, 10) > INT_MAX) || l < INT_MIN)
                        return mc_strdup_printf("value for '%s' parameter must be in range %d:%d", key, INT_MIN,
                                                INT_MAX);
                return NULL;
        case GET_STRING:
                return type == MC_VIRT_STRING ? NULL : mc_strdup_printf("expected a string for '%s' parameter", key);
        case GET_STRING_LIST:
                /* items are checked by the caller: value is NULL for a list of strings only */
                return type == MC_VIRT_LIST && !value ? NULL
                                                      : mc_strdup_printf("expected a string list for '%s' parameter", key);
        case GET_STRING_OR_LIST:
                return type == MC_VIRT_STRING || (type == MC_VIRT_LIST && !value)
                               ? NULL
                               : mc_strdup_printf("expected a string or string list for '%s' parameter", key);
        }
        return NULL;
}
