/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The MC_CONF_HOSTS shape: edits of /etc/hosts through the stock Hosts lens
 * (/N/ipaddr, /N/canonical, /N/alias[k], #comment), as meanings rather
 * than tree paths, because a name lives on a line chosen by its address:
 *
 *   MC_EDIT_SET NAME ADDR  NAME resolves to ADDR and to nothing else: taken
 *                          off every line of another address (loopback
 *                          lines included), then added as an alias to the
 *                          first line of ADDR, or on a new line
 *                          "ADDR FQDN... SHORT..." for the address.
 *
 * There is no removal without a new address: a name taken off its only
 * line (127.0.1.1 HOSTNAME) without one would stop resolving, which breaks
 * more than migration (sudo, mail); the fixers call that unfixable.
 *
 * Taking a name off a line: an alias is removed; a canonical name gives
 * way to the first alias; a line left without names is removed. Names
 * starting with "localhost" are never taken off, so localhost lines stay.
 * Everything else (comments, blank lines, other lines, the spacing of what
 * is kept) is left to the lens, which writes it back byte for byte.
 *
 * Edits are decided on a small model of the entries read once, then done
 * as the few Augeas operations they need: a 1,000-node /etc/hosts is
 * walked edits x lines times in C, never through Augeas path lookups. */
#include <arpa/inet.h>
#include <augeas.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "collect_hosts.h"
#include "fix.h"
#include "peers.h"
#include "util.h"

struct hentry {
        char *path;       /* "/fix/tree/3" */
        char *addr;
        int af;           /* AF_INET, AF_INET6; 0: not an address */
        unsigned char bin[16];
        bool loopback;
        char **names;     /* [0] canonical, then the aliases in order */
        size_t n_names;
        bool removed;
};

struct hosts {
        augeas *a;
        const char *tree;
        struct hentry *e;
        size_t n;
        unsigned long next_label;
};

static void hosts_done(struct hosts *h) {
        for (size_t i = 0; i < h->n; i++) {
                free(h->e[i].path);
                free(h->e[i].addr);
                for (size_t k = 0; k < h->e[i].n_names; k++)
                        free(h->e[i].names[k]);
                free(h->e[i].names);
        }
        free(h->e);
}

static void entry_set_addr(struct hentry *e, const char *addr) {
        e->addr = mc_strdup(addr);
        e->af = 0;
        if (inet_pton(AF_INET, addr, e->bin) == 1)
                e->af = AF_INET;
        else if (inet_pton(AF_INET6, addr, e->bin) == 1)
                e->af = AF_INET6;
        e->loopback = mc_address_is_loopback(addr);
}

static void entry_add_name(struct hentry *e, const char *name) {
        e->names = mc_assert_alloc(reallocarray(e->names, e->n_names + 1, sizeof(char *)));
        e->names[e->n_names++] = mc_strdup(name);
}

static void free_matches(char **m, int n) {
        for (int i = 0; i < n; i++)
                free(m[i]);
        free(m);
}

static int hosts_read(struct hosts *h) {
        _cleanup_free_ char *pattern = mc_strdup_printf("%s/*[ipaddr]", h->tree);
        char **m = NULL;
        int n = aug_match(h->a, pattern, &m);

        if (n < 0)
                return -EIO;
        h->e = mc_assert_alloc(calloc((size_t) n + 1, sizeof(*h->e)));
        for (int i = 0; i < n; i++) {
                struct hentry *e = &h->e[h->n++];
                _cleanup_free_ char *ip = mc_strdup_printf("%s/ipaddr", m[i]), *can = mc_strdup_printf("%s/canonical", m[i]),
                                    *al = mc_strdup_printf("%s/alias", m[i]);
                const char *v = NULL, *label = strrchr(m[i], '/');
                char **am = NULL;
                int na;

                e->path = mc_strdup(m[i]);
                if (aug_get(h->a, ip, &v) != 1 || !v || aug_get(h->a, can, &v) != 1) {
                        free_matches(m, n);
                        return -EBADMSG;
                }
                aug_get(h->a, ip, &v);
                entry_set_addr(e, v);
                aug_get(h->a, can, &v);
                entry_add_name(e, v ?: "");
                na = aug_match(h->a, al, &am);
                for (int k = 0; k < na; k++) {
                        if (aug_get(h->a, am[k], &v) == 1 && v)
                                entry_add_name(e, v);
                }
                free_matches(am, na);
                /* New lines get labels after every existing one. */
                if (label) {
                        unsigned long l = strtoul(label + 1, NULL, 10);
                        if (l >= h->next_label)
                                h->next_label = l + 1;
                }
        }
        free_matches(m, n);
        if (h->next_label == 0)
                h->next_label = 1;
        return 0;
}

static bool addr_same(const struct hentry *e, const char *addr) {
        unsigned char b[16];

        if (e->af == AF_INET && inet_pton(AF_INET, addr, b) == 1)
                return memcmp(e->bin, b, 4) == 0;
        if (e->af == AF_INET6 && inet_pton(AF_INET6, addr, b) == 1)
                return memcmp(e->bin, b, 16) == 0;
        return strcasecmp(e->addr, addr) == 0;
}

static ssize_t entry_find(const struct hentry *e, const char *name) {
        for (size_t k = 0; k < e->n_names; k++)
                if (strcasecmp(e->names[k], name) == 0)
                        return (ssize_t) k;
        return -1;
}

/* Take name off one line, as few tree operations as that needs. */
static int entry_remove(struct hosts *h, struct hentry *e, const char *name) {
        ssize_t k;

        if (e->removed || strncasecmp(name, "localhost", 9) == 0)
                return 0;
        while ((k = entry_find(e, name)) >= 0) {
                if (k > 0) {
                        _cleanup_free_ char *p = mc_strdup_printf("%s/alias[%zd]", e->path, k);

                        if (aug_rm(h->a, p) != 1)
                                return -EIO;
                } else if (e->n_names > 1) {
                        /* The first alias becomes the canonical name. */
                        _cleanup_free_ char *c = mc_strdup_printf("%s/canonical", e->path),
                                            *p = mc_strdup_printf("%s/alias[1]", e->path);

                        if (aug_set(h->a, c, e->names[1]) < 0 || aug_rm(h->a, p) != 1)
                                return -EIO;
                        free(e->names[0]);
                        e->names[0] = e->names[1];
                        e->names[1] = NULL;
                        k = 1;
                } else {
                        if (aug_rm(h->a, e->path) < 1)
                                return -EIO;
                        e->removed = true;
                        return 0;
                }
                free(e->names[k]);
                memmove(&e->names[k], &e->names[k + 1], (e->n_names - (size_t) k - 1) * sizeof(char *));
                e->n_names--;
        }
        return 0;
}

static int entry_add_alias(struct hosts *h, struct hentry *e, const char *name) {
        _cleanup_free_ char *after = e->n_names > 1 ? mc_strdup_printf("%s/alias[last()]", e->path)
                                                    : mc_strdup_printf("%s/canonical", e->path);
        _cleanup_free_ char *p = mc_strdup_printf("%s/alias[last()]", e->path);

        /* After the last name, before a trailing comment. */
        if (aug_insert(h->a, after, "alias", 0) < 0 || aug_set(h->a, p, name) < 0)
                return -EIO;
        entry_add_name(e, name);
        return 0;
}

/* Where a new line for addr goes: after the last line of its family that
 * is not loopback (the cluster's block), else after the last line of its
 * family (127.0.0.1 localhost), else at the end. NULL: at the end. */
static const struct hentry *insert_after(const struct hosts *h, const char *addr) {
        unsigned char b[16];
        int af = inet_pton(AF_INET, addr, b) == 1 ? AF_INET : AF_INET6;
        const struct hentry *any = NULL;

        for (size_t i = h->n; i > 0; i--) {
                const struct hentry *e = &h->e[i - 1];

                if (e->removed || e->af != af)
                        continue;
                if (!e->loopback)
                        return e;
                any = any ?: e;
        }
        return any;
}

/* A new line "addr names...": names with a dot (FQDNs) first, so that the
 * canonical name is the fully qualified one, as distributions write it. */
static int entry_new(struct hosts *h, const char *addr, char *const *names, size_t n) {
        const struct hentry *after = insert_after(h, addr);
        _cleanup_free_ char *label = mc_strdup_printf("%lu", h->next_label++);
        _cleanup_free_ char *path = mc_strdup_printf("%s/%s", h->tree, label);
        struct hentry e = { .path = mc_strdup(path) };
        int r = -EIO;

        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n; i++)
                        if ((strchr(names[i], '.') != NULL) == (pass == 0))
                                entry_add_name(&e, names[i]);
        entry_set_addr(&e, addr);
        if (after && aug_insert(h->a, after->path, label, 0) < 0)
                goto out;
        {
                _cleanup_free_ char *ip = mc_strdup_printf("%s/ipaddr", path), *can = mc_strdup_printf("%s/canonical", path);

                if (aug_set(h->a, ip, addr) < 0 || aug_set(h->a, can, e.names[0]) < 0)
                        goto out;
        }
        for (size_t k = 1; k < e.n_names; k++) {
                _cleanup_free_ char *p = mc_strdup_printf("%s/alias[last()+1]", path);

                if (aug_set(h->a, p, e.names[k]) < 0)
                        goto out;
        }
        /* Into the model, where a later new line of the family follows it. */
        {
                size_t at = after ? (size_t) (after - h->e) + 1 : h->n;

                h->e = mc_assert_alloc(reallocarray(h->e, h->n + 1, sizeof(*h->e)));
                memmove(&h->e[at + 1], &h->e[at], (h->n - at) * sizeof(*h->e));
                h->e[at] = e;
                h->n++;
                e = (struct hentry) {};
        }
        r = 0;
out:
        free(e.path);
        free(e.addr);
        for (size_t k = 0; k < e.n_names; k++)
                free(e.names[k]);
        free(e.names);
        return r;
}

