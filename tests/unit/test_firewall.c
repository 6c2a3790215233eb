/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The firewall: the evaluator (checks/fw_eval.c) and the four checks, from
 * facts. A node's live rules are written as iptables-save prints them and
 * turned into facts by the collector's own parser (src/iptables_save.c,
 * the real Iptables lens), so each test reads like the firewall it
 * stands for; a few facts are raw JSON, to pin the facts contract. The
 * saved files are collected from --root trees by the real collector. */
#include <string.h>
#include <time.h>

#include "confparse.h"
#include "firewall.h"
#include "fw_eval.h"
#include "iptables_rule.h"
#include "iptables_save.h"
#include "mc_test.h"
#include "util.h"

#define SRC "10.99.0.1"
#define DST "10.99.0.2"

#define HEAD \
        "*filter\n" \
        ":INPUT ACCEPT [0:0]\n" \
        ":FORWARD ACCEPT [0:0]\n" \
        ":OUTPUT ACCEPT [0:0]\n"

/* The seed: RHEL 6's default rules with the two lines every guide adds. */
#define SEED_TOP \
        HEAD \
        "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n" \
        "-A INPUT -p icmp -j ACCEPT\n" \
        "-A INPUT -i lo -j ACCEPT\n"
#define SEED_LIBVIRT "-A INPUT -p tcp -m multiport --ports 16509 -j ACCEPT\n"
#define SEED_MIGRATION "-A INPUT -p tcp -m multiport --ports 49152:49216 -j ACCEPT\n"
#define SEED_REJECT "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
#define SEED SEED_TOP SEED_LIBVIRT SEED_MIGRATION SEED_REJECT "COMMIT\n"

struct t {
        struct mc_cluster c;
        struct mc_results rs;
        char *root;
};

static int setup(void **state) {
        *state = calloc(1, sizeof(struct t));
        return 0;
}

static int teardown(void **state) {
        struct t *t = *state;

        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        if (t->root)
                tree_free(t->root);
        free(t);
        return 0;
}

/* A live node whose filter table is rules (NULL: none), and extra members
 * of "firewall" as JSON (NULL: none). */
static struct mc_node *node_live(struct mc_cluster *c, const char *name, const char *addr, const char *rules,
                                 const char *fw_extra) {
        json_object *facts = json_object_new_object(), *coll = json_object_new_object(), *fw;
        struct mc_node *n;

        json_object_object_add(facts, "schema_version", json_object_new_int(1));
        json_object_object_add(coll, "live", json_object_new_boolean(true));
        json_object_object_add(facts, "collection", coll);
        if (fw_extra) {
                fw = json_tokener_parse(fw_extra);
                assert_non_null(fw);
        } else
                fw = json_object_new_object();
        if (!mc_json_get(fw, "backend"))
                json_object_object_add(fw, "backend", json_object_new_string(rules ? "legacy" : "none"));
        if (!mc_json_get(fw, "source"))
                json_object_object_add(fw, "source", json_object_new_string("libiptc"));
        if (!mc_json_get(fw, "filter"))
                json_object_object_add(fw, "filter", rules ? parse_rules(rules) : mc_ipt_table_new());
        if (!mc_json_get(fw, "persisted")) {
                json_object *p = json_object_new_object();
                json_object_object_add(p, "path", json_object_new_string("/etc/sysconfig/iptables"));
                json_object_object_add(p, "state", json_object_new_string("absent"));
                json_object_object_add(fw, "persisted", p);
        }
        json_object_object_add(facts, "firewall", fw);
        n = mc_cluster_add(c, name);
        n->address = addr ? mc_strdup(addr) : NULL;
        n->facts = facts;
        return n;
}

/* The source (no rules) and the destination with rules; rows of check_id for dst. */
static const struct mc_result *run_pair(struct t *t, const char *check_id, const char *rules, const char *fw_extra) {
        node_live(&t->c, "src", SRC, NULL, NULL);
        node_live(&t->c, "dst", DST, rules, fw_extra);
        run_cluster_check(&t->c, check_id, &t->rs);
        return row_of(&t->rs, "dst");
}

static void assert_has(const char *text, const char *part) {
        if (!text || !strstr(text, part))
                fail_msg("'%s' not in '%s'", part, text ?: "(null)");
}

static void assert_not_has(const char *text, const char *part) {
        if (text && strstr(text, part))
                fail_msg("'%s' unexpectedly in '%s'", part, text);
}

/* ---- the evaluator, directly ------------------------------------------- */

struct eval {
        struct mc_fw_table *t;
        struct mc_fw_result res;
        json_object *filter;
};

static void eval_rules(struct eval *e, const char *rules, const char *src, const char *in, uint16_t lo, uint16_t hi) {
        _cleanup_free_ char *err = NULL;
        const struct mc_fw_query q = { .src = src, .dst = DST, .in = in, .dport_lo = lo, .dport_hi = hi };

        e->filter = parse_rules(rules);
        if (mc_fw_table_load(e->filter, "legacy", &e->t, &err) < 0)
                fail_msg("load: %s", err);
        assert_int_equal(mc_fw_eval((const struct mc_fw_table *const *) &e->t, 1, &q, &e->res), 0);
}

static void eval_done(struct eval *e) {
        mc_fw_result_done(&e->res);
        mc_fw_table_free(e->t);
        json_object_put(e->filter);
}

/* The one outcome of a single-port, source-port-independent evaluation. */
static const struct mc_fw_outcome *only(const struct eval *e) {
        assert_int_equal(e->res.n_spans, 1);
        assert_int_equal(e->res.spans[0].n_parts, 1);
        return &e->res.spans[0].parts[0].o;
}

