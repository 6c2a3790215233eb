/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "iptables_rule.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "util.h"

static int cmp_range(const void *a, const void *b) {
        const struct mc_port_range *x = a, *y = b;

        return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : (int) x->hi - (int) y->hi;
}

void mc_ports_normalize(struct mc_ports *p) {
        size_t k = 0;

        qsort(p->r, p->n, sizeof(p->r[0]), cmp_range);
        for (size_t i = 0; i < p->n; i++) {
                if (k > 0 && (uint32_t) p->r[i].lo <= (uint32_t) p->r[k - 1].hi + 1) {
                        if (p->r[i].hi > p->r[k - 1].hi)
                                p->r[k - 1].hi = p->r[i].hi;
                        continue;
                }
                p->r[k++] = p->r[i];
        }
        p->n = k;
}

void mc_ports_add(struct mc_ports *p, uint16_t lo, uint16_t hi) {
        if (lo > hi) {
                uint16_t t = lo;
                lo = hi;
                hi = t;
        }
        if (p->n == MC_PORTS_MAX)
                mc_ports_normalize(p);
        /* Still full: widening the last range over-approximates, which
         * only a hand-made facts file can cause (multiport stops at 15). */
        if (p->n == MC_PORTS_MAX) {
                if (hi > p->r[p->n - 1].hi)
                        p->r[p->n - 1].hi = hi;
                if (lo < p->r[p->n - 1].lo)
                        p->r[p->n - 1].lo = lo;
                return;
        }
        p->r[p->n++] = (struct mc_port_range) { lo, hi };
}

void mc_ports_complement(const struct mc_ports *p, struct mc_ports *ret) {
        struct mc_ports in = *p, out = {};
        uint32_t next = 0;

        mc_ports_normalize(&in);
        for (size_t i = 0; i < in.n; i++) {
                if (in.r[i].lo > next)
                        mc_ports_add(&out, (uint16_t) next, (uint16_t) (in.r[i].lo - 1));
                next = (uint32_t) in.r[i].hi + 1;
        }
        if (next <= 65535)
                mc_ports_add(&out, (uint16_t) next, 65535);
        *ret = out;
}

void mc_ports_intersect(const struct mc_ports *a, const struct mc_ports *b, struct mc_ports *ret) {
        struct mc_ports x = *a, y = *b, out = {};

        mc_ports_normalize(&x);
        mc_ports_normalize(&y);
        for (size_t i = 0, j = 0; i < x.n && j < y.n;) {
                uint16_t lo = x.r[i].lo > y.r[j].lo ? x.r[i].lo : y.r[j].lo;
                uint16_t hi = x.r[i].hi < y.r[j].hi ? x.r[i].hi : y.r[j].hi;

                if (lo <= hi)
                        mc_ports_add(&out, lo, hi);
                if (x.r[i].hi < y.r[j].hi)
                        i++;
                else
                        j++;
        }
        *ret = out;
}

bool mc_ports_contains(const struct mc_ports *p, uint16_t port) {
        for (size_t i = 0; i < p->n; i++)
                if (p->r[i].lo <= port && port <= p->r[i].hi)
                        return true;
        return false;
}

char *mc_ports_format(const struct mc_ports *p, char range_sep) {
        char *out = mc_strdup("");

        for (size_t i = 0; i < p->n; i++) {
                char *old = out;

                if (p->r[i].lo == p->r[i].hi)
                        out = mc_strdup_printf("%s%s%u", old, i ? "," : "", p->r[i].lo);
                else
                        out = mc_strdup_printf("%s%s%u%c%u", old, i ? "," : "", p->r[i].lo, range_sep, p->r[i].hi);
                free(old);
        }
        return out;
}

