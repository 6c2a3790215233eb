/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "iptables_libiptc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <netdb.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "facts.h"
#include "iptables_rule.h"
#include "util.h"

/* The text grows as the rule is decoded, in iptables-save's order. */
struct text {
        char *s;
};

static void add(struct text *t, const char *fmt, ...) _printf_(2, 3);
static void add(struct text *t, const char *fmt, ...) {
        _cleanup_free_ char *piece = NULL;
        char *old = t->s;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&piece, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        t->s = mc_strdup_printf("%s%s", old ?: "", piece);
        free(old);
}

/* xtables_save_string(): bare when only [A-Za-z0-9_-], else quoted with
 * \ before " \ and '. */
static void add_string(struct text *t, const char *v) {
        static const char plain[] = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        size_t n = strspn(v, plain);

        if (n > 0 && v[n] == '\0') {
                add(t, " %s", v);
                return;
        }
        add(t, " \"");
        for (const char *p = v; *p; p++) {
                if (*p == '"' || *p == '\\' || *p == '\'')
                        add(t, "\\");
                add(t, "%c", *p);
        }
        add(t, "\"");
}

static char *addr_text(struct in_addr addr, struct in_addr mask) {
        uint32_t m = ntohl(mask.s_addr);
        char a[INET_ADDRSTRLEN], ms[INET_ADDRSTRLEN];
        int bits = 0;

        inet_ntop(AF_INET, &addr, a, sizeof(a));
        while (bits < 32 && (m & (0x80000000u >> bits)))
                bits++;
        if (bits == 32 || (m << bits) == 0)
                return mc_strdup_printf("%s/%d", a, bits);
        inet_ntop(AF_INET, &mask, ms, sizeof(ms));
        return mc_strdup_printf("%s/%s", a, ms);
}

/* libiptc keeps the name as given, "eth+" included (the mask then
 * stops before the +), which is what iptables-save prints. */
static char *iface_text(const char *name) {
        return mc_strdup_printf("%.*s", (int) strnlen(name, IFNAMSIZ), name);
}

static char *proto_name(uint16_t p) {
        static const struct {
                uint16_t num;
                const char *name;
        } names[] = {
                /* xtables_chain_protos: these names win over /etc/protocols */
                { 6, "tcp" }, { 17, "udp" }, { 136, "udplite" }, { 1, "icmp" }, { 58, "ipv6-icmp" },
                { 50, "esp" }, { 51, "ah" }, { 132, "sctp" }, { 135, "mh" },
        };
        struct protoent *pe;

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (names[i].num == p)
                        return mc_strdup(names[i].name);
        pe = getprotobynumber(p);
        if (pe)
                return mc_strdup(pe->p_name);
        return mc_strdup_printf("%u", p);
}

static void add_range(struct text *t, const char *opt, const uint16_t r[2], bool inv) {
        add(t, "%s --%s ", inv ? " !" : "", opt);
        if (r[0] == r[1])
                add(t, "%u", r[0]);
        else
                add(t, "%u:%u", r[0], r[1]);
}

static void port_range(struct mc_port_match *into, const uint16_t r[2], bool inv) {
        struct mc_port_match m = { .set = true, .inv = inv };

        mc_ports_add(&m.ports, r[0], r[1]);
        mc_port_match_and(into, &m);
}