static void test_eval_seed(void **state) {
        struct eval e = {};

        eval_rules(&e, SEED, SRC, NULL, 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        assert_int_equal(only(&e)->rule->num, 4);
        eval_done(&e);

        /* The range is one walk, one span, decided by rule 5. */
        eval_rules(&e, SEED, SRC, NULL, 49152, 49215);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        assert_int_equal(only(&e)->rule->num, 5);
        assert_int_equal(e.res.spans[0].lo, 49152);
        assert_int_equal(e.res.spans[0].hi, 49215);
        eval_done(&e);
}

/* multiport --ports matches either side: 16514 is accepted from the source
 * ports 49152-49216 only. */
static void test_eval_ports_either_side(void **state) {
        struct eval e = {};
        const struct mc_fw_span *s;

        eval_rules(&e, SEED, SRC, NULL, 16514, 16514);
        assert_int_equal(e.res.n_spans, 1);
        s = &e.res.spans[0];
        assert_int_equal(s->n_parts, 3);
        assert_int_equal(s->parts[0].o.verdict, MC_FW_REJECT);
        assert_int_equal(s->parts[0].slo, MC_FW_SPORT_MIN);
        assert_int_equal(s->parts[0].shi, 49151);
        assert_int_equal(s->parts[1].o.verdict, MC_FW_ACCEPT);
        assert_int_equal(s->parts[1].slo, 49152);
        assert_int_equal(s->parts[1].shi, 49216);
        assert_int_equal(s->parts[1].o.rule->num, 5);
        assert_int_equal(s->parts[2].o.verdict, MC_FW_REJECT);
        assert_int_equal(mc_fw_span_worst(s)->o.verdict, MC_FW_REJECT);
        eval_done(&e);
}

static void test_eval_partial_range(void **state) {
        struct eval e = {};

        eval_rules(&e,
                   HEAD "-A INPUT -p tcp -m multiport --dports 49152:49200,49210 -j ACCEPT\n"
                        "-A INPUT -p tcp -m tcp --dport 49205 -j DROP\n"
                        "-A INPUT -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n",
                   SRC, NULL, 49152, 49215);
        assert_int_equal(e.res.n_spans, 6);
        assert_int_equal(e.res.spans[0].lo, 49152);
        assert_int_equal(e.res.spans[0].hi, 49200);
        assert_int_equal(e.res.spans[0].parts[0].o.verdict, MC_FW_ACCEPT);
        assert_int_equal(e.res.spans[1].lo, 49201);
        assert_int_equal(e.res.spans[1].hi, 49204);
        assert_int_equal(e.res.spans[1].parts[0].o.verdict, MC_FW_REJECT);
        assert_int_equal(e.res.spans[1].parts[0].o.rule->num, 3);
        assert_int_equal(e.res.spans[2].lo, 49205);
        assert_int_equal(e.res.spans[2].hi, 49205);
        assert_int_equal(e.res.spans[2].parts[0].o.verdict, MC_FW_DROP);
        /* 49206-49209 and 49211-49215 are refused by the same rule but
         * are not neighbours: 49210 is accepted between them. */
        assert_int_equal(e.res.spans[3].lo, 49206);
        assert_int_equal(e.res.spans[3].hi, 49209);
        assert_int_equal(e.res.spans[3].parts[0].o.rule->num, 3);
        assert_int_equal(e.res.spans[4].lo, 49210);
        assert_int_equal(e.res.spans[4].hi, 49210);
        assert_int_equal(e.res.spans[4].parts[0].o.verdict, MC_FW_ACCEPT);
        assert_int_equal(e.res.spans[5].lo, 49211);
        assert_int_equal(e.res.spans[5].hi, 49215);
        eval_done(&e);
}

static void test_eval_user_chain_return_goto(void **state) {
        struct eval e = {};
        const char *rules =
                HEAD ":MIGRATION - [0:0]\n"
                     ":GONE - [0:0]\n"
                     "-A INPUT -p tcp -j MIGRATION\n"
                     "-A INPUT -p tcp -m tcp --dport 22 -g GONE\n"
                     "-A INPUT -j DROP\n"
                     "-A MIGRATION ! -s 10.99.0.0/24 -j RETURN\n"
                     "-A MIGRATION -p tcp -m tcp --dport 16509 -j ACCEPT\n"
                     "-A GONE -p tcp -m tcp --sport 1:1023 -j ACCEPT\n"
                     "COMMIT\n";

        /* A peer inside 10.99.0.0/24: accepted in the user chain. */
        eval_rules(&e, rules, SRC, NULL, 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        assert_string_equal(only(&e)->rule->chain, "MIGRATION");
        assert_int_equal(only(&e)->rule->num, 2);
        assert_non_null(only(&e)->via);
        assert_int_equal(only(&e)->via->num, 1);
        assert_int_equal(only(&e)->before, 1);
        eval_done(&e);

        /* Outside: RETURN, then INPUT rule 3 drops. */
        eval_rules(&e, rules, "10.1.0.1", NULL, 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_DROP);
        assert_string_equal(only(&e)->rule->chain, "INPUT");
        assert_int_equal(only(&e)->rule->num, 3);
        eval_done(&e);

        /* -g: falling off GONE ends at INPUT's policy (ACCEPT), never at rule 3. */
        eval_rules(&e, rules, "10.1.0.1", NULL, 22, 22);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        assert_int_equal(only(&e)->rule->num, 0);
        assert_string_equal(only(&e)->rule->text, "-P INPUT ACCEPT");
        eval_done(&e);
}

static void test_eval_conntrack_and_flags(void **state) {
        struct eval e = {};

        /* ESTABLISHED/RELATED-only rules never match the first packet. */
        eval_rules(&e,
                   HEAD "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                        "-A INPUT -p tcp -m tcp ! --syn -j ACCEPT\n"
                        "-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 16509 -j ACCEPT\n"
                        "-A INPUT -m state ! --state NEW -j ACCEPT\n"
                        "-A INPUT -j DROP\nCOMMIT\n",
                   SRC, NULL, 16509, 16510);
        assert_int_equal(e.res.n_spans, 2);
        assert_int_equal(e.res.spans[0].parts[0].o.verdict, MC_FW_ACCEPT);
        assert_int_equal(e.res.spans[0].parts[0].o.rule->num, 3);
        assert_int_equal(e.res.spans[1].parts[0].o.verdict, MC_FW_DROP);
        assert_int_equal(e.res.spans[1].parts[0].o.rule->num, 5);
        eval_done(&e);
}

static void test_eval_uncertain(void **state) {
        struct eval e = {};

        /* An unknown match decides nothing when both ways agree... */
        eval_rules(&e, HEAD "-A INPUT -m limit --limit 5/min -j LOG\n-A INPUT -m recent --rcheck -j ACCEPT\nCOMMIT\n", SRC,
                   NULL, 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        eval_done(&e);
        /* ...and is named where it would decide. */
        eval_rules(&e,
                   HEAD "-A INPUT -p tcp -m tcp --dport 16509 -m limit --limit 5/min -j ACCEPT\n" SEED_REJECT "COMMIT\n",
                   SRC, NULL, 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_UNCERTAIN);
        assert_int_equal(only(&e)->rule->num, 1);
        assert_has(only(&e)->why, "-m limit");
        eval_done(&e);
        /* -i: uncertain without the ingress interface, decided with it; lo never matches a peer. */
        eval_rules(&e, HEAD "-A INPUT -i eth1 -j DROP\n-A INPUT -i lo -j DROP\nCOMMIT\n", SRC, NULL, 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_UNCERTAIN);
        assert_has(only(&e)->why, "-i eth1");
        eval_done(&e);
        eval_rules(&e, HEAD "-A INPUT -i eth1 -j DROP\n-A INPUT -i lo -j DROP\nCOMMIT\n", SRC, "eth0", 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        eval_done(&e);
        eval_rules(&e, HEAD "-A INPUT -i eth+ -j DROP\nCOMMIT\n", SRC, "eth0", 16509, 16509);
        assert_int_equal(only(&e)->verdict, MC_FW_DROP);
        eval_done(&e);
        /* An uncertain jump: followed both ways, agreeing (firewalld's zone dispatch). */
        eval_rules(&e,
                   HEAD ":IN_public - [0:0]\n-A INPUT -i eth0 -g IN_public\n-A INPUT -g IN_public\n"
                        "-A IN_public -p tcp -m tcp --dport 16509 -j ACCEPT\n-A IN_public -j REJECT\nCOMMIT\n",
                   SRC, NULL, 16509, 16510);
        assert_int_equal(e.res.n_spans, 2);
        assert_int_equal(e.res.spans[0].parts[0].o.verdict, MC_FW_ACCEPT);
        assert_int_equal(e.res.spans[1].parts[0].o.verdict, MC_FW_REJECT);
        eval_done(&e);
}

/* No source (a node alone): -s rules are uncertain only where they decide. */
static void test_eval_any_source(void **state) {
        struct eval e = {};

        eval_rules(&e, HEAD "-A INPUT -s 10.1.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n" SEED_REJECT "COMMIT\n", NULL,
                   NULL, 16509, 16510);
        assert_int_equal(e.res.spans[0].parts[0].o.verdict, MC_FW_UNCERTAIN);
        assert_has(e.res.spans[0].parts[0].o.why, "depends on the source address");
        assert_int_equal(e.res.spans[1].parts[0].o.verdict, MC_FW_REJECT);
        eval_done(&e);
}

/* Both backends hook INPUT: one refusal wins. */
static void test_eval_two_tables(void **state) {
        _cleanup_json_ json_object *f1 = parse_rules(HEAD "-A INPUT -j ACCEPT\nCOMMIT\n");
        _cleanup_json_ json_object *f2 = parse_rules(HEAD "-A INPUT -p tcp -m tcp --dport 49160:49170 -j DROP\nCOMMIT\n");
        struct mc_fw_table *t[2] = {};
        _cleanup_free_ char *err = NULL;
        struct mc_fw_result res = {};
        const struct mc_fw_query q = { .src = SRC, .dst = DST, .dport_lo = 49152, .dport_hi = 49215 };

        assert_int_equal(mc_fw_table_load(f1, "legacy", &t[0], &err), 0);
        assert_int_equal(mc_fw_table_load(f2, "nft", &t[1], &err), 0);
        assert_int_equal(mc_fw_eval((const struct mc_fw_table *const *) t, 2, &q, &res), 0);
        assert_int_equal(res.n_spans, 3);
        assert_int_equal(res.spans[1].lo, 49160);
        assert_int_equal(res.spans[1].parts[0].o.verdict, MC_FW_DROP);
        assert_string_equal(res.spans[1].parts[0].o.rule->table, "nft");
        assert_int_equal(res.spans[2].parts[0].o.verdict, MC_FW_ACCEPT);
        mc_fw_result_done(&res);
        mc_fw_table_free(t[0]);
        mc_fw_table_free(t[1]);
}

/* 5,000 rules that each name another port, then the range: the walk
 * splits the range once per rule that cuts it and stays fast. */
static void test_eval_big_chain(void **state) {
        size_t cap = 5100 * 96, n = 0;
        char *rules = mc_assert_alloc(malloc(cap));
        struct eval e = {};
        struct timespec a, b;
        double ms;

        n += (size_t) snprintf(rules + n, cap - n, "%s", HEAD);
        for (unsigned i = 0; i < 5000; i++)
                n += (size_t) snprintf(rules + n, cap - n, "-A INPUT -s 10.%u.%u.0/24 -p tcp -m tcp --dport %u -j ACCEPT\n",
                                       i / 256, i % 256, 20000 + i * 7);
        n += (size_t) snprintf(rules + n, cap - n, "-A INPUT -p tcp -m multiport --dports 49152:49180 -j ACCEPT\n" SEED_REJECT
                               "COMMIT\n");
        clock_gettime(CLOCK_MONOTONIC, &a);
        eval_rules(&e, rules, SRC, NULL, 49152, 49215);
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms = (double) (b.tv_sec - a.tv_sec) * 1e3 + (double) (b.tv_nsec - a.tv_nsec) / 1e6;
        /* Mostly the Iptables lens; bench/firewall-eval times the evaluation alone. */
        print_message("parse (Iptables lens) + load + eval of 5002 rules x 64 ports: %.1f ms\n", ms);
        assert_int_equal(e.res.n_spans, 2);
        assert_int_equal(e.res.spans[0].hi, 49180);
        assert_int_equal(e.res.spans[0].parts[0].o.rule->num, 5001);
        assert_int_equal(e.res.spans[1].parts[0].o.rule->num, 5002);
        eval_done(&e);
        free(rules);
}

/* Facts that are not what a collector writes: nothing crashes. */
static void test_eval_hostile_facts(void **state) {
        static const char *const docs[] = {
                "{\"chains\": {\"INPUT\": {\"policy\": 7, \"rules\": [{\"num\": \"x\", \"dports\": [[70000, 1], \"a\"], "
                "\"src\": \"999.1.1.1/99\", \"target\": \"NOWHERE\", \"ctstate\": [1]}, 5]}}}",
                "{\"chains\": {\"X\": {\"rules\": [{\"target\": \"X\"}]}, \"INPUT\": {\"rules\": [{\"target\": \"X\"}]}}}",
                "{\"chains\": {}}",
        };

        for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
                json_object *f = json_tokener_parse(docs[i]);
                struct mc_fw_table *t = NULL;
                _cleanup_free_ char *err = NULL;
                struct mc_fw_result res = {};
                const struct mc_fw_query q = { .src = SRC, .dst = DST, .dport_lo = 1, .dport_hi = 65535 };

                assert_non_null(f);
                assert_int_equal(mc_fw_table_load(f, "x", &t, &err), 0);
                assert_int_equal(mc_fw_eval((const struct mc_fw_table *const *) &t, 1, &q, &res), 0);
                assert_true(res.n_spans >= 1);
                mc_fw_result_done(&res);
                mc_fw_table_free(t);
                json_object_put(f);
        }
}

/* ---- firewall-libvirt-port / firewall-migration-ports ------------------ */

static void test_seed_passes(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port", SEED, NULL);

        assert_row(r, MC_PASS, "16509/tcp from src (10.99.0.1): accepted by INPUT rule 4 "
                               "(-A INPUT -p tcp -m multiport --ports 16509 -j ACCEPT)");
        assert_evidence(r, "libiptc", 0, "16509/tcp from src (10.99.0.1): accepted");
        assert_not_has(r->summary, "source ports");
        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "firewall-migration-ports", &t->rs);
        assert_row(row_of(&t->rs, "dst"), MC_PASS, "49152-49215 accepted by INPUT rule 5");
        /* The source has no rules at all. */
        assert_row(row_of(&t->rs, "src"), MC_PASS, "no filter rules and policy ACCEPT");
}

/* The seed without its libvirt rule: the REJECT decides, named with its
 * number, text and what the source sees; rule 4's --ports accepts only
 * from source ports 49152-49216. */
static void test_seed_without_libvirt_rule_fails(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port", SEED_TOP SEED_MIGRATION SEED_REJECT "COMMIT\n", NULL);

        assert_row(r, MC_FAIL, "rejected with icmp-host-prohibited ('No route to host') by INPUT rule 5 "
                               "(-A INPUT -j REJECT --reject-with icmp-host-prohibited)");
        assert_has(r->summary, "accepted by INPUT rule 4 (-A INPUT -p tcp -m multiport --ports 49152:49216 -j ACCEPT) "
                               "from source ports 49152-49216");
        assert_string_equal(r->hint, "insert -A INPUT -p tcp -m multiport --dports 16509 -j ACCEPT before rule 5 "
                                     "(-A INPUT -j REJECT --reject-with icmp-host-prohibited): iptables -I INPUT 5 -p tcp "
                                     "-m multiport --dports 16509 -j ACCEPT, then save it: service iptables save, or "
                                     "iptables-save > /etc/sysconfig/iptables");
}

static void test_accept_after_reject(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port",
                                             SEED_TOP SEED_MIGRATION SEED_REJECT
                                             "-A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT\nCOMMIT\n",
                                             NULL);

        assert_row(r, MC_FAIL, "rejected with icmp-host-prohibited ('No route to host') by INPUT rule 5");
        assert_has(r->summary, "an ACCEPT for 16509 exists as INPUT rule 6 (-A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT) "
                               "but comes after the rule that decides");
        assert_has(r->hint, "before rule 5");
}

static void test_source_restricted_accept(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port",
                                             HEAD "-A INPUT -s 10.1.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n"
                                                  "-A INPUT -p tcp -j REJECT --reject-with tcp-reset\nCOMMIT\n",
                                             NULL);

        assert_row(r, MC_FAIL, "rejected with tcp-reset ('Connection refused') by INPUT rule 2 "
                               "(-A INPUT -p tcp -j REJECT --reject-with tcp-reset)");
        assert_has(r->summary, "INPUT rule 1 (-A INPUT -s 10.1.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT) accepts 16509 "
                               "only from 10.1.0.0/24, not from 10.99.0.1");
}

