/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migcheck's command line: argv in, one verb out. Everything else lives in
 * libmigcheck. */
#include <getopt.h>
#include <stddef.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "checks.h"
#include "cluster.h"
#include "collect.h"
#include "fanout.h"
#include "escape.h"
#include "fix_run.h"
#include "node_report.h"
#include "inventory.h"
#include "offline.h"
#include "nova_release.h"
#include "report.h"
#include "util.h"
#include "version.h"

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct args {
        const char *verb;
        const char *root;
        const char *output;
        const char *nova_release;
        enum mc_format format;
        int list_format;  /* 0 text, 1 json, 2 md */
        enum color_mode color;
        bool verbose;
        char **only;
        char **skip;
        struct mc_inventory inv;
        const char *inventory;
        const char *group;
        const char *from;
        const char *save_facts;
        const char *exec_template;
        const char *remote_migcheck;
        unsigned jobs;
        unsigned timeout_ms;
        char **peers;
        char **targets;
        const char *peers_from;
        bool save_failed;
        const char *node_name;
        const char *cluster_facts;
        bool dry_run;
        bool include_warnings;
        bool no_backup;
        bool restart;
        bool allow_insecure_auth;
        bool apply_firewall_commands;
};

static void help(void) {
        printf("usage: migcheck [check] [options] [-n NODE... | -i INVENTORY | --from DIR]\n"
               "       migcheck collect [--root DIR] [-o FILE] [--peer NAME[=ADDR]...]\n"
               "       migcheck fix [--dry-run] [--root DIR] [--only IDS] [--restart] ...\n"
               "       migcheck list [--format text|json|md]\n"
               "\n"
               "Check that this node is ready for live migration of KVM/QEMU guests under\n"
               "libvirt and OpenStack Nova, and explain every problem with the file and line\n"
               "that causes it and a hint that fixes it.\n"
               "\n"
               "verbs:\n"
               "  check             audit this machine, the tree under --root, or the nodes\n"
               "                    named with -n, -i or --from (default)\n"
               "  collect           print this node's facts as JSON (secrets are never collected)\n"
               "  fix               check, then fix what failed in place through Augeas: the\n"
               "                    plan as a unified diff with --dry-run; otherwise written\n"
               "                    atomically with a backup (FILE.migcheck-bak) and checked\n"
               "                    again: 'fixed', or 'fail' with 'the fix did not resolve it'\n"
               "  list              print the table of checks\n"
               "\n"
               "fix:\n"
               "      --dry-run     show the plan and the diff, write nothing\n"
               "      --include-warnings\n"
               "                    fix warnings too, not only failures\n"
               "      --restart     run the restart commands the plan lists (libvirtd,\n"
               "                    nova-compute, socket units), for the distro of the node\n"
               "      --no-backup   do not keep FILE.migcheck-bak\n"
               "      --allow-insecure-auth\n"
               "                    let a fix set auth_tcp = none (never done otherwise)\n"
               "      --apply-firewall-commands\n"
               "                    run the firewall-cmd, ufw or iptables-nft commands the\n"
               "                    firewall fixes need; without it they are printed and those\n"
               "                    checks are not fixed (legacy iptables rules are inserted\n"
               "                    through libiptc and saved files edited without it)\n"
               "  with -n/-i, each node runs 'migcheck fix' itself through the transport, with\n"
               "  every node's facts on its standard input (--cluster-facts -), so that the\n"
               "  fixes of cluster checks (host UUIDs, /etc/hosts, firewall rules for every\n"
               "  peer) agree across nodes, then checks the whole cluster again; --timeout\n"
               "  defaults to 120 s there\n"
               "\n"
               "nodes:\n"
               "  -n, --node NAME[=ADDR]\n"
               "                    check this node (repeatable); without -n, -i or --from\n"
               "                    migcheck checks this machine alone\n"
               "  -i, --inventory FILE\n"
               "                    nodes from FILE: 'name [address]' per line, or an Ansible INI\n"
               "                    inventory (groups, ansible_host=)\n"
               "      --group NAME  only the nodes of this Ansible group (and its children)\n"
               "      --exec TEMPLATE\n"
               "                    reach each node by running TEMPLATE followed by the remote\n"
               "                    command, {node} replaced by the node's name, e.g.\n"
               "                    'ip netns exec {node}' or 'ssh -o BatchMode=yes {node}';\n"
               "                    without it, nodes are reached with OpenSSH (BatchMode)\n"
               "      --remote-migcheck PATH\n"
               "                    the migcheck binary on the nodes (default: migcheck)\n"
               "      --from DIR    offline: DIR holds facts files (migcheck collect -o) and/or\n"
               "                    one directory per node that is its root tree (a sosreport)\n"
               "      --save-facts DIR\n"
               "                    keep each node's facts as DIR/NODE.json for later --from\n"
               "  -j, --jobs N      collect at most N nodes at once (default 16)\n"
               "      --timeout SEC a node that has not answered after SEC seconds is an error\n"
               "                    (default 30)\n"
               "      --peer NAME[=ADDR]\n"
               "                    collect: a peer this node should be checked against\n"
               "                    (the coordinator passes every other node)\n"
               "      --peers-from FILE\n"
               "                    the same, one NAME[=ADDR] per line ('-': standard input;\n"
               "                    the coordinator's way past 16 KiB of peers)\n"
               "      --migration-target NAME\n"
               "                    collect: resolve NAME and connect to it as a migration source\n"
               "                    would (a peer's migration_host or live_migration_inbound_addr;\n"
               "                    the coordinator passes them)\n"
               "\n"
               "options:\n"
               "  -r, --root DIR    read the node's files under DIR as if it were its root file\n"
               "                    system: a chroot, an image, an extracted sosreport\n"
               "  -f, --format FMT  text (default) or json; for list also md\n"
               "      --only IDS    run only these checks (comma-separated ids, see 'list')\n"
               "      --skip IDS    run all checks but these\n"
               "      --nova-release NAME\n"
               "                    assume this nova release (icehouse ... 2026.1, or a version\n"
               "                    like 2014.1) instead of the installed one\n"
               "      --color WHEN  auto (default: on a terminal, unless NO_COLOR is set),\n"
               "                    always or never\n"
               "  -o, --output FILE collect: write the facts to FILE (atomically) not stdout\n"
               "  -v, --verbose     show the evidence of passing checks too\n"
               "  -h, --help        show this help\n"
               "      --version     show the version\n"
               "\n"
               "exit status:\n"
               "  0  every check passed or was skipped\n"
               "  1  warnings, no failures\n"
               "  2  at least one check failed: live migration will break\n"
               "  3  at least one check could not be evaluated (error)\n"
               " 64  usage error\n"
               "\n"
               "examples:\n"
               "  migcheck                                 audit this machine\n"
               "  migcheck --root /srv/sosreport-node1     audit a node from its files\n"
               "  migcheck --only libvirtd-listen,libvirtd-startup --format json\n"
               "  migcheck --root /mnt/img --nova-release juno\n"
               "  migcheck collect -o node1.json           keep facts for offline review\n"
               "  migcheck -n compute1 -n compute2         two nodes over ssh\n"
               "  migcheck -i hosts.ini --group compute --save-facts facts/\n"
               "  migcheck --from facts/                   check again, offline\n"
               "  migcheck -i lab.txt --exec 'ip netns exec {node}' --remote-migcheck /opt/migcheck\n");
}

