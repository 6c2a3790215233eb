/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "confparse.h"

#include <augeas.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#ifndef MC_LENS_DIR_INSTALLED
#define MC_LENS_DIR_INSTALLED "/usr/local/share/migcheck/lenses"
#endif
#ifndef MC_LENS_DIR_SOURCE
#define MC_LENS_DIR_SOURCE ""
#endif

#define REDACTED "<redacted>"

const char *mc_lens_path(void) {
        static char path[4096];
        const char *env = getenv("MIGCHECK_LENS_PATH");

        if (!path[0])
                snprintf(path, sizeof(path), "%s%s%s:%s", env ?: "", env ? ":" : "", MC_LENS_DIR_INSTALLED,
                         MC_LENS_DIR_SOURCE);
        return path;
}

int mc_aug_new(augeas **ret) {
        augeas *a;

        /* The root does not matter: aug_text_store() never reads files. */
        a = aug_init("/", mc_lens_path(),
                     AUG_NO_LOAD | AUG_NO_MODL_AUTOLOAD | AUG_ENABLE_SPAN | AUG_NO_ERR_CLOSE);
        if (!a)
                return -ENOMEM;
        if (aug_error(a) != AUG_NOERROR) {
                aug_close(a);
                return -EINVAL;
        }
        *ret = a;
        return 0;
}

void mc_aug_freep(augeas **a) {
        if (*a)
                aug_close(*a);
}

bool mc_key_is_secret(const char *key) {
        static const char *const words[] = { "pass", "secret", "token", "credential", "private" };

        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (strcasestr(key, words[i]))
                        return true;
        return false;
}

char *mc_redact_url(const char *value) {
        const char *scheme = strstr(value, "://"), *auth, *end, *last_at;
        char *out = NULL;
        size_t len = 0;
        FILE *f;

        if (!scheme)
                return mc_strdup(value);
        auth = scheme + 3;
        /* The authority ends at the first '/', '?' or '#' after its last
         * '@': a password written with one of them unencoded
         * ("admin:pa/SECRET@host") is still a password. A path or query
         * with an '@' and a ':' before it is masked too; leaking is worse. */
        last_at = strrchr(auth, '@');
        end = last_at ? last_at + strcspn(last_at, "/?#") : auth + strcspn(auth, "/?#");
        f = mc_assert_alloc(open_memstream(&out, &len));
        fwrite(value, 1, (size_t) (auth - value), f);
        /* "rabbit://u1:p1@h1,u2:p2@h2": each host may carry a user and a
         * password; a password may contain '@', so a user ends at the
         * segment's last one. */
        for (const char *seg = auth; seg < end;) {
                const char *comma = memchr(seg, ',', (size_t) (end - seg)), *segend = comma ?: end;
                const char *at = memrchr(seg, '@', (size_t) (segend - seg));
                const char *colon = at ? memchr(seg, ':', (size_t) (at - seg)) : NULL;

                if (colon) {
                        fwrite(seg, 1, (size_t) (colon + 1 - seg), f);
                        fputs(REDACTED, f);
                        fwrite(at, 1, (size_t) (segend - at), f);
                } else
                        fwrite(seg, 1, (size_t) (segend - seg), f);
                if (comma)
                        fputc(',', f);
                seg = comma ? comma + 1 : end;
        }
        fputs(end, f);
        fclose(f);
        return out;
}

static json_object *file_facts(const struct mc_conf_spec *spec, const char *state) {
        json_object *f = json_object_new_object();

        json_object_object_add(f, "path", json_object_new_string(spec->path));
        json_object_object_add(f, "kind", json_object_new_string(spec->kind));
        json_object_object_add(f, "state", json_object_new_string(state));
        return f;
}

static json_object *file_error(const struct mc_conf_spec *spec, const char *message, int line) {
        json_object *f = file_facts(spec, "error"), *e = json_object_new_object();

        json_object_object_add(e, "message", json_object_new_string(message));
        if (line > 0)
                json_object_object_add(e, "line", json_object_new_int(line));
        json_object_object_add(f, "error", e);
        return f;
}

static bool keep_key(const struct mc_conf_spec *spec, const char *key) {
        if (!spec->keep)
                return true;
        for (const char *const *k = spec->keep; *k; k++)
                if (streq(*k, key))
                        return true;
        return false;
}

/* The characters Python's str.strip() removes (str.isspace(), UTF-8
 * encoded): oslo.config strips keys, values and continuation lines with
 * it, so a value ending in a no-break space pasted from a web page is read
 * without it. Returns the length of the one at p, or 0. */
static size_t py_space_len(const char *s, size_t avail) {
        const unsigned char *p = (const unsigned char *) s;

        if (avail >= 1 && ((p[0] >= 0x09 && p[0] <= 0x0d) || (p[0] >= 0x1c && p[0] <= 0x20)))
                return 1;
        if (avail >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
                return 2;  /* U+0085, U+00A0 */
        if (avail >= 3 &&
            ((p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) ||                /* U+1680 */
             (p[0] == 0xe2 && p[1] == 0x80 &&
              ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf)) ||
             (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) ||                /* U+205F */
             (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)))                 /* U+3000 */
                return 3;
        return 0;
}

