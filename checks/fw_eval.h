/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the filter table does to a new TCP connection from a peer (the
 * INPUT chain) or to a peer (the OUTPUT chain): the chain walked the way
 * netfilter walks it (first matching rule wins, jumps into user chains,
 * RETURN and falling off a user chain go back to the caller, -g does not
 * come back, the policy decides at the end of the hook's chain), for a
 * whole range of destination ports at once.
 *
 * The packet is the first of the connection: conntrack state NEW, TCP
 * flags SYN, not a fragment, from the peer's address to this node's,
 * from one of the peer's ephemeral source ports (so that a rule matching
 * source ports, like multiport --ports, is evaluated per source port).
 *
 * A condition migcheck cannot decide (an unknown match such as -m limit,
 * -i when the ingress interface is not known, a name instead of an
 * address) makes the rule "maybe": both outcomes are followed, and the
 * verdict is uncertain, naming that rule, only when they differ.
 *
 * Pure: reads the facts' filter table (src/iptables_rule.h), no I/O. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The chain the kernel walks for the packet: INPUT on the destination of
 * a migration, OUTPUT on its source (the connection leaves there first). */
enum mc_fw_hook {
        MC_FW_HOOK_INPUT,
        MC_FW_HOOK_OUTPUT,
        _MC_FW_HOOK_MAX,
};

const char *mc_fw_hook_to_string(enum mc_fw_hook h);

enum mc_fw_verdict {
        MC_FW_ACCEPT,
        MC_FW_DROP,
        MC_FW_REJECT,
        MC_FW_UNCERTAIN,
        _MC_FW_VERDICT_MAX,
};

const char *mc_fw_verdict_to_string(enum mc_fw_verdict v);
/* ACCEPT, refused (DROP or REJECT), or uncertain. */
static inline bool mc_fw_refused(enum mc_fw_verdict v) {
        return v == MC_FW_DROP || v == MC_FW_REJECT;
}

/* A rule, or a chain's policy (num 0). Strings borrow from the facts. */
struct mc_fw_rule {
        const char *table;    /* the label given to mc_fw_table_load(): "legacy", "nft", "persisted" */
        const char *chain;
        unsigned num;         /* 1-based; 0: the policy */
        const char *text;     /* "-A INPUT -j REJECT ...", or "-P INPUT DROP" */
        const char *target;
        const char *reject_with;  /* REJECT: its type (icmp-port-unreachable when unknown) */
        int line;             /* where a persisted file has it; 0 when unknown */
};

struct mc_fw_table;

int mc_fw_table_load(json_object *filter, const char *label, struct mc_fw_table **ret, char **ret_error);
struct mc_fw_table *mc_fw_table_free(struct mc_fw_table *t);
static inline void mc_fw_table_freep(struct mc_fw_table **t) {
        mc_fw_table_free(*t);
}
size_t mc_fw_table_n_rules(const struct mc_fw_table *t);
/* The policy of INPUT as a rule-like record. */
const struct mc_fw_rule *mc_fw_table_policy(const struct mc_fw_table *t);
/* INPUT rule num (1-based), NULL when there is none. */
const struct mc_fw_rule *mc_fw_table_input_rule(const struct mc_fw_table *t, unsigned num);
/* The same for the hook's chain (INPUT, OUTPUT). */
const struct mc_fw_rule *mc_fw_table_hook_policy(const struct mc_fw_table *t, enum mc_fw_hook h);
const struct mc_fw_rule *mc_fw_table_hook_rule(const struct mc_fw_table *t, enum mc_fw_hook h, unsigned num);
/* No rule anywhere and every policy ACCEPT: the table lets everything in. */
bool mc_fw_table_open(const struct mc_fw_table *t);

/* Linux's default ip_local_port_range. */
#define MC_FW_SPORT_MIN 32768
#define MC_FW_SPORT_MAX 60999

/* INPUT (hook 0, the default): a connection from the peer (src) to this
 * node (dst) arriving on in. OUTPUT: from this node (src, the address its
 * route to the peer uses) to the peer (dst) leaving through out. */