/* Ports refused above the bottom of the range only cap how many
 * migrations come in at once (libvirt takes the lowest free ports: the
 * NBD server's and the stream's): a warning. Refused among the lowest
 * four, the first or second migration breaks: a failure. */
static void test_partially_blocked_range(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-migration-ports",
                                             SEED_TOP "-A INPUT -p tcp -m multiport --dports 49152:49200 -j ACCEPT\n" SEED_REJECT
                                                      "COMMIT\n",
                                             NULL);

        assert_row(r, MC_WARN, "migration ports from src (10.99.0.1): 49201-49215 rejected with icmp-host-prohibited "
                               "('No route to host') by INPUT rule 5 (-A INPUT -j REJECT --reject-with "
                               "icmp-host-prohibited); accepted: 49152-49200: only 49 ports open from the bottom of the "
                               "range, so only 49 migrations at once can come in (24 copying disks");
        assert_evidence(r, "libiptc", 0, "49152-49200 accepted by INPUT rule 4 "
                                         "(-A INPUT -p tcp -m multiport --dports 49152:49200 -j ACCEPT); 49201-49215 rejected");
        assert_has(r->hint, "insert -A INPUT -p tcp -m multiport --dports 49201:49215 -j ACCEPT before rule 5");
}

static void test_partially_blocked_range_bottom(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        /* Three open: the second block migration needs a fourth. */
        r = run_pair(t, "firewall-migration-ports",
                     SEED_TOP "-A INPUT -p tcp -m multiport --dports 49152:49154 -j ACCEPT\n" SEED_REJECT "COMMIT\n", NULL);
        assert_row(r, MC_FAIL, "49155-49215 rejected");
        assert_has(r->summary, "accepted: 49152-49154");
        assert_not_has(r->summary, "migrations at once");
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        /* The lowest port refused: the very first migration. */
        r = run_pair(t, "firewall-migration-ports",
                     SEED_TOP "-A INPUT -p tcp -m tcp --dport 49152 -j REJECT\n-A INPUT -p tcp -m multiport --dports "
                              "49153:49215 -j ACCEPT\n" SEED_REJECT "COMMIT\n", NULL);
        assert_row(r, MC_FAIL, "49152 rejected");
}