static int usage_error(const char *fmt, ...) _printf_(1, 2);
static int usage_error(const char *fmt, ...) {
        va_list ap;

        fputs("migcheck: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs("\nTry 'migcheck --help'.\n", stderr);
        return MC_EXIT_USAGE;
}

static int parse_ids(const char *opt, const char *arg, char ***ret) {
        char **ids = mc_split(arg, ",");

        for (char **i = ids; *i; i++)
                if (!mc_check_find(*i)) {
                        fprintf(stderr, "migcheck: %s: unknown check id '%s' (see 'migcheck list')\n", opt, *i);
                        strv_free(ids);
                        return -EINVAL;
                }
        strv_free(*ret);
        *ret = ids;
        return 0;
}

static int parse_args(int argc, char **argv, struct args *a) {
        enum {
                ARG_ONLY = 0x100,
                ARG_SKIP,
                ARG_NOVA_RELEASE,
                ARG_COLOR,
                ARG_VERSION,
                ARG_GROUP,
                ARG_FROM,
                ARG_SAVE_FACTS,
                ARG_EXEC,
                ARG_REMOTE,
                ARG_TIMEOUT,
                ARG_PEER,
                ARG_PEERS_FROM,
                ARG_MIGRATION_TARGET,
                ARG_DRY_RUN,
                ARG_INCLUDE_WARNINGS,
                ARG_NO_BACKUP,
                ARG_RESTART,
                ARG_ALLOW_INSECURE_AUTH,
                ARG_APPLY_FIREWALL_COMMANDS,
                ARG_NODE_NAME,
                ARG_CLUSTER_FACTS,
        };
        static const struct option options[] = {
                { "root", required_argument, NULL, 'r' },
                { "format", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
                { "only", required_argument, NULL, ARG_ONLY },
                { "skip", required_argument, NULL, ARG_SKIP },
                { "nova-release", required_argument, NULL, ARG_NOVA_RELEASE },
                { "color", required_argument, NULL, ARG_COLOR },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "node", required_argument, NULL, 'n' },
                { "inventory", required_argument, NULL, 'i' },
                { "group", required_argument, NULL, ARG_GROUP },
                { "from", required_argument, NULL, ARG_FROM },
                { "save-facts", required_argument, NULL, ARG_SAVE_FACTS },
                { "exec", required_argument, NULL, ARG_EXEC },
                { "remote-migcheck", required_argument, NULL, ARG_REMOTE },
                { "jobs", required_argument, NULL, 'j' },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                { "peer", required_argument, NULL, ARG_PEER },
                { "peers-from", required_argument, NULL, ARG_PEERS_FROM },
                { "migration-target", required_argument, NULL, ARG_MIGRATION_TARGET },
                { "dry-run", no_argument, NULL, ARG_DRY_RUN },
                { "include-warnings", no_argument, NULL, ARG_INCLUDE_WARNINGS },
                { "no-backup", no_argument, NULL, ARG_NO_BACKUP },
                { "restart", no_argument, NULL, ARG_RESTART },
                { "allow-insecure-auth", no_argument, NULL, ARG_ALLOW_INSECURE_AUTH },
                { "apply-firewall-commands", no_argument, NULL, ARG_APPLY_FIREWALL_COMMANDS },
                { "node-name", required_argument, NULL, ARG_NODE_NAME },
                { "cluster-facts", required_argument, NULL, ARG_CLUSTER_FACTS },
                {},
        };
        const char *format = NULL;
        int c;

        while ((c = getopt_long(argc, argv, "r:f:o:vhn:i:j:", options, NULL)) >= 0)
                switch (c) {
                case 'n':
                        if (mc_inventory_add(&a->inv, optarg) < 0)
                                return usage_error("-n: node '%s' is empty or given twice", optarg);
                        break;
                case 'i':
                        a->inventory = optarg;
                        break;
                case ARG_GROUP:
                        a->group = optarg;
                        break;
                case ARG_FROM:
                        a->from = optarg;
                        break;
                case ARG_SAVE_FACTS:
                        a->save_facts = optarg;
                        break;
                case ARG_EXEC:
                        if (!strstr(optarg, "{node}"))
                                return usage_error("--exec: the template '%s' has no {node}", optarg);
                        a->exec_template = optarg;
                        break;
                case ARG_REMOTE:
                        a->remote_migcheck = optarg;
                        break;
                case 'j': {
                        char *end;
                        unsigned long v = strtoul(optarg, &end, 10);

                        if (*end || v < 1 || v > 1024)
                                return usage_error("--jobs: expected 1 to 1024, not '%s'", optarg);
                        a->jobs = (unsigned) v;
                        break;
                }
                case ARG_TIMEOUT: {
                        char *end;
                        double v = strtod(optarg, &end);

                        if (*end || !(v > 0 && v <= 3600))
                                return usage_error("--timeout: expected seconds (0 to 3600], not '%s'", optarg);
                        a->timeout_ms = (unsigned) (v * 1000);
                        break;
                }
                case ARG_DRY_RUN:
                        a->dry_run = true;
                        break;
                case ARG_INCLUDE_WARNINGS:
                        a->include_warnings = true;
                        break;
                case ARG_NO_BACKUP:
                        a->no_backup = true;
                        break;
                case ARG_RESTART:
                        a->restart = true;
                        break;
                case ARG_ALLOW_INSECURE_AUTH:
                        a->allow_insecure_auth = true;
                        break;
                case ARG_APPLY_FIREWALL_COMMANDS:
                        a->apply_firewall_commands = true;
                        break;
                case ARG_NODE_NAME:
                        a->node_name = optarg;
                        break;
                case ARG_CLUSTER_FACTS:
                        a->cluster_facts = optarg;
                        break;
                case ARG_PEERS_FROM:
                        a->peers_from = optarg;
                        break;
                case ARG_PEER:
                case ARG_MIGRATION_TARGET: {
                        char ***l = c == ARG_PEER ? &a->peers : &a->targets;
                        size_t n = mc_strv_length(*l);

                        *l = mc_assert_alloc(reallocarray(*l, n + 2, sizeof(char *)));
                        (*l)[n] = mc_strdup(optarg);
                        (*l)[n + 1] = NULL;
                        break;
                }
                case 'r':
                        a->root = optarg;
                        break;
                case 'f':
                        format = optarg;
                        break;
                case 'o':
                        a->output = optarg;
                        break;
                case ARG_ONLY:
                        if (parse_ids("--only", optarg, &a->only) < 0)
                                return MC_EXIT_USAGE;
                        break;
                case ARG_SKIP:
                        if (parse_ids("--skip", optarg, &a->skip) < 0)
                                return MC_EXIT_USAGE;
                        break;
                case ARG_NOVA_RELEASE:
                        if (mc_nova_release_from_string(optarg) == MC_NOVA_UNKNOWN)
                                return usage_error("--nova-release: unknown release '%s' (e.g. icehouse, juno, "
                                                   "mitaka, zed, 2024.1)",
                                                   optarg);
                        a->nova_release = optarg;
                        break;
                case ARG_COLOR:
                        if (streq(optarg, "auto"))
                                a->color = COLOR_AUTO;
                        else if (streq(optarg, "always"))
                                a->color = COLOR_ALWAYS;
                        else if (streq(optarg, "never"))
                                a->color = COLOR_NEVER;
                        else
                                return usage_error("--color: expected auto, always or never, not '%s'", optarg);
                        break;
                case 'v':
                        a->verbose = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("migcheck %s\n", MC_VERSION);
                        return 0;
                default:
                        fprintf(stderr, "Try 'migcheck --help'.\n");
                        return MC_EXIT_USAGE;
                }

        if (optind < argc)
                a->verb = argv[optind++];
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        if (!a->verb)
                a->verb = "check";
        if (!streq(a->verb, "check") && !streq(a->verb, "collect") && !streq(a->verb, "list") && !streq(a->verb, "fix"))
                return usage_error("unknown verb '%s' (check, collect, fix or list)", a->verb);
        if ((a->dry_run || a->include_warnings || a->no_backup || a->restart || a->allow_insecure_auth ||
             a->apply_firewall_commands) &&
            !streq(a->verb, "fix"))
                return usage_error("--dry-run, --include-warnings, --no-backup, --restart, --allow-insecure-auth and "
                                   "--apply-firewall-commands go with fix, not %s", a->verb);
        if (streq(a->verb, "fix") && a->from)
                return usage_error("fix changes nodes: --from has only their facts; name the nodes with -n or -i");

        if (format) {
                if (streq(format, "text"))
                        a->format = MC_FORMAT_TEXT, a->list_format = 0;
                else if (streq(format, "json"))
                        a->format = MC_FORMAT_JSON, a->list_format = 1;
                else if (streq(format, "md") && streq(a->verb, "list"))
                        a->list_format = 2;
                else
                        return usage_error("--format: unknown format '%s'", format);
        }
        if (a->output && !streq(a->verb, "collect"))
                return usage_error("--output goes with collect, not %s", a->verb);
        if ((a->peers || a->peers_from) && !streq(a->verb, "collect") && !streq(a->verb, "fix"))
                return usage_error("--peer and --peers-from go with collect and fix (the coordinator passes them to "
                                   "each node)");
        if (a->targets && !streq(a->verb, "collect"))
                return usage_error("--migration-target goes with collect (the coordinator passes it to each node)");
        if (a->peers_from && streq(a->peers_from, "-") && a->cluster_facts && streq(a->cluster_facts, "-"))
                return usage_error("--peers-from - and --cluster-facts - cannot both read standard input");
        if ((a->node_name || a->cluster_facts) && !streq(a->verb, "fix"))
                return usage_error("--node-name and --cluster-facts go with fix (the coordinator passes them)");
        if (a->from && (a->inv.n || a->inventory || a->root))
                return usage_error("--from reads nodes collected before: it goes without -n, -i and --root");
        if (a->root && (a->inv.n || a->inventory))
                return usage_error("--root is one node's tree: use --from DIR for many");
        if (a->group && !a->inventory)
                return usage_error("--group picks from an inventory: give -i FILE");
        if (a->exec_template && !a->inv.n && !a->inventory)
                return usage_error("--exec needs nodes: -n NODE or -i FILE");
        return -1;  /* go on */
}

static bool use_color(enum color_mode m) {
        if (m != COLOR_AUTO)
                return m == COLOR_ALWAYS;
        return isatty(STDOUT_FILENO) && isempty(getenv("NO_COLOR"));
}

static int verb_collect(const struct args *a) {
        const struct mc_collect_opts o = {
                .root = a->root,
                /* --only/--skip: the coordinator asks a node for what its checks need. */
                .needs = mc_checks_needs(a->only, a->skip),
                .nova_release = a->nova_release,
                .peers = a->peers,
                .targets = a->targets,
        };
        _cleanup_json_ json_object *facts = NULL;
        _cleanup_free_ char *err = NULL;
        const char *text;
        int r;

        r = mc_collect(&o, &facts, &err);
        if (r < 0) {
                fprintf(stderr, "migcheck: %s\n", err);
                return MC_EXIT_ERROR;
        }
        /* Facts travel to a coordinator and to tools: valid UTF-8 only. */
        mc_json_utf8(facts);
        text = json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
        if (a->output) {
                _cleanup_free_ char *data = mc_strdup_printf("%s\n", text);

                /* Facts may be passed around: readable by the owner only. */
                r = mc_write_file_atomic(a->output, data, strlen(data), 0600);
                if (r < 0) {
                        fprintf(stderr, "migcheck: cannot write '%s': %s\n", a->output, strerror(-r));
                        return MC_EXIT_ERROR;
                }
                return 0;
        }
        puts(text);
        return ferror(stdout) ? MC_EXIT_ERROR : 0;
}

static void progress(size_t done, size_t total, void *userdata) {
        fprintf(stderr, "\rmigcheck: %zu/%zu nodes collected%s", done, total, done == total ? "\n" : "");
}

/* A second round, only when some node hands out a migration_host or
 * live_migration_inbound_addr and migration-address-resolvable runs: the
 * names are known once every node is collected, and each node must
 * resolve and reach them itself (collect --migration-target). Its answers
 * join the node's facts as migration_targets; a node that fails this round
 * keeps its facts without them (the check then says it was not asked). */
static void ask_migration_targets(const struct args *a, struct mc_cluster *c, const struct mc_fanout_opts *fo) {
        static char *const only[] = { (char *) "migration-address-resolvable", NULL };
        _cleanup_strv_free_ char **names = NULL, **args = NULL;
        struct mc_cluster again = {};
        struct mc_fanout_opts fo2 = *fo;
        size_t n;

        if (!mc_check_selected(mc_check_find(only[0]), a->only, a->skip))
                return;
        names = mc_migration_targets(c);
        n = mc_strv_length(names);
        if (n == 0)
                return;
        args = mc_assert_alloc(calloc(2 * n + 1, sizeof(char *)));
        for (size_t i = 0; i < n; i++) {
                args[2 * i] = mc_strdup("--migration-target");
                args[2 * i + 1] = mc_strdup(names[i]);
        }
        for (size_t i = 0; i < c->n_nodes; i++)
                if (c->nodes[i].facts)
                        mc_cluster_add(&again, c->nodes[i].name)->address = mc_strdup(c->nodes[i].address);
        fo2.verb_args = args;
        fo2.only = only;
        fo2.skip = NULL;
        fo2.progress = NULL;
        if (mc_fanout_collect(&again, &fo2) >= 0)
                for (size_t i = 0, j = 0; i < c->n_nodes && j < again.n_nodes; i++) {
                        json_object *t;

                        if (!c->nodes[i].facts)
                                continue;
                        t = mc_json_get(again.nodes[j++].facts, "migration_targets");
                        if (t)
                                json_object_object_add(c->nodes[i].facts, "migration_targets", json_object_get(t));
                }
        mc_cluster_done(&again);
}

/* Fill the cluster: this machine, one tree, saved facts, or remote nodes. */
static int collect_cluster(struct args *a, struct mc_cluster *c) {
        const struct mc_collect_opts o = {
                .root = a->root,
                .needs = mc_checks_needs(a->only, a->skip),
                .nova_release = a->nova_release,
        };
        _cleanup_free_ char *err = NULL;
        int r;

        if (a->inventory) {
                r = mc_inventory_load(&a->inv, a->inventory, a->group, &err);
                if (r < 0) {
                        fprintf(stderr, "migcheck: %s\n", err);
                        return MC_EXIT_USAGE;
                }
        }
        if (a->from) {
                r = mc_cluster_from_dir(c, a->from, &o, &err);
                if (r < 0) {
                        fprintf(stderr, "migcheck: --from: %s\n", err);
                        return MC_EXIT_ERROR;
                }
        } else if (a->inv.n > 0) {
                const struct mc_fanout_opts fo = {
                        .kind = a->exec_template ? MC_TRANSPORT_EXEC : MC_TRANSPORT_SSH,
                        .exec_template = a->exec_template,
                        .remote_migcheck = a->remote_migcheck,
                        .jobs = a->jobs ?: 16,
                        .timeout_ms = a->timeout_ms ?: 30000,
                        .nova_release = a->nova_release,
                        .only = a->only,
                        .skip = a->skip,
                        .progress = isatty(STDERR_FILENO) ? progress : NULL,
                };

                for (size_t i = 0; i < a->inv.n; i++) {
                        struct mc_node *n = mc_cluster_add(c, a->inv.nodes[i].name);
                        n->address = mc_strdup(a->inv.nodes[i].address);
                }
                r = mc_fanout_collect(c, &fo);
                if (r < 0) {
                        fprintf(stderr, "migcheck: cannot collect: %s\n", strerror(-r));
                        return MC_EXIT_ERROR;
                }
                ask_migration_targets(a, c, &fo);
        } else {
                json_object *facts = NULL;
                struct mc_node *n;

                r = mc_collect(&o, &facts, &err);
                n = mc_cluster_add(c, mc_json_str(mc_json_get(facts, "node"), "hostname") ?: (a->root ?: "localhost"));
                const char *unread = mc_json_str(mc_json_get(facts, "node"), "hostname_error");

                if (!mc_json_str(mc_json_get(facts, "node"), "hostname") && unread) {
                        _cleanup_free_ char *why = mc_escape_text(unread, false), *name = mc_escape_text(n->name, false);
                        fprintf(stderr, "migcheck: /etc/hostname: cannot read: %s; the node is named '%s'\n", why, name);
                }
                if (r < 0)
                        n->error = TAKE_PTR(err);
                else
                        n->facts = facts;
        }
        /* The checks still run and report: losing the saved copy is no
         * reason to lose the answer. */
        if (a->save_facts && mc_cluster_save_facts(c, a->save_facts, &err) < 0) {
                fprintf(stderr, "migcheck: --save-facts: %s\n", err);
                a->save_failed = true;
        }
        return -1;
}

static int verb_check(struct args *a) {
        struct mc_cluster cluster = {};
        struct mc_results results = {};
        int r;

        r = collect_cluster(a, &cluster);
        if (r >= 0) {
                mc_cluster_done(&cluster);
                return r;
        }
        mc_checks_run(&cluster, a->only, a->skip, &results);
        if (a->format == MC_FORMAT_JSON)
                r = mc_report_json(stdout, &cluster, &results, NULL);
        else
                r = mc_report_text(stdout, &cluster, &results, use_color(a->color), a->verbose);
        r = r < 0 || a->save_failed ? MC_EXIT_ERROR : mc_results_exit_code(&results);
        mc_results_done(&results);
        mc_cluster_done(&cluster);
        return r;
}

/* What a fix did, from its JSON (a node's own, or this machine's): the
 * failures no fixer covers, the diff, what was written, the restarts. */
static void print_fix(json_object *fix) {
        json_object *nf = mc_json_get(fix, "not_fixed"), *rs = mc_json_get(fix, "restart");
        json_object *written = mc_json_get(fix, "written_files"), *failed = mc_json_get(fix, "restart_failed");
        json_object *notes = mc_json_get(fix, "notes");
        const char *diff = mc_json_str(fix, "diff"), *err = mc_json_str(fix, "error");
        bool dry_run = mc_json_bool(fix, "dry_run", false), restarted = mc_json_bool(fix, "restarted", false);
        size_t n_written = written && json_object_is_type(written, json_type_array) ? json_object_array_length(written) : 0;

        for (size_t i = 0; nf && json_object_is_type(nf, json_type_array) && i < json_object_array_length(nf); i++) {
                json_object *u = json_object_array_get_idx(nf, i);
                _cleanup_free_ char *check = mc_escape_text(mc_json_str(u, "check") ?: "?", false);
                _cleanup_free_ char *reason = mc_escape_text(mc_json_str(u, "reason") ?: "", false);

                printf("not fixed: %s: %s\n", check, reason);
        }
        /* A node's files may hold anything: the diff is escaped like the rows. */
        if (diff)
                mc_fputs_escaped(diff, true, stdout);
        for (size_t i = 0; i < n_written; i++) {
                const char *file = mc_json_str(json_object_array_get_idx(written, i), NULL);
                _cleanup_free_ char *w = mc_escape_text(file ?: "?", false);
                printf("written: %s\n", w);
        }
        /* How a file was written when not atomically (a mount point). */
        for (size_t i = 0; json_object_is_type(notes, json_type_array) && i < json_object_array_length(notes); i++) {
                _cleanup_free_ char *n = mc_escape_text(mc_json_str(json_object_array_get_idx(notes, i), NULL) ?: "", false);
                printf("%s\n", n);
        }
        /* Restarts: what a dry run would need, what ran, and what the
         * operator still has to run (without --restart nothing was). */
        for (size_t i = 0; rs && json_object_is_type(rs, json_type_array) && i < json_object_array_length(rs); i++) {
                const char *cmd = mc_json_str(json_object_array_get_idx(rs, i), NULL) ?: "";
                _cleanup_free_ char *c = mc_escape_text(cmd, false);
                bool cmd_failed = false;

                for (size_t k = 0; json_object_is_type(failed, json_type_array) && k < json_object_array_length(failed); k++)
                        cmd_failed = cmd_failed || streq_ptr(mc_json_str(json_object_array_get_idx(failed, k), NULL), cmd);
                if (dry_run)
                        printf("would need: %s\n", c);
                else if (n_written == 0)
                        continue;
                else if (restarted)
                        printf("%s: %s\n", cmd_failed ? "restart failed" : "restarted", c);
                else
                        printf("not restarted (fix --restart runs it): %s\n", c);
        }
        if (err) {
                _cleanup_free_ char *e = mc_escape_text(err, false);
                printf("error: %s%s\n", e, n_written > 0 ? "" : "; nothing was written");
        }
}

static void print_fix_text(const struct mc_fix_outcome *o, json_object *extra) {
        if (mc_plan_empty(&o->plan)) {
                for (size_t i = 0; i < o->plan.n_unfixable; i++) {
                        _cleanup_free_ char *reason = mc_escape_text(o->plan.unfixable[i].reason, false);
                        printf("not fixed: %s: %s\n", o->plan.unfixable[i].check, reason);
                }
                printf("%s\n", o->plan.n_unfixable ? "nothing else to fix" : "nothing to fix");
                return;
        }
        print_fix(mc_json_get(extra, "fix"));
        printf("\n");
}

static json_object *fix_json(const struct mc_fix_outcome *o, bool dry_run) {
        json_object *fix = json_object_new_object(), *extra = json_object_new_object();
        json_object *unfixable = json_object_new_array(), *restart = json_object_new_array();

        json_object_object_add(fix, "dry_run", json_object_new_boolean(dry_run));
        json_object_object_add(fix, "applied", json_object_new_boolean(o->applied));
        json_object_object_add(fix, "written", json_object_new_int((int) o->written));
        {
                json_object *files = json_object_new_array(), *failed = json_object_new_array();

                for (char **w = o->written_files; w && *w; w++)
                        json_object_array_add(files, json_object_new_string(*w));
                json_object_object_add(fix, "written_files", files);
                json_object_object_add(fix, "restarted", json_object_new_boolean(o->restarted));
                for (char **c = o->restart_failed; c && *c; c++)
                        json_object_array_add(failed, json_object_new_string(*c));
                json_object_object_add(fix, "restart_failed", failed);
        }
        json_object_object_add(fix, "diff", o->diff ? json_object_new_string(o->diff) : NULL);
        for (size_t i = 0; i < o->plan.n_unfixable; i++) {
                json_object *u = json_object_new_object();

                json_object_object_add(u, "check", json_object_new_string(o->plan.unfixable[i].check));
                json_object_object_add(u, "reason", json_object_new_string(o->plan.unfixable[i].reason));
                json_object_array_add(unfixable, u);
        }
        json_object_object_add(fix, "not_fixed", unfixable);
        for (char **c = o->plan.restart; c && *c; c++)
                json_object_array_add(restart, json_object_new_string(*c));
        json_object_object_add(fix, "restart", restart);
        {
                json_object *cmds = json_object_new_array(), *failed = json_object_new_array();

                for (char **c = o->plan.commands; c && *c; c++)
                        json_object_array_add(cmds, json_object_new_string(*c));
                for (char **c = o->commands_failed; c && *c; c++)
                        json_object_array_add(failed, json_object_new_string(*c));
                json_object_object_add(fix, "commands", cmds);
                json_object_object_add(fix, "commands_failed", failed);
        }
        {
                json_object *notes = json_object_new_array();

                for (char **c = o->notes; c && *c; c++)
                        json_object_array_add(notes, json_object_new_string(*c));
                json_object_object_add(fix, "notes", notes);
        }
        {
                /* The live inserts as iptables arguments, in the order libiptc makes them. */
                json_object *live = json_object_new_array();
                _cleanup_free_ size_t *order = mc_assert_alloc(calloc(o->plan.n_live + 1, sizeof(*order)));

                mc_ipt_accept_order(o->plan.live, o->plan.n_live, order);
                for (size_t k = 0; k < o->plan.n_live; k++) {
                        const struct mc_ipt_accept *a = &o->plan.live[order[k]];
                        _cleanup_free_ char *spec = mc_ipt_accept_spec(a);
                        _cleanup_free_ char *args = a->before ? mc_strdup_printf("-I %s %u %s", a->chain, a->before, spec)
                                                              : mc_strdup_printf("-A %s %s", a->chain, spec);

                        json_object_array_add(live, json_object_new_string(args));
                }
                json_object_object_add(fix, "live", live);
        }
        if (o->error)
                json_object_object_add(fix, "error", json_object_new_string(o->error));
        json_object_object_add(extra, "fix", fix);
        return extra;
}

/* PATH's text, or standard input's for "-"; -EFBIG past max bytes. */
static int read_input(const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0, got = 0, n;
        char buf[65536];
        FILE *f;

        if (!streq(path, "-"))
                return mc_read_file(path, max, ret, ret_len);
        f = mc_assert_alloc(open_memstream(&text, &len));
        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
                if (got + n > max) {
                        fclose(f);
                        return -EFBIG;
                }
                fwrite(buf, 1, n, f);
                got += n;
        }
        fclose(f);
        if (ferror(stdin))
                return -EIO;
        *ret = TAKE_PTR(text);
        *ret_len = len;
        return 0;
}