static void tcp_match(const struct xt_tcp *tcp, struct mc_ipt_rule *r, struct text *t) {
        add(t, " -m tcp");
        if (tcp->spts[0] != 0 || tcp->spts[1] != 0xFFFF || (tcp->invflags & XT_TCP_INV_SRCPT)) {
                add_range(t, "sport", tcp->spts, tcp->invflags & XT_TCP_INV_SRCPT);
                port_range(&r->sports, tcp->spts, tcp->invflags & XT_TCP_INV_SRCPT);
        }
        if (tcp->dpts[0] != 0 || tcp->dpts[1] != 0xFFFF || (tcp->invflags & XT_TCP_INV_DSTPT)) {
                add_range(t, "dport", tcp->dpts, tcp->invflags & XT_TCP_INV_DSTPT);
                port_range(&r->dports, tcp->dpts, tcp->invflags & XT_TCP_INV_DSTPT);
        }
        if (tcp->option || (tcp->invflags & XT_TCP_INV_OPTION)) {
                add(t, "%s --tcp-option %u", (tcp->invflags & XT_TCP_INV_OPTION) ? " !" : "", tcp->option);
                mc_ipt_rule_add_unknown(r, "tcp --tcp-option");
        }
        if (tcp->flg_mask || (tcp->invflags & XT_TCP_INV_FLAGS)) {
                _cleanup_free_ char *mask = mc_tcp_flags_format(tcp->flg_mask), *cmp = mc_tcp_flags_format(tcp->flg_cmp);

                add(t, "%s --tcp-flags %s %s", (tcp->invflags & XT_TCP_INV_FLAGS) ? " !" : "", mask, cmp);
                r->flags_set = true;
                r->flags_inv = tcp->invflags & XT_TCP_INV_FLAGS;
                r->flags_mask = tcp->flg_mask;
                r->flags_cmp = tcp->flg_cmp;
        }
}

static void udp_match(const struct xt_udp *udp, struct mc_ipt_rule *r, struct text *t) {
        add(t, " -m udp");
        if (udp->spts[0] != 0 || udp->spts[1] != 0xFFFF || (udp->invflags & XT_UDP_INV_SRCPT)) {
                add_range(t, "sport", udp->spts, udp->invflags & XT_UDP_INV_SRCPT);
                port_range(&r->sports, udp->spts, udp->invflags & XT_UDP_INV_SRCPT);
        }
        if (udp->dpts[0] != 0 || udp->dpts[1] != 0xFFFF || (udp->invflags & XT_UDP_INV_DSTPT)) {
                add_range(t, "dport", udp->dpts, udp->invflags & XT_UDP_INV_DSTPT);
                port_range(&r->dports, udp->dpts, udp->invflags & XT_UDP_INV_DSTPT);
        }
}

static void multiport_match(const struct xt_entry_match *m, struct mc_ipt_rule *r, struct text *t) {
        struct mc_port_match pm = { .set = true };
        const char *opt;
        uint8_t flags, count;
        _cleanup_free_ char *list = NULL;

        if (m->u.user.revision == 0) {
                const struct xt_multiport *mp = (const void *) m->data;

                flags = mp->flags;
                count = mp->count > XT_MULTI_PORTS ? XT_MULTI_PORTS : mp->count;
                for (uint8_t i = 0; i < count; i++)
                        mc_ports_add(&pm.ports, mp->ports[i], mp->ports[i]);
        } else if (m->u.user.revision == 1) {
                const struct xt_multiport_v1 *mp = (const void *) m->data;

                flags = mp->flags;
                pm.inv = mp->invert;
                /* count counts slots: a range takes two, flagged in pflags. */
                count = mp->count > XT_MULTI_PORTS ? XT_MULTI_PORTS : mp->count;
                for (uint8_t i = 0; i < count; i++) {
                        if (mp->pflags[i] && i + 1 < count) {
                                mc_ports_add(&pm.ports, mp->ports[i], mp->ports[i + 1]);
                                i++;
                        } else
                                mc_ports_add(&pm.ports, mp->ports[i], mp->ports[i]);
                }
        } else {
                add(t, " -m multiport");
                mc_ipt_rule_add_unknown(r, "multiport");
                return;
        }
        /* Printed as written, not merged: iptables-save keeps the order. */
        {
                struct mc_ports raw = pm.ports;
                list = mc_ports_format(&raw, ':');
        }
        opt = flags == XT_MULTIPORT_SOURCE ? "sports" : flags == XT_MULTIPORT_DESTINATION ? "dports" : "ports";
        add(t, " -m multiport%s --%s %s", pm.inv ? " !" : "", opt, list);
        mc_ports_normalize(&pm.ports);
        mc_port_match_and(flags == XT_MULTIPORT_SOURCE ? &r->sports : flags == XT_MULTIPORT_DESTINATION ? &r->dports
                                                                                                       : &r->ports,
                          &pm);
}

