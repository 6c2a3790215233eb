/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench/firewall-eval: how long the evaluator (checks/fw_eval.c) takes for
 * a 64-port range against a 5,000-rule INPUT chain.
 *
 *   cmake --build BUILD --target firewall-eval-bench && BUILD/tests/firewall-eval-bench [RUNS]
 *
 * Chains (built as facts, the way the collectors write them):
 *   other-ports  5,000 ACCEPTs for other sources and ports, then the range's
 *                ACCEPT and a REJECT: the range never splits (one walk)
 *   cutting      5,000 rules that each name one port inside the range for a
 *                source that matches, alternately ACCEPT and DROP, each
 *                behind a -m limit it cannot evaluate: every rule cuts the
 *                range, and every cut is followed both ways
 *   jumps        1,000 user chains of 5 rules each, INPUT jumping to each
 * and, for comparison, the 64 single-port walks of "cutting".
 * Prints the median and the maximum over RUNS (default 50) in milliseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facts.h"
#include "fw_eval.h"
#include "iptables_rule.h"
#include "util.h"

static json_object *rule(const char *chain, const char *src, uint16_t lo, uint16_t hi, const char *target,
                         const char *unknown) {
        struct mc_ipt_rule r = { .proto = mc_strdup("tcp"), .target = mc_strdup(target) };
        json_object *o;

        if (src)
                r.src = mc_strdup(src);
        r.dports.set = true;
        mc_ports_add(&r.dports.ports, lo, hi);
        if (unknown)
                mc_ipt_rule_add_unknown(&r, unknown);
        r.text = mc_strdup_printf("-A %s%s%s -p tcp -m tcp --dport %u:%u%s -j %s", chain, src ? " -s " : "", src ?: "", lo, hi,
                                  unknown ? " -m limit" : "", target);
        o = mc_ipt_rule_to_json(&r, 0);
        mc_ipt_rule_done(&r);
        return o;
}

static void add(json_object *table, const char *chain, json_object *r) {
        json_object *rules = mc_json_get(mc_ipt_table_chain(table, chain, streq(chain, "INPUT") ? "ACCEPT" : NULL), "rules");

        json_object_object_add(r, "num", json_object_new_int((int) json_object_array_length(rules) + 1));
        json_object_array_add(rules, r);
}

static json_object *chain_other_ports(void) {
        json_object *t = mc_ipt_table_new();
        char src[32];

        for (unsigned i = 0; i < 5000; i++) {
                snprintf(src, sizeof(src), "10.%u.%u.0/24", 100 + i / 256, i % 256);
                add(t, "INPUT", rule("INPUT", src, (uint16_t) (20000 + i), (uint16_t) (20000 + i), "ACCEPT", NULL));
        }
        add(t, "INPUT", rule("INPUT", NULL, 49152, 49215, "ACCEPT", NULL));
        add(t, "INPUT", rule("INPUT", NULL, 0, 65535, "REJECT", NULL));
        return t;
}

static json_object *chain_cutting(void) {
        json_object *t = mc_ipt_table_new();

        for (unsigned i = 0; i < 5000; i++)
                add(t, "INPUT", rule("INPUT", "10.99.0.0/24", (uint16_t) (49152 + i % 64), (uint16_t) (49152 + i % 64),
                                     i % 2 ? "DROP" : "ACCEPT", "limit"));
        add(t, "INPUT", rule("INPUT", NULL, 0, 65535, "REJECT", NULL));
        return t;
}

static json_object *chain_jumps(void) {
        json_object *t = mc_ipt_table_new();
        char name[32], src[32];

        for (unsigned c = 0; c < 1000; c++) {
                struct mc_ipt_rule j = { .target = NULL };
                json_object *o;

                snprintf(name, sizeof(name), "CHAIN%u", c);
                for (unsigned k = 0; k < 4; k++) {
                        snprintf(src, sizeof(src), "10.%u.%u.0/24", 100 + c / 256, c % 256);
                        add(t, name, rule(name, src, (uint16_t) (20000 + k), (uint16_t) (20000 + k), "ACCEPT", NULL));
                }
                add(t, name, rule(name, NULL, (uint16_t) (49152 + c % 64), (uint16_t) (49152 + c % 64), "RETURN", NULL));
                j.target = mc_strdup(name);
                j.text = mc_strdup_printf("-A INPUT -j %s", name);
                o = mc_ipt_rule_to_json(&j, 0);
                mc_ipt_rule_done(&j);
                add(t, "INPUT", o);
        }
        add(t, "INPUT", rule("INPUT", NULL, 49152, 49215, "ACCEPT", NULL));
        return t;
}

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

static void bench(const char *name, json_object *filter, int runs, bool per_port) {
        struct mc_fw_table *t = NULL;
        _cleanup_free_ char *err = NULL;
        double *ms = calloc((size_t) runs, sizeof(double));
        size_t spans = 0;

        if (mc_fw_table_load(filter, "legacy", &t, &err) < 0) {
                fprintf(stderr, "%s: %s\n", name, err);
                exit(1);
        }
        for (int i = 0; i < runs; i++) {
                double a = now_ms();

                for (unsigned p = 0; p < (per_port ? 64u : 1u); p++) {
                        struct mc_fw_result res = {};
                        const struct mc_fw_query q = {
                                .src = "10.99.0.1", .dst = "10.99.0.2",
                                .dport_lo = (uint16_t) (per_port ? 49152 + p : 49152),
                                .dport_hi = (uint16_t) (per_port ? 49152 + p : 49215),
                        };

                        if (mc_fw_eval((const struct mc_fw_table *const *) &t, 1, &q, &res) < 0)
                                exit(1);
                        spans = res.n_spans;
                        mc_fw_result_done(&res);
                }
                ms[i] = now_ms() - a;
        }
        qsort(ms, (size_t) runs, sizeof(double), cmp_double);
        printf("%-26s %5zu rules  %2zu spans  median %8.3f ms  max %8.3f ms\n", name, mc_fw_table_n_rules(t), spans,
               ms[runs / 2], ms[runs - 1]);
        free(ms);
        mc_fw_table_free(t);
}

int main(int argc, char **argv) {
        int runs = argc > 1 ? atoi(argv[1]) : 50;
        json_object *a = chain_other_ports(), *b = chain_cutting(), *c = chain_jumps();

        if (runs < 1)
                runs = 1;
        printf("firewall-eval: 64-port range 49152-49215, %d runs\n", runs);
        bench("other-ports (range)", a, runs, false);
        bench("cutting (range)", b, runs, false);
        bench("cutting (64 single ports)", b, runs, true);
        bench("jumps (range)", c, runs, false);
        json_object_put(a);
        json_object_put(b);
        json_object_put(c);
        return 0;
}
