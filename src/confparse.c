/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "confparse.h"

#include <augeas.h>
#include <ctype.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "virtconf.h"

#ifndef MC_LENS_DIR_INSTALLED
#define MC_LENS_DIR_INSTALLED "/usr/local/share/migcheck/lenses"
#endif
#ifndef MC_LENS_DIR_SOURCE
#define MC_LENS_DIR_SOURCE ""
#endif
#ifndef MC_BUILD_DIR
#define MC_BUILD_DIR ""
#endif

#define REDACTED "<redacted>"

/* The lenses are part of migcheck: an install moved to another prefix
 * finds its own beside its binary, and only a binary in the build tree
 * reads the source tree's (so an installed migcheck never depends on the
 * sources still being there). */
const char *mc_lens_path(void) {
        /* Objects, not literals: either may be "" in a build, and a
         * condition on a literal's first byte is a constant to clang. */
        static const char build_dir[] = MC_BUILD_DIR, source_dir[] = MC_LENS_DIR_SOURCE;
        static char path[4096];
        const char *env = getenv("MIGCHECK_LENS_PATH");
        char exe[PATH_MAX];
        ssize_t n;
        FILE *f;
        char *buf = NULL;
        size_t len = 0;

        if (path[0])
                return path;
        f = mc_assert_alloc(open_memstream(&buf, &len));
        if (env && env[0])
                fprintf(f, "%s:", env);
        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                char *slash;

                exe[n] = '\0';
                slash = strrchr(exe, '/');
                if (slash) {
                        *slash = '\0';
                        fprintf(f, "%s/../share/migcheck/lenses:", exe);
                }
        }
        fputs(MC_LENS_DIR_INSTALLED, f);
        if (n > 0 && build_dir[0] && source_dir[0] && mc_startswith(exe, build_dir) &&
            (exe[strlen(build_dir)] == '/' || exe[strlen(build_dir)] == '\0'))
                fprintf(f, ":%s", source_dir);
        fclose(f);
        snprintf(path, sizeof(path), "%s", buf);
        free(buf);
        return path;
}