/* XT_STATE_BIT / XT_CONNTRACK_STATE_* to MC_CT_*. */
static unsigned ct_bits(unsigned kernel, bool conntrack) {
        unsigned out = 0;

        if (kernel & XT_CONNTRACK_STATE_INVALID)
                out |= MC_CT_INVALID;
        if (kernel & XT_CONNTRACK_STATE_BIT(IP_CT_NEW))
                out |= MC_CT_NEW;
        if (kernel & XT_CONNTRACK_STATE_BIT(IP_CT_RELATED))
                out |= MC_CT_RELATED;
        if (kernel & XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED))
                out |= MC_CT_ESTABLISHED;
        if (conntrack) {
                if (kernel & XT_CONNTRACK_STATE_UNTRACKED)
                        out |= MC_CT_UNTRACKED;
                if (kernel & XT_CONNTRACK_STATE_SNAT)
                        out |= MC_CT_SNAT;
                if (kernel & XT_CONNTRACK_STATE_DNAT)
                        out |= MC_CT_DNAT;
        } else if (kernel & XT_STATE_UNTRACKED)
                out |= MC_CT_UNTRACKED;
        return out;
}

static void add_states(struct text *t, unsigned mc) {
        static const struct {
                unsigned bit;
                const char *name;
        } order[] = {
                { MC_CT_INVALID, "INVALID" }, { MC_CT_NEW, "NEW" }, { MC_CT_RELATED, "RELATED" },
                { MC_CT_ESTABLISHED, "ESTABLISHED" }, { MC_CT_UNTRACKED, "UNTRACKED" },
                { MC_CT_SNAT, "SNAT" }, { MC_CT_DNAT, "DNAT" },
        };
        bool first = true;

        add(t, " ");
        for (size_t i = 0; i < ELEMENTSOF(order); i++)
                if (mc & order[i].bit) {
                        add(t, "%s%s", first ? "" : ",", order[i].name);
                        first = false;
                }
}

static void set_ct(struct mc_ipt_rule *r, unsigned mask, bool inv) {
        if (r->ct_set) {
                /* Two state conditions: both hold (as in iptables_save.c). */
                unsigned all = MC_CT_INVALID | MC_CT_NEW | MC_CT_RELATED | MC_CT_ESTABLISHED | MC_CT_UNTRACKED |
                               MC_CT_SNAT | MC_CT_DNAT;
                unsigned a = r->ct_inv ? all & ~r->ct_mask : r->ct_mask, b = inv ? all & ~mask : mask;

                r->ct_inv = false;
                r->ct_mask = a & b;
                return;
        }
        r->ct_set = true;
        r->ct_inv = inv;
        r->ct_mask = mask;
}

static void conntrack_match(const struct xt_entry_match *m, struct mc_ipt_rule *r, struct text *t) {
        uint16_t flags, inv;
        unsigned states;

        switch (m->u.user.revision) {
        case 1: {
                const struct xt_conntrack_mtinfo1 *i = (const void *) m->data;
                flags = i->match_flags, inv = i->invert_flags, states = i->state_mask;
                break;
        }
        case 2: {
                const struct xt_conntrack_mtinfo2 *i = (const void *) m->data;
                flags = i->match_flags, inv = i->invert_flags, states = i->state_mask;
                break;
        }
        case 3: {
                const struct xt_conntrack_mtinfo3 *i = (const void *) m->data;
                flags = i->match_flags, inv = i->invert_flags, states = i->state_mask;
                break;
        }
        default:
                add(t, " -m conntrack");
                mc_ipt_rule_add_unknown(r, "conntrack");
                return;
        }
        /* iptables 1.8 stores -m state as conntrack with the alias flag. */
        if (flags & XT_CONNTRACK_STATE_ALIAS) {
                add(t, " -m state%s --state", (inv & XT_CONNTRACK_STATE) ? " !" : "");
                add_states(t, ct_bits(states, true));
                set_ct(r, ct_bits(states, true), inv & XT_CONNTRACK_STATE);
                return;
        }
        add(t, " -m conntrack");
        if (flags & XT_CONNTRACK_STATE) {
                add(t, "%s --ctstate", (inv & XT_CONNTRACK_STATE) ? " !" : "");
                add_states(t, ct_bits(states, true));
                set_ct(r, ct_bits(states, true), inv & XT_CONNTRACK_STATE);
        }
        if (flags & ~(XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS)) {
                add(t, " [other conntrack options]");
                mc_ipt_rule_add_unknown(r, "conntrack");
        }
}

