/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `migcheck fix` on one node: check, plan, render, write, restart, check
 * again, and say for each row what became of it. */
#include <string.h>
#include <sys/wait.h>

#include "collect.h"
#include "facts.h"
#include "fix.h"
#include "fix_run.h"
#include "util.h"

#define NOT_RESOLVED "the fix did not resolve it: "
/* A failure fixed into a warning the operator chose (auth_tcp = none with
 * --allow-insecure-auth): not a pass, and not an unresolved failure. */
#define FIXED_WARN "fixed, with a warning: "

void mc_fix_outcome_done(struct mc_fix_outcome *o) {
        mc_plan_done(&o->plan);
        mc_render_done(&o->render);
        free(o->diff);
        free(o->error);
        strv_free(o->restart_failed);
        strv_free(o->commands_failed);
        strv_free(o->notes);
        strv_free(o->written_files);
        *o = (struct mc_fix_outcome) {};
}

static void strv_push(char ***l, const char *s) {
        size_t n = mc_strv_length(*l);

        *l = mc_assert_alloc(reallocarray(*l, n + 2, sizeof(char *)));
        (*l)[n] = mc_strdup(s);
        (*l)[n + 1] = NULL;
}

/* A restart command's output goes to stderr: stdout carries the report
 * (JSON for a coordinator). */
