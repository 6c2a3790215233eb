/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/hosts through the stock Hosts lens, and, on a live node, what NSS
 * answers for the peers' names and the node's own hostname.
 *
 * Facts:
 *   hosts.{path,state,error{message,line},entries[{address,names[],line}]}
 *   resolve.NAME.{addresses[],canonical,error}   (live only)
 */
#include <arpa/inet.h>
#include <augeas.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "collect.h"
#include "facts.h"
#include "lookup.h"
#include "util.h"

#define HOSTS_PATH "/etc/hosts"

/* The whole of name resolution gets this long, however many peers there
 * are: a node whose DNS server is gone must cost the run two seconds, not
 * five per name (resolv.conf's default timeout times its attempts). */
#define MC_RESOLVE_TIMEOUT_MS 2000

/* Augeas tree paths private to this collector, apart from confparse's
 * /migcheck so that neither can clear the other's tree. */
#define HOSTS_TEXT "/mc_hosts/text"
#define HOSTS_TREE "/mc_hosts/tree"

static json_object *hosts_facts(const char *state) {
        json_object *h = json_object_new_object();

        json_object_object_add(h, "path", json_object_new_string(HOSTS_PATH));
        json_object_object_add(h, "state", json_object_new_string(state));
        return h;
}

static json_object *hosts_error(const char *message, int line) {
        json_object *h = hosts_facts("error"), *e = json_object_new_object();

        json_object_object_add(e, "message", json_object_new_string(message));
        if (line > 0)
                json_object_object_add(e, "line", json_object_new_int(line));
        json_object_object_add(h, "error", e);
        return h;
}

/* The line of the next record, from *cursor on. The Hosts lens makes a
 * record of every line that is neither blank nor a comment ("#" after
 * optional blanks), in file order, so walking the text finds each record's
 * line in one pass. aug_span() would tell the same, but each call
 * evaluates "$var[k]" over the whole node set: quadratic, 0.2 s for a
 * 5,000-line file and seconds beyond. The line found must start with the
 * record's address; 0 (unknown) tells the caller to ask aug_span(). */
static unsigned next_record_line(const char **cursor, unsigned *line, const char *address) {
        const char *p = *cursor;

        while (*p) {
                const char *start = p, *eol = strchrnul(p, '\n');
                unsigned this = (*line)++;

                p = *eol ? eol + 1 : eol;
                start += strspn(start, " \t");
                if (start == eol || *start == '#')
                        continue;
                *cursor = p;
                size_t n = strlen(address);
                if (strncmp(start, address, n) == 0 && (start[n] == ' ' || start[n] == '\t'))
                        return this;
                return 0;
        }
        *cursor = p;
        return 0;
}

static unsigned span_line(augeas *a, const char *var, int record, const char *text, size_t len) {
        _cleanup_free_ char *path = mc_strdup_printf("$%s[%d]", var, record);
        unsigned ls, le, vs, ve, ss, se;
        char *fn = NULL;
        int r = aug_span(a, path, &fn, &ls, &le, &vs, &ve, &ss, &se);

        free(fn);
        return r == 0 ? mc_line_of_offset(text, len, ss) : 0;
}

static json_object *hosts_parse(augeas *a, const char *text, size_t len) {
        static const char records[] = "mc_hosts_records", fields[] = "mc_hosts_fields";
        json_object *h, *entries, *entry = NULL, *names = NULL;
        const char *cursor = text;
        unsigned line = 1;
        int n, record = 0;

        aug_rm(a, "/mc_hosts");
        aug_rm(a, "/augeas/text/mc_hosts");
        if (aug_set(a, HOSTS_TEXT, text) < 0)
                return hosts_error("cannot hand the file to augeas", 0);
        if (aug_text_store(a, "Hosts.lns", HOSTS_TEXT, HOSTS_TREE) < 0) {
                const char *msg = NULL, *l = NULL;
                _cleanup_free_ char *m = NULL;

                aug_get(a, "/augeas/text" HOSTS_TREE "/error/message", &msg);
                aug_get(a, "/augeas/text" HOSTS_TREE "/error/line", &l);
                if (!msg && aug_error(a) != AUG_NOERROR)
                        m = mc_strdup_printf("cannot load lens Hosts.lns: %s",
                                             aug_error_details(a) ?: aug_error_message(a));
                else
                        m = mc_strdup_printf("parse error: %s", msg ?: "unknown");
                h = hosts_error(m, l ? atoi(l) : 0);
                aug_rm(a, "/mc_hosts");
                return h;
        }

        h = hosts_facts("ok");
        entries = json_object_new_array();
        json_object_object_add(h, "entries", entries);
        /* Every record, and every field of every record in document order:
         * aug_ns_attr() reads the i-th node without re-evaluating a path. */
        aug_defvar(a, records, HOSTS_TREE "/*[label() != '#comment']");
        n = aug_defvar(a, fields, HOSTS_TREE "/*[label() != '#comment']/*[label() != '#comment']");
        for (int i = 0; i < n; i++) {
                const char *value = NULL, *label = NULL;

                if (aug_ns_attr(a, fields, i, &value, &label, NULL) < 0 || !label || !value)
                        continue;
                if (streq(label, "ipaddr")) {
                        unsigned l = next_record_line(&cursor, &line, value);

                        record++;
                        if (l == 0)
                                l = span_line(a, records, record, text, len);
                        entry = json_object_new_object();
                        names = json_object_new_array();
                        json_object_object_add(entry, "address", json_object_new_string(value));
                        json_object_object_add(entry, "names", names);
                        if (l > 0)
                                json_object_object_add(entry, "line", json_object_new_int((int) l));
                        json_object_array_add(entries, entry);
                } else if (names && (streq(label, "canonical") || streq(label, "alias")))
                        json_object_array_add(names, json_object_new_string(value));
        }
        aug_defvar(a, fields, NULL);
        aug_defvar(a, records, NULL);
        aug_rm(a, "/mc_hosts");
        return h;
}

