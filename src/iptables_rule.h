/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One rule of the filter table as the facts record it, whichever way it
 * was read (libiptc for legacy tables, iptables-save text through the
 * Iptables lens for nft tables and the persisted files), so that the
 * evaluator sees one shape. See docs/facts.md "firewall".
 *
 * Port sets are sorted, merged lists of inclusive ranges; the set helpers
 * are shared with the evaluator (checks/fw_eval.c). */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* multiport takes at most 15 ports; a set built by intersecting several
 * matches or by a complement has at most a few more. */
#define MC_PORTS_MAX 64

struct mc_port_range {
        uint16_t lo, hi;
};

struct mc_ports {
        size_t n;
        struct mc_port_range r[MC_PORTS_MAX];
};

/* "16509,49152:49215" (multiport), "22", "1024:" or ":1023" (tcp/udp);
 * service names are resolved through getservbyname(). -EINVAL when not
 * a port list. The result is sorted and merged. */
int mc_ports_parse(const char *s, struct mc_ports *ret);
void mc_ports_add(struct mc_ports *p, uint16_t lo, uint16_t hi);
void mc_ports_normalize(struct mc_ports *p);
void mc_ports_complement(const struct mc_ports *p, struct mc_ports *ret);
void mc_ports_intersect(const struct mc_ports *a, const struct mc_ports *b, struct mc_ports *ret);
bool mc_ports_contains(const struct mc_ports *p, uint16_t port);
/* "16509,49152:49215", as iptables-save prints a multiport list. */
char *mc_ports_format(const struct mc_ports *p, char range_sep);

/* One port condition as written: the ranges and whether "!" inverts it. */
struct mc_port_match {
        bool set;
        bool inv;
        struct mc_ports ports;
};

/* A second condition on the same field (-m tcp --dport 22 -m multiport
 * --dports 22,80): both must hold, so the recorded set becomes the
 * intersection, with the inversions applied. */
void mc_port_match_and(struct mc_port_match *into, const struct mc_port_match *other);

/* Connection tracking states, as the conntrack match's bits name them. */
enum {
        MC_CT_INVALID = 1u << 0,
        MC_CT_NEW = 1u << 1,
        MC_CT_RELATED = 1u << 2,
        MC_CT_ESTABLISHED = 1u << 3,
        MC_CT_UNTRACKED = 1u << 4,
        MC_CT_SNAT = 1u << 5,
        MC_CT_DNAT = 1u << 6,
};

/* "NEW,ESTABLISHED" -> bits; -EINVAL on an unknown state. */
int mc_ct_parse(const char *s, unsigned *ret);

/* TCP flag bits in the kernel's order. */
enum {
        MC_TCP_FIN = 0x01,
        MC_TCP_SYN = 0x02,
        MC_TCP_RST = 0x04,
        MC_TCP_PSH = 0x08,
        MC_TCP_ACK = 0x10,
        MC_TCP_URG = 0x20,
        MC_TCP_ALL = 0x3f,
};
int mc_tcp_flags_parse(const char *s, uint8_t *ret);
char *mc_tcp_flags_format(uint8_t flags);

struct mc_ipt_rule {
        char *proto;       /* NULL: any ("all") */
        bool proto_inv;
        char *src, *dst;   /* "10.0.0.0/24"; NULL: any */
        bool src_inv, dst_inv;
        char *in;          /* "eth0", "eth+"; NULL: any */
        bool in_inv;
        char *out;         /* -o, the same way (OUTPUT, FORWARD) */
        bool out_inv;
        bool frag, frag_inv;  /* -f: non-first fragments only */
        struct mc_port_match dports, sports, ports;  /* ports: multiport --ports, either side */
        bool ct_set, ct_inv;
        unsigned ct_mask;  /* MC_CT_* */
        bool flags_set, flags_inv;
        uint8_t flags_mask, flags_cmp;
        char *target;      /* "ACCEPT", "REJECT", a chain, "" for none */
        bool is_goto;
        char *reject_with;
        char *comment;
        char **unknown;    /* matches migcheck does not evaluate, NULL-terminated */
        char *text;        /* as iptables-save prints it */
};

void mc_ipt_rule_done(struct mc_ipt_rule *r);
void mc_ipt_rule_add_unknown(struct mc_ipt_rule *r, const char *what);
json_object *mc_ipt_rule_to_json(const struct mc_ipt_rule *r, int num);

/* The filter table in the facts: {"chains": {NAME: {"policy", "rules"}}}. */
json_object *mc_ipt_table_new(void);
/* The chain's object, created with policy (NULL: a user chain) when new. */
json_object *mc_ipt_table_chain(json_object *table, const char *name, const char *policy);
/* Rules and non-ACCEPT policies: whether the table decides anything. */
size_t mc_ipt_table_rules(json_object *table);
bool mc_ipt_table_restrictive(json_object *table);