static void test_user_chain(void **state) {
        struct t *t = *state;
        const char *rules = HEAD ":MIGRATION - [0:0]\n"
                                 "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n"
                                 "-A INPUT -j MIGRATION\n" SEED_REJECT
                                 "-A MIGRATION ! -s 10.99.0.0/24 -j RETURN\n"
                                 "-A MIGRATION -p tcp -m multiport --dports 16509 -j ACCEPT\n"
                                 "-A MIGRATION -p tcp -m multiport --dports 49152:49199 -j ACCEPT\n"
                                 "-A MIGRATION -p tcp -j DROP\nCOMMIT\n";
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port", rules, NULL);

        assert_row(r, MC_PASS, "accepted by MIGRATION rule 2 (-A MIGRATION -p tcp -m multiport --dports 16509 -j ACCEPT), "
                               "reached through INPUT rule 2 (-A INPUT -j MIGRATION)");
        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "firewall-migration-ports", &t->rs);
        r = row_of(&t->rs, "dst");
        assert_row(r, MC_WARN, "49200-49215 dropped by MIGRATION rule 4 (-A MIGRATION -p tcp -j DROP), reached through "
                               "INPUT rule 2 (-A INPUT -j MIGRATION): the connection times out");
        /* The ACCEPT must come before the jump that leads to the DROP. */
        assert_has(r->hint, "--dports 49200:49215 -j ACCEPT before rule 2 (-A INPUT -j MIGRATION)");
}

static void test_conntrack_new(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port",
                                             HEAD "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                                                  "-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 16509 -j ACCEPT\n"
                                                  "-A INPUT -j DROP\nCOMMIT\n",
                                             NULL);

        assert_row(r, MC_PASS, "accepted by INPUT rule 2 (-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 16509 "
                               "-j ACCEPT)");
}

static void test_established_only_does_not_open(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port",
                                             HEAD "-A INPUT -p tcp -m state --state ESTABLISHED -m tcp --dport 16509 -j ACCEPT\n"
                                                  "-A INPUT -j DROP\nCOMMIT\n",
                                             NULL);

        assert_row(r, MC_FAIL, "dropped by INPUT rule 2 (-A INPUT -j DROP): the connection times out");
}

static void test_unknown_match_warns(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port",
                                             HEAD "-A INPUT -p tcp -m tcp --dport 16509 -m recent --rcheck --name x -j ACCEPT\n"
                                                  SEED_REJECT "COMMIT\n",
                                             NULL);

        assert_row(r, MC_WARN, "uncertain at INPUT rule 1 (-A INPUT -p tcp -m tcp --dport 16509 -m recent --rcheck --name x "
                               "-j ACCEPT): -m recent is not evaluated by migcheck");
        assert_has(r->hint, "check the rule named by hand");
}

static void test_drop_policy(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port",
                                             "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                                             "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n",
                                             NULL);

        assert_row(r, MC_FAIL, "dropped by the INPUT policy DROP: the connection times out");
        assert_has(r->hint, "append -A INPUT -p tcp -m multiport --dports 16509 -j ACCEPT (the INPUT policy DROP decides)");
}

/* The ingress interface from the facts settles -i. */
static void test_ingress_interface(void **state) {
        struct t *t = *state;
        const char *rules = HEAD "-A INPUT -i eth1 -j ACCEPT\n" SEED_REJECT "COMMIT\n";
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port", rules, NULL);

        assert_row(r, MC_WARN, "uncertain at INPUT rule 1 (-A INPUT -i eth1 -j ACCEPT): -i eth1: the interface the peer's "
                               "packets arrive on is not known");
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        r = run_pair(t, "firewall-libvirt-port", rules, "{\"ingress\": {\"10.99.0.1\": \"eth1\"}}");
        assert_row(r, MC_PASS, "accepted by INPUT rule 1");
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        r = run_pair(t, "firewall-libvirt-port", rules, "{\"ingress\": {\"10.99.0.1\": \"eth0\"}}");
        assert_row(r, MC_FAIL, "by INPUT rule 2");
}

/* The port is the peer's migration URI's: ssh -> 22. */
static void test_ssh_transport(void **state) {
        struct t *t = *state;
        struct mc_node *src = node_live(&t->c, "src", SRC, NULL, NULL);
        const struct mc_result *r;

        json_object_object_add(src->facts, "nova", json_tokener_parse("{\"files\": [\"/etc/nova/nova.conf\"]}"));
        json_object_object_add(src->facts, "files", json_tokener_parse(
                "{\"/etc/nova/nova.conf\": {\"path\": \"/etc/nova/nova.conf\", \"kind\": \"nova\", \"state\": \"ok\", "
                "\"sections\": {\"libvirt\": {\"live_migration_uri\": {\"value\": \"qemu+ssh://nova@%s/system\", "
                "\"line\": 2}}}}}"));
        node_live(&t->c, "dst", DST, SEED, NULL);
        run_cluster_check(&t->c, "firewall-libvirt-port", &t->rs);
        r = row_of(&t->rs, "dst");
        assert_row(r, MC_FAIL, "22/tcp from src (10.99.0.1): rejected with icmp-host-prohibited");
        assert_has(r->summary, "by INPUT rule 6");
}

static void test_missing_address_errors(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        node_live(&t->c, "src", NULL, NULL, NULL);
        node_live(&t->c, "dst", DST, SEED, NULL);
        run_cluster_check(&t->c, "firewall-libvirt-port", &t->rs);
        r = row_of(&t->rs, "dst");
        assert_row(r, MC_ERROR, "no address known for src");
}

static void test_unreadable_rules_error(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-libvirt-port", NULL,
                                             "{\"backend\": null, \"error\": \"cannot read /proc/net/ip_tables_names: "
                                             "Permission denied\", \"filter\": null}");

        assert_row(r, MC_ERROR, "cannot read the firewall rules: cannot read /proc/net/ip_tables_names: Permission denied");
}

static void test_managed_hint(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(t, "firewall-migration-ports", SEED_TOP SEED_REJECT "COMMIT\n",
                                             "{\"managed_by\": \"firewalld\", \"firewalld_backend\": \"iptables\"}");

        assert_row(r, MC_FAIL, "49152-49215 rejected with icmp-host-prohibited ('No route to host') by INPUT rule 4");
        assert_has(r->hint, "firewall-cmd --permanent --add-port=49152-49215/tcp && firewall-cmd --reload");
}

/* Raw facts JSON, as a collector writes it. */
static void test_facts_contract(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_pair(
                t, "firewall-libvirt-port", NULL,
                "{\"backend\": \"nft\", \"source\": \"iptables-nft-save\", \"filter\": {\"chains\": {"
                "\"INPUT\": {\"policy\": \"ACCEPT\", \"rules\": ["
                "{\"num\": 1, \"proto\": \"tcp\", \"src\": null, \"src_inv\": false, \"dst\": \"10.99.0.2/32\", "
                "\"dst_inv\": false, \"in\": null, \"in_inv\": false, \"dports\": [[16500, 16600]], \"dports_inv\": true, "
                "\"sports\": null, \"ctstate\": null, \"target\": \"ACCEPT\", \"reject_with\": null, \"comment\": null, "
                "\"unknown\": [], \"text\": \"-A INPUT -d 10.99.0.2/32 -p tcp -m tcp ! --dport 16500:16600 -j ACCEPT\"},"
                "{\"num\": 2, \"proto\": null, \"target\": \"REJECT\", \"reject_with\": \"icmp-admin-prohibited\", "
                "\"unknown\": [], \"text\": \"-A INPUT -j REJECT --reject-with icmp-admin-prohibited\"}]},"
                "\"FORWARD\": {\"policy\": \"ACCEPT\", \"rules\": []}}}}");

        assert_row(r, MC_FAIL, "rejected with icmp-admin-prohibited ('No route to host') by INPUT rule 2 "
                               "(-A INPUT -j REJECT --reject-with icmp-admin-prohibited)");
        assert_evidence(r, "iptables-nft-save", 0, "16509/tcp from src");
}

