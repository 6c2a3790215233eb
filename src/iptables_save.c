/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "iptables_save.h"

#include <augeas.h>
#include <ctype.h>
#include <errno.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "iptables_rule.h"
#include "util.h"

#define TEXT "/migcheck/ipt/text"
#define TREE "/migcheck/ipt/tree"

static const char *const builtin_chains[] = { "INPUT", "FORWARD", "OUTPUT" };

/* Matches whose options are evaluated, and matches that only exist with
 * their protocol (-m icmp needs -p icmp): the protocol decides for them. */
static const char *const known_modules[] = { "tcp", "udp", "multiport", "state", "conntrack", "comment" };
static const char *const proto_bound_modules[] = { "icmp", "icmpv6", "sctp", "dccp", "udplite" };

static bool in_list(const char *s, const char *const *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (streq(s, l[i]))
                        return true;
        return false;
}

struct line {
        const char *start;
        size_t len;
        unsigned number;  /* in the whole text */
};

/* The *filter section: its first and last line and the rule lines in
 * order, each an append or insert node of the lens's tree. */
struct section {
        const char *start;
        size_t len;
        unsigned first_line;
        struct line *rules;
        size_t n_rules;
};

static bool find_filter(const char *text, size_t len, struct section *ret) {
        const char *p = text, *end = text + len;
        unsigned number = 1;
        bool in = false;
        struct section s = {};

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p)), *eol = nl ?: end, *q = p;

                while (q < eol && (*q == ' ' || *q == '\t'))
                        q++;
                if (!in && eol - q >= 7 && memcmp(q, "*filter", 7) == 0 &&
                    (eol - q == 7 || isspace((unsigned char) q[7]))) {
                        in = true;
                        s.start = p;
                        s.first_line = number;
                } else if (in && eol - q >= 6 && memcmp(q, "COMMIT", 6) == 0) {
                        s.len = (size_t) ((nl ? nl + 1 : end) - s.start);
                        *ret = s;
                        return true;
                } else if (in && eol - q >= 3 && q[0] == '-' && (q[1] == 'A' || q[1] == 'I') && isspace((unsigned char) q[2])) {
                        s.rules = mc_assert_alloc(reallocarray(s.rules, s.n_rules + 1, sizeof(*s.rules)));
                        size_t l = (size_t) (eol - q);
                        while (l > 0 && isspace((unsigned char) q[l - 1]))
                                l--;
                        s.rules[s.n_rules++] = (struct line) { q, l, number };
                }
                p = nl ? nl + 1 : end;
                number++;
        }
        free(s.rules);
        /* A *filter without COMMIT: hand the rest to the lens, which names the error. */
        if (in) {
                *ret = (struct section) { .start = s.start, .len = (size_t) (end - s.start), .first_line = s.first_line };
                return true;
        }
        return false;
}

static char *node_value(xmlNode *n) {
        for (xmlNode *c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "value") == 0) {
                        xmlChar *v = xmlNodeGetContent(c);
                        char *s = mc_strdup((const char *) v);
                        xmlFree(v);
                        return s;
                }
        return NULL;
}

static char *node_label(xmlNode *n) {
        xmlChar *l = xmlGetProp(n, BAD_CAST "label");
        char *s = mc_strdup(l ? (const char *) l : "");

        xmlFree(l);
        return s;
}

static bool node_has_not(xmlNode *n) {
        for (xmlNode *c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "node") == 0) {
                        _cleanup_free_ char *l = node_label(c);
                        if (streq(l, "not"))
                                return true;
                }
        return false;
}

/* "! value" is the old way to write an inversion (iptables 1.3). */
static char *take_old_not(char *v, bool *inv) {
        if (v && v[0] == '!') {
                char *s = v + 1;

                while (*s == ' ' || *s == '\t')
                        s++;
                *inv = !*inv;
                memmove(v, s, strlen(s) + 1);
        }
        return v;
}

/* A quoted value as iptables-save writes it ("a \"b\""), unquoted the way
 * iptables-restore reads it. */