static const struct mc_edit *edit_of(const struct mc_edit *edits, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (strcasecmp(edits[i].path, name) == 0)
                        return &edits[i];
        return NULL;
}

/* The first line of addr, or NULL. */
static struct hentry *line_of(struct hosts *h, const char *addr) {
        for (size_t k = 0; k < h->n; k++)
                if (!h->e[k].removed && addr_same(&h->e[k], addr))
                        return &h->e[k];
        return NULL;
}

int mc_hosts_edit(augeas *a, const char *tree, const struct mc_edit *edits, size_t n_edits, char **ret_error) {
        struct hosts h = { .a = a, .tree = tree };
        /* New lines, one per address, in the order the edits name them. */
        char **new_addr = NULL;
        char ***new_names = NULL;
        size_t *new_n = NULL, n_new = 0;
        int r;

        r = hosts_read(&h);
        if (r < 0) {
                *ret_error = mc_strdup("cannot read the parsed entries");
                goto out;
        }
        for (size_t i = 0; i < n_edits; i++)
                if (edits[i].kind != MC_EDIT_SET || !edits[i].value) {
                        *ret_error = mc_strdup_printf("'%s': only 'name resolves to address' edits apply to this file",
                                                      edits[i].path);
                        r = -EINVAL;
                        goto out;
                }
        /* A line whose names all move to one address no line has yet
         * changes its address in place: one changed line, where the
         * operator put it, comment and spacing kept. */
        for (size_t k = 0; k < h.n; k++) {
                struct hentry *e = &h.e[k];
                const char *to = NULL;
                bool all = e->n_names > 0;

                for (size_t i = 0; i < e->n_names && all; i++) {
                        const struct mc_edit *ed = edit_of(edits, n_edits, e->names[i]);

                        all = ed && (!to || strcasecmp(to, ed->value) == 0);
                        to = ed ? ed->value : to;
                }
                if (!all || addr_same(e, to) || line_of(&h, to))
                        continue;
                _cleanup_free_ char *p = mc_strdup_printf("%s/ipaddr", e->path);
                if (aug_set(h.a, p, to) < 0) {
                        *ret_error = mc_strdup_printf("cannot change the address of the line of '%s'", e->names[0]);
                        r = -EIO;
                        goto out;
                }
                free(e->addr);
                entry_set_addr(e, to);
        }
        /* Off the lines they must not be on: an entry whose only name
         * moves away is removed before anything is added. */
        for (size_t i = 0; i < n_edits; i++) {
                const struct mc_edit *ed = &edits[i];

                for (size_t k = 0; k < h.n && r >= 0; k++)
                        if (!addr_same(&h.e[k], ed->value))
                                r = entry_remove(&h, &h.e[k], ed->path);
                if (r < 0) {
                        *ret_error = mc_strdup_printf("cannot take '%s' off its lines", ed->path);
                        goto out;
                }
        }
        /* Then onto the line of its address. */
        for (size_t i = 0; i < n_edits; i++) {
                const struct mc_edit *ed = &edits[i];
                struct hentry *line = NULL;
                bool present = false;
                size_t k;

                for (k = 0; k < h.n; k++)
                        if (!h.e[k].removed && addr_same(&h.e[k], ed->value)) {
                                line = line ?: &h.e[k];
                                present = present || entry_find(&h.e[k], ed->path) >= 0;
                        }
                if (present)
                        continue;
                if (line) {
                        r = entry_add_alias(&h, line, ed->path);
                        if (r < 0) {
                                *ret_error = mc_strdup_printf("cannot add '%s' to the line of %s", ed->path, ed->value);
                                goto out;
                        }
                        continue;
                }
                for (k = 0; k < n_new && strcasecmp(new_addr[k], ed->value) != 0; k++)
                        ;
                if (k == n_new) {
                        new_addr = mc_assert_alloc(reallocarray(new_addr, n_new + 1, sizeof(char *)));
                        new_names = mc_assert_alloc(reallocarray(new_names, n_new + 1, sizeof(char **)));
                        new_n = mc_assert_alloc(reallocarray(new_n, n_new + 1, sizeof(size_t)));
                        new_addr[n_new] = ed->value;
                        new_names[n_new] = NULL;
                        new_n[n_new++] = 0;
                }
                bool dup = false;
                for (size_t x = 0; x < new_n[k]; x++)
                        dup = dup || strcasecmp(new_names[k][x], ed->path) == 0;
                if (dup)
                        continue;
                new_names[k] = mc_assert_alloc(reallocarray(new_names[k], new_n[k] + 1, sizeof(char *)));
                new_names[k][new_n[k]++] = ed->path;
        }
        for (size_t k = 0; k < n_new; k++) {
                r = entry_new(&h, new_addr[k], new_names[k], new_n[k]);
                if (r < 0) {
                        *ret_error = mc_strdup_printf("cannot add a line for %s", new_addr[k]);
                        goto out;
                }
        }
        r = 0;
out:
        for (size_t k = 0; k < n_new; k++)
                free(new_names[k]);
        free(new_names);
        free(new_addr);
        free(new_n);
        hosts_done(&h);
        return r;
}