static void test_ipv6_peer(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        node_live(&t->c, "src", "fd00::1", NULL, NULL);
        node_live(&t->c, "dst", "fd00::2", SEED, NULL);
        run_cluster_check(&t->c, "firewall-libvirt-port", &t->rs);
        r = row_of(&t->rs, "dst");
        assert_row(r, MC_WARN, "16509/tcp from src (fd00::1): an IPv6 address: its connections pass ip6tables");
}

/* Both backends: the hint names the refusing table's rule and tool. */
static void test_both_backends_hint(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *extra = NULL;
        json_object *nft = parse_rules(HEAD "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n"
                                            "-A INPUT -p tcp -m tcp --dport 49200:49215 -j DROP\nCOMMIT\n");
        const struct mc_result *r;

        extra = mc_strdup_printf("{\"backend\": \"both\", \"source\": \"libiptc, iptables-nft-save\", \"filter_nft\": %s}",
                                 json_object_to_json_string(nft));
        json_object_put(nft);
        r = run_pair(t, "firewall-migration-ports", HEAD "-A INPUT -p tcp -j ACCEPT\nCOMMIT\n", extra);
        assert_row(r, MC_WARN, "49200-49215 dropped by nft INPUT rule 2 (-A INPUT -p tcp -m tcp --dport 49200:49215 -j DROP)");
        assert_has(r->summary, "accepted: 49152-49199");
        assert_has(r->hint, "before rule 2 (-A INPUT -p tcp -m tcp --dport 49200:49215 -j DROP): iptables-nft -I INPUT 2");
}

/* A node alone: from any address. */
static void test_single_node(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        node_live(&t->c, "only", DST, SEED, NULL);
        run_cluster_check(&t->c, "firewall-libvirt-port", &t->rs);
        r = row_of(&t->rs, "only");
        assert_row(r, MC_PASS, "16509/tcp from any address: accepted by INPUT rule 4");
}

/* ---- firewall-backend ---------------------------------------------------- */

static void test_backend(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        node_live(&t->c, "a", "10.99.0.1", SEED, "{\"backend\": \"legacy\", \"tables\": {\"legacy\": {\"present\": true, "
                                                 "\"rules\": 6}, \"nft\": {\"present\": false, \"rules\": 0}}}");
        node_live(&t->c, "b", "10.99.0.2", SEED, "{\"backend\": \"both\", \"source\": \"libiptc, iptables-nft-save\", "
                                                 "\"tables\": {\"legacy\": {\"present\": true, \"rules\": 6}, "
                                                 "\"nft\": {\"present\": true, \"rules\": 2}}}");
        node_live(&t->c, "c", "10.99.0.3", SEED, "{\"managed_by\": \"firewalld\", \"managed_evidence\": "
                                                 "\"process firewalld (pid 812)\"}");
        node_live(&t->c, "d", "10.99.0.4", NULL, "{\"backend\": null, \"error\": \"cannot read the legacy filter table: "
                                                 "Permission denied (you must be root)\", \"filter\": null}");
        node_live(&t->c, "e", "10.99.0.5", SEED, "{\"managed_by\": \"ufw\"}");
        run_cluster_check(&t->c, "firewall-backend", &t->rs);
        assert_row(row_of(&t->rs, "a"), MC_PASS, "legacy rules only (6 rules, read through libiptc)");
        assert_row(row_of(&t->rs, "b"), MC_WARN, "both backends hold rules (legacy 6, nft 2)");
        r = row_of(&t->rs, "c");
        assert_row(r, MC_WARN, "firewalld manages the firewall (process firewalld (pid 812))");
        assert_string_equal(r->hint, "firewall-cmd --permanent --add-port=16509/tcp --add-port=49152-49215/tcp && "
                                     "firewall-cmd --reload");
        assert_row(row_of(&t->rs, "d"), MC_ERROR, "Permission denied (you must be root)");
        assert_has(row_of(&t->rs, "e")->hint, "ufw allow proto tcp from PEER to any port 16509");
}

/* ---- firewall-persistent ------------------------------------------------- */

static json_object *persisted(const char *path, const char *rules) {
        json_object *p = json_object_new_object();

        json_object_object_add(p, "path", json_object_new_string(path));
        json_object_object_add(p, "state", json_object_new_string(rules ? "ok" : "absent"));
        if (rules)
                json_object_object_add(p, "filter", parse_rules(rules));
        json_object_object_add(p, "restored_by", json_tokener_parse("[\"/etc/systemd/system/basic.target.wants/iptables.service\"]"));
        return p;
}

static const struct mc_result *run_persistent(struct t *t, const char *live, const char *saved_path, const char *saved) {
        struct mc_node *n;

        node_live(&t->c, "src", SRC, NULL, NULL);
        n = node_live(&t->c, "dst", DST, live, NULL);
        json_object_object_add(mc_json_get(n->facts, "firewall"), "persisted", persisted(saved_path, saved));
        run_cluster_check(&t->c, "firewall-persistent", &t->rs);
        return row_of(&t->rs, "dst");
}

static void test_persistent_same(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_persistent(t, SEED, "/etc/sysconfig/iptables", SEED);

        assert_row(r, MC_PASS, "/etc/sysconfig/iptables gives the same verdicts as the live rules");
        assert_has(r->summary, "restored at boot by /etc/systemd/system/basic.target.wants/iptables.service");
}

/* The classic: the ACCEPT was added live with iptables -I and never saved. */
static void test_persistent_live_accept_vanishes(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_persistent(t, SEED, "/etc/iptables/rules.v4", SEED_TOP SEED_MIGRATION SEED_REJECT "COMMIT\n");

        assert_row(r, MC_FAIL, "a live ACCEPT vanishes at reboot: from src (10.99.0.1): 16509: now accepted by INPUT rule 4");
        assert_has(r->summary, "after a reboot rejected with icmp-host-prohibited ('No route to host') by INPUT rule 5 "
                               "(/etc/iptables/rules.v4 line 9) (-A INPUT -j REJECT --reject-with icmp-host-prohibited)");
        assert_has(r->hint, "netfilter-persistent save");
}

static void test_persistent_absent(void **state) {
        struct t *t = *state;
        const struct mc_result *r = run_persistent(t, SEED, "/etc/sysconfig/iptables", NULL);

        /* Nothing saved: everything open after a reboot, where the live rules refuse some ports. */
        assert_row(r, MC_PASS, "no saved rules (/etc/sysconfig/iptables does not exist), and the live rules accept the "
                               "libvirt port and the migration ports as a reboot without rules would");
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        r = run_persistent(t, SEED_TOP SEED_REJECT "COMMIT\n", "/etc/sysconfig/iptables", NULL);
        assert_row(r, MC_WARN, "no saved rules (/etc/sysconfig/iptables does not exist): after a reboot nothing is "
                               "filtered, unlike now: from src (10.99.0.1): 16509: now rejected with icmp-host-prohibited ('No route to host') by INPUT rule 4");
}

/* ---- the saved files, collected from --root trees ----------------------- */

#define SYSCONFIG_RHEL6_SEED \
        "# Firewall configuration written by system-config-firewall\n" \
        "# Manual customization of this file is not recommended.\n" \
        "*filter\n" \
        ":INPUT ACCEPT [0:0]\n" \
        ":FORWARD ACCEPT [0:0]\n" \
        ":OUTPUT ACCEPT [0:0]\n" \
        "-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n" \
        "-A INPUT -p icmp -j ACCEPT\n" \
        "-A INPUT -i lo -j ACCEPT\n" \
        "-A INPUT -m state --state NEW -m tcp -p tcp --dport 22 -j ACCEPT\n" \
        "-A INPUT -p tcp -m multiport --ports 16509 -j ACCEPT\n" \
        "-A INPUT -p tcp -m multiport --ports 49152:49216 -j ACCEPT\n" \
        "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n" \
        "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n" \
        "COMMIT\n"

static const struct mc_result *run_tree(struct t *t, const char *check_id) {
        node_live(&t->c, "src", SRC, NULL, NULL);
        cluster_add_tree(&t->c, "dst", t->root)->address = mc_strdup(DST);
        run_cluster_check(&t->c, check_id, &t->rs);
        return row_of(&t->rs, "dst");
}

