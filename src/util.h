/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <inttypes.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "macro.h"

char *mc_strdup_printf(const char *fmt, ...) _printf_(1, 2);
char *mc_strdup(const char *s);
/* Append to *s, which may be NULL. */
void mc_strappendf(char **s, const char *fmt, ...) _printf_(2, 3);

/* Read a whole regular file, refusing more than max bytes. The result is
 * NUL-terminated; ret_len excludes the terminator. -EFBIG past max. */
int mc_read_file(const char *path, size_t max, char **ret, size_t *ret_len);
/* flock(LOCK_EX) on fd, retried every 100 ms for up to timeout_ms:
 * 0, -EBUSY when still held by another, or another negative errno. */
int mc_flock_wait(int fd, unsigned timeout_ms);

/* Write atomically: a temporary file beside path, fsync, rename. */
int mc_write_file_atomic(const char *path, const char *data, size_t len, int mode);

/* The SHA-256 of data as 64 lower-case hex digits (GLib's GChecksum). */
void mc_sha256_hex(const void *data, size_t len, char out[static 65]);
bool mc_is_sha256_hex(const char *s);
/* A name-based (version 5, SHA-1) UUID of name in namespace ns (RFC 9562
 * 5.5), in its lower-case text form. */
void mc_uuid_v5(const uint8_t ns[static 16], const void *name, size_t len, char ret[static 37]);

/* root + "/" + path, with root "/" or NULL meaning the path itself. */
char *mc_path_join(const char *root, const char *path);

/* The 1-based line of byte offset pos in text, and that line's text. */
unsigned mc_line_of_offset(const char *text, size_t len, size_t pos);
char *mc_line_text(const char *text, size_t len, unsigned line);

char *mc_strip(char *s);
bool mc_startswith(const char *s, const char *prefix);
bool mc_endswith(const char *s, const char *suffix);

/* Compare dotted versions numerically ("9.0.0" > "5.10"). */
int mc_version_cmp(const char *a, const char *b);

/* "a,b,c" -> NULL-terminated vector. */
char **mc_split(const char *s, const char *sep);
size_t mc_strv_length(char *const *l);
bool mc_strv_contains(char *const *l, const char *s);

static inline void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

static inline void json_tokener_freep(json_tokener **t) {
        if (*t)
                json_tokener_free(*t);
}

/* The object member key of o, created empty when missing. */
static inline json_object *mc_json_get_or_add_object(json_object *o, const char *key) {
        json_object *v;

        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
                return v;
        v = json_object_new_object();
        json_object_object_add(o, key, v);
        return v;
}

/* CLOCK_MONOTONIC: deadlines and durations that a clock step cannot move. */
uint64_t mc_now_us(void);
static inline uint64_t mc_now_ms(void) {
        return mc_now_us() / 1000u;
}