static char *py_lstrip(char *s) {
        for (size_t k; (k = py_space_len(s, strnlen(s, 3)));)
                s += k;
        return s;
}

static void py_rstrip(char *s) {
        size_t n = strlen(s);

        for (bool again = true; again && n > 0;) {
                again = false;
                for (size_t k = 1; k <= 3 && k <= n; k++)
                        if (py_space_len(s + n - k, k) == k) {
                                n -= k;
                                again = true;
                                break;
                        }
        }
        s[n] = '\0';
}

/* oslo.config's value (iniparser.BaseParser): every line loses trailing
 * white space, continuation lines lose their indentation, and they join
 * with newlines; the first line is stripped and, when wrapped in matching
 * quotes, loses them. The lens already left the ASCII blanks at the edges
 * of the first and last line out of raw; the rest is done here. */
static char *ini_value(const char *raw) {
        _cleanup_free_ char *copy = mc_strdup(raw);
        char *first = copy, *rest = strchr(copy, '\n'), *out;
        size_t n;

        if (rest)
                *rest++ = '\0';
        py_rstrip(first);
        first = py_lstrip(first);
        n = strlen(first);
        if (n >= 1 && first[0] == first[n - 1] && (first[0] == '"' || first[0] == '\'')) {
                first[n > 1 ? n - 1 : 0] = '\0';
                first++;
        }
        out = mc_strdup(first);
        while (rest) {
                char *line = rest, *old = out;

                rest = strchr(rest, '\n');
                if (rest)
                        *rest++ = '\0';
                py_rstrip(line);
                out = mc_strdup_printf("%s\n%s", old, py_lstrip(line));
                free(old);
        }
        return out;
}

/* oslo.config strips a key with str.strip(). */
static char *ini_key(const char *label) {
        _cleanup_free_ char *copy = mc_strdup(label);

        py_rstrip(copy);
        return mc_strdup(py_lstrip(copy));
}

/* nova looks sections up through oslo.config's _normalize_group_name():
 * DEFAULT as written, every other name in lower case, so [LIBVIRT] and
 * [Libvirt] are [libvirt] while [default] is not [DEFAULT]. The facts use
 * the name nova uses; a file with both spellings merges them in file
 * order, as oslo does. (Non-ASCII letters are left as they are.) */
static char *ini_section(const char *label) {
        char *s = mc_strdup(label);

        if (!streq(s, "DEFAULT"))
                for (char *p = s; *p; p++)
                        *p = (char) tolower((unsigned char) *p);
        return s;
}

/* The text as Python's open() hands it to oslo.config: universal newlines
 * ("\r\n" and a lone "\r" end a line, as "\n" does), and a last line
 * without its newline still counts. */
static char *ini_text(const char *text, size_t len, size_t *ret_len) {
        char *out = mc_assert_alloc(malloc(len + 2));
        size_t n = 0;

        for (size_t i = 0; i < len; i++) {
                if (text[i] == '\r') {
                        out[n++] = '\n';
                        if (i + 1 < len && text[i + 1] == '\n')
                                i++;
                } else
                        out[n++] = text[i];
        }
        if (n > 0 && out[n - 1] != '\n')
                out[n++] = '\n';
        out[n] = '\0';
        *ret_len = n;
        return out;
}

static void add_setting(augeas *a, json_object *into, const char *node_path, const char *key, const char *raw,
                        const struct mc_conf_spec *spec, const char *text, size_t len) {
        _cleanup_free_ char *value = NULL, *linetext = NULL;
        unsigned ls, le, vs, ve, ss, se, line = 0;
        char *fn = NULL;
        json_object *s;

        if (!raw) {
                /* lists and valueless keys (libvirtd.conf): nothing a check reads */
                if (spec->shape != MC_CONF_INI)
                        return;
                /* "key =": oslo.config reads "", which overrides an earlier value */
                raw = "";
        }
        /* Copy first: raw (from aug_ns_attr) lives only until the next call into augeas. */
        value = spec->shape == MC_CONF_INI ? ini_value(raw) : mc_strdup(raw);
        if (aug_span(a, node_path, &fn, &ls, &le, &vs, &ve, &ss, &se) == 0) {
                line = mc_line_of_offset(text, len, ss);
                linetext = mc_line_text(text, len, line);
        }
        free(fn);

        if (mc_key_is_secret(key)) {
                free(value);
                value = mc_strdup(REDACTED);
                free(linetext);
                linetext = mc_strdup_printf("%s = " REDACTED, key);
        } else if (strstr(value, "://")) {
                char *v = mc_redact_url(value);

                if (!streq(v, value)) {
                        free(linetext);
                        linetext = mc_strdup_printf("%s = %s", key, v);
                }
                free(value);
                value = v;
        }

        s = json_object_new_object();
        json_object_object_add(s, "value", json_object_new_string(value));
        if (line > 0)
                json_object_object_add(s, "line", json_object_new_int((int) line));
        if (linetext)
                json_object_object_add(s, "text", json_object_new_string(linetext));
        /* A repeated key replaces the earlier one: the last definition wins
         * in oslo.config and in libvirt's config reader alike. */
        json_object_object_add(into, key, s);
}