static void test_tree_rhel6_sysconfig(void **state) {
        struct t *t = *state;
        const struct mc_result *r;
        json_object *p;

        t->root = tree_new();
        tree_os(t->root, "NAME=\"CentOS Linux\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"6\"\n");
        tree_write(t->root, "/etc/sysconfig/iptables", SYSCONFIG_RHEL6_SEED);
        tree_symlink(t->root, "/etc/rc.d/rc3.d/S08iptables", "../init.d/iptables");
        r = run_tree(t, "firewall-libvirt-port");
        assert_row(r, MC_PASS, "16509/tcp from src (10.99.0.1): accepted by INPUT rule 5 (/etc/sysconfig/iptables line 11) "
                               "(-A INPUT -p tcp -m multiport --ports 16509 -j ACCEPT)");
        assert_has(r->summary, "(offline: evaluated from the saved rules in /etc/sysconfig/iptables)");
        assert_evidence(r, "/etc/sysconfig/iptables", 0, "16509/tcp from src");

        p = mc_json_path(row_of(&t->rs, "dst") ? t->c.nodes[1].facts : NULL, "firewall", "persisted", NULL);
        assert_string_equal(mc_json_str(p, "state"), "ok");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(mc_json_get(p, "restored_by"), 0)),
                            "/etc/rc.d/rc3.d/S08iptables");
        /* -m tcp before -p tcp (system-config-firewall's order) still reads as dport 22. */
        json_object *r4 = json_object_array_get_idx(mc_json_path(p, "filter", "chains", "INPUT", "rules", NULL), 3);
        assert_int_equal(json_object_get_int(json_object_array_get_idx(json_object_array_get_idx(mc_json_get(r4, "dports"), 0), 0)), 22);
        assert_string_equal(json_object_get_string(json_object_array_get_idx(mc_json_get(r4, "ctstate"), 0)), "NEW");

        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "firewall-migration-ports", &t->rs);
        assert_row(row_of(&t->rs, "dst"), MC_PASS, "49152-49215 accepted by INPUT rule 6 (/etc/sysconfig/iptables line 12)");
        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "firewall-persistent", &t->rs);
        assert_row(row_of(&t->rs, "dst"), MC_SKIP, "offline");
        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "firewall-backend", &t->rs);
        assert_row(row_of(&t->rs, "dst"), MC_SKIP, "offline");
}

static void test_tree_rhel6_default_fails_with_line(void **state) {
        struct t *t = *state;
        const struct mc_result *r;
        const char *def =
                "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                "-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p icmp -j ACCEPT\n"
                "-A INPUT -i lo -j ACCEPT\n-A INPUT -m state --state NEW -m tcp -p tcp --dport 22 -j ACCEPT\n"
                "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
                "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n";

        t->root = tree_new();
        tree_write(t->root, "/etc/sysconfig/iptables", def);
        r = run_tree(t, "firewall-libvirt-port");
        assert_row(r, MC_FAIL, "by INPUT rule 5 (/etc/sysconfig/iptables line 9)");
        assert_string_equal(r->hint, "add -A INPUT -p tcp -m multiport --dports 16509 -j ACCEPT before line 9 of "
                                     "/etc/sysconfig/iptables (-A INPUT -j REJECT --reject-with icmp-host-prohibited), the "
                                     "rule that refuses it");
}

static void test_tree_debian_rules_v4(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        t->root = tree_new();
        tree_os(t->root, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
        tree_write(t->root, "/etc/iptables/rules.v4",
                   "# Generated by iptables-save v1.8.9 (nf_tables) on Mon Jan  1 00:00:00 2024\n"
                   "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
                   "-A POSTROUTING -m set --match-set nat-src src -j MASQUERADE\nCOMMIT\n"
                   "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                   "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                   "-A INPUT -i lo -j ACCEPT\n"
                   "-A INPUT -s 10.99.0.0/24 -p tcp -m multiport --dports 16509,49152:49215 -m comment "
                   "--comment \"live migration\" -j ACCEPT\n"
                   "COMMIT\n");
        tree_symlink(t->root, "/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service",
                     "/lib/systemd/system/netfilter-persistent.service");
        r = run_tree(t, "firewall-migration-ports");
        /* The nat table's --match-set (which the Iptables lens cannot parse) is not the filter table's business. */
        assert_row(r, MC_PASS, "49152-49215 accepted by INPUT rule 3 (/etc/iptables/rules.v4 line 13)");
        assert_string_equal(mc_json_str(mc_json_path(t->c.nodes[1].facts, "firewall", "persisted", NULL), "path"),
                            "/etc/iptables/rules.v4");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(
                                    mc_json_path(t->c.nodes[1].facts, "firewall", "persisted", "restored_by", NULL), 0)),
                            "/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service");
        assert_string_equal(mc_json_str(json_object_array_get_idx(mc_json_path(t->c.nodes[1].facts, "firewall", "persisted",
                                                                                 "filter", "chains", "INPUT", "rules", NULL),
                                                                    2),
                                         "comment"),
                            "live migration");
}

static void test_tree_unparsable(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        t->root = tree_new();
        tree_write(t->root, "/etc/sysconfig/iptables",
                   "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set blocked src -j DROP\nCOMMIT\n");
        r = run_tree(t, "firewall-libvirt-port");
        assert_row(r, MC_ERROR, "cannot evaluate the saved rules: /etc/sysconfig/iptables: line 3: the Iptables lens cannot "
                                "parse '-A INPUT -m set --match-set blocked src -j DROP'");
}

/* Offline, the manager is what starts at boot. */
static void test_tree_managed(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        t->root = tree_new();
        tree_write(t->root, "/etc/sysconfig/iptables", SYSCONFIG_RHEL6_SEED);
        tree_symlink(t->root, "/etc/systemd/system/multi-user.target.wants/firewalld.service",
                     "/usr/lib/systemd/system/firewalld.service");
        r = run_tree(t, "firewall-backend");
        assert_row(r, MC_WARN, "firewalld manages the firewall (/etc/systemd/system/multi-user.target.wants/firewalld.service "
                               "(enabled at boot))");
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        tree_free(t->root);

        t->root = tree_new();
        tree_write(t->root, "/etc/ufw/ufw.conf", "# /etc/ufw/ufw.conf\n#\n\nENABLED=yes\nLOGLEVEL=low\n");
        r = run_tree(t, "firewall-backend");
        assert_row(r, MC_WARN, "ufw manages the firewall (/etc/ufw/ufw.conf: ENABLED=yes)");
}

static void test_tree_absent(void **state) {
        struct t *t = *state;

        t->root = tree_new();
        assert_row(run_tree(t, "firewall-libvirt-port"), MC_SKIP, "offline: the live rules are not known and "
                                                                  "/etc/sysconfig/iptables does not exist");
}

/* ---- egress: the source's OUTPUT ------------------------------------------ */

/* As iptables-legacy-save v1.8.9 printed them in a private network
 * namespace after
 *   iptables-legacy -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
 *   iptables-legacy -A INPUT -p tcp -m multiport --dports 16509,49152:49215 -j ACCEPT
 *   iptables-legacy -A OUTPUT -o lo -j ACCEPT
 *   iptables-legacy -A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
 *   iptables-legacy -A OUTPUT -p tcp --dport 16509 -m comment --comment "libvirt, see ticket 42" -j ACCEPT
 *   iptables-legacy -A OUTPUT -p tcp --dport 49152:49215 -j REJECT */
#define EGRESS_LEGACY \
        "# Generated by iptables-save v1.8.9 on Tue Dec  8 00:50:45 2026\n" \
        "*filter\n" \
        ":INPUT ACCEPT [0:0]\n" \
        ":FORWARD ACCEPT [0:0]\n" \
        ":OUTPUT ACCEPT [0:0]\n" \
        "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n" \
        "-A INPUT -p tcp -m multiport --dports 16509,49152:49215 -j ACCEPT\n" \
        "-A OUTPUT -o lo -j ACCEPT\n" \
        "-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n" \
        "-A OUTPUT -p tcp -m tcp --dport 16509 -m comment --comment \"libvirt, see ticket 42\" -j ACCEPT\n" \
        "-A OUTPUT -p tcp -m tcp --dport 49152:49215 -j REJECT --reject-with icmp-port-unreachable\n" \
        "COMMIT\n" \
        "# Completed on Tue Dec  8 00:50:45 2026\n"