/* --peers-from: NAME[=ADDR] per line; blank lines and # comments skipped. */
static int read_peers(struct args *a) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        unsigned line = 0;
        int r;

        r = read_input(a->peers_from, 16u * 1024u * 1024u, &text, &len);
        if (r < 0) {
                fprintf(stderr, "migcheck: --peers-from: cannot read '%s': %s\n", a->peers_from, strerror(-r));
                return r;
        }
        if (memchr(text ?: "", '\0', len)) {
                fprintf(stderr, "migcheck: --peers-from: '%s' is not text\n", a->peers_from);
                return -EBADMSG;
        }
        for (char *l = text, *next; l && *l; l = next) {
                char *nl = strchr(l, '\n'), *p;
                size_t n;

                next = nl ? nl + 1 : NULL;
                if (nl)
                        *nl = '\0';
                p = mc_strip(l);
                line++;
                if (isempty(p) || *p == '#')
                        continue;
                if (strpbrk(p, " \t\r")) {
                        fprintf(stderr, "migcheck: --peers-from: %s:%u: not NAME[=ADDR]: '%s'\n", a->peers_from, line, p);
                        return -EBADMSG;
                }
                n = mc_strv_length(a->peers);
                a->peers = mc_assert_alloc(reallocarray(a->peers, n + 2, sizeof(char *)));
                a->peers[n] = mc_strdup(p);
                a->peers[n + 1] = NULL;
        }
        return 0;
}