static void state_match(const struct xt_entry_match *m, struct mc_ipt_rule *r, struct text *t) {
        const struct xt_state_info *s = (const void *) m->data;
        unsigned bits = ct_bits(s->statemask, false);

        add(t, " -m state --state");
        add_states(t, bits);
        set_ct(r, bits, false);
}

static void decode_match(const struct xt_entry_match *m, struct mc_ipt_rule *r, struct text *t) {
        const char *name = m->u.user.name;

        if (streq(name, "tcp"))
                tcp_match((const void *) m->data, r, t);
        else if (streq(name, "udp"))
                udp_match((const void *) m->data, r, t);
        else if (streq(name, "multiport"))
                multiport_match(m, r, t);
        else if (streq(name, "conntrack"))
                conntrack_match(m, r, t);
        else if (streq(name, "state") && m->u.user.revision == 0)
                state_match(m, r, t);
        else if (streq(name, "comment")) {
                const struct xt_comment_info *c = (const void *) m->data;
                _cleanup_free_ char *s = mc_assert_alloc(strndup(c->comment, XT_MAX_COMMENT_LEN));

                add(t, " -m comment --comment");
                add_string(t, s);
                free(r->comment);
                r->comment = TAKE_PTR(s);
        } else if (streq(name, "icmp") && m->u.match_size >= sizeof(*m) + sizeof(struct ipt_icmp)) {
                /* Only with -p icmp, which a TCP connection never matches:
                 * decoded for the text alone. */
                const struct ipt_icmp *ic = (const void *) m->data;

                add(t, " -m icmp%s", (ic->invflags & IPT_ICMP_INV) ? " !" : "");
                if (ic->type == 0xFF)
                        add(t, " --icmp-type any");
                else {
                        add(t, " --icmp-type %u", ic->type);
                        if (ic->code[0] != 0 || ic->code[1] != 0xFF)
                                add(t, "/%u", ic->code[0]);
                }
        } else {
                add(t, " -m %s", name);
                mc_ipt_rule_add_unknown(r, name);
        }
}

static const char *reject_name(unsigned with) {
        static const char *const names[] = {
                [IPT_ICMP_NET_UNREACHABLE] = "icmp-net-unreachable",
                [IPT_ICMP_HOST_UNREACHABLE] = "icmp-host-unreachable",
                [IPT_ICMP_PROT_UNREACHABLE] = "icmp-proto-unreachable",
                [IPT_ICMP_PORT_UNREACHABLE] = "icmp-port-unreachable",
                [IPT_ICMP_ECHOREPLY] = "icmp-echo-reply",
                [IPT_ICMP_NET_PROHIBITED] = "icmp-net-prohibited",
                [IPT_ICMP_HOST_PROHIBITED] = "icmp-host-prohibited",
                [IPT_TCP_RESET] = "tcp-reset",
                [IPT_ICMP_ADMIN_PROHIBITED] = "icmp-admin-prohibited",
        };

        return with < ELEMENTSOF(names) ? names[with] : "unknown";
}

static void decode_target(const struct ipt_entry *e, const char *target, struct mc_ipt_rule *r, struct text *t) {
        const struct xt_entry_target *xt = (const void *) ((const char *) e + e->target_offset);

        r->target = mc_strdup(target);
        if (!*target)
                return;
        r->is_goto = e->ip.flags & IPT_F_GOTO;
        add(t, " %s %s", r->is_goto ? "-g" : "-j", target);
        if (streq(target, "REJECT") && xt->u.target_size >= sizeof(*xt) + sizeof(struct ipt_reject_info)) {
                const struct ipt_reject_info *ri = (const void *) xt->data;

                r->reject_with = mc_strdup(reject_name(ri->with));
                add(t, " --reject-with %s", r->reject_with);
        } else if (streq(target, "LOG") && xt->u.target_size >= sizeof(*xt) + sizeof(struct xt_log_info)) {
                const struct xt_log_info *li = (const void *) xt->data;
                _cleanup_free_ char *prefix = mc_assert_alloc(strndup(li->prefix, sizeof(li->prefix)));

                if (*prefix) {
                        add(t, " --log-prefix");
                        add_string(t, prefix);
                }
                if (li->level != 4)
                        add(t, " --log-level %u", li->level);
                if (li->logflags & XT_LOG_TCPSEQ)
                        add(t, " --log-tcp-sequence");
                if (li->logflags & XT_LOG_TCPOPT)
                        add(t, " --log-tcp-options");
                if (li->logflags & XT_LOG_IPOPT)
                        add(t, " --log-ip-options");
                if (li->logflags & XT_LOG_UID)
                        add(t, " --log-uid");
                if (li->logflags & XT_LOG_MACDECODE)
                        add(t, " --log-macdecode");
        }
}

