/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "escape.h"

#include <string.h>

#include "util.h"

/* The length of the valid UTF-8 sequence at p (1 for ASCII), 0 when the
 * bytes there are not one (overlong forms, surrogates, past U+10FFFF and
 * truncated sequences included). */
static size_t utf8_len(const unsigned char *p) {
        if (p[0] < 0x80)
                return 1;
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                return (p[1] & 0xc0) == 0x80 ? 2 : 0;
        if (p[0] >= 0xe0 && p[0] <= 0xef) {
                if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
                        return 0;
                if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
                        return 0;
                return 3;
        }
        if (p[0] >= 0xf0 && p[0] <= 0xf4) {
                if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
                        return 0;
                if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
                        return 0;
                return 4;
        }
        return 0;
}

void mc_fputs_escaped(const char *s, bool keep_newline, FILE *f) {
        for (const unsigned char *p = (const unsigned char *) (s ?: ""); *p;) {
                size_t n = utf8_len(p);

                /* A tab moves the cursor only to the next stop: config
                 * lines indented with tabs stay readable. */
                if (n == 1 && ((*p >= 0x20 && *p != 0x7f) || *p == '\t' || (*p == '\n' && keep_newline)))
                        fputc(*p, f);
                else if (n == 1 && *p == '\n')
                        fputs("\\n", f);
                else if (n == 1 && *p == '\r')
                        fputs("\\r", f);
                else if (n == 1)
                        fprintf(f, "\\x%02x", *p);
                else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
                        fprintf(f, "\\x%02x\\x%02x", p[0], p[1]);  /* a C1 control */
                else if (n > 1)
                        fwrite(p, 1, n, f);
                else {
                        fprintf(f, "\\x%02x", *p);
                        n = 1;
                }
                p += n;
        }
}

char *mc_escape_text(const char *s, bool keep_newline) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = mc_assert_alloc(open_memstream(&out, &len));

        mc_fputs_escaped(s, keep_newline, f);
        fclose(f);
        return out;
}

static bool valid_utf8(const char *s, size_t len) {
        for (size_t i = 0; i < len;) {
                size_t n = utf8_len((const unsigned char *) s + i);

                /* utf8_len stops at the terminator; an embedded NUL is valid JSON (\u0000). */
                if (n == 0 || i + n > len)
                        return false;
                i += n;
        }
        return true;
}

static char *replaced(const char *s, size_t len) {
        char *out = NULL;
        size_t olen = 0;
        FILE *f = mc_assert_alloc(open_memstream(&out, &olen));

        for (size_t i = 0; i < len;) {
                size_t n = utf8_len((const unsigned char *) s + i);

                if (n == 0 || i + n > len) {
                        fputs("\xef\xbf\xbd", f);  /* U+FFFD */
                        n = 1;
                } else
                        fwrite(s + i, 1, n, f);
                i += n;
        }
        fclose(f);
        return out;
}

void mc_json_utf8(json_object *o) {
        switch (json_object_get_type(o)) {
        case json_type_string: {
                const char *s = json_object_get_string(o);
                size_t len = (size_t) json_object_get_string_len(o);

                if (!valid_utf8(s, len)) {
                        _cleanup_free_ char *r = replaced(s, len);
                        json_object_set_string(o, r);
                }
                break;
        }
        case json_type_array:
                for (size_t i = 0; i < json_object_array_length(o); i++)
                        mc_json_utf8(json_object_array_get_idx(o, i));
                break;
        case json_type_object: {
                bool bad_key = false;

                json_object_object_foreach(o, key, v) {
                        mc_json_utf8(v);
                        bad_key = bad_key || !valid_utf8(key, strlen(key));
                }
                if (bad_key) {
                        /* Keys cannot be renamed in place: move the members
                         * with a bad key to their repaired one. */
                        _cleanup_strv_free_ char **bad = NULL;
                        size_t n = 0;

                        json_object_object_foreach(o, k2, v2) {
                                (void) v2;
                                if (!valid_utf8(k2, strlen(k2))) {
                                        bad = mc_assert_alloc(reallocarray(bad, n + 2, sizeof(char *)));
                                        bad[n++] = mc_strdup(k2);
                                        bad[n] = NULL;
                                }
                        }
                        for (size_t i = 0; i < n; i++) {
                                json_object *moved = NULL;
                                _cleanup_free_ char *k = replaced(bad[i], strlen(bad[i]));

                                json_object_object_get_ex(o, bad[i], &moved);
                                json_object_get(moved);
                                json_object_object_del(o, bad[i]);
                                json_object_object_add(o, k, moved);
                        }
                }
                break;
        }
        default:
                break;
        }
}