char *mc_lens_missing_message(const char *lens) {
        _cleanup_free_ char *module = mc_strdup(lens);
        char *dot = strchr(module, '.');

        if (dot)
                *dot = '\0';
        return mc_strdup_printf("lens '%s' not found in '%s': reinstall migcheck or set MIGCHECK_LENS_PATH", module,
                                mc_lens_path());
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

static json_object *file_error_kind(const struct mc_conf_spec *spec, const char *message, int line, const char *kind) {
        json_object *f = file_facts(spec, "error"), *e = json_object_new_object();

        json_object_object_add(e, "message", json_object_new_string(message));
        if (kind)
                json_object_object_add(e, "kind", json_object_new_string(kind));
        if (line > 0)
                json_object_object_add(e, "line", json_object_new_int(line));
        json_object_object_add(f, "error", e);
        return f;
}

static json_object *file_error(const struct mc_conf_spec *spec, const char *message, int line) {
        return file_error_kind(spec, message, line, NULL);
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

/* Python's str.lstrip() and str.rstrip() on the n bytes at s: how many
 * bytes of white space lead, and how many bytes are left without the
 * trailing ones. */
static size_t py_lspace(const char *s, size_t n) {
        size_t i = 0;

        for (size_t k; i < n && (k = py_space_len(s + i, n - i)); i += k)
                ;
        return i;
}

static size_t py_rstrip_len(const char *s, size_t n) {
        for (bool again = true; again && n > 0;) {
                again = false;
                for (size_t k = 1; k <= 3 && k <= n; k++)
                        if (py_space_len(s + n - k, k) == k) {
                                n -= k;
                                again = true;
                                break;
                        }
        }
        return n;
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

/* A list's items as libvirt reads them, through the lens's tree: strings
 * unquoted, integers in decimal, a nested list as an array. Sets
 * *ret_strings false when an item is not a string. */
static json_object *virt_items(augeas *a, const char *node, bool *ret_strings) {
        _cleanup_free_ char *expr = mc_strdup_printf("%s/*[label() != '#comment']", node);
        json_object *items = json_object_new_array();
        char **m = NULL;
        int n = aug_match(a, expr, &m);

        for (int i = 0; i < n; i++) {
                const char *raw = NULL;
                _cleanup_free_ char *v = NULL;
                enum mc_virt_type t;

                if (aug_get(a, m[i], &raw) == 1 && raw && mc_virtconf_scalar(raw, &v, &t) >= 0) {
                        json_object_array_add(items, json_object_new_string(v));
                        if (t != MC_VIRT_STRING)
                                *ret_strings = false;
                } else {
                        bool ignored = true;

                        json_object_array_add(items, virt_items(a, m[i], &ignored));
                        *ret_strings = false;
                }
        }
        for (int i = 0; i < n; i++)
                free(m[i]);
        free(m);
        return items;
}

/* Record one setting; value, items and line text are owned by the call.
 * Secrets never reach the facts: a secret key's value (or list) is
 * replaced, a URL's password masked, in the value and in the quoted line
 * alike. type is libvirt's value type, NULL for other files. */
static void add_value(json_object *into, const char *key, char *value, json_object *items, const char *type,
                      unsigned line, char *linetext) {
        json_object *s;

        if (mc_key_is_secret(key)) {
                free(value);
                value = items ? NULL : mc_strdup(REDACTED);
                if (items) {
                        json_object_put(items);
                        items = NULL;
                }
                free(linetext);
                linetext = mc_strdup_printf("%s = " REDACTED, key);
        } else if (value && strstr(value, "://")) {
                char *v = mc_redact_url(value);

                if (!streq(v, value)) {
                        free(linetext);
                        linetext = mc_strdup_printf("%s = %s", key, v);
                }
                free(value);
                value = v;
        }

        s = json_object_new_object();
        if (value)
                json_object_object_add(s, "value", json_object_new_string(value));
        if (type)
                json_object_object_add(s, "type", json_object_new_string(type));
        if (items)
                json_object_object_add(s, "items", items);
        if (line > 0)
                json_object_object_add(s, "line", json_object_new_int((int) line));
        if (linetext)
                json_object_object_add(s, "text", json_object_new_string(linetext));
        /* A repeated key replaces the earlier one: the last definition wins
         * in oslo.config and the shell (libvirt's is kept above). */
        json_object_object_add(into, key, s);
        free(value);
        free(linetext);
}

static void add_setting(augeas *a, json_object *into, const char *node_path, const char *key, const char *raw,
                        const struct mc_conf_spec *spec, const char *text, size_t len, char **ret_type_error,
                        int *ret_type_error_line) {
        _cleanup_free_ char *value = NULL, *linetext = NULL;
        unsigned ls, le, vs, ve, ss, se, line = 0;
        enum mc_virt_type vt = MC_VIRT_STRING;
        json_object *items = NULL;
        char *fn = NULL;

        if (spec->shape == MC_CONF_VIRT) {
                bool strings = true;

                /* virConfGetValue() takes the first definition of a key. */
                if (json_object_object_get_ex(into, key, NULL))
                        return;
                if (!raw) {
                        vt = MC_VIRT_LIST;
                        items = virt_items(a, node_path, &strings);
                } else if (mc_virtconf_scalar(raw, &value, &vt) < 0)
                        return;  /* the lens stores nothing else */
                if (!*ret_type_error) {
                        char *e = mc_virtconf_type_error(spec->kind, key, vt, vt == MC_VIRT_LIST && strings ? NULL
                                                                                : value ?: "");
                        if (e) {
                                *ret_type_error = e;
                                *ret_type_error_line = -1;  /* set below, from the span */
                        }
                }
        } else if (!raw) {
                /* valueless keys (KEY= files): nothing a check reads */
                return;
        }
        /* Copy first: raw (from aug_ns_attr) lives only until the next call into augeas. */
        if (!value && vt != MC_VIRT_LIST)
                value = mc_strdup(raw);
        if (aug_span(a, node_path, &fn, &ls, &le, &vs, &ve, &ss, &se) == 0) {
                line = mc_line_of_offset(text, len, ss);
                linetext = mc_line_text(text, len, line);
        }
        free(fn);
        if (ret_type_error_line && *ret_type_error_line == -1)
                *ret_type_error_line = (int) line;
        add_value(into, key, TAKE_PTR(value), TAKE_PTR(items),
                  spec->shape == MC_CONF_VIRT ? mc_virt_type_to_string(vt) : NULL, line, TAKE_PTR(linetext));
}


/* The settings under tree, through a nodeset variable: aug_ns_attr() reads
 * the i-th node directly, where aug_label()/aug_get() on each path from
 * aug_match() re-evaluate "tree/#comment[412]" against every sibling, which
 * is quadratic in the lines of a file (qemu.conf's ~970 comment lines cost
 * ~10 ms that way). Comments and libvirtd.conf's #empty nodes are filtered
 * out in the expression, so the span lookups below stay cheap too. */
static void collect_children(augeas *a, const char *tree, json_object *into, const struct mc_conf_spec *spec,
                             const char *text, size_t len, char **ret_type_error, int *ret_type_error_line) {
        static const char var[] = "mc_children";
        _cleanup_free_ char *expr = mc_strdup_printf("%s/*[label() != '#comment' and label() != '#empty']", tree);
        int n = aug_defvar(a, var, expr);

        for (int i = 0; i < n; i++) {
                const char *label = NULL, *value = NULL;

                if (aug_ns_attr(a, var, i, &value, &label, NULL) < 0 || !label || label[0] == '#')
                        continue;
                if (!keep_key(spec, label))
                        continue;
                _cleanup_free_ char *key = mc_strdup(label);
                _cleanup_free_ char *path = mc_strdup_printf("$%s[%d]", var, i + 1);
                add_setting(a, into, path, key, value, spec, text, len, ret_type_error, ret_type_error_line);
        }
        aug_defvar(a, var, NULL);
}

/* The assignment being read: oslo.config collects a key's continuation
 * lines until a blank line or the next statement, then assigns. Only kept
 * keys build their value, so a credential is never even copied. */
/* Every section is recorded, kept keys or not (docs/facts.md), and the
 * facts travel to the coordinator; and the fix engine renders a file
 * through Mc_nova, whose put (aug_text_retrieve) grows with the square of
 * the distinct sections and keys: 9,000 sections took 20 s, 40,000 keys in
 * one section 47 s. A file past these bounds is refused, so neither
 * collection nor a fix can take minutes. nova knows about a hundred option
 * groups and under a thousand options; Debian's sample has 59 sections. */
#define MC_INI_MAX_SECTIONS 1000
#define MC_INI_MAX_SETTINGS 10000
#define INI_STR_(x) #x
#define INI_STR(x) INI_STR_(x)

struct ini_pending {
        char *key;
        unsigned line;
        const char *text;  /* the key's line, for the facts' "text" */
        size_t text_len;
        bool keep;         /* the value is built only for kept keys */
        char *value;       /* one buffer for the whole file, reused */
        size_t value_len, value_cap;
};

static void ini_value_add(struct ini_pending *p, const char *s, size_t n) {
        if (p->value_len + n + 1 > p->value_cap) {
                p->value_cap = p->value_len + n + 1 > 2 * p->value_cap ? p->value_len + n + 1 : 2 * p->value_cap;
                p->value = mc_assert_alloc(realloc(p->value, p->value_cap));
        }
        memcpy(p->value + p->value_len, s, n);
        p->value_len += n;
        p->value[p->value_len] = '\0';
}

static void ini_pending_clear(struct ini_pending *p) {
        free(p->key);
        p->key = NULL;
        p->keep = false;
        p->value_len = 0;
}

/* oslo.config's assignment(): a key needs a section. */
static int ini_flush(struct ini_pending *p, json_object *sec) {
        if (!p->key)
                return 0;
        if (!sec)
                return -EBADMSG;
        if (p->keep)
                add_value(sec, p->key, mc_assert_alloc(strndup(p->value ?: "", p->value_len)), NULL, NULL, p->line,
                          mc_assert_alloc(strndup(p->text, p->text_len)));
        ini_pending_clear(p);
        return 0;
}

/* nova.conf (and libvirt's auth.conf) as oslo.config's iniparser reads it,
 * written by hand after iniparser.BaseParser.parse() and
 * cfg.ConfigParser (python3-oslo.config; tests/real/nova_conf_oslo.py diffs
 * the two on tricky files and Debian's sample). One pass over the text,
 * constant work per byte and a hash insert per kept key: Augeas's
 * aug_text_store() of the same file took ~100 ms on Debian's 10,164-line
 * sample, and walking its tree by path grew with the square of the
 * sections (32,000 sections took 87 s). Mc_nova.lns still writes the fixes
 * (fixers/), which keep every byte; a file it cannot render is refused
 * there. */
static json_object *ini_parse(const struct mc_conf_spec *spec, const char *raw, size_t raw_len) {
        _cleanup_free_ char *text = NULL;
        _cleanup_(json_object_putp) json_object *body = json_object_new_object();
        struct ini_pending p = {};
        json_object *sec = NULL, *f;
        const char *err = NULL;
        unsigned lineno = 0, errline = 0, n_settings = 0;
        size_t len;

        text = ini_text(raw, raw_len, &len);
        for (const char *l = text, *end = text + len; l < end && !err;) {
                const char *eol = memchr(l, '\n', (size_t) (end - l)) ?: end;
                size_t n = py_rstrip_len(l, (size_t) (eol - l));
                const char *next = eol + 1;

                lineno++;
                if (n == 0) {
                        /* a blank line ends a value */
                        if (ini_flush(&p, sec) < 0)
                                err = "section must be started before assignment", errline = p.line;
                } else if (l[0] == ' ' || l[0] == '\t') {
                        if (!p.key)
                                err = "unexpected continuation line", errline = lineno;
                        else if (p.keep) {
                                size_t k = py_lspace(l, n);

                                ini_value_add(&p, "\n", 1);
                                ini_value_add(&p, l + k, n - k);
                        }
                } else if (ini_flush(&p, sec) < 0)
                        err = "section must be started before assignment", errline = p.line;
                else if (l[0] == '[') {
                        if (l[n - 1] != ']')
                                err = "invalid section (must end with ])", errline = lineno;
                        else if (n <= 2)
                                err = "empty section name", errline = lineno;
                        else {
                                _cleanup_free_ char *label = mc_assert_alloc(strndup(l + 1, n - 2));
                                _cleanup_free_ char *name = ini_section(label);

                                sec = mc_json_get_or_add_object(body, name);
                                if (json_object_object_length(body) > MC_INI_MAX_SECTIONS)
                                        err = "more than " INI_STR(MC_INI_MAX_SECTIONS) " sections", errline = lineno;
                        }
                } else if (l[0] != '#' && l[0] != ';') {
                        const char *colon = memchr(l, ':', n), *equal = memchr(l, '=', n), *sep;
                        size_t kl, ks, vs, ve;

                        if (!colon && !equal) {
                                err = "no ':' or '=' found in assignment", errline = lineno;
                                break;
                        }
                        sep = !colon || (equal && equal < colon) ? equal : colon;
                        ks = py_lspace(l, (size_t) (sep - l));
                        kl = py_rstrip_len(l + ks, (size_t) (sep - l) - ks);
                        if (kl == 0) {
                                err = "key cannot be empty", errline = lineno;
                                break;
                        }
                        if (++n_settings > MC_INI_MAX_SETTINGS) {
                                err = "more than " INI_STR(MC_INI_MAX_SETTINGS) " settings", errline = lineno;
                                break;
                        }
                        p.key = mc_assert_alloc(strndup(l + ks, kl));
                        p.line = lineno;
                        p.text = l;
                        p.text_len = (size_t) (eol - l);
                        if (keep_key(spec, p.key)) {
                                vs = (size_t) (sep + 1 - l);
                                vs += py_lspace(l + vs, n - vs);
                                ve = n;
                                /* "a value" or 'a value': the quotes go, on the first line only */
                                if (ve - vs >= 1 && l[vs] == l[ve - 1] && (l[vs] == '"' || l[vs] == '\'')) {
                                        ve = ve - vs > 1 ? ve - 1 : vs;
                                        vs += vs < ve;
                                }
                                p.keep = true;
                                ini_value_add(&p, l + vs, ve - vs);
                        }
                }
                l = next;
        }
        if (!err && ini_flush(&p, sec) < 0)
                err = "section must be started before assignment", errline = p.line;
        ini_pending_clear(&p);
        free(p.value);
        if (err) {
                _cleanup_free_ char *m = mc_strdup_printf("parse error: %s", err);
                return file_error(spec, m, (int) errline);
        }
        f = file_facts(spec, "ok");
        json_object_object_add(f, "sections", TAKE_PTR(body));
        return f;
}

json_object *mc_conf_parse_text(augeas *a, const struct mc_conf_spec *spec, const char *text, size_t len) {
        static const char tree[] = "/migcheck/tree", in[] = "/migcheck/text";
        _cleanup_free_ char *norm = NULL, *type_error = NULL;
        int type_error_line = 0;
        const char *orig = text;
        size_t orig_len = len;
        json_object *f, *body;
        int r;

        if (spec->shape == MC_CONF_INI)
                return ini_parse(spec, text, len);
        if (spec->shape == MC_CONF_VIRT) {
                int line;

                /* virConfParse(): blank space alone is no statement */
                if (mc_virtconf_blank_only(text, len, &line))
                        return file_error(spec, "parse error: expecting a name", line);
        }
        if (len > 0 && text[len - 1] != '\n') {
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
                _cleanup_free_ char *m = NULL, *details = NULL;
                /* before any other call, which resets augeas's error */
                int err = aug_error(a);

                if (err != AUG_NOERROR)
                        details = mc_strdup(aug_error_details(a) ?: aug_error_message(a));
                aug_get(a, "/augeas/text/migcheck/tree/error/message", &msg);
                aug_get(a, "/augeas/text/migcheck/tree/error/line", &line);
                if (!msg && err == AUG_ENOLENS) {
                        /* migcheck's own installation, not the node's file */
                        m = mc_lens_missing_message(spec->lens);
                        return file_error_kind(spec, m, 0, "lens");
                }
                if (!msg && err != AUG_NOERROR) {
                        /* The lens itself could not be loaded. */
                        lens_err = details;
                        m = mc_strdup_printf("cannot load lens %s: %s", spec->lens, lens_err);
                        return file_error_kind(spec, m, 0, "lens");
                }
                if (spec->shape == MC_CONF_VIRT) {
                        /* in libvirt's words, at the line libvirt names */
                        _cleanup_free_ char *why = NULL;
                        int at = 0;

                        if (mc_virtconf_diagnose(orig, orig_len, &why, &at) < 0) {
                                m = mc_strdup_printf("parse error: %s", why);
                                return file_error(spec, m, at);
                        }
                }
                m = mc_strdup_printf("parse error: %s", msg ?: "unknown");
                return file_error(spec, m, line ? atoi(line) : 0);
        }

        f = file_facts(spec, "ok");
        body = json_object_new_object();
        collect_children(a, tree, body, spec, text, len, &type_error, &type_error_line);
        json_object_object_add(f, "settings", body);
        aug_rm(a, "/migcheck");
        if (type_error) {
                /* The file parses, but the daemon that reads it stops at
                 * this value (daemonConfigLoadOptions() / qemu's driver
                 * failing to load its configuration): the same verdict. */
                _cleanup_free_ char *m = mc_strdup_printf("libvirt refuses it: %s", type_error);
                json_object_put(f);
                return file_error(spec, m, type_error_line);
        }
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