/* The settings under tree, through a nodeset variable: aug_ns_attr() reads
 * the i-th node directly, where aug_label()/aug_get() on each path from
 * aug_match() re-evaluate "tree/#comment[412]" against every sibling, which
 * is quadratic in the lines of a file (qemu.conf's ~970 comment lines cost
 * ~10 ms that way). Comments and libvirtd.conf's #empty nodes are filtered
 * out in the expression, so the span lookups below stay cheap too. */
static void collect_children(augeas *a, const char *tree, json_object *into, const struct mc_conf_spec *spec,
                             const char *text, size_t len) {
        static const char var[] = "mc_children";
        _cleanup_free_ char *expr = mc_strdup_printf("%s/*[label() != '#comment' and label() != '#empty']", tree);
        int n = aug_defvar(a, var, expr);

        for (int i = 0; i < n; i++) {
                const char *label = NULL, *value = NULL;

                if (aug_ns_attr(a, var, i, &value, &label, NULL) < 0 || !label || label[0] == '#')
                        continue;
                _cleanup_free_ char *key = spec->shape == MC_CONF_INI ? ini_key(label) : mc_strdup(label);
                if (!keep_key(spec, key))
                        continue;
                _cleanup_free_ char *path = mc_strdup_printf("$%s[%d]", var, i + 1);
                add_setting(a, into, path, key, value, spec, text, len);
        }
        aug_defvar(a, var, NULL);
}

json_object *mc_conf_parse_text(augeas *a, const struct mc_conf_spec *spec, const char *text, size_t len) {
        static const char tree[] = "/migcheck/tree", in[] = "/migcheck/text";
        _cleanup_free_ char *norm = NULL;
        json_object *f, *body;
        int r;

        if (spec->shape == MC_CONF_INI) {
                norm = ini_text(text, len, &len);
                text = norm;
        } else if (len > 0 && text[len - 1] != '\n') {
                /* The shell and libvirt read a last line without its newline;
                 * the lenses want one. */
                norm = mc_strdup_printf("%s\n", text);
                text = norm;
                len++;
        }
        aug_rm(a, "/migcheck");
        aug_rm(a, "/augeas/text/migcheck");
        if (aug_set(a, in, text) < 0)
                return file_error(spec, "cannot hand the file to augeas", 0);
        r = aug_text_store(a, spec->lens, in, tree);
        if (r < 0) {
                const char *msg = NULL, *line = NULL, *lens_err = NULL;
                _cleanup_free_ char *m = NULL;

                aug_get(a, "/augeas/text/migcheck/tree/error/message", &msg);
                aug_get(a, "/augeas/text/migcheck/tree/error/line", &line);
                if (!msg && aug_error(a) != AUG_NOERROR) {
                        /* The lens itself could not be loaded. */
                        lens_err = aug_error_details(a) ?: aug_error_message(a);
                        m = mc_strdup_printf("cannot load lens %s: %s", spec->lens, lens_err);
                } else
                        m = mc_strdup_printf("parse error: %s", msg ?: "unknown");
                return file_error(spec, m, line ? atoi(line) : 0);
        }

        f = file_facts(spec, "ok");
        body = json_object_new_object();
        if (spec->shape == MC_CONF_INI) {
                char **sections = NULL;
                int n = aug_match(a, "/migcheck/tree/*", &sections);

                for (int i = 0; i < n; i++) {
                        const char *label = NULL;

                        if (aug_label(a, sections[i], &label) == 1 && label && label[0] != '#') {
                                _cleanup_free_ char *name = ini_section(label);
                                json_object *sec = mc_json_get_or_add_object(body, name);
                                collect_children(a, sections[i], sec, spec, text, len);
                        }
                        free(sections[i]);
                }
                free(sections);
                json_object_object_add(f, "sections", body);
        } else {
                collect_children(a, tree, body, spec, text, len);
                json_object_object_add(f, "settings", body);
        }
        aug_rm(a, "/migcheck");
        return f;
}

json_object *mc_conf_collect(augeas *a, struct mc_rootfs *fs, const struct mc_conf_spec *spec) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = mc_rootfs_read(fs, spec->path, MC_CONF_MAX_SIZE, &text, &len);
        if (r == -ENOENT || r == -ENOTDIR)
                return file_facts(spec, "absent");
        if (r < 0) {
                _cleanup_free_ char *m = mc_strdup_printf("cannot read: %s", mc_read_error_string(r));
                return file_error(spec, m, 0);
        }
        return mc_conf_parse_text(a, spec, text, len);
}