static int read_cluster_facts(const char *path, json_object **ret) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        size_t len = 0;
        int r;

        if ((r = read_input(path, 256u * 1024u * 1024u, &text, &len)) < 0) {
                fprintf(stderr, "migcheck: --cluster-facts: cannot read '%s': %s\n", path, strerror(-r));
                return r;
        }
        r = mc_facts_parse_max(text ?: "", len, 256u * 1024u * 1024u, ret, &err);
        if (r < 0)
                fprintf(stderr, "migcheck: --cluster-facts: %s\n", err);
        return r;
}

static void print_node_fix(const char *node, json_object *report) {
        _cleanup_free_ char *name = mc_escape_text(node, false);

        printf("== %s\n", name);
        print_fix(mc_json_get(report, "fix"));
}

/* Each node fixes itself; the coordinator gathers the rows. */
static int fix_cluster(struct args *a) {
        struct mc_cluster c = {};
        struct mc_results rs = {};
        _cleanup_free_ char *cluster_json = NULL;
        _cleanup_strv_free_ char **vargs = mc_split("--format,json,--cluster-facts,-", ",");
        int r;

        r = collect_cluster(a, &c);
        if (r >= 0) {
                mc_cluster_done(&c);
                return r;
        }
        cluster_json = mc_cluster_facts_json(&c);
        {
                static const struct { size_t off; const char *flag; } flags[] = {
                        { offsetof(struct args, dry_run), "--dry-run" },
                        { offsetof(struct args, include_warnings), "--include-warnings" },
                        { offsetof(struct args, no_backup), "--no-backup" },
                        { offsetof(struct args, restart), "--restart" },
                        { offsetof(struct args, allow_insecure_auth), "--allow-insecure-auth" },
                        { offsetof(struct args, apply_firewall_commands), "--apply-firewall-commands" },
                };
                for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                        if (*(bool *) ((char *) a + flags[i].off)) {
                                size_t n = mc_strv_length(vargs);
                                vargs = mc_assert_alloc(reallocarray(vargs, n + 2, sizeof(char *)));
                                vargs[n] = mc_strdup(flags[i].flag);
                                vargs[n + 1] = NULL;
                        }
        }
        {
                const struct mc_fanout_opts fo = {
                        .kind = a->exec_template ? MC_TRANSPORT_EXEC : MC_TRANSPORT_SSH,
                        .exec_template = a->exec_template,
                        .remote_migcheck = a->remote_migcheck,
                        .jobs = a->jobs ?: 16,
                        .timeout_ms = a->timeout_ms ?: 120000,
                        .nova_release = a->nova_release,
                        .only = a->only,
                        .skip = a->skip,
                        .verb = "fix",
                        .verb_args = vargs,
                        .stdin_data = cluster_json,
                        .stdin_len = strlen(cluster_json),
                        .progress = isatty(STDERR_FILENO) ? progress : NULL,
                };
                struct mc_cluster fixed = {};

                for (size_t i = 0; i < c.n_nodes; i++) {
                        struct mc_node *n = mc_cluster_add(&fixed, c.nodes[i].name);
                        n->address = mc_strdup(c.nodes[i].address);
                        /* A node that could not be collected is not fixed either. */
                        if (!c.nodes[i].facts)
                                n->error = mc_strdup(c.nodes[i].error);
                }
                mc_fanout_collect(&fixed, &fo);
                for (size_t i = 0; i < fixed.n_nodes; i++) {
                        struct mc_node *n = &fixed.nodes[i];
                        _cleanup_free_ char *bad = NULL;

                        if (!n->report) {
                                struct mc_result *e = mc_results_add(&rs, "fix", n->name, MC_ERROR, "not fixed: %s",
                                                                     n->error ?: "no answer");
                                mc_result_hint(e, "run 'migcheck fix' on the node itself");
                                continue;
                        }
                        /* The node's report is checked before any of it is
                         * used: it may have written its fixes, and the
                         * cluster is still checked again below. */
                        if (mc_node_report_rows(n->name, n->report, &rs, &bad) < 0) {
                                struct mc_result *e = mc_results_add(&rs, "fix", n->name, MC_ERROR,
                                                                     "not fixed: the node's report is not readable: %s", bad);
                                mc_result_hint(e, "the node may have written fixes (FILE.migcheck-bak beside each): run "
                                                  "'migcheck fix --dry-run' on the node itself");
                                continue;
                        }
                        if (a->format != MC_FORMAT_JSON)
                                print_node_fix(n->name, n->report);
                }
                if (!a->dry_run) {
                        /* Every node is fixed: check the cluster again as a
                         * whole, as `migcheck check` would now. */
                        struct mc_cluster again = {};
                        struct mc_results fresh = {}, merged = {};

                        a->inventory = NULL;   /* loaded once already */
                        a->save_facts = NULL;  /* the facts before the fix are the ones saved */
                        if (collect_cluster(a, &again) < 0) {
                                mc_checks_run(&again, a->only, a->skip, &fresh);
                                mc_fix_merge_recheck(&rs, &fresh, &merged);
                                mc_results_done(&rs);
                                rs = merged;
                        }
                        mc_results_done(&fresh);
                        mc_cluster_done(&again);
                }
                if (a->format == MC_FORMAT_JSON)
                        mc_report_json(stdout, &fixed, &rs, NULL);
                else {
                        printf("\n");
                        mc_report_text(stdout, &fixed, &rs, use_color(a->color), a->verbose);
                }
                r = mc_results_exit_code(&rs);
                mc_cluster_done(&fixed);
        }
        mc_results_done(&rs);
        mc_cluster_done(&c);
        return r;
}