/* --- Rendering: the lens for the lines it takes, glibc's reading for the rest ---
 *
 * The collector reads /etc/hosts as glibc does (src/collect_hosts.c); the
 * Hosts lens is stricter (an address alone on a line, a form feed, a last
 * line without its newline are parse errors). Such lines are no entries
 * to glibc, so no edit concerns them: each is handed to the lens as a
 * marker comment (struct kept) and put back byte for byte afterwards. A CRLF file
 * goes through as LF and comes back CRLF, new lines included; in a file
 * that mixes the two, the lines with a CR are kept aside. */

struct kept {
        char *marker;   /* "#migcheck-kept-line-RANDOM-N" */
        char *line;     /* the original, without its end of line */
};

struct hosts_text {
        char *lens_text;
        struct kept *kept;
        size_t n_kept;
        bool crlf, final_newline;
};

static void hosts_text_done(struct hosts_text *t) {
        free(t->lens_text);
        for (size_t i = 0; i < t->n_kept; i++) {
                free(t->kept[i].marker);
                free(t->kept[i].line);
        }
        free(t->kept);
}

/* Whether every line ends in CRLF (the last may have no end) and no other
 * CR is there: then it is a CRLF file, edited as LF and given its CRLF
 * back. In any other file a line with a CR is kept aside like the lines
 * the lens cannot take (glibc reads the CR as a blank; the lens would make
 * it part of a name). */