/* As iptables-nft-save v1.8.9 (nf_tables) printed them after
 *   iptables-nft -P OUTPUT DROP; iptables-nft -N EGRESS
 *   iptables-nft -A OUTPUT -o lo -j ACCEPT
 *   iptables-nft -A OUTPUT -m state --state ESTABLISHED -j ACCEPT
 *   iptables-nft -A OUTPUT -o eth1 -j EGRESS
 *   iptables-nft -A OUTPUT -p tcp -m multiport --dports 16509,49152:49215 -m comment --comment "migration" -j ACCEPT
 *   iptables-nft -A EGRESS ! -d 10.99.0.0/24 -j RETURN
 *   iptables-nft -A EGRESS -p tcp --dport 49200:49215 -j REJECT --reject-with tcp-reset
 *   iptables-nft -A EGRESS -i eth1 -j DROP
 * (iptables-nft takes -i in a chain OUTPUT calls; it never matches there). */
#define EGRESS_NFT \
        "# Generated by iptables-nft-save v1.8.9 (nf_tables) on Tue Dec  8 00:50:45 2026\n" \
        "*filter\n" \
        ":INPUT ACCEPT [0:0]\n" \
        ":FORWARD ACCEPT [0:0]\n" \
        ":OUTPUT DROP [0:0]\n" \
        ":EGRESS - [0:0]\n" \
        "-A OUTPUT -o lo -j ACCEPT\n" \
        "-A OUTPUT -m state --state ESTABLISHED -j ACCEPT\n" \
        "-A OUTPUT -o eth1 -j EGRESS\n" \
        "-A OUTPUT -p tcp -m multiport --dports 16509,49152:49215 -m comment --comment migration -j ACCEPT\n" \
        "-A EGRESS ! -d 10.99.0.0/24 -j RETURN\n" \
        "-A EGRESS -p tcp -m tcp --dport 49200:49215 -j REJECT --reject-with tcp-reset\n" \
        "-A EGRESS -i eth1 -j DROP\n" \
        "COMMIT\n" \
        "# Completed on Tue Dec  8 00:50:45 2026\n"

static void eval_out(struct eval *e, const char *rules, const char *dst, const char *out, uint16_t lo, uint16_t hi) {
        _cleanup_free_ char *err = NULL;
        const struct mc_fw_query q = {
                .hook = MC_FW_HOOK_OUTPUT, .src = SRC, .dst = dst, .out = out, .dport_lo = lo, .dport_hi = hi,
        };

        e->filter = parse_rules(rules);
        if (mc_fw_table_load(e->filter, "nft", &e->t, &err) < 0)
                fail_msg("load: %s", err);
        assert_int_equal(mc_fw_eval((const struct mc_fw_table *const *) &e->t, 1, &q, &e->res), 0);
}

/* OUTPUT walked as the kernel walks it: -o against the route's interface,
 * -i never matching (a locally sent packet has no input interface), RETURN
 * back into OUTPUT, the OUTPUT policy at the end; INPUT's rules untouched. */
static void test_eval_output(void **state) {
        struct eval e = {};

        (void) state;
        eval_out(&e, EGRESS_NFT, DST, "eth1", 49152, 49215);
        assert_int_equal(e.res.n_spans, 2);
        assert_int_equal(e.res.spans[0].hi, 49199);
        assert_int_equal(e.res.spans[0].parts[0].o.verdict, MC_FW_ACCEPT);
        assert_int_equal(e.res.spans[0].parts[0].o.rule->num, 4);
        assert_string_equal(e.res.spans[0].parts[0].o.rule->chain, "OUTPUT");
        assert_int_equal(e.res.spans[1].lo, 49200);
        assert_int_equal(e.res.spans[1].parts[0].o.verdict, MC_FW_REJECT);
        assert_string_equal(e.res.spans[1].parts[0].o.rule->chain, "EGRESS");
        assert_int_equal(e.res.spans[1].parts[0].o.rule->num, 2);
        assert_int_equal(e.res.spans[1].parts[0].o.via->num, 3);
        /* The ACCEPT must go before the OUTPUT rule that led there. */
        assert_int_equal(e.res.spans[1].parts[0].o.before, 3);
        eval_done(&e);

        /* Another subnet: RETURN, then OUTPUT rule 4. */
        eval_out(&e, EGRESS_NFT, "10.50.0.9", "eth1", 49200, 49200);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        assert_int_equal(only(&e)->rule->num, 4);
        eval_done(&e);

        /* Another interface: EGRESS is not entered. Any other port: the policy. */
        eval_out(&e, EGRESS_NFT, DST, "eth0", 49210, 49210);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        eval_done(&e);
        eval_out(&e, EGRESS_NFT, DST, "eth1", 22, 22);
        assert_int_equal(only(&e)->verdict, MC_FW_DROP);
        assert_int_equal(only(&e)->rule->num, 0);
        assert_string_equal(only(&e)->rule->text, "-P OUTPUT DROP");
        eval_done(&e);

        /* The route's interface unknown: -o eth1 may or may not match. */
        eval_out(&e, EGRESS_NFT, DST, NULL, 49210, 49210);
        assert_int_equal(only(&e)->verdict, MC_FW_UNCERTAIN);
        assert_string_equal(only(&e)->why, "-o eth1: the interface of the route to the peer is not known");
        eval_done(&e);

        /* The legacy set: INPUT accepts, OUTPUT rejects: each hook its own chain. */
        eval_out(&e, EGRESS_LEGACY, DST, "eth1", 49152, 49215);
        assert_int_equal(only(&e)->verdict, MC_FW_REJECT);
        assert_int_equal(only(&e)->rule->num, 4);
        assert_string_equal(only(&e)->rule->text, "-A OUTPUT -p tcp -m tcp --dport 49152:49215 -j REJECT --reject-with "
                                                 "icmp-port-unreachable");
        eval_done(&e);
        eval_rules(&e, EGRESS_LEGACY, SRC, "eth1", 49152, 49215);
        assert_int_equal(only(&e)->verdict, MC_FW_ACCEPT);
        assert_string_equal(only(&e)->rule->chain, "INPUT");
        eval_done(&e);
}

/* The source with rules (its firewall members fw_extra) and a destination
 * without; the source's row of check_id. */
static const struct mc_result *run_source(struct t *t, const char *check_id, const char *rules, const char *fw_extra) {
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        node_live(&t->c, "src", SRC, rules, fw_extra);
        node_live(&t->c, "dst", DST, NULL, NULL);
        run_cluster_check(&t->c, check_id, &t->rs);
        return row_of(&t->rs, "src");
}

/* The case: the source's OUTPUT rejects the migration range. The
 * row of the source (whose rules decide) fails, naming the rule as
 * iptables-save prints it; the destination's row passes. */
static void test_egress_reject(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        r = run_source(t, "firewall-migration-ports", EGRESS_LEGACY, NULL);
        assert_row(r, MC_FAIL, "egress 49152-49215/tcp to dst (10.99.0.2): 49152-49215 rejected with "
                               "icmp-port-unreachable ('Connection refused') by OUTPUT rule 4 (-A OUTPUT -p tcp -m tcp "
                               "--dport 49152:49215 -j REJECT --reject-with icmp-port-unreachable)");
        assert_evidence(r, "libiptc", 0, "migration ports from dst (10.99.0.2): 49152-49215 accepted by INPUT rule 2");
        assert_string_equal(r->hint, "insert -A OUTPUT -d 10.99.0.2/32 -p tcp -m multiport --dports 49152:49215 -j ACCEPT "
                                     "before rule 4 (-A OUTPUT -p tcp -m tcp --dport 49152:49215 -j REJECT --reject-with "
                                     "icmp-port-unreachable): iptables -I OUTPUT 4 -d 10.99.0.2/32 -p tcp -m multiport "
                                     "--dports 49152:49215 -j ACCEPT, then save it: service iptables save, or "
                                     "iptables-save > /etc/sysconfig/iptables");
        assert_row(row_of(&t->rs, "dst"), MC_PASS, "no filter rules and policy ACCEPT");

        mc_results_done(&t->rs);
        run_cluster_check(&t->c, "firewall-libvirt-port", &t->rs);
        r = row_of(&t->rs, "src");
        assert_row(r, MC_PASS, "16509/tcp from dst (10.99.0.2): accepted by INPUT rule 2");
        /* A passing egress is evidence, not summary. */
        assert_not_has(r->summary, "egress");
        assert_evidence(r, "libiptc", 0, "egress 16509/tcp to dst (10.99.0.2): accepted by OUTPUT rule 3 (-A OUTPUT -p tcp "
                                         "-m tcp --dport 16509 -m comment --comment \"libvirt, see ticket 42\" -j ACCEPT)");
}