static int run_command(const char *cmd) {
        _cleanup_free_ char *redirected = mc_strdup_printf("(%s) 1>&2", cmd);
        int status = system(redirected);

        if (status < 0)
                return -errno;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* The rows after the fix: a check that was fixed and now passes is FIXED;
 * one that still fails says the fix did not resolve it. */
static void merge(const char *node, const struct mc_results *before, const struct mc_results *after, char *const *fixed,
                  struct mc_results *out) {
        for (size_t i = 0; i < after->n; i++) {
                const struct mc_result *a = &after->items[i];

                /* The others' rows are theirs to fix and report. */
                if (!streq(a->node, node))
                        continue;
                bool was_bad = false, was_fail = false, addressed = mc_strv_contains(fixed, a->check);
                struct mc_result *r;
                enum mc_status st = a->status;
                _cleanup_free_ char *summary = NULL;

                for (size_t j = 0; j < before->n; j++)
                        if (streq(before->items[j].check, a->check) && streq(before->items[j].node, a->node) &&
                            (before->items[j].status == MC_FAIL || before->items[j].status == MC_WARN)) {
                                was_bad = true;
                                was_fail = was_fail || before->items[j].status == MC_FAIL;
                        }
                if (addressed && was_bad && (st == MC_PASS || st == MC_SKIP)) {
                        st = MC_FIXED;
                        summary = mc_strdup(a->summary);
                } else if (addressed && was_fail && st == MC_WARN)
                        summary = mc_strdup_printf(FIXED_WARN "%s", a->summary);
                else if (addressed && was_bad && st != MC_ERROR) {
                        st = MC_FAIL;
                        summary = mc_strdup_printf(NOT_RESOLVED "%s", a->summary);
                } else
                        summary = mc_strdup(a->summary);
                r = mc_results_add(out, a->check, a->node, st, "%s", summary);
                for (size_t k = 0; k < a->n_evidence; k++)
                        mc_result_evidence(r, a->evidence[k].file, a->evidence[k].line, "%s", a->evidence[k].text ?: "");
                if (a->hint)
                        mc_result_hint(r, "%s", a->hint);
        }
}

void mc_fix_merge_recheck(const struct mc_results *fixed, const struct mc_results *fresh, struct mc_results *out) {
        /* Rows of nodes that could not be fixed at all ("fix" errors). */
        for (size_t i = 0; i < fixed->n; i++)
                if (streq(fixed->items[i].check, "fix"))
                        mc_results_copy(out, &fixed->items[i], fixed->items[i].status, "");
        for (size_t i = 0; i < fresh->n; i++) {
                const struct mc_result *a = &fresh->items[i];
                bool addressed = false, to_warning = false;

                for (size_t j = 0; j < fixed->n && !addressed; j++) {
                        const struct mc_result *b = &fixed->items[j];

                        if (!streq(b->check, a->check) || !streq(b->node, a->node))
                                continue;
                        to_warning = b->status == MC_WARN && mc_startswith(b->summary, FIXED_WARN);
                        addressed = to_warning || b->status == MC_FIXED ||
                                    (b->status == MC_FAIL && mc_startswith(b->summary, NOT_RESOLVED));
                }
                if (addressed && (a->status == MC_PASS || a->status == MC_SKIP))
                        mc_results_copy(out, a, MC_FIXED, "");
                else if (to_warning && a->status == MC_WARN)
                        mc_results_copy(out, a, MC_WARN, FIXED_WARN);
                else if (addressed && a->status != MC_ERROR)
                        mc_results_copy(out, a, MC_FAIL, NOT_RESOLVED);
                else
                        mc_results_copy(out, a, a->status, "");
        }
}

/* This node, collected now, and the others as the coordinator saw them. */
static int check_node(const struct mc_fix_request *req, const char *name, struct mc_cluster *c, struct mc_results *rs,
                      char **ret_error) {
        json_object *facts = NULL, *others = mc_json_get(req->cluster_facts, "cluster");
        struct mc_node *n;
        int r;

        r = mc_collect(req->collect, &facts, ret_error);
        if (r < 0)
                return r;
        n = mc_cluster_add(c, name ?: (mc_json_str(mc_json_get(facts, "node"), "hostname") ?: "localhost"));
        n->facts = facts;
        for (size_t i = 0; others && json_object_is_type(others, json_type_array) && i < json_object_array_length(others); i++) {
                json_object *f = json_object_array_get_idx(others, i);
                const char *peer = mc_json_str(f, "node_name");

                const char *addr = mc_json_str(mc_json_get(f, "inventory"), "address");

                if (!peer || !json_object_is_type(f, json_type_object))
                        continue;
                /* This node's own entry: only the address the coordinator
                 * knows it by (schema 2 "inventory"). The hosts checks take
                 * the inventory's address as the cluster's, and a fixer must
                 * write what the coordinator's check asks for, not what this
                 * node's votes say. c->nodes moves as nodes are added: name
                 * this node by index. */
                if (streq(peer, c->nodes[0].name)) {
                        if (addr && !c->nodes[0].address)
                                c->nodes[0].address = mc_strdup(addr);
                        continue;
                }
                n = mc_cluster_add(c, peer);
                n->facts = json_object_get(f);
                n->address = addr ? mc_strdup(addr) : NULL;
        }
        /* Addresses the coordinator passed with --peer. */
        for (char *const *p = req->collect->peers; p && *p; p++) {
                const char *eq = strchr(*p, '=');

                for (size_t i = 1; eq && i < c->n_nodes; i++)
                        if (strlen(c->nodes[i].name) == (size_t) (eq - *p) && strncmp(c->nodes[i].name, *p, (size_t) (eq - *p)) == 0) {
                                free(c->nodes[i].address);
                                c->nodes[i].address = mc_strdup(eq + 1);
                        }
        }
        /* Schema 1 documents have no "inventory": this node's address as
         * the coordinator told the others (their facts.peers). */
        for (size_t i = 1; i < c->n_nodes && !c->nodes[0].address; i++) {
                json_object *peers = mc_json_get(c->nodes[i].facts, "peers");

                for (size_t k = 0; peers && json_object_is_type(peers, json_type_array) && k < json_object_array_length(peers); k++) {
                        json_object *p = json_object_array_get_idx(peers, k);
                        const char *addr = mc_json_str(p, "address");

                        if (addr && streq_ptr(mc_json_str(p, "name"), c->nodes[0].name)) {
                                c->nodes[0].address = mc_strdup(addr);
                                break;
                        }
                }
        }
        mc_checks_run(c, req->only, req->skip, rs);
        return 0;
}

int mc_fix_run(const struct mc_fix_request *req, struct mc_cluster *c, struct mc_results *out, struct mc_fix_outcome *o) {
        struct mc_results before = {}, after = {};
        struct mc_cluster again = {};
        _cleanup_close_ int lock = -1;
        int r;

        r = check_node(req, req->node_name, c, &before, &o->error);
        if (r < 0)
                return r;
        if (req->plan) {
                o->plan = *req->plan;
                *req->plan = (struct mc_plan) {};
                /* The live table is this machine's: a tree has none, and a
                 * plan read back must not reach it through one. */
                if (o->plan.n_live > 0 && !isempty(req->collect->root) && !streq(req->collect->root, "/")) {
                        o->error = mc_strdup_printf("the plan inserts %zu live firewall rule(s), but '%s' is a tree: "
                                                    "its live rules are not this machine's", o->plan.n_live,
                                                    req->collect->root);
                        merge(c->nodes[0].name, &before, &before, NULL, out);
                        mc_results_done(&before);
                        return -EINVAL;
                }
        } else
                mc_fix_plan_node(c, &c->nodes[0], &before, req->opts, &o->plan);

        /* A file that does not parse may hold anything: change nothing on
         * a node where one does (/etc/hosts has facts of its own). */
        {
                json_object *files = mc_json_get(c->nodes[0].facts, "files"), *hosts = mc_json_get(c->nodes[0].facts, "hosts");

                if (streq_ptr(mc_json_str(hosts, "state"), "error") && !mc_plan_empty(&o->plan)) {
                        json_object *e = mc_json_get(hosts, "error");

                        o->error = mc_strdup_printf("/etc/hosts:%" PRId64 ": %s", mc_json_int(e, "line", 0),
                                                    mc_json_str(e, "message") ?: "cannot be read");
                        merge(c->nodes[0].name, &before, &before, NULL, out);
                        mc_results_done(&before);
                        return -EBADMSG;
                }

                if (files && json_object_is_type(files, json_type_object) && !mc_plan_empty(&o->plan)) {
                        json_object_object_foreach(files, path, f) {
                                json_object *e = mc_json_get(f, "error");

                                if (!streq_ptr(mc_json_str(f, "state"), "error"))
                                        continue;
                                o->error = mc_strdup_printf("%s:%" PRId64 ": %s", path, mc_json_int(e, "line", 0),
                                                            mc_json_str(e, "message") ?: "cannot be read");
                                merge(c->nodes[0].name, &before, &before, NULL, out);
                                mc_results_done(&before);
                                return -EBADMSG;
                        }
                }
        }

        if (mc_plan_empty(&o->plan)) {
                /* Nothing to write: the report is the check's. */
                merge(c->nodes[0].name, &before, &before, NULL, out);
                mc_results_done(&before);
                return 0;
        }
        if (!req->dry_run) {
                lock = mc_fix_lock(req->collect->root, &o->error);
                if (lock < 0) {
                        r = lock;
                        goto finish;
                }
        }
        r = mc_fix_render(req->collect->root, &o->plan, &o->render, &o->error);
        if (r < 0)
                goto finish;
        o->diff = mc_fix_diff(&o->render, &o->plan);
        if (req->dry_run) {
                merge(c->nodes[0].name, &before, &before, NULL, out);
                goto finish;
        }

        /* The kernel's rules first: one libiptc commit that either holds
         * every ACCEPT or none, and fails (stale positions, no legacy
         * table) before any file is touched. */
        if (o->plan.n_live > 0) {
                size_t n = 0;

                r = mc_fix_apply_live(&o->plan, &n, &o->error);
                if (r < 0)
                        goto finish;
                o->written += n;
        }
        {
                size_t n = 0;

                r = mc_fix_apply(req->collect->root, &o->render, &o->plan, req->opts->backup, &n, &o->written_files,
                                 &o->notes, &o->error);
                o->written += n;
                if (r < 0) {
                        /* What was written (an operation failed after the
                         * files, or a file could not be put back) is
                         * checked again, so that the rows say what holds. */
                        _cleanup_free_ char *again_error = NULL;

                        if (o->written_files && check_node(req, c->nodes[0].name, &again, &after, &again_error) >= 0)
                                merge(c->nodes[0].name, &before, &after, o->plan.fixed_checks, out);
                        goto finish;
                }
        }
        o->applied = true;
        /* Only there when the operator asked for them (fixers plan them
         * under apply_firewall_commands alone). */
        for (char **cmd = o->plan.commands; cmd && *cmd; cmd++)
                if (run_command(*cmd) < 0)
                        strv_push(&o->commands_failed, *cmd);
        o->restarted = req->restart && o->plan.restart;
        if (req->restart)
                for (char **cmd = o->plan.restart; cmd && *cmd; cmd++)
                        if (run_command(*cmd) < 0)
                                strv_push(&o->restart_failed, *cmd);

        r = check_node(req, c->nodes[0].name, &again, &after, &o->error);
        if (r < 0)
                goto finish;
        merge(c->nodes[0].name, &before, &after, o->plan.fixed_checks, out);
finish:
        if (r < 0 && out->n == 0)
                merge(c->nodes[0].name, &before, &before, NULL, out);
        mc_results_done(&before);
        mc_results_done(&after);
        mc_cluster_done(&again);
        return r;
}