static json_object *hosts_collect(struct mc_collector *c) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = mc_rootfs_read(c->fs, HOSTS_PATH, MC_CONF_MAX_SIZE, &text, &len);
        if (r == -ENOENT || r == -ENOTDIR)
                return hosts_facts("absent");
        if (r < 0) {
                _cleanup_free_ char *m = mc_strdup_printf("cannot read: %s", mc_read_error_string(r));
                return hosts_error(m, 0);
        }
        return hosts_parse(c->aug, text, len);
}

static bool is_ip_literal(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];

        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Name resolution through NSS, all names at once with one deadline for all
 * of them (src/lookup.c: worker threads, never getaddrinfo_a, whose
 * gai_suspend() crashes in glibc 2.36). */
static void resolve_names(json_object *resolve, char **names, size_t n) {
        _cleanup_free_ struct mc_lookup *l = NULL;

        if (n == 0)
                return;
        l = mc_assert_alloc(calloc(n, sizeof(*l)));
        for (size_t i = 0; i < n; i++)
                /* What QEMU and libvirt ask: any family, one entry per
                 * address, and the canonical name libvirt takes for its
                 * hostname. No AI_ADDRCONFIG: the facts say what NSS knows,
                 * not what this node could reach today. */
                l[i] = (struct mc_lookup) { .kind = MC_LOOKUP_FORWARD, .query = names[i], .ai_flags = AI_CANONNAME };
        if (mc_lookup_run(l, n, MC_RESOLVE_TIMEOUT_MS) < 0) {
                for (size_t i = 0; i < n; i++) {
                        json_object *o = json_object_new_object();

                        json_object_object_add(o, "addresses", json_object_new_array());
                        json_object_object_add(o, "error", json_object_new_string("cannot start the lookup"));
                        json_object_object_add(resolve, names[i], o);
                }
                return;
        }
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_new_object(), *addrs = json_object_new_array();

                json_object_object_add(o, "addresses", addrs);
                if (l[i].done && l[i].gai_error == 0) {
                        for (char **a = l[i].addresses; a && *a; a++)
                                json_object_array_add(addrs, json_object_new_string(*a));
                        if (l[i].name)
                                json_object_object_add(o, "canonical", json_object_new_string(l[i].name));
                } else {
                        _cleanup_free_ char *e = mc_lookup_error(&l[i], MC_RESOLVE_TIMEOUT_MS);
                        json_object_object_add(o, "error", json_object_new_string(e));
                }
                json_object_object_add(resolve, names[i], o);
        }
        mc_lookup_done(l, n);
}

static void add_name(json_object *seen, char ***names, size_t *n, const char *name) {
        if (isempty(name) || is_ip_literal(name) || json_object_object_get_ex(seen, name, NULL))
                return;
        json_object_object_add(seen, name, NULL);
        *names = mc_assert_alloc(reallocarray(*names, *n + 1, sizeof(char *)));
        (*names)[(*n)++] = mc_strdup(name);
}

static void collect_resolve(struct mc_collector *c) {
        _cleanup_json_ json_object *seen = json_object_new_object();
        json_object *resolve = json_object_new_object();
        char **names = NULL;
        size_t n = 0;

        /* Each peer as the coordinator names it ("NAME" or "NAME=ADDRESS"),
         * then this node's own hostname, which libvirt resolves to build
         * the name it gives its peers. */
        for (char *const *p = c->peers; p && *p; p++) {
                _cleanup_free_ char *name = mc_assert_alloc(strndup(*p, strcspn(*p, "=")));

                add_name(seen, &names, &n, name);
        }
        add_name(seen, &names, &n, mc_json_str(mc_json_get(c->facts, "node"), "hostname"));
        resolve_names(resolve, names, n);
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        json_object_object_add(c->facts, "resolve", resolve);
}

void mc_collect_hosts(struct mc_collector *c) {
        json_object_object_add(c->facts, "hosts", hosts_collect(c));
        if (c->live)
                collect_resolve(c);
}