static int port_value(const char *s, size_t len, uint16_t *ret) {
        char buf[64];
        char *end;
        unsigned long v;

        if (len == 0 || len >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (isdigit((unsigned char) buf[0])) {
                errno = 0;
                v = strtoul(buf, &end, 10);
                if (errno || *end || v > 65535)
                        return -EINVAL;
                *ret = (uint16_t) v;
                return 0;
        }
        /* iptables-restore resolves names the same way (hand-written files
         * say "--dport ssh"); iptables-save never prints them. */
        struct servent *se = getservbyname(buf, "tcp");
        if (!se)
                return -EINVAL;
        *ret = ntohs((uint16_t) se->s_port);
        return 0;
}

int mc_ports_parse(const char *s, struct mc_ports *ret) {
        struct mc_ports p = {};
        const char *item = s;

        if (isempty(s))
                return -EINVAL;
        for (;;) {
                size_t len = strcspn(item, ",");
                const char *colon = memchr(item, ':', len);
                uint16_t lo = 0, hi = 65535;

                if (len == 0)
                        return -EINVAL;
                if (colon) {
                        /* "1024:" and ":1023" leave one end open. */
                        if (colon > item && port_value(item, (size_t) (colon - item), &lo) < 0)
                                return -EINVAL;
                        if ((size_t) (colon + 1 - item) < len &&
                            port_value(colon + 1, len - (size_t) (colon + 1 - item), &hi) < 0)
                                return -EINVAL;
                } else {
                        if (port_value(item, len, &lo) < 0)
                                return -EINVAL;
                        hi = lo;
                }
                mc_ports_add(&p, lo, hi);
                if (!item[len])
                        break;
                item += len + 1;
        }
        mc_ports_normalize(&p);
        *ret = p;
        return 0;
}

void mc_port_match_and(struct mc_port_match *into, const struct mc_port_match *other) {
        struct mc_ports a, b;

        if (!other->set)
                return;
        if (!into->set) {
                *into = *other;
                return;
        }
        if (into->inv)
                mc_ports_complement(&into->ports, &a);
        else
                a = into->ports;
        if (other->inv)
                mc_ports_complement(&other->ports, &b);
        else
                b = other->ports;
        into->inv = false;
        mc_ports_intersect(&a, &b, &into->ports);
}

static const struct {
        const char *name;
        unsigned bit;
} ct_names[] = {
        /* the order iptables-save prints them in */
        { "INVALID", MC_CT_INVALID },
        { "NEW", MC_CT_NEW },
        { "RELATED", MC_CT_RELATED },
        { "ESTABLISHED", MC_CT_ESTABLISHED },
        { "UNTRACKED", MC_CT_UNTRACKED },
        { "SNAT", MC_CT_SNAT },
        { "DNAT", MC_CT_DNAT },
};

int mc_ct_parse(const char *s, unsigned *ret) {
        _cleanup_strv_free_ char **words = mc_split(s, ",");
        unsigned mask = 0;

        if (!words || !words[0])
                return -EINVAL;
        for (char **w = words; *w; w++) {
                size_t i;

                for (i = 0; i < ELEMENTSOF(ct_names); i++)
                        if (strcasecmp(*w, ct_names[i].name) == 0)
                                break;
                if (i == ELEMENTSOF(ct_names))
                        return -EINVAL;
                mask |= ct_names[i].bit;
        }
        *ret = mask;
        return 0;
}

static const struct {
        const char *name;
        uint8_t bit;
} flag_names[] = {
        /* the order iptables-save prints them in */
        { "FIN", MC_TCP_FIN }, { "SYN", MC_TCP_SYN }, { "RST", MC_TCP_RST },
        { "PSH", MC_TCP_PSH }, { "ACK", MC_TCP_ACK }, { "URG", MC_TCP_URG },
};

int mc_tcp_flags_parse(const char *s, uint8_t *ret) {
        _cleanup_strv_free_ char **words = mc_split(s, ",");
        uint8_t mask = 0;

        if (!words)
                return -EINVAL;
        for (char **w = words; *w; w++) {
                size_t i;

                if (strcasecmp(*w, "ALL") == 0) {
                        mask |= MC_TCP_ALL;
                        continue;
                }
                if (strcasecmp(*w, "NONE") == 0)
                        continue;
                for (i = 0; i < ELEMENTSOF(flag_names); i++)
                        if (strcasecmp(*w, flag_names[i].name) == 0)
                                break;
                if (i == ELEMENTSOF(flag_names))
                        return -EINVAL;
                mask |= flag_names[i].bit;
        }
        *ret = mask;
        return 0;
}

char *mc_tcp_flags_format(uint8_t flags) {
        char *out = mc_strdup("");

        if (flags == 0) {
                free(out);
                return mc_strdup("NONE");
        }
        for (size_t i = 0; i < ELEMENTSOF(flag_names); i++)
                if (flags & flag_names[i].bit) {
                        char *old = out;
                        out = mc_strdup_printf("%s%s%s", old, *old ? "," : "", flag_names[i].name);
                        free(old);
                }
        return out;
}

void mc_ipt_rule_done(struct mc_ipt_rule *r) {
        free(r->proto);
        free(r->src);
        free(r->dst);
        free(r->in);
        free(r->out);
        free(r->target);
        free(r->reject_with);
        free(r->comment);
        strv_free(r->unknown);
        free(r->text);
        *r = (struct mc_ipt_rule) {};
}

void mc_ipt_rule_add_unknown(struct mc_ipt_rule *r, const char *what) {
        size_t n = mc_strv_length(r->unknown);

        if (mc_strv_contains(r->unknown, what))
                return;
        r->unknown = mc_assert_alloc(reallocarray(r->unknown, n + 2, sizeof(char *)));
        r->unknown[n] = mc_strdup(what);
        r->unknown[n + 1] = NULL;
}

static json_object *str_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static json_object *ports_json(const struct mc_port_match *m) {
        json_object *a;

        if (!m->set)
                return NULL;
        a = json_object_new_array();
        for (size_t i = 0; i < m->ports.n; i++) {
                json_object *p = json_object_new_array();

                json_object_array_add(p, json_object_new_int(m->ports.r[i].lo));
                json_object_array_add(p, json_object_new_int(m->ports.r[i].hi));
                json_object_array_add(a, p);
        }
        return a;
}

json_object *mc_ipt_rule_to_json(const struct mc_ipt_rule *r, int num) {
        json_object *o = json_object_new_object(), *ct = NULL, *unknown = json_object_new_array();

        json_object_object_add(o, "num", json_object_new_int(num));
        json_object_object_add(o, "proto", str_or_null(r->proto));
        json_object_object_add(o, "proto_inv", json_object_new_boolean(r->proto_inv));
        json_object_object_add(o, "src", str_or_null(r->src));
        json_object_object_add(o, "src_inv", json_object_new_boolean(r->src_inv));
        json_object_object_add(o, "dst", str_or_null(r->dst));
        json_object_object_add(o, "dst_inv", json_object_new_boolean(r->dst_inv));
        json_object_object_add(o, "in", str_or_null(r->in));
        json_object_object_add(o, "in_inv", json_object_new_boolean(r->in_inv));
        if (r->out) {
                /* Only when set: facts without it read as before. */
                json_object_object_add(o, "out", json_object_new_string(r->out));
                json_object_object_add(o, "out_inv", json_object_new_boolean(r->out_inv));
        }
        if (r->frag) {
                json_object_object_add(o, "frag", json_object_new_boolean(true));
                json_object_object_add(o, "frag_inv", json_object_new_boolean(r->frag_inv));
        }
        json_object_object_add(o, "dports", ports_json(&r->dports));
        json_object_object_add(o, "dports_inv", json_object_new_boolean(r->dports.inv));
        json_object_object_add(o, "sports", ports_json(&r->sports));
        json_object_object_add(o, "sports_inv", json_object_new_boolean(r->sports.inv));
        if (r->ports.set) {
                json_object_object_add(o, "ports", ports_json(&r->ports));
                json_object_object_add(o, "ports_inv", json_object_new_boolean(r->ports.inv));
        }
        if (r->ct_set) {
                ct = json_object_new_array();
                for (size_t i = 0; i < ELEMENTSOF(ct_names); i++)
                        if (r->ct_mask & ct_names[i].bit)
                                json_object_array_add(ct, json_object_new_string(ct_names[i].name));
        }
        json_object_object_add(o, "ctstate", ct);
        json_object_object_add(o, "ctstate_inv", json_object_new_boolean(r->ct_inv));
        if (r->flags_set) {
                json_object *f = json_object_new_object();
                _cleanup_free_ char *mask = mc_tcp_flags_format(r->flags_mask), *cmp = mc_tcp_flags_format(r->flags_cmp);

                json_object_object_add(f, "mask", json_object_new_string(mask));
                json_object_object_add(f, "set", json_object_new_string(cmp));
                json_object_object_add(f, "inv", json_object_new_boolean(r->flags_inv));
                json_object_object_add(o, "tcp_flags", f);
        }
        json_object_object_add(o, "target", json_object_new_string(r->target ?: ""));
        if (r->is_goto)
                json_object_object_add(o, "goto", json_object_new_boolean(true));
        json_object_object_add(o, "reject_with", str_or_null(r->reject_with));
        json_object_object_add(o, "comment", str_or_null(r->comment));
        for (char **u = r->unknown; u && *u; u++)
                json_object_array_add(unknown, json_object_new_string(*u));
        json_object_object_add(o, "unknown", unknown);
        json_object_object_add(o, "text", json_object_new_string(r->text ?: ""));
        return o;
}

json_object *mc_ipt_table_new(void) {
        json_object *t = json_object_new_object();

        json_object_object_add(t, "chains", json_object_new_object());
        return t;
}

json_object *mc_ipt_table_chain(json_object *table, const char *name, const char *policy) {
        json_object *chains = mc_json_get_or_add_object(table, "chains"), *c;

        if (json_object_object_get_ex(chains, name, &c))
                return c;
        c = json_object_new_object();
        json_object_object_add(c, "policy", str_or_null(policy));
        json_object_object_add(c, "rules", json_object_new_array());
        json_object_object_add(chains, name, c);
        return c;
}

size_t mc_ipt_table_rules(json_object *table) {
        json_object *chains;
        size_t n = 0;

        if (!table || !json_object_object_get_ex(table, "chains", &chains) || !json_object_is_type(chains, json_type_object))
                return 0;
        json_object_object_foreach(chains, name, chain) {
                json_object *rules;

                (void) name;
                if (json_object_object_get_ex(chain, "rules", &rules) && json_object_is_type(rules, json_type_array))
                        n += json_object_array_length(rules);
        }
        return n;
}

bool mc_ipt_table_restrictive(json_object *table) {
        json_object *chains;

        if (mc_ipt_table_rules(table) > 0)
                return true;
        if (!table || !json_object_object_get_ex(table, "chains", &chains) || !json_object_is_type(chains, json_type_object))
                return false;
        json_object_object_foreach(chains, name, chain) {
                json_object *p;

                (void) name;
                if (json_object_object_get_ex(chain, "policy", &p) && json_object_is_type(p, json_type_string) &&
                    !streq(json_object_get_string(p), "ACCEPT"))
                        return true;
        }
        return false;
}