static char *unquote(const char *v) {
        size_t n = strlen(v);
        char *out, *o;

        if (n < 2 || v[0] != '"' || v[n - 1] != '"')
                return mc_strdup(v);
        out = o = mc_assert_alloc(malloc(n));
        for (size_t i = 1; i < n - 1; i++) {
                if (v[i] == '\\' && i + 1 < n - 1)
                        i++;
                *o++ = v[i];
        }
        *o = '\0';
        return out;
}

static void set_str(char **field, char *v) {
        free(*field);
        *field = v;
}

static void port_option(struct mc_ipt_rule *r, struct mc_port_match *field, const char *module, const char *opt,
                        const char *value, bool inv) {
        struct mc_port_match m = { .set = true, .inv = inv };

        if (!value || mc_ports_parse(value, &m.ports) < 0) {
                _cleanup_free_ char *u = mc_strdup_printf("%s --%s %s", module, opt, value ?: "");
                mc_ipt_rule_add_unknown(r, u);
                return;
        }
        mc_port_match_and(field, &m);
}

static void ct_option(struct mc_ipt_rule *r, const char *module, const char *value, bool inv) {
        unsigned mask;

        if (!value || mc_ct_parse(value, &mask) < 0) {
                mc_ipt_rule_add_unknown(r, module);
                return;
        }
        if (!r->ct_set) {
                r->ct_set = true;
                r->ct_inv = inv;
                r->ct_mask = mask;
                return;
        }
        /* A second state condition: both hold. */
        unsigned all = MC_CT_INVALID | MC_CT_NEW | MC_CT_RELATED | MC_CT_ESTABLISHED | MC_CT_UNTRACKED | MC_CT_SNAT | MC_CT_DNAT;
        unsigned a = r->ct_inv ? all & ~r->ct_mask : r->ct_mask, b = inv ? all & ~mask : mask;
        r->ct_inv = false;
        r->ct_mask = a & b;
}

static void tcp_flags_node(struct mc_ipt_rule *r, xmlNode *n, bool inv) {
        uint8_t mask = 0, cmp = 0;

        for (xmlNode *c = n->children; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "node") != 0)
                        continue;
                _cleanup_free_ char *l = node_label(c), *v = node_value(c);
                uint8_t bits = 0;

                if (!v || mc_tcp_flags_parse(v, &bits) < 0) {
                        mc_ipt_rule_add_unknown(r, "tcp --tcp-flags");
                        return;
                }
                if (streq(l, "mask"))
                        mask |= bits;
                else if (streq(l, "set"))
                        cmp |= bits;
        }
        r->flags_set = true;
        r->flags_inv = inv;
        r->flags_mask = mask;
        r->flags_cmp = cmp;
}

