/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "facts.h"

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "macro.h"
#include "util.h"

static const char *const file_state_table[_MC_FILE_STATE_MAX] = {
        [MC_FILE_ABSENT] = "absent",
        [MC_FILE_OK] = "ok",
        [MC_FILE_ERROR] = "error",
};

const char *mc_file_state_to_string(enum mc_file_state s) {
        return s < _MC_FILE_STATE_MAX ? file_state_table[s] : NULL;
}

enum mc_file_state mc_file_state_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(file_state_table); i++)
                if (s && streq(s, file_state_table[i]))
                        return i;
        /* Anything unexpected in a facts file means we cannot trust what we
         * know about the file. */
        return MC_FILE_ERROR;
}

json_object *mc_json_get(json_object *o, const char *key) {
        json_object *v;

        if (!o || !json_object_is_type(o, json_type_object))
                return NULL;
        if (!json_object_object_get_ex(o, key, &v))
                return NULL;
        return v;
}

json_object *mc_json_path(json_object *o, ...) {
        va_list ap;
        const char *k;

        va_start(ap, o);
        while (o && (k = va_arg(ap, const char *)))
                o = mc_json_get(o, k);
        va_end(ap);
        return o;
}

const char *mc_json_str(json_object *o, const char *key) {
        json_object *v = key ? mc_json_get(o, key) : o;

        if (!v || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

bool mc_json_bool(json_object *o, const char *key, bool dflt) {
        json_object *v = mc_json_get(o, key);

        if (!v || !json_object_is_type(v, json_type_boolean))
                return dflt;
        return json_object_get_boolean(v);
}

int64_t mc_json_int(json_object *o, const char *key, int64_t dflt) {
        json_object *v = mc_json_get(o, key);

        if (!v || !json_object_is_type(v, json_type_int))
                return dflt;
        return json_object_get_int64(v);
}

enum mc_file_state mc_facts_file(json_object *facts, const char *path, struct mc_file_error *ret_error) {
        json_object *f = mc_json_path(facts, "files", path, NULL);
        enum mc_file_state st;

        if (!f)
                return MC_FILE_ABSENT;
        st = mc_file_state_from_string(mc_json_str(f, "state"));
        if (st == MC_FILE_ERROR && ret_error) {
                json_object *e = mc_json_get(f, "error");
                int64_t line = mc_json_int(e, "line", 0);

                *ret_error = (struct mc_file_error) {
                        .file = path,
                        .message = mc_json_str(e, "message") ?: "unreadable",
                        .line = line > 0 && line < INT32_MAX ? (int) line : 0,
                        .lens = streq_ptr(mc_json_str(e, "kind"), "lens"),
                };
        }
        return st;
}

static int setting_from_json(json_object *s, const char *path, const char *section, const char *key,
                             struct mc_setting *ret) {
        const char *value = mc_json_str(s, "value");
        int64_t line;

        if (!value)
                return -ENOENT;
        line = mc_json_int(s, "line", 0);
        *ret = (struct mc_setting) {
                .section = section,
                .key = key,
                .value = value,
                .file = path,
                .line = line > 0 && line < INT32_MAX ? (int) line : 0,
                .text = mc_json_str(s, "text"),
        };
        return 0;
}

int mc_facts_setting(json_object *facts, const char *path, const char *section, const char *key,
                     struct mc_setting *ret) {
        json_object *f = mc_json_path(facts, "files", path, NULL), *s;

        if (mc_file_state_from_string(mc_json_str(f, "state")) != MC_FILE_OK)
                return -ENOENT;
        if (section)
                s = mc_json_path(f, "sections", section, key, NULL);
        else
                s = mc_json_path(f, "settings", key, NULL);
        if (!s)
                return -ENOENT;
        /* The key string must outlive the caller's use: take it from the document. */
        return setting_from_json(s, mc_json_str(f, "path") ?: path, section, key, ret);
}

int mc_facts_nova(json_object *facts, const char *section, const char *key, struct mc_setting *ret) {
        json_object *files = mc_json_path(facts, "nova", "files", NULL);
        int r = -ENOENT;

        if (!files || !json_object_is_type(files, json_type_array))
                return -ENOENT;
        /* Later files override earlier ones, as oslo.config's --config-dir does. */
        for (size_t i = 0; i < json_object_array_length(files); i++) {
                const char *path = mc_json_str(json_object_array_get_idx(files, i), NULL);
                struct mc_setting s;

                if (path && mc_facts_setting(facts, path, section, key, &s) >= 0) {
                        *ret = s;
                        r = 0;
                }
        }
        return r;
}

void mc_facts_set_inventory(json_object *facts, const char *name, const char *address) {
        json_object *inv = json_object_new_object();

        json_object_object_add(inv, "name", json_object_new_string(name));
        if (address)
                json_object_object_add(inv, "address", json_object_new_string(address));
        json_object_object_add(facts, "inventory", inv);
}

int mc_facts_parse(const char *text, size_t len, json_object **ret, char **ret_error) {
        return mc_facts_parse_max(text, len, MC_FACTS_MAX_SIZE, ret, ret_error);
}

struct mc_facts_reader {
        json_tokener *tok;
        json_object *doc;   /* once the document is complete */
        size_t max, len;    /* bytes allowed, bytes fed */
        char *error;        /* the first refusal; later input is ignored */
        int r;
};

struct mc_facts_reader *mc_facts_reader_new(size_t max) {
        struct mc_facts_reader *rd = mc_assert_alloc(calloc(1, sizeof(*rd)));

        rd->tok = mc_assert_alloc(json_tokener_new_ex(64));
        json_tokener_set_flags(rd->tok, JSON_TOKENER_STRICT);
        rd->max = max < INT32_MAX ? max : INT32_MAX;
        return rd;
}

void mc_facts_reader_free(struct mc_facts_reader *rd) {
        if (!rd)
                return;
        if (rd->tok)
                json_tokener_free(rd->tok);
        json_object_put(rd->doc);
        free(rd->error);
        free(rd);
}

static int reader_fail(struct mc_facts_reader *rd, int r, char *error) {
        rd->error = error;
        rd->r = r;
        /* What was built so far is garbage: give its memory back now. */
        json_object_put(rd->doc);
        rd->doc = NULL;
        if (rd->tok)
                json_tokener_free(rd->tok);
        rd->tok = NULL;
        return r;
}

int mc_facts_reader_feed(struct mc_facts_reader *rd, const char *buf, size_t len) {
        size_t at = rd->len, end;

        if (rd->r < 0)
                return rd->r;
        rd->len += len;
        if (rd->len > rd->max)
                return reader_fail(rd, -EFBIG, mc_strdup_printf("facts larger than %zu bytes", rd->max));
        if (memchr(buf, '\0', len))
                return reader_fail(rd, -EBADMSG, mc_strdup_printf("facts contain a NUL byte: not JSON text"));
        if (!rd->doc) {
                enum json_tokener_error e;

                /* len <= max <= INT32_MAX */
                rd->doc = json_tokener_parse_ex(rd->tok, buf, (int) len);
                e = json_tokener_get_error(rd->tok);
                if (!rd->doc && e != json_tokener_continue)
                        return reader_fail(rd, -EBADMSG,
                                           mc_strdup_printf("facts are not valid JSON at byte %zu: %s",
                                                            at + json_tokener_get_parse_end(rd->tok),
                                                            json_tokener_error_desc(e)));
                if (!rd->doc)
                        return 0;
                end = json_tokener_get_parse_end(rd->tok);
        } else
                end = 0;
        /* After the document only white space, as JSON allows. */
        for (size_t i = end; i < len; i++)
                if (!strchr(" \t\n\r", buf[i]))
                        return reader_fail(rd, -EBADMSG,
                                           mc_strdup_printf("facts are not valid JSON at byte %zu: "
                                                            "text after the document",
                                                            at + i));
        return 0;
}

int mc_facts_reader_end(struct mc_facts_reader *rd, json_object **ret, char **ret_error) {
        int64_t v;

        if (rd->r < 0) {
                *ret_error = TAKE_PTR(rd->error);
                return rd->r;
        }
        if (!rd->doc) {
                *ret_error = mc_strdup_printf("facts are not valid JSON at byte %zu: unexpected end of input", rd->len);
                return -EBADMSG;
        }
        if (!json_object_is_type(rd->doc, json_type_object)) {
                *ret_error = mc_strdup_printf("facts are not a JSON object");
                return -EBADMSG;
        }
        v = mc_json_int(rd->doc, "schema_version", -1);
        if (v < MC_FACTS_SCHEMA_VERSION_MIN || v > MC_FACTS_SCHEMA_VERSION) {
                *ret_error = mc_strdup_printf("unsupported facts schema_version %" PRId64 " (this migcheck reads %d to %d)",
                                              v, MC_FACTS_SCHEMA_VERSION_MIN, MC_FACTS_SCHEMA_VERSION);
                return -EPROTO;
        }
        *ret = TAKE_PTR(rd->doc);
        return 0;
}

int mc_facts_parse_max(const char *text, size_t len, size_t max, json_object **ret, char **ret_error) {
        _cleanup_(mc_facts_reader_freep) struct mc_facts_reader *rd = mc_facts_reader_new(max);

        /* One size check first: a text past INT32_MAX is refused, not fed. */
        if (len > rd->max) {
                *ret_error = mc_strdup_printf("facts larger than %zu bytes", rd->max);
                return -EFBIG;
        }
        mc_facts_reader_feed(rd, text, len);
        return mc_facts_reader_end(rd, ret, ret_error);
}

int mc_facts_load(const char *path, json_object **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = mc_read_file(path, MC_FACTS_MAX_SIZE, &text, &len);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot read '%s': %s", path, strerror(-r));
                return r;
        }
        return mc_facts_parse(text, len, ret, ret_error);
}