static void decode(const char *chain, const struct ipt_entry *e, struct xtc_handle *h, struct mc_ipt_rule *r) {
        struct text t = {};
        const struct ipt_ip *ip = &e->ip;

        add(&t, "-A %s", chain);
        if (ip->smsk.s_addr || ip->src.s_addr || (ip->invflags & IPT_INV_SRCIP)) {
                r->src = addr_text(ip->src, ip->smsk);
                r->src_inv = ip->invflags & IPT_INV_SRCIP;
                add(&t, "%s -s %s", r->src_inv ? " !" : "", r->src);
        }
        if (ip->dmsk.s_addr || ip->dst.s_addr || (ip->invflags & IPT_INV_DSTIP)) {
                r->dst = addr_text(ip->dst, ip->dmsk);
                r->dst_inv = ip->invflags & IPT_INV_DSTIP;
                add(&t, "%s -d %s", r->dst_inv ? " !" : "", r->dst);
        }
        if (ip->iniface[0]) {
                r->in = iface_text(ip->iniface);
                r->in_inv = ip->invflags & IPT_INV_VIA_IN;
                add(&t, "%s -i %s", r->in_inv ? " !" : "", r->in);
        }
        if (ip->outiface[0]) {
                r->out = iface_text(ip->outiface);
                r->out_inv = ip->invflags & IPT_INV_VIA_OUT;
                add(&t, "%s -o %s", r->out_inv ? " !" : "", r->out);
        }
        if (ip->proto || (ip->invflags & XT_INV_PROTO)) {
                r->proto = proto_name(ip->proto);
                r->proto_inv = ip->invflags & XT_INV_PROTO;
                add(&t, "%s -p %s", r->proto_inv ? " !" : "", r->proto);
        }
        if (ip->flags & IPT_F_FRAG) {
                r->frag = true;
                r->frag_inv = ip->invflags & IPT_INV_FRAG;
                add(&t, "%s -f", r->frag_inv ? " !" : "");
        }
        for (size_t off = sizeof(struct ipt_entry); off + sizeof(struct xt_entry_match) <= e->target_offset;) {
                const struct xt_entry_match *m = (const void *) ((const char *) e + off);

                if (m->u.match_size < sizeof(*m) || off + m->u.match_size > e->target_offset)
                        break;
                decode_match(m, r, &t);
                off += m->u.match_size;
        }
        decode_target(e, iptc_get_target(e, h) ?: "", r, &t);
        r->text = t.s;
}

int mc_ipt_read_legacy(json_object **ret_filter, char **ret_error) {
        _cleanup_json_ json_object *table = NULL;
        struct xtc_handle *h;

        h = iptc_init("filter");
        if (!h) {
                int e = errno ?: EIO;
                *ret_error = mc_strdup_printf("cannot read the legacy filter table: %s", iptc_strerror(e));
                return -e;
        }
        table = mc_ipt_table_new();
        for (const char *chain = iptc_first_chain(h); chain; chain = iptc_next_chain(h)) {
                struct xt_counters counters;
                const char *policy = iptc_builtin(chain, h) ? iptc_get_policy(chain, &counters, h) : NULL;
                json_object *rules = mc_json_get(mc_ipt_table_chain(table, chain, policy), "rules");
                int num = 0;

                for (const struct ipt_entry *e = iptc_first_rule(chain, h); e; e = iptc_next_rule(e, h)) {
                        struct mc_ipt_rule r = {};

                        decode(chain, e, h, &r);
                        json_object_array_add(rules, mc_ipt_rule_to_json(&r, ++num));
                        mc_ipt_rule_done(&r);
                }
        }
        iptc_free(h);
        *ret_filter = TAKE_PTR(table);
        return 0;
}