static void rule_from_node(xmlNode *rule, struct mc_ipt_rule *r) {
        _cleanup_free_ char *module = NULL;
        bool in_target = false;

        for (xmlNode *n = rule->children; n; n = n->next) {
                if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "node") != 0)
                        continue;
                _cleanup_free_ char *label = node_label(n);
                char *value = node_value(n);
                bool inv = node_has_not(n);

                if (streq(label, "protocol")) {
                        take_old_not(value, &inv);
                        for (char *p = value; p && *p; p++)
                                *p = (char) tolower((unsigned char) *p);
                        if (value && (streq(value, "all") || streq(value, "0")) && !inv) {
                                free(value);
                                value = NULL;
                        } else if (value && streq(value, "6"))
                                set_str(&value, mc_strdup("tcp"));
                        else if (value && streq(value, "17"))
                                set_str(&value, mc_strdup("udp"));
                        set_str(&r->proto, TAKE_PTR(value));
                        r->proto_inv = inv;
                } else if (streq(label, "source")) {
                        set_str(&r->src, take_old_not(TAKE_PTR(value), &inv));
                        r->src_inv = inv;
                } else if (streq(label, "destination")) {
                        set_str(&r->dst, take_old_not(TAKE_PTR(value), &inv));
                        r->dst_inv = inv;
                } else if (streq(label, "in-interface")) {
                        set_str(&r->in, take_old_not(TAKE_PTR(value), &inv));
                        r->in_inv = inv;
                } else if (streq(label, "out-interface")) {
                        set_str(&r->out, take_old_not(TAKE_PTR(value), &inv));
                        r->out_inv = inv;
                } else if (streq(label, "fragment")) {
                        r->frag = true;
                        r->frag_inv = inv;
                } else if (streq(label, "match")) {
                        set_str(&module, TAKE_PTR(value));
                        in_target = false;
                        if (module && !in_list(module, known_modules, ELEMENTSOF(known_modules)) &&
                            !in_list(module, proto_bound_modules, ELEMENTSOF(proto_bound_modules)))
                                mc_ipt_rule_add_unknown(r, module);
                } else if (streq(label, "jump") || streq(label, "goto")) {
                        set_str(&r->target, TAKE_PTR(value));
                        r->is_goto = streq(label, "goto");
                        in_target = true;
                } else if (in_target) {
                        /* Target options: only REJECT's type matters. */
                        if (streq(label, "reject-with"))
                                set_str(&r->reject_with, TAKE_PTR(value));
                } else {
                        /* A module option: -p tcp loads the tcp match implicitly. */
                        const char *m = module ?: (r->proto && (streq(r->proto, "tcp") || streq(r->proto, "udp")) ? r->proto : "");

                        if (streq(m, "tcp") || streq(m, "udp")) {
                                if (streq(label, "dport") || streq(label, "destination-port"))
                                        port_option(r, &r->dports, m, label, value, inv);
                                else if (streq(label, "sport") || streq(label, "source-port"))
                                        port_option(r, &r->sports, m, label, value, inv);
                                else if (streq(label, "tcp-flags") && streq(m, "tcp"))
                                        tcp_flags_node(r, n, inv);
                                else if (streq(label, "syn") && streq(m, "tcp")) {
                                        r->flags_set = true;
                                        r->flags_inv = inv;
                                        r->flags_mask = MC_TCP_FIN | MC_TCP_SYN | MC_TCP_RST | MC_TCP_ACK;
                                        r->flags_cmp = MC_TCP_SYN;
                                } else {
                                        _cleanup_free_ char *u = mc_strdup_printf("%s --%s", m, label);
                                        mc_ipt_rule_add_unknown(r, u);
                                }
                        } else if (streq(m, "multiport")) {
                                if (streq(label, "dports") || streq(label, "destination-ports"))
                                        port_option(r, &r->dports, m, label, value, inv);
                                else if (streq(label, "sports") || streq(label, "source-ports"))
                                        port_option(r, &r->sports, m, label, value, inv);
                                else if (streq(label, "ports"))
                                        port_option(r, &r->ports, m, label, value, inv);
                                else
                                        mc_ipt_rule_add_unknown(r, "multiport");
                        } else if (streq(m, "state") && streq(label, "state"))
                                ct_option(r, "state", value, inv);
                        else if (streq(m, "conntrack") && streq(label, "ctstate"))
                                ct_option(r, "conntrack", value, inv);
                        else if (streq(m, "conntrack")) {
                                _cleanup_free_ char *u = mc_strdup_printf("conntrack --%s", label);
                                mc_ipt_rule_add_unknown(r, u);
                        } else if (streq(m, "comment") && streq(label, "comment"))
                                set_str(&r->comment, value ? unquote(value) : NULL);
                        else if (in_list(m, proto_bound_modules, ELEMENTSOF(proto_bound_modules)) ||
                                 (*m && !in_list(m, known_modules, ELEMENTSOF(known_modules))))
                                ; /* the module is recorded (or bound to its protocol) */
                        else {
                                _cleanup_free_ char *u = mc_strdup_printf("%s%s--%s", m, *m ? " " : "", label);
                                mc_ipt_rule_add_unknown(r, u);
                        }
                }
                free(value);
        }
}

/* Insert at the front: iptables-restore's "-I CHAIN" without a number. */
static void chain_insert_front(json_object *chain, json_object *rule) {
        json_object *rules = mc_json_get(chain, "rules"), *n = json_object_new_array();

        json_object_array_add(n, rule);
        for (size_t i = 0; i < json_object_array_length(rules); i++)
                json_object_array_add(n, json_object_get(json_object_array_get_idx(rules, i)));
        json_object_object_add(chain, "rules", n);
}