static int verb_fix(struct args *a) {
        struct mc_collect_opts co = {
                .root = a->root,
                .needs = mc_checks_needs(a->only, a->skip),
                .nova_release = a->nova_release,
                .peers = a->peers,
        };
        _cleanup_json_ json_object *cluster_facts = NULL;
        const struct mc_fix_opts fo = {
                .include_warnings = a->include_warnings,
                .allow_insecure_auth = a->allow_insecure_auth,
                .apply_firewall_commands = a->apply_firewall_commands,
                .backup = !a->no_backup,
        };
        struct mc_fix_request req = {
                .collect = &co,
                .only = a->only,
                .skip = a->skip,
                .opts = &fo,
                .dry_run = a->dry_run,
                .restart = a->restart,
                .node_name = a->node_name,
        };
        struct mc_fix_outcome o = {};
        struct mc_cluster c = {};
        struct mc_results rs = {};
        int r, rc;

        if (a->inv.n || a->inventory)
                return fix_cluster(a);
        if (a->cluster_facts) {
                if (read_cluster_facts(a->cluster_facts, &cluster_facts) < 0)
                        return MC_EXIT_ERROR;
                req.cluster_facts = cluster_facts;
                /* The coordinator passes the peers in the document, each with
                 * the address it knows the node by. */
                if (!a->peers)
                        co.peers = a->peers = mc_cluster_doc_peers(cluster_facts, a->node_name);
        }

        r = mc_fix_run(&req, &c, &rs, &o);
        {
                _cleanup_json_ json_object *extra = fix_json(&o, a->dry_run);

                if (a->format == MC_FORMAT_JSON)
                        mc_report_json(stdout, &c, &rs, extra);
                else {
                        print_fix_text(&o, extra);
                        if (rs.n)
                                mc_report_text(stdout, &c, &rs, use_color(a->color), a->verbose);
                }
        }
        if (o.error) {
                _cleanup_free_ char *e = mc_escape_text(o.error, false);
                fprintf(stderr, "migcheck: fix: %s%s\n", e, o.written_files ? "" : "; nothing was written");
        }
        for (char **f = o.restart_failed; f && *f; f++)
                fprintf(stderr, "migcheck: fix: restart failed: %s\n", *f);
        for (char **f = o.commands_failed; f && *f; f++)
                fprintf(stderr, "migcheck: fix: command failed: %s\n", *f);
        rc = r < 0 || o.restart_failed || o.commands_failed ? MC_EXIT_ERROR : mc_results_exit_code(&rs);
        mc_fix_outcome_done(&o);
        mc_results_done(&rs);
        mc_cluster_done(&c);
        return rc;
}

int main(int argc, char **argv) {
        struct args a = {};
        int r;

        r = parse_args(argc, argv, &a);
        if (r >= 0)
                goto out;
        if (a.peers_from && read_peers(&a) < 0) {
                r = MC_EXIT_USAGE;
                goto out;
        }
        if (streq(a.verb, "list"))
                r = a.list_format == 2 ? mc_list_markdown(stdout)
                  : a.list_format == 1 ? mc_list_json(stdout)
                                       : mc_list_text(stdout);
        else if (streq(a.verb, "collect"))
                r = verb_collect(&a);
        else if (streq(a.verb, "fix"))
                r = verb_fix(&a);
        else
                r = verb_check(&a);
        if (r < 0)
                r = MC_EXIT_ERROR;
out:
        strv_free(a.only);
        strv_free(a.skip);
        strv_free(a.peers);
        strv_free(a.targets);
        mc_inventory_done(&a.inv);
        return r;
}