/* ---- inserting ---------------------------------------------------------- */

char *mc_ipt_accept_spec(const struct mc_ipt_accept *a) {
        struct text t = {};

        /* iptables-save's order: the address before the protocol. */
        if (a->dst)
                add(&t, "-d %s/32 ", a->dst);
        add(&t, "-p tcp -m tcp");
        add_range(&t, "dport", (const uint16_t[2]) { a->dport_lo, a->dport_hi }, false);
        add(&t, " -m comment --comment");
        add_string(&t, a->comment);
        add(&t, " -j ACCEPT");
        return t.s;
}

void mc_ipt_accept_order(const struct mc_ipt_accept *rules, size_t n, size_t *ret_order) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                if (rules[i].before == 0)
                        ret_order[k++] = i;
        /* A selection sort is plenty: a plan holds a handful of rules. */
        for (size_t done = k; done < n;) {
                size_t pick = SIZE_MAX;

                for (size_t i = 0; i < n; i++) {
                        bool taken = false;

                        if (rules[i].before == 0)
                                continue;
                        for (size_t j = 0; j < done; j++)
                                if (ret_order[j] == i)
                                        taken = true;
                        /* The highest position; among equals the later in the plan. */
                        if (!taken && (pick == SIZE_MAX || rules[i].before >= rules[pick].before))
                                pick = i;
                }
                ret_order[done++] = pick;
        }
}

