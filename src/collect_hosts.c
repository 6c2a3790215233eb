/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/hosts as glibc reads it (collect_hosts.h), and, on a live node,
 * what NSS answers for the peers' names and the node's own hostname.
 *
 * Not the Augeas Hosts lens: it refuses files glibc reads (an address
 * alone on a line, a last line without its newline) and would make
 * "did not parse" of a node whose names all resolve. The fixer still
 * writes through the lens, line by line (fixers/apply_hosts.c).
 *
 * Facts:
 *   hosts.{path,state,error{message,line},entries[{address,names[],line,truncated?}],
 *          skipped[{line,address,reason}],skipped_count}
 *   resolve.NAME.{addresses[],canonical,error}   (live only)
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "collect.h"
#include "collect_hosts.h"
#include "facts.h"
#include "lookup.h"
#include "util.h"

#define HOSTS_PATH "/etc/hosts"

/* The whole of name resolution gets this long, however many peers there
 * are: a node whose DNS server is gone must cost the run two seconds, not
 * five per name (resolv.conf's default timeout times its attempts). */
#define MC_RESOLVE_TIMEOUT_MS 2000

/* Lines glibc skips are facts with their line; past this many only
 * counted (a generated file can have thousands). */
#define MC_HOSTS_MAX_SKIPPED 100

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

/* isspace() in the C locale, as files-parse.c splits fields. */
static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}

static bool field_is_address(struct mc_hosts_field f) {
        unsigned char buf[sizeof(struct in6_addr)];
        char s[INET6_ADDRSTRLEN + 1];

        /* Longer than any address inet_pton() takes. */
        if (f.n == 0 || f.n >= sizeof(s))
                return false;
        memcpy(s, f.p, f.n);
        s[f.n] = '\0';
        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

void mc_hosts_line_parse(const char *p, size_t len, struct mc_hosts_line *ret) {
        const char *end = memchr(p, '#', len) ?: p + len;

        *ret = (struct mc_hosts_line) {};
        while (p < end && is_blank(*p))
                p++;
        if (p == end)
                return;
        ret->address.p = p;
        while (p < end && !is_blank(*p))
                p++;
        ret->address.n = (size_t) (p - ret->address.p);
        if (!field_is_address(ret->address)) {
                ret->kind = MC_HOSTS_LINE_SKIPPED;
                ret->reason = "not an address glibc takes";
                return;
        }
        for (;;) {
                while (p < end && is_blank(*p))
                        p++;
                if (p == end)
                        break;
                if (ret->n_names == MC_HOSTS_MAX_NAMES) {
                        ret->truncated = true;
                        break;
                }
                if ((ret->n_names & (ret->n_names - 1)) == 0)  /* 0, 1, 2, 4, ...: grow */
                        ret->names = mc_assert_alloc(
                                reallocarray(ret->names, ret->n_names ? ret->n_names * 2 : 1, sizeof(*ret->names)));
                ret->names[ret->n_names].p = p;
                while (p < end && !is_blank(*p))
                        p++;
                ret->names[ret->n_names].n = (size_t) (p - ret->names[ret->n_names].p);
                ret->n_names++;
        }
        if (ret->n_names == 0) {
                ret->kind = MC_HOSTS_LINE_SKIPPED;
                ret->reason = "an address without a name";
                return;
        }
        ret->kind = MC_HOSTS_LINE_ENTRY;
}

void mc_hosts_line_done(struct mc_hosts_line *l) {
        free(l->names);
        *l = (struct mc_hosts_line) {};
}

static json_object *field_string(struct mc_hosts_field f) {
        return json_object_new_string_len(f.p, (int) f.n);
}

/* The names a skipped line would have given (its fields after the
 * address, up to a comment), at most 16: what a check can say the line
 * was meant for. */
static json_object *skipped_names(const char *p, size_t len) {
        json_object *names = json_object_new_array();
        const char *end = memchr(p, '#', len) ?: p + len;

        while (p < end && json_object_array_length(names) < 16) {
                const char *start;

                while (p < end && is_blank(*p))
                        p++;
                start = p;
                while (p < end && !is_blank(*p))
                        p++;
                if (p > start)
                        json_object_array_add(names, json_object_new_string_len(start, (int) (p - start)));
        }
        return names;
}

json_object *mc_hosts_parse_text(const char *text, size_t len) {
        json_object *h = hosts_facts("ok"), *entries = json_object_new_array(), *skipped = json_object_new_array();
        const char *p = text, *stop = text + len;
        unsigned line = 0, n_skipped = 0;

        json_object_object_add(h, "entries", entries);
        while (p < stop) {
                const char *eol = memchr(p, '\n', (size_t) (stop - p)) ?: stop;
                struct mc_hosts_line l;

                line++;
                mc_hosts_line_parse(p, (size_t) (eol - p), &l);
                if (l.kind == MC_HOSTS_LINE_ENTRY) {
                        json_object *e = json_object_new_object(), *names = json_object_new_array_ext((int) l.n_names);

                        json_object_object_add(e, "address", field_string(l.address));
                        for (size_t i = 0; i < l.n_names; i++)
                                json_object_array_add(names, field_string(l.names[i]));
                        json_object_object_add(e, "names", names);
                        json_object_object_add(e, "line", json_object_new_int((int) line));
                        if (l.truncated)
                                json_object_object_add(e, "truncated", json_object_new_boolean(true));
                        json_object_array_add(entries, e);
                } else if (l.kind == MC_HOSTS_LINE_SKIPPED && n_skipped++ < MC_HOSTS_MAX_SKIPPED) {
                        json_object *s = json_object_new_object();
                        /* The address field, cut: the line itself is the operator's. */
                        struct mc_hosts_field a = { l.address.p, l.address.n < 64 ? l.address.n : 64 };

                        json_object_object_add(s, "line", json_object_new_int((int) line));
                        json_object_object_add(s, "address", field_string(a));
                        json_object_object_add(s, "reason", json_object_new_string(l.reason));
                        if (l.kind == MC_HOSTS_LINE_SKIPPED && l.address.n > 0)
                                json_object_object_add(s, "names", skipped_names(l.address.p + l.address.n,
                                                                                 (size_t) (eol - l.address.p - l.address.n)));
                        json_object_array_add(skipped, s);
                }
                mc_hosts_line_done(&l);
                p = eol < stop ? eol + 1 : stop;
        }
        if (n_skipped > 0) {
                json_object_object_add(h, "skipped", skipped);
                json_object_object_add(h, "skipped_count", json_object_new_int((int) n_skipped));
        } else
                json_object_put(skipped);
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
        return mc_hosts_parse_text(text ?: "", text ? len : 0);
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