static void renumber(json_object *table) {
        json_object *chains = mc_json_get(table, "chains");

        json_object_object_foreach(chains, name, chain) {
                json_object *rules = mc_json_get(chain, "rules");

                (void) name;
                for (size_t i = 0; i < json_object_array_length(rules); i++)
                        json_object_object_add(json_object_array_get_idx(rules, i), "num",
                                               json_object_new_int((int) i + 1));
        }
}

static json_object *chain_for(json_object *table, const char *name) {
        bool builtin = in_list(name, builtin_chains, ELEMENTSOF(builtin_chains));

        /* iptables-restore refuses a rule in an undeclared user chain; the
         * built-in chains exist (with policy ACCEPT after boot) regardless. */
        return mc_ipt_table_chain(table, name, builtin ? "ACCEPT" : NULL);
}

/* The file's shape as iptables-restore reads it (iptables 1.8.9,
 * iptables/iptables-restore.c ios_restore() and xtables-restore.c, which
 * agree; checked with `iptables-{legacy,nft}-restore --test`): outside a
 * table only an empty line, a line starting with '#' and "*TABLE";
 * inside, also ":CHAIN", rules and "COMMIT", and the file ends outside a
 * table. Anything else stops the restore ("line N failed", "Bad
 * argument", "no command specified", "COMMIT expected at line N"), so
 * the rules a node boots with are not these: an error, never an empty
 * rule set. Rules outside *filter are iptables' to judge; those in it,
 * the lens's. (A last "COMMIT" without its newline: nft accepts it,
 * legacy does not; accepted.) */
static int restore_syntax(const char *text, size_t len, char **ret_error) {
        static const char *const tables[] = { "filter", "nat", "mangle", "raw", "security" };
        const char *p = text, *end = text + len;
        unsigned number = 0;
        bool in_table = false;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p)), *eol = nl ?: end, *why = NULL;
                size_t n = (size_t) (eol - p);

                number++;
                if (n == 0 || p[0] == '#')
                        ;
                else if (in_table && n == 6 && memcmp(p, "COMMIT", 6) == 0)
                        in_table = false;
                else if (!in_table && p[0] == '*') {
                        size_t k = strcspn(p + 1, " \t\n");
                        bool known = false;

                        for (size_t i = 0; i < ELEMENTSOF(tables); i++)
                                known = known || (k == strlen(tables[i]) && memcmp(p + 1, tables[i], k) == 0);
                        if (known)
                                in_table = true;
                        else
                                why = "not a table iptables has (filter, nat, mangle, raw, security)";
                } else if (!in_table)
                        why = "outside a table only empty lines, # comments and *TABLE are read";
                else if (p[0] != ':' && p[0] != '-')
                        why = "not a chain (:NAME), a rule (-A CHAIN ...) or COMMIT";
                if (why) {
                        *ret_error = mc_strdup_printf("line %u: iptables-restore refuses '%.*s%s': %s", number,
                                                      (int) (n > 80 ? 80 : n), p, n > 80 ? "..." : "", why);
                        return -EBADMSG;
                }
                p = nl ? nl + 1 : end;
        }
        if (in_table) {
                *ret_error = mc_strdup_printf("line %u: iptables-restore refuses the end of the file: COMMIT expected",
                                              number + 1);
                return -EBADMSG;
        }
        return 0;
}