static bool legacy_filter_exists(void) {
        _cleanup_free_ char *names = NULL;

        if (mc_read_file("/proc/net/ip_tables_names", 64 * 1024, &names, NULL) < 0)
                return false;
        for (char *save = NULL, *l = strtok_r(names, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (streq(mc_strip(l), "filter"))
                        return true;
        return false;
}

/* The entry iptables builds for "-p tcp --dport LO:HI -m comment
 * --comment C -j ACCEPT": the ip header part, the tcp match, the comment
 * match, and the standard target, each aligned as the kernel wants. */
static struct ipt_entry *accept_entry(const struct mc_ipt_accept *a) {
        size_t tcp_size = XT_ALIGN(sizeof(struct xt_entry_match) + sizeof(struct xt_tcp));
        size_t comment_size = XT_ALIGN(sizeof(struct xt_entry_match) + sizeof(struct xt_comment_info));
        size_t target_size = XT_ALIGN(sizeof(struct xt_standard_target));
        size_t head = XT_ALIGN(sizeof(struct ipt_entry));
        struct ipt_entry *e = mc_assert_alloc(calloc(1, head + tcp_size + comment_size + target_size));
        struct xt_entry_match *m;
        struct xt_tcp *tcp;
        struct xt_comment_info *ci;
        struct xt_standard_target *t;

        e->ip.proto = IPPROTO_TCP;  /* the tcp match requires it */
        if (a->dst && inet_pton(AF_INET, a->dst, &e->ip.dst) == 1)
                e->ip.dmsk.s_addr = 0xffffffffu;
        e->target_offset = (uint16_t) (head + tcp_size + comment_size);
        e->next_offset = (uint16_t) (head + tcp_size + comment_size + target_size);

        m = (struct xt_entry_match *) ((char *) e + head);
        m->u.user.match_size = (uint16_t) tcp_size;
        snprintf(m->u.user.name, sizeof(m->u.user.name), "tcp");
        tcp = (struct xt_tcp *) m->data;
        tcp->spts[0] = 0;
        tcp->spts[1] = 0xFFFF;
        tcp->dpts[0] = a->dport_lo;
        tcp->dpts[1] = a->dport_hi;

        m = (struct xt_entry_match *) ((char *) e + head + tcp_size);
        m->u.user.match_size = (uint16_t) comment_size;
        snprintf(m->u.user.name, sizeof(m->u.user.name), "comment");
        ci = (struct xt_comment_info *) m->data;
        snprintf(ci->comment, sizeof(ci->comment), "%s", a->comment);

        /* Named "ACCEPT", not "": libiptc maps the name to the verdict
         * (an empty name would be a fall-through rule). */
        t = (struct xt_standard_target *) ((char *) e + e->target_offset);
        t->target.u.user.target_size = (uint16_t) target_size;
        snprintf(t->target.u.user.name, sizeof(t->target.u.user.name), "%s", IPTC_LABEL_ACCEPT);
        t->verdict = -NF_ACCEPT - 1;
        return e;
}

static unsigned chain_rules(const char *chain, struct xtc_handle *h) {
        unsigned n = 0;

        for (const struct ipt_entry *e = iptc_first_rule(chain, h); e; e = iptc_next_rule(e, h))
                n++;
        return n;
}

/* iptables' own lock (xtables.c, XT_LOCK_NAME): libiptc reads the whole
 * table and commits the whole table back, so an iptables command that
 * ran in between would be undone. Waits up to 10 s, as iptables -w 10. */
static int xtables_lock(char **ret_error) {
        int fd = open("/run/xtables.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0600), r;

        if (fd < 0) {
                *ret_error = mc_strdup_printf("cannot open /run/xtables.lock: %s", strerror(errno));
                return -errno;
        }
        r = mc_flock_wait(fd, 10000);
        if (r >= 0)
                return fd;
        close(fd);
        *ret_error = r == -EBUSY ? mc_strdup("another iptables holds /run/xtables.lock")
                                 : mc_strdup_printf("cannot lock /run/xtables.lock: %s", strerror(-r));
        return r;
}

int mc_ipt_insert_legacy(const struct mc_ipt_accept *rules, size_t n, char **ret_error) {
        _cleanup_free_ size_t *order = NULL;
        _cleanup_close_ int lock = -1;
        struct xtc_handle *h;
        int r = 0;

        if (n == 0)
                return 0;
        lock = xtables_lock(ret_error);
        if (lock < 0)
                return lock;
        if (!legacy_filter_exists()) {
                /* iptc_init() would create the table: never do that. */
                *ret_error = mc_strdup("the kernel has no legacy filter table (/proc/net/ip_tables_names): "
                                       "migcheck does not create one");
                return -ENOENT;
        }
        h = iptc_init("filter");
        if (!h) {
                int e = errno ?: EIO;
                *ret_error = mc_strdup_printf("cannot open the legacy filter table: %s", iptc_strerror(e));
                return -e;
        }
        /* The positions were counted on the rules as collected. */
        for (size_t i = 0; i < n; i++) {
                xt_chainlabel chain;
                unsigned now;

                snprintf(chain, sizeof(chain), "%s", rules[i].chain);
                if (!iptc_is_chain(chain, h)) {
                        *ret_error = mc_strdup_printf("the legacy filter table has no chain '%s'", chain);
                        r = -ENOENT;
                        goto out;
                }
                now = chain_rules(chain, h);
                if (now != rules[i].n_rules) {
                        *ret_error = mc_strdup_printf("the legacy %s chain changed since it was read (%u rules, now %u): "
                                                      "nothing was inserted; run the fix again",
                                                      chain, rules[i].n_rules, now);
                        r = -ESTALE;
                        goto out;
                }
        }
        order = mc_assert_alloc(calloc(n, sizeof(*order)));
        mc_ipt_accept_order(rules, n, order);
        for (size_t k = 0; k < n; k++) {
                const struct mc_ipt_accept *a = &rules[order[k]];
                _cleanup_free_ struct ipt_entry *e = accept_entry(a);
                xt_chainlabel chain;
                int ok;

                snprintf(chain, sizeof(chain), "%s", a->chain);
                ok = a->before == 0 ? iptc_append_entry(chain, e, h) : iptc_insert_entry(chain, e, a->before - 1, h);
                if (!ok) {
                        int err = errno ?: EINVAL;
                        _cleanup_free_ char *spec = mc_ipt_accept_spec(a);

                        *ret_error = mc_strdup_printf("cannot insert '%s' into %s: %s", spec, chain, iptc_strerror(err));
                        r = -err;
                        goto out;
                }
        }
        if (!iptc_commit(h)) {
                int err = errno ?: EIO;
                *ret_error = mc_strdup_printf("cannot commit the legacy filter table: %s", iptc_strerror(err));
                r = -err;
        }
out:
        iptc_free(h);
        return r;
}
