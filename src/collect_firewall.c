/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The filter table: the live rules (legacy through libiptc, nft through
 * the distro's iptables-nft-save), which tool manages them, and the rules
 * iptables-restore loads at boot. See docs/facts.md "firewall".
 *
 * Reading never changes the node: the legacy table is read only when the
 * kernel already lists it (iptc_init() would create it), and the nft
 * tool only runs when nf_tables is loaded (its netlink request would
 * load the module). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "collect.h"
#include "facts.h"
#include "iptables_libiptc.h"
#include "iptables_rule.h"
#include "iptables_save.h"
#include "shell.h"
#include "run_tool.h"
#include "util.h"

/* iptables-nft-save answers in milliseconds; a hung netlink socket or
 * a huge ruleset must not hang the collection (the coordinator's own
 * deadline is 30 s by default). */
#define TOOL_TIMEOUT_MS 10000
#define TOOL_MAX_OUTPUT (32u * 1024u * 1024u)

static const char *const nft_save_paths[] = {
        "/usr/sbin/iptables-nft-save", "/sbin/iptables-nft-save", "/usr/bin/iptables-nft-save", "/bin/iptables-nft-save",
};

/* One backend's view: present (its filter table exists), its rules,
 * where they came from, or why they could not be read. */
struct backend {
        const char *name;
        bool known;    /* we could tell whether it holds a table */
        bool present;
        json_object *filter;
        const char *source;
        char *error;
};

static void backend_done(struct backend *b) {
        json_object_put(b->filter);
        free(b->error);
}

static bool holds_rules(const struct backend *b) {
        return b->present && mc_ipt_table_restrictive(b->filter);
}

/* The legacy iptables-save: iptables-legacy-save, or (RHEL 6/7) an
 * iptables-save that is not the nft variant. */
static const char *find_legacy_save(void) {
        static const char *const names[] = {
                "/usr/sbin/iptables-legacy-save", "/sbin/iptables-legacy-save",
                "/usr/sbin/iptables-save", "/sbin/iptables-save",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *real = NULL;

                if (access(names[i], X_OK) < 0 || !(real = realpath(names[i], NULL)))
                        continue;
                if (!strstr(names[i], "legacy") && strstr(real, "nft"))
                        continue;
                return names[i];
        }
        return NULL;
}

static bool tokens_in_order(const char *mine, const char *theirs) {
        _cleanup_strv_free_ char **a = mc_split(mine, " "), **b = mc_split(theirs, " ");
        size_t k = 0;

        if (!a || !b)
                return false;
        for (size_t i = 0; a[i]; i++) {
                while (b[k] && !streq(b[k], a[i]))
                        k++;
                if (!b[k])
                        return false;
                k++;
        }
        return true;
}

/* libiptc cannot print the options of matches migcheck does not decode
 * (-m limit --limit 5/min): those rules take their text from the distro's
 * iptables-save, where its line is the same rule (same chain and position,
 * and migcheck's tokens appear in it in order). */
static void legacy_texts(json_object *filter) {
        json_object *chains = mc_json_get(filter, "chains");
        _cleanup_free_ char *out = NULL, *err = NULL;
        const char *tool;
        size_t len = 0;
        bool any = false;

        if (!chains || !json_object_is_type(chains, json_type_object))
                return;
        json_object_object_foreach(chains, n1, c1) {
                json_object *rules = mc_json_get(c1, "rules");

                (void) n1;
                for (size_t i = 0; rules && i < json_object_array_length(rules); i++) {
                        json_object *u = mc_json_get(json_object_array_get_idx(rules, i), "unknown");
                        if (u && json_object_is_type(u, json_type_array) && json_object_array_length(u) > 0)
                                any = true;
                }
        }
        if (!any || !(tool = find_legacy_save()))
                return;
        if (mc_run_tool((char *const[]) { (char *) tool, "-t", "filter", NULL }, TOOL_TIMEOUT_MS, TOOL_MAX_OUTPUT, &out, &len,
                     &err) < 0)
                return;
        json_object_object_foreach(chains, name, chain) {
                json_object *rules = mc_json_get(chain, "rules");
                _cleanup_free_ char *prefix = mc_strdup_printf("-A %s ", name);
                char **lines = NULL;
                size_t n = 0;

                {
                        _cleanup_free_ char *copy = mc_strdup(out);

                        for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                                if (mc_startswith(l, prefix)) {
                                        lines = mc_assert_alloc(reallocarray(lines, n + 1, sizeof(char *)));
                                        lines[n++] = mc_strdup(mc_strip(l));
                                }
                }
                if (rules && n == json_object_array_length(rules))
                        for (size_t i = 0; i < n; i++) {
                                json_object *r = json_object_array_get_idx(rules, i), *u = mc_json_get(r, "unknown");
                                const char *mine = mc_json_str(r, "text");

                                if (u && json_object_array_length(u) > 0 && mine && tokens_in_order(mine, lines[i]))
                                        json_object_object_add(r, "text", json_object_new_string(lines[i]));
                        }
                for (size_t i = 0; i < n; i++)
                        free(lines[i]);
                free(lines);
        }
}

static void read_legacy(struct backend *b) {
        _cleanup_free_ char *names = NULL;
        int r;

        b->name = "legacy";
        b->source = "libiptc";
        r = mc_read_file("/proc/net/ip_tables_names", 64 * 1024, &names, NULL);
        if (r == -ENOENT) {
                /* ip_tables is not loaded: no legacy table can exist. */
                b->known = true;
                return;
        }
        if (r < 0) {
                b->error = mc_strdup_printf("cannot read /proc/net/ip_tables_names: %s", strerror(-r));
                return;
        }
        b->known = true;
        for (char *save = NULL, *l = strtok_r(names, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (streq(mc_strip(l), "filter"))
                        b->present = true;
        if (!b->present)
                return;
        r = mc_ipt_read_legacy(&b->filter, &b->error);
        if (r < 0) {
                b->known = false;
                b->present = false;
                return;
        }
        legacy_texts(b->filter);
}

static const char *find_nft_save(void) {
        for (size_t i = 0; i < ELEMENTSOF(nft_save_paths); i++)
                if (access(nft_save_paths[i], X_OK) == 0)
                        return nft_save_paths[i];
        return NULL;
}

/* Whether nf_tables is in the kernel now: loaded as a module, built in
 * (modules.builtin), or a kernel without modules (all is built in). Only
 * then does asking for its tables change nothing. */
static bool nf_tables_available(void) {
        _cleanup_free_ char *builtin = NULL, *path = NULL;
        struct utsname u;
        struct stat st;

        if (stat("/sys/module/nf_tables", &st) >= 0)
                return true;
        if (stat("/proc/modules", &st) < 0 && errno == ENOENT)
                return true;
        if (uname(&u) < 0)
                return false;
        path = mc_strdup_printf("/lib/modules/%s/modules.builtin", u.release);
        return mc_read_file(path, 16u * 1024u * 1024u, &builtin, NULL) >= 0 && strstr(builtin, "/nf_tables.ko");
}

static void read_nft(struct mc_collector *c, struct backend *b) {
        _cleanup_free_ char *out = NULL;
        const char *tool;
        size_t len = 0;
        int r;

        b->name = "nft";
        if (!nf_tables_available()) {
                /* Not loaded: no nft table can exist. */
                b->known = true;
                b->source = "/sys/module";
                return;
        }
        tool = find_nft_save();
        if (!tool) {
                b->error = mc_strdup("nf_tables is loaded but iptables-nft-save is not installed: rules added with "
                                     "iptables-nft cannot be read");
                return;
        }
        b->source = "iptables-nft-save";
        /* Without -t: a filter table that does not exist is not printed
         * (with -t filter the tool prints an empty one). */
        r = mc_run_tool((char *const[]) { (char *) tool, NULL }, TOOL_TIMEOUT_MS, TOOL_MAX_OUTPUT, &out, &len, &b->error);
        if (r < 0)
                return;
        r = mc_ipt_parse_save(c->aug, out, len, &b->filter, &b->error);
        if (r < 0) {
                char *e = mc_strdup_printf("iptables-nft-save output: %s", b->error);
                free(b->error);
                b->error = e;
                return;
        }
        b->known = true;
        b->present = b->filter != NULL;
        /* A line of the tool's output is no evidence: only files keep "line". */
        if (b->filter) {
                json_object_object_foreach(mc_json_get(b->filter, "chains"), name, chain) {
                        json_object *rules = mc_json_get(chain, "rules");

                        (void) name;
                        for (size_t i = 0; i < json_object_array_length(rules); i++)
                                json_object_object_del(json_object_array_get_idx(rules, i), "line");
                }
        }
}

/* firewalld runs as python: its comm is "firewalld" (the script's name),
 * its argv[1] or argv[2] the script. */
static bool firewalld_running(pid_t *ret_pid) {
        DIR *d = opendir("/proc");
        bool found = false;

        if (!d)
                return false;
        for (struct dirent *de; !found && (de = readdir(d));) {
                _cleanup_free_ char *comm = NULL, *cmdline = NULL, *p1 = NULL, *p2 = NULL;
                size_t len = 0;

                if (!isdigit((unsigned char) de->d_name[0]))
                        continue;
                p1 = mc_strdup_printf("/proc/%s/comm", de->d_name);
                if (mc_read_file(p1, 4096, &comm, NULL) >= 0 && streq(mc_strip(comm), "firewalld"))
                        found = true;
                p2 = mc_strdup_printf("/proc/%s/cmdline", de->d_name);
                if (!found && mc_read_file(p2, 65536, &cmdline, &len) >= 0) {
                        size_t k = 0;

                        for (const char *a = cmdline; a < cmdline + len && k < 3; a += strlen(a) + 1, k++) {
                                const char *base = strrchr(a, '/');
                                if (streq(base ? base + 1 : a, "firewalld"))
                                        found = true;
                        }
                }
                if (found)
                        *ret_pid = (pid_t) atoi(de->d_name);
        }
        closedir(d);
        return found;
}

static char *conf_value(struct mc_collector *c, const char *path, const char *key) {
        const struct mc_conf_spec spec = { path, "Mc_shellvars.lns", "firewall-manager", MC_CONF_FLAT, NULL };
        json_object *f = mc_conf_collect(c->aug, c->fs, &spec);
        const char *v = mc_json_str(mc_json_path(f, "settings", key, NULL), "value");
        char *u = v ? mc_shell_unquote(v) : NULL;

        json_object_put(f);
        return u;
}

/* Whether systemd or SysV init starts unit at boot: a symlink in one of
 * the .wants directories `systemctl enable` writes, or an S link. */
static char *enabled_at_boot(struct mc_collector *c, const char *unit, const char *sysv) {
        static const char *const wants[] = {
                "/etc/systemd/system/multi-user.target.wants", "/etc/systemd/system/basic.target.wants",
                "/etc/systemd/system/sysinit.target.wants", "/etc/systemd/system/network-pre.target.wants",
        };
        static const char *const rc[] = { "/etc/rc.d/rc3.d", "/etc/rc3.d", "/etc/rc2.d", "/etc/rcS.d" };
        struct stat st;

        for (size_t i = 0; i < ELEMENTSOF(wants); i++) {
                _cleanup_free_ char *p = mc_strdup_printf("%s/%s", wants[i], unit), *target = NULL;

                /* A dangling link (the unit file is elsewhere in a tree) still enables it. */
                if (mc_rootfs_stat(c->fs, p, &st) >= 0 || mc_rootfs_readlink(c->fs, p, &target) >= 0)
                        return TAKE_PTR(p);
        }
        for (size_t i = 0; sysv && i < ELEMENTSOF(rc); i++) {
                _cleanup_strv_free_ char **names = NULL;

                if (mc_rootfs_list(c->fs, rc[i], &names) < 0)
                        continue;
                for (char **n = names; *n; n++) {
                        size_t l = strlen(*n), sl = strlen(sysv);
                        if ((*n)[0] == 'S' && l > sl && streq(*n + l - sl, sysv) && isdigit((unsigned char) (*n)[1]))
                                return mc_strdup_printf("%s/%s", rc[i], *n);
                }
        }
        return NULL;
}

static void collect_manager(struct mc_collector *c, json_object *fw, json_object *live_filter) {
        _cleanup_free_ char *ufw = conf_value(c, "/etc/ufw/ufw.conf", "ENABLED");
        _cleanup_free_ char *backend = conf_value(c, "/etc/firewalld/firewalld.conf", "FirewallBackend");
        _cleanup_free_ char *evidence = NULL, *unit = NULL;
        const char *by = NULL;
        pid_t pid = 0;

        if (c->live) {
                if (firewalld_running(&pid)) {
                        by = "firewalld";
                        evidence = mc_strdup_printf("process firewalld (pid %d)", (int) pid);
                } else if (mc_json_path(live_filter, "chains", "ufw-before-input", NULL)) {
                        /* ufw has no daemon: its chains in the live table say it is active. */
                        by = "ufw";
                        evidence = mc_strdup_printf("chain ufw-before-input in the live filter table%s",
                                                    ufw && streq(ufw, "yes") ? ", /etc/ufw/ufw.conf: ENABLED=yes" : "");
                }
        } else if ((unit = enabled_at_boot(c, "firewalld.service", "firewalld"))) {
                by = "firewalld";
                evidence = mc_strdup_printf("%s (enabled at boot)", unit);
        } else if (ufw && streq(ufw, "yes")) {
                by = "ufw";
                evidence = mc_strdup("/etc/ufw/ufw.conf: ENABLED=yes");
        }
        json_object_object_add(fw, "managed_by", by ? json_object_new_string(by) : NULL);
        if (evidence)
                json_object_object_add(fw, "managed_evidence", json_object_new_string(evidence));
        if (by && streq(by, "firewalld"))
                /* nftables (the default since firewalld 0.6) keeps firewalld's
                 * rules in table inet firewalld, which iptables-save does not show. */
                json_object_object_add(fw, "firewalld_backend", backend ? json_object_new_string(backend) : NULL);
}

static bool is_rhel_like(json_object *facts) {
        const char *id = mc_json_str(mc_json_get(facts, "os"), "id"), *like = mc_json_str(mc_json_get(facts, "os"), "id_like");

        return (id && (streq(id, "rhel") || streq(id, "centos") || streq(id, "fedora") || streq(id, "rocky") ||
                       streq(id, "almalinux") || streq(id, "ol"))) ||
               (like && (strstr(like, "rhel") || strstr(like, "fedora")));
}

static bool is_debian_like(json_object *facts) {
        const char *id = mc_json_str(mc_json_get(facts, "os"), "id"), *like = mc_json_str(mc_json_get(facts, "os"), "id_like");

        return (id && (streq(id, "debian") || streq(id, "ubuntu"))) || (like && strstr(like, "debian"));
}

static void collect_persisted(struct mc_collector *c, json_object *fw) {
        static const char *const sysconfig = "/etc/sysconfig/iptables", *const rules_v4 = "/etc/iptables/rules.v4";
        bool debian = is_debian_like(c->facts) && !is_rhel_like(c->facts);
        const char *order[2] = { debian ? rules_v4 : sysconfig, debian ? sysconfig : rules_v4 };
        json_object *p = json_object_new_object(), *restored = json_object_new_array();
        static const struct {
                const char *unit, *sysv;
        } loaders[] = {
                { "iptables.service", "iptables" },
                { "netfilter-persistent.service", "netfilter-persistent" },
                { "iptables-persistent.service", "iptables-persistent" },
        };
        const char *path = NULL;
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = -ENOENT;

        json_object_object_add(fw, "persisted", p);
        for (size_t i = 0; i < 2 && r == -ENOENT; i++) {
                r = mc_rootfs_read(c->fs, order[i], MC_CONF_MAX_SIZE, &text, &len);
                if (r != -ENOENT && r != -ENOTDIR)
                        path = order[i];
                else
                        r = -ENOENT;
        }
        for (size_t i = 0; i < ELEMENTSOF(loaders); i++) {
                _cleanup_free_ char *u = enabled_at_boot(c, loaders[i].unit, loaders[i].sysv);
                if (u)
                        json_object_array_add(restored, json_object_new_string(u));
        }
        json_object_object_add(p, "path", json_object_new_string(path ?: order[0]));
        json_object_object_add(p, "restored_by", restored);
        if (r == -ENOENT) {
                json_object_object_add(p, "state", json_object_new_string("absent"));
                return;
        }
        if (r < 0) {
                _cleanup_free_ char *m = mc_strdup_printf("cannot read: %s", mc_read_error_string(r));
                json_object_object_add(p, "state", json_object_new_string("error"));
                json_object_object_add(p, "error", json_object_new_string(m));
                return;
        }
        {
                json_object *filter = NULL;
                _cleanup_free_ char *err = NULL;

                r = mc_ipt_parse_save(c->aug, text, len, &filter, &err);
                if (r < 0) {
                        json_object_object_add(p, "state", json_object_new_string("error"));
                        json_object_object_add(p, "error", json_object_new_string(err ?: "cannot parse"));
                        return;
                }
                json_object_object_add(p, "state", json_object_new_string("ok"));
                /* A file without *filter loads no filter rules: everything is accepted. */
                json_object_object_add(p, "filter", filter ?: mc_ipt_table_new());
        }
}

/* The interface the route to each peer leaves through (main table,
 * longest prefix): with symmetric routing, the peer's packets arrive on
 * it, which settles "-i" in the rules. */
static void collect_ingress(struct mc_collector *c, json_object *fw) {
        _cleanup_free_ char *routes = NULL;
        json_object *ingress = json_object_new_object();

        json_object_object_add(fw, "ingress", ingress);
        if (!c->peers || mc_read_file("/proc/net/route", 16u * 1024u * 1024u, &routes, NULL) < 0)
                return;
        for (char *const *p = c->peers; *p; p++) {
                const char *eq = strchr(*p, '=');
                struct in_addr a;
                char best[IFNAMSIZ + 1] = "";
                int best_len = -1;
                unsigned best_metric = 0;
                _cleanup_free_ char *copy = mc_strdup(routes);

                if (!eq || inet_pton(AF_INET, eq + 1, &a) != 1)
                        continue;
                for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        char ifname[IFNAMSIZ + 1];
                        unsigned dst, gw, flags, metric, mask;
                        int plen;

                        if (sscanf(l, "%16s %x %x %x %*d %*d %u %x", ifname, &dst, &gw, &flags, &metric, &mask) != 6)
                                continue;
                        if (!(flags & 0x1) || (a.s_addr & mask) != dst)  /* RTF_UP; both in network order */
                                continue;
                        plen = __builtin_popcount(mask);
                        if (plen > best_len || (plen == best_len && metric < best_metric)) {
                                snprintf(best, sizeof(best), "%s", ifname);
                                best_len = plen;
                                best_metric = metric;
                        }
                }
                if (best_len >= 0)
                        json_object_object_add(ingress, eq + 1, json_object_new_string(best));
        }
}

static void collect_port_range(json_object *fw) {
        _cleanup_free_ char *text = NULL;
        unsigned lo, hi;

        /* The source ports this node's outgoing connections use: rules
         * that match source ports (-m multiport --ports) depend on them. */
        if (mc_read_file("/proc/sys/net/ipv4/ip_local_port_range", 4096, &text, NULL) < 0 ||
            sscanf(text, "%u %u", &lo, &hi) != 2 || lo > hi || hi > 65535)
                return;
        json_object *a = json_object_new_array();
        json_object_array_add(a, json_object_new_int((int) lo));
        json_object_array_add(a, json_object_new_int((int) hi));
        json_object_object_add(fw, "local_port_range", a);
}

void mc_collect_firewall(struct mc_collector *c) {
        json_object *fw = json_object_new_object(), *tables;
        struct backend legacy = {}, nft = {};
        const char *backend;

        json_object_object_add(c->facts, "firewall", fw);
        if (!c->live) {
                json_object_object_add(fw, "backend", NULL);
                json_object_object_add(fw, "source", json_object_new_string("offline: the persisted rules only"));
                collect_manager(c, fw, NULL);
                collect_persisted(c, fw);
                return;
        }

        read_legacy(&legacy);
        read_nft(c, &nft);

        tables = json_object_new_object();
        for (struct backend *b = &legacy; b; b = b == &legacy ? &nft : NULL) {
                json_object *t = json_object_new_object();

                json_object_object_add(t, "present", b->known ? json_object_new_boolean(b->present) : NULL);
                json_object_object_add(t, "rules", json_object_new_int((int) mc_ipt_table_rules(b->filter)));
                if (b->source)
                        json_object_object_add(t, "source", json_object_new_string(b->source));
                if (b->error)
                        json_object_object_add(t, "error", json_object_new_string(b->error));
                json_object_object_add(tables, b->name, t);
        }
        json_object_object_add(fw, "tables", tables);

        backend = holds_rules(&legacy) && holds_rules(&nft) ? "both"
                : holds_rules(&legacy)                    ? "legacy"
                : holds_rules(&nft)                       ? "nft"
                                                          : "none";
        if (!legacy.known && !nft.known) {
                /* Nothing could be read (not root?): say why, decide nothing. */
                _cleanup_free_ char *e = mc_strdup_printf("%s%s%s", legacy.error ?: "", legacy.error && nft.error ? "; " : "",
                                                          nft.error ?: "");
                json_object_object_add(fw, "backend", NULL);
                json_object_object_add(fw, "error", json_object_new_string(e));
        } else if (!legacy.known && !holds_rules(&nft)) {
                json_object_object_add(fw, "backend", NULL);
                json_object_object_add(fw, "error", json_object_new_string(legacy.error));
        } else if (!nft.known && !holds_rules(&legacy)) {
                json_object_object_add(fw, "backend", NULL);
                json_object_object_add(fw, "error", json_object_new_string(nft.error));
        } else
                json_object_object_add(fw, "backend", json_object_new_string(backend));

        /* filter: the rules that decide. Both backends hook INPUT: a packet
         * must pass both, so with both, filter_nft holds the nft half. */
        if (holds_rules(&legacy) || (!holds_rules(&nft) && legacy.present)) {
                json_object_object_add(fw, "source", json_object_new_string(holds_rules(&nft) ? "libiptc, iptables-nft-save" : "libiptc"));
                json_object_object_add(fw, "filter", TAKE_PTR(legacy.filter));
                if (holds_rules(&nft))
                        json_object_object_add(fw, "filter_nft", TAKE_PTR(nft.filter));
        } else if (nft.present) {
                json_object_object_add(fw, "source", json_object_new_string("iptables-nft-save"));
                json_object_object_add(fw, "filter", TAKE_PTR(nft.filter));
        } else if (legacy.known || nft.known) {
                json_object_object_add(fw, "source", json_object_new_string("no filter table: nothing is filtered"));
                json_object_object_add(fw, "filter", mc_ipt_table_new());
        }

        collect_manager(c, fw, mc_json_get(fw, "filter"));
        collect_persisted(c, fw);
        collect_ingress(c, fw);
        collect_port_range(fw);
        backend_done(&legacy);
        backend_done(&nft);
}