/* nft, a user chain behind -o: the interface of the route to the peer
 * (firewall.ingress, as for INPUT's -i) decides whether it is entered. */
static void test_egress_interface(void **state) {
        struct t *t = *state;
        static const char nft[] = "{\"backend\": \"nft\", \"source\": \"iptables-nft-save\", "
                                  "\"ingress\": {\"10.99.0.2\": \"%s\"}}";
        _cleanup_free_ char *eth1 = mc_strdup_printf(nft, "eth1"), *eth0 = mc_strdup_printf(nft, "eth0");
        const struct mc_result *r;

        r = run_source(t, "firewall-migration-ports", EGRESS_NFT, eth1);
        /* The lowest ports go out: migrations work, fewer at once (as for INPUT). */
        assert_row(r, MC_WARN, "egress 49152-49215/tcp to dst (10.99.0.2): 49200-49215 rejected with tcp-reset "
                               "('Connection refused') by EGRESS rule 2 (-A EGRESS -p tcp -m tcp --dport 49200:49215 -j "
                               "REJECT --reject-with tcp-reset), reached through OUTPUT rule 3 (-A OUTPUT -o eth1 -j EGRESS)");
        assert_has(r->summary, "only 48 migrations at once can go out");
        assert_has(r->hint, "iptables-nft -I OUTPUT 3 -d 10.99.0.2/32 -p tcp -m multiport --dports 49200:49215 -j ACCEPT");

        r = run_source(t, "firewall-migration-ports", EGRESS_NFT, eth0);
        assert_row(r, MC_PASS, "migration ports from dst (10.99.0.2): 49152-49215 accepted by the INPUT policy ACCEPT");
        assert_evidence(r, "iptables-nft-save", 0,
                        "egress 49152-49215/tcp to dst (10.99.0.2): 49152-49215 accepted by OUTPUT rule 4");
}

/* A live OUTPUT ACCEPT that the saved file lacks vanishes at reboot. */
static void test_egress_persistent(void **state) {
        struct t *t = *state;
        const char *open = HEAD "-A OUTPUT -p tcp -m multiport --dports 16509,49152:49215 -j ACCEPT\n"
                                "-A OUTPUT -p tcp -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n";
        const char *closed = HEAD "-A OUTPUT -p tcp -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n";
        struct mc_node *n = node_live(&t->c, "src", SRC, open, NULL);
        const struct mc_result *r;

        json_object_object_add(mc_json_get(n->facts, "firewall"), "persisted", persisted("/etc/iptables/rules.v4", closed));
        node_live(&t->c, "dst", DST, NULL, NULL);
        run_cluster_check(&t->c, "firewall-persistent", &t->rs);
        r = row_of(&t->rs, "src");
        assert_row(r, MC_FAIL, "a live ACCEPT vanishes at reboot: egress to dst (10.99.0.2): 16509: now accepted by "
                               "OUTPUT rule 1");
        assert_has(r->summary, "49152-49215: now accepted by OUTPUT rule 1 (-A OUTPUT -p tcp -m multiport --dports "
                               "16509,49152:49215 -j ACCEPT); after a reboot rejected with icmp-port-unreachable ('Connection "
                               "refused') by OUTPUT rule 1 (/etc/iptables/rules.v4 line 5)");
}

/* What the fixers get: one OUTPUT gap per refused peer, to its address,
 * before the rule that refuses; INPUT has none. */
static void test_egress_gaps(void **state) {
        struct t *t = *state;
        _cleanup_free_ struct mc_fw_gap *g = NULL;
        _cleanup_free_ char *err = NULL;
        size_t n = 0;

        node_live(&t->c, "src", SRC, EGRESS_LEGACY, NULL);
        node_live(&t->c, "dst", DST, NULL, NULL);
        node_live(&t->c, "other", "10.99.0.3", NULL, NULL);
        assert_int_equal(mc_firewall_gaps(&t->c, &t->c.nodes[0], MC_FW_PORTS_MIGRATION, MC_FW_RULES_LIVE, &g, &n, &err), 0);
        assert_int_equal(n, 2);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(g[i].hook, MC_FW_HOOK_OUTPUT);
                assert_string_equal(g[i].dst, i == 0 ? DST : "10.99.0.3");
                assert_int_equal(g[i].lo, 49152);
                assert_int_equal(g[i].hi, 49215);
                assert_int_equal(g[i].before, 4);
                assert_int_equal(g[i].n_rules, 4);
                assert_string_equal(g[i].table, "legacy");
        }
        free(g);
        g = NULL;
        assert_int_equal(mc_firewall_gaps(&t->c, &t->c.nodes[0], MC_FW_PORTS_LIBVIRT, MC_FW_RULES_LIVE, &g, &n, &err), 0);
        assert_int_equal(n, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_eval_seed),
                cmocka_unit_test(test_eval_ports_either_side),
                cmocka_unit_test(test_eval_partial_range),
                cmocka_unit_test(test_eval_user_chain_return_goto),
                cmocka_unit_test(test_eval_conntrack_and_flags),
                cmocka_unit_test(test_eval_uncertain),
                cmocka_unit_test(test_eval_any_source),
                cmocka_unit_test(test_eval_two_tables),
                cmocka_unit_test(test_eval_big_chain),
                cmocka_unit_test(test_eval_hostile_facts),
                cmocka_unit_test_setup_teardown(test_seed_passes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_seed_without_libvirt_rule_fails, setup, teardown),
                cmocka_unit_test_setup_teardown(test_accept_after_reject, setup, teardown),
                cmocka_unit_test_setup_teardown(test_source_restricted_accept, setup, teardown),
                cmocka_unit_test_setup_teardown(test_partially_blocked_range, setup, teardown),
                cmocka_unit_test_setup_teardown(test_partially_blocked_range_bottom, setup, teardown),
                cmocka_unit_test_setup_teardown(test_user_chain, setup, teardown),
                cmocka_unit_test_setup_teardown(test_conntrack_new, setup, teardown),
                cmocka_unit_test_setup_teardown(test_established_only_does_not_open, setup, teardown),
                cmocka_unit_test_setup_teardown(test_unknown_match_warns, setup, teardown),
                cmocka_unit_test_setup_teardown(test_drop_policy, setup, teardown),
                cmocka_unit_test_setup_teardown(test_ingress_interface, setup, teardown),
                cmocka_unit_test_setup_teardown(test_ssh_transport, setup, teardown),
                cmocka_unit_test_setup_teardown(test_missing_address_errors, setup, teardown),
                cmocka_unit_test_setup_teardown(test_unreadable_rules_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_managed_hint, setup, teardown),
                cmocka_unit_test_setup_teardown(test_facts_contract, setup, teardown),
                cmocka_unit_test_setup_teardown(test_single_node, setup, teardown),
                cmocka_unit_test_setup_teardown(test_ipv6_peer, setup, teardown),
                cmocka_unit_test_setup_teardown(test_both_backends_hint, setup, teardown),
                cmocka_unit_test_setup_teardown(test_backend, setup, teardown),
                cmocka_unit_test_setup_teardown(test_persistent_same, setup, teardown),
                cmocka_unit_test_setup_teardown(test_persistent_live_accept_vanishes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_persistent_absent, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tree_rhel6_sysconfig, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tree_rhel6_default_fails_with_line, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tree_debian_rules_v4, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tree_unparsable, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tree_managed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tree_absent, setup, teardown),
                cmocka_unit_test(test_eval_output),
                cmocka_unit_test_setup_teardown(test_egress_reject, setup, teardown),
                cmocka_unit_test_setup_teardown(test_egress_interface, setup, teardown),
                cmocka_unit_test_setup_teardown(test_egress_persistent, setup, teardown),
                cmocka_unit_test_setup_teardown(test_egress_gaps, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