static bool is_crlf(const char *text) {
        size_t lf = 0, crlf = 0, cr = 0;

        for (const char *p = text; *p; p++) {
                if (*p == '\n') {
                        lf++;
                        crlf += p > text && p[-1] == '\r';
                } else if (*p == '\r')
                        cr++;
        }
        return lf > 0 && crlf == lf && cr == crlf;
}

static void hosts_text_prepare(const char *text, struct hosts_text *ret) {
        uint64_t rnd = 0;
        char *buf = NULL;
        size_t size = 0, len = strlen(text);
        FILE *f;

        *ret = (struct hosts_text) { .final_newline = len == 0 || text[len - 1] == '\n', .crlf = is_crlf(text) };
        if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
                rnd = (uint64_t) time(NULL) ^ (uint64_t) getpid();
        f = mc_assert_alloc(open_memstream(&buf, &size));
        for (const char *p = text; *p;) {
                const char *eol = strchrnul(p, '\n');
                size_t n = (size_t) (eol - p);
                struct mc_hosts_line l;

                if (ret->crlf && n > 0 && p[n - 1] == '\r')
                        n--;
                mc_hosts_line_parse(p, n, &l);
                /* What the lens cannot take, or would read otherwise than
                 * glibc (a CR, VT or FF inside a name), is no line an edit
                 * needs: it is kept aside. */
                if (l.kind == MC_HOSTS_LINE_SKIPPED || memchr(p, '\r', n) || memchr(p, '\v', n) || memchr(p, '\f', n)) {
                        struct kept *k;

                        ret->kept = mc_assert_alloc(reallocarray(ret->kept, ret->n_kept + 1, sizeof(*ret->kept)));
                        k = &ret->kept[ret->n_kept];
                        k->marker = mc_strdup_printf("#migcheck-kept-line-%016llx-%zu", (unsigned long long) rnd, ret->n_kept);
                        k->line = mc_assert_alloc(strndup(p, n));
                        ret->n_kept++;
                        fputs(k->marker, f);
                } else
                        fwrite(p, 1, n, f);
                fputc('\n', f);
                mc_hosts_line_done(&l);
                p = *eol ? eol + 1 : eol;
        }
        fclose(f);
        ret->lens_text = buf;
}