int mc_ipt_parse_save(augeas *a, const char *text, size_t len, json_object **ret_filter, char **ret_error) {
        struct section s = {};
        _cleanup_free_ char *section = NULL;
        _cleanup_json_ json_object *table = NULL;
        xmlNode *xml = NULL;
        size_t next_rule = 0;
        int r;

        *ret_filter = NULL;
        r = restore_syntax(text, len, ret_error);
        if (r < 0)
                return r;
        if (!find_filter(text, len, &s)) {
                *ret_filter = NULL;
                return 0;
        }
        section = mc_assert_alloc(strndup(s.start, s.len));
        aug_rm(a, "/migcheck/ipt");
        aug_rm(a, "/augeas/text/migcheck/ipt");
        if (aug_set(a, TEXT, section) < 0) {
                free(s.rules);
                *ret_error = mc_strdup("cannot hand the rules to augeas");
                return -ENOMEM;
        }
        /* Spans cost a third of the parse and the rule lines are taken
         * from the text itself: off for this parse, as the handle had them. */
        {
                const char *span = NULL;
                _cleanup_free_ char *was = NULL;

                if (aug_get(a, "/augeas/span", &span) == 1 && span)
                        was = mc_strdup(span);
                aug_set(a, "/augeas/span", "disable");
                r = aug_text_store(a, "Iptables.lns", TEXT, TREE);
                if (was)
                        aug_set(a, "/augeas/span", was);
        }
        if (r < 0) {
                const char *msg = NULL, *line = NULL;
                unsigned at;

                aug_get(a, "/augeas/text" TREE "/error/message", &msg);
                aug_get(a, "/augeas/text" TREE "/error/line", &line);
                if (!msg && aug_error(a) != AUG_NOERROR) {
                        *ret_error = mc_strdup_printf("cannot load lens Iptables.lns: %s",
                                                      aug_error_details(a) ?: aug_error_message(a));
                        free(s.rules);
                        aug_rm(a, "/migcheck/ipt");
                        return -ENOENT;
                }
                at = line ? (unsigned) atoi(line) : 0;
                if (at > 0) {
                        _cleanup_free_ char *lt = mc_line_text(section, strlen(section), at);
                        *ret_error = mc_strdup_printf("line %u: the Iptables lens cannot parse '%s': %s",
                                                      s.first_line + at - 1, lt ? mc_strip(lt) : "",
                                                      msg ?: "parse error");
                } else
                        *ret_error = mc_strdup_printf("the Iptables lens cannot parse the rules: %s", msg ?: "parse error");
                free(s.rules);
                aug_rm(a, "/migcheck/ipt");
                aug_rm(a, "/augeas/text/migcheck/ipt");
                return -EBADMSG;
        }
        r = aug_to_xml(a, TREE "/table", &xml, 0);
        aug_rm(a, "/migcheck/ipt");
        if (r < 0 || !xml) {
                free(s.rules);
                *ret_error = mc_strdup("cannot read the parsed rules from augeas");
                return -EIO;
        }

        table = mc_ipt_table_new();
        for (xmlNode *t = xml->children; t; t = t->next) {
                if (t->type != XML_ELEMENT_NODE || xmlStrcmp(t->name, BAD_CAST "node") != 0)
                        continue;
                for (xmlNode *n = t->children; n; n = n->next) {
                        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "node") != 0)
                                continue;
                        _cleanup_free_ char *label = node_label(n), *value = node_value(n);

                        if (!value)
                                continue;
                        if (streq(label, "chain")) {
                                _cleanup_free_ char *policy = NULL;

                                for (xmlNode *c = n->children; c; c = c->next) {
                                        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "node") != 0)
                                                continue;
                                        _cleanup_free_ char *cl = node_label(c);
                                        if (streq(cl, "policy"))
                                                set_str(&policy, node_value(c));
                                }
                                json_object *chain = mc_ipt_table_chain(table, value,
                                                                        policy && !streq(policy, "-") ? policy : NULL);
                                /* A declaration after the chain was used still sets its policy. */
                                if (policy && !streq(policy, "-"))
                                        json_object_object_add(chain, "policy", json_object_new_string(policy));
                        } else if (streq(label, "append") || streq(label, "insert")) {
                                struct mc_ipt_rule rule = {};
                                const struct line *l = next_rule < s.n_rules ? &s.rules[next_rule++] : NULL;

                                rule_from_node(n, &rule);
                                if (l)
                                        rule.text = mc_assert_alloc(strndup(l->start, l->len));
                                json_object *chain = chain_for(table, value), *o = mc_ipt_rule_to_json(&rule, 0);
                                /* Where the rule is written: evidence for the persisted files. */
                                if (l)
                                        json_object_object_add(o, "line", json_object_new_int((int) l->number));
                                if (streq(label, "insert"))
                                        chain_insert_front(chain, o);
                                else
                                        json_object_array_add(mc_json_get(chain, "rules"), o);
                                mc_ipt_rule_done(&rule);
                        }
                }
        }
        xmlFreeNode(xml);
        free(s.rules);
        for (size_t i = 0; i < ELEMENTSOF(builtin_chains); i++)
                chain_for(table, builtin_chains[i]);
        renumber(table);
        *ret_filter = TAKE_PTR(table);
        return 0;
}