struct mc_fw_query {
        enum mc_fw_hook hook;
        const char *src;   /* INPUT: the peer's IPv4 address, NULL: any; OUTPUT: this node's, NULL: unknown */
        const char *dst;   /* INPUT: this node's address, NULL: unknown; OUTPUT: the peer's */
        const char *in;    /* INPUT: the interface the peer's packets arrive on; NULL: unknown */
        const char *out;   /* OUTPUT: the interface of the route to the peer; NULL: unknown */
        uint16_t dport_lo, dport_hi;
        uint16_t sport_lo, sport_hi;  /* both 0: MC_FW_SPORT_MIN..MAX */
};

struct mc_fw_outcome {
        enum mc_fw_verdict verdict;
        const struct mc_fw_rule *rule;  /* deciding rule or policy; uncertain: the rule that could not be decided */
        const struct mc_fw_rule *via;   /* the hook chain's rule that led into the deciding rule's chain; NULL in it */
        unsigned before;                /* hook chain rule an ACCEPT must precede to win; 0: append (the policy decides) */
        const char *why;                /* uncertain: what could not be decided */
};

struct mc_fw_part {
        uint16_t slo, shi;  /* source ports */
        struct mc_fw_outcome o;
};

/* Destination ports lo..hi share the same outcome for each source port
 * range; usually one part covers every source port. */
struct mc_fw_span {
        uint16_t lo, hi;
        struct mc_fw_part *parts;
        size_t n_parts;
};

struct mc_fw_result {
        struct mc_fw_span *spans;
        size_t n_spans;
        bool truncated;  /* too many combinations: the rest is "uncertain" */
};

/* Evaluate q against every table: a packet must pass each (legacy and
 * nft both hook INPUT), so a refusal by either wins over an acceptance.
 * Spans cover dport_lo..dport_hi in order. */
int mc_fw_eval(const struct mc_fw_table *const *tables, size_t n_tables, const struct mc_fw_query *q,
               struct mc_fw_result *ret);
void mc_fw_result_done(struct mc_fw_result *r);

/* What the tables can tell of a source address: for each rule with -s, in
 * table order, whether the address matches ('1'), does not ('0') or cannot
 * be decided ('?'), after whether the address parses. Two sources with the
 * same signature get the same result from mc_fw_eval() for otherwise equal
 * queries, as the source address reaches the walk only through these
 * matches: the firewall checks evaluate each distinct signature once per
 * node instead of once per peer. */
char *mc_fw_src_signature(const struct mc_fw_table *const *tables, size_t n_tables, const char *src);
/* The same into buf; false (buf untouched) when it needs more than size bytes. */
bool mc_fw_src_signature_buf(const struct mc_fw_table *const *tables, size_t n_tables, const char *src, char *buf,
                             size_t size);
/* The same for the peer's address on either hook: the source in INPUT,
 * the destination (-d) in OUTPUT. */
char *mc_fw_peer_signature(const struct mc_fw_table *const *tables, size_t n_tables, enum mc_fw_hook h, const char *addr);
bool mc_fw_peer_signature_buf(const struct mc_fw_table *const *tables, size_t n_tables, enum mc_fw_hook h,
                              const char *addr, char *buf, size_t size);

/* The part that matters most: a refusal over uncertainty over acceptance,
 * the widest source-port range among equals. */
const struct mc_fw_part *mc_fw_span_worst(const struct mc_fw_span *s);
bool mc_fw_outcome_equal(const struct mc_fw_outcome *a, const struct mc_fw_outcome *b);

/* ACCEPT rules that name port but do not accept q's connection: they
 * come after the deciding rule, or accept other sources only. Used to
 * explain a refusal ("an ACCEPT exists, but ..."). */
struct mc_fw_missed_accept {
        const struct mc_fw_rule *rule;
        bool other_source;  /* its -s excludes q->src (OUTPUT: its -d excludes q->dst) */
        bool after;         /* in the deciding rule's chain, after it */
};
size_t mc_fw_missed_accepts(const struct mc_fw_table *t, const struct mc_fw_query *q, uint16_t port,
                            const struct mc_fw_outcome *decided, struct mc_fw_missed_accept *ret, size_t max);
/* The source addresses of a rule ("10.1.0.0/24", "! 10.1.0.0/24"), for messages. */
const char *mc_fw_rule_src(const struct mc_fw_rule *r, bool *ret_inv);
/* The peer's side of a rule: -s in INPUT, -d in OUTPUT. */
const char *mc_fw_rule_peer(const struct mc_fw_rule *r, enum mc_fw_hook h, bool *ret_inv);