/* The lens's output with the kept lines back and the file's line ends. */
static char *hosts_text_finish(const struct hosts_text *t, const char *out) {
        char *buf = NULL;
        size_t size = 0, next = 0;
        FILE *f = mc_assert_alloc(open_memstream(&buf, &size));

        for (const char *p = out; *p;) {
                const char *eol = strchrnul(p, '\n');
                size_t n = (size_t) (eol - p);

                /* Kept lines come back in order, unedited: compare with
                 * the next marker only. */
                if (next < t->n_kept && strlen(t->kept[next].marker) == n && memcmp(p, t->kept[next].marker, n) == 0)
                        fputs(t->kept[next++].line, f);
                else
                        fwrite(p, 1, n, f);
                p = *eol ? eol + 1 : eol;
                if (*eol && (*p || t->final_newline))
                        fputs(t->crlf ? "\r\n" : "\n", f);
        }
        fclose(f);
        return buf;
}

int mc_hosts_render(augeas *a, const struct mc_file_fix *f, char *text, const char *text_path, const char *tree,
                    const char *out_path, struct mc_rendered *ret, char **ret_error) {
        _cleanup_free_ char *orig = text, *err = NULL;
        struct hosts_text t = {};
        const char *out = NULL;

        hosts_text_prepare(orig ?: "", &t);
        aug_rm(a, "/fix");
        aug_rm(a, "/augeas/text/fix");
        if (aug_set(a, text_path, t.lens_text) < 0 || aug_text_store(a, f->lens, text_path, tree) < 0) {
                _cleanup_free_ char *p = mc_strdup_printf("/augeas/text%s/error", tree);
                _cleanup_free_ char *pm = mc_strdup_printf("%s/message", p), *pl = mc_strdup_printf("%s/line", p);
                const char *msg = NULL, *line = NULL;

                aug_get(a, pm, &msg);
                aug_get(a, pl, &line);
                *ret_error = mc_strdup_printf("%s:%s: the %s lens cannot read this line: %s", f->file, line ?: "?",
                                              f->lens, msg ?: aug_error_message(a));
                hosts_text_done(&t);
                return -EBADMSG;
        }
        if (mc_hosts_edit(a, tree, f->edits, f->n_edits, &err) < 0) {
                *ret_error = mc_strdup_printf("%s: %s", f->file, err ?: "cannot apply the change");
                hosts_text_done(&t);
                return -EINVAL;
        }
        if (aug_text_retrieve(a, f->lens, text_path, tree, out_path) < 0 || aug_get(a, out_path, &out) != 1) {
                *ret_error = mc_strdup_printf("%s: the lens cannot write the change", f->file);
                hosts_text_done(&t);
                return -EINVAL;
        }
        *ret = (struct mc_rendered) {
                .file = mc_strdup(f->file),
                .old_text = TAKE_PTR(orig),
                .new_text = hosts_text_finish(&t, out ?: ""),
        };
        hosts_text_done(&t);
        return 0;
}
