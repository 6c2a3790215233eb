/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "inventory.h"

#include <ctype.h>
#include <glib.h>
#include <string.h>

#include "util.h"

#define MC_INVENTORY_MAX_SIZE (16u * 1024u * 1024u)

/* By name, in a hash: an inventory of 10,000 nodes is 10,000 look-ups,
 * not 50 million comparisons. */
static struct mc_inv_node *find(struct mc_inventory *inv, const char *name) {
        gpointer i = inv->by_name ? g_hash_table_lookup(inv->by_name, name) : NULL;

        return i ? &inv->nodes[GPOINTER_TO_SIZE(i) - 1] : NULL;
}

static int add(struct mc_inventory *inv, const char *name, const char *address) {
        if (isempty(name))
                return -EINVAL;
        if (find(inv, name))
                return -EEXIST;
        inv->nodes = mc_assert_alloc(reallocarray(inv->nodes, inv->n + 1, sizeof(*inv->nodes)));
        inv->nodes[inv->n++] = (struct mc_inv_node) {
                .name = mc_strdup(name),
                .address = isempty(address) ? NULL : mc_strdup(address),
        };
        if (!inv->by_name)
                inv->by_name = g_hash_table_new(g_str_hash, g_str_equal);
        /* The key is the node's own copy; the value its index + 1. */
        g_hash_table_insert(inv->by_name, inv->nodes[inv->n - 1].name, GSIZE_TO_POINTER(inv->n));
        return 0;
}

int mc_inventory_add(struct mc_inventory *inv, const char *spec) {
        const char *eq = strchr(spec, '=');
        _cleanup_free_ char *name = eq ? mc_assert_alloc(strndup(spec, (size_t) (eq - spec))) : mc_strdup(spec);

        return add(inv, name, eq ? eq + 1 : NULL);
}

void mc_inventory_done(struct mc_inventory *inv) {
        for (size_t i = 0; i < inv->n; i++) {
                free(inv->nodes[i].name);
                free(inv->nodes[i].address);
        }
        free(inv->nodes);
        if (inv->by_name)
                g_hash_table_destroy(inv->by_name);
        *inv = (struct mc_inventory) {};
}

/* Ansible INI: [group] host lines, [group:children] group lines,
 * [group:vars] ignored. Hosts before any header are "ungrouped". */
struct group {
        char *name;
        char **hosts;     /* "name\taddress" */
        char **children;
        size_t n_hosts, n_children;
};

struct groups {
        struct group *g;
        size_t n;
};

static struct group *group_get(struct groups *gs, const char *name) {
        for (size_t i = 0; i < gs->n; i++)
                if (streq(gs->g[i].name, name))
                        return &gs->g[i];
        gs->g = mc_assert_alloc(reallocarray(gs->g, gs->n + 1, sizeof(*gs->g)));
        gs->g[gs->n] = (struct group) {
                .name = mc_strdup(name),
                .hosts = mc_assert_alloc(calloc(1, sizeof(char *))),
                .children = mc_assert_alloc(calloc(1, sizeof(char *))),
        };
        return &gs->g[gs->n++];
}

/* Counted: measuring the list per push made a group of n hosts O(n^2). */
static void strv_push(char ***l, size_t *n, const char *s) {
        *l = mc_assert_alloc(reallocarray(*l, *n + 2, sizeof(char *)));
        (*l)[*n] = mc_strdup(s);
        (*l)[++*n] = NULL;
}

static void groups_done(struct groups *gs) {
        for (size_t i = 0; i < gs->n; i++) {
                free(gs->g[i].name);
                strv_free(gs->g[i].hosts);
                strv_free(gs->g[i].children);
        }
        free(gs->g);
}

static int add_group(struct mc_inventory *inv, struct groups *gs, const char *name, int depth, char **ret_error) {
        struct group *g = NULL;

        for (size_t i = 0; i < gs->n; i++)
                if (streq(gs->g[i].name, name))
                        g = &gs->g[i];
        if (!g) {
                *ret_error = mc_strdup_printf("no group '%s' in the inventory", name);
                return -ENOENT;
        }
        if (depth > 16) {
                *ret_error = mc_strdup_printf("group '%s': children nest too deep (a cycle?)", name);
                return -ELOOP;
        }
        for (char **h = g->hosts; *h; h++) {
                char *tab = strchr(*h, '\t');

                *tab = '\0';
                if (!find(inv, *h))
                        add(inv, *h, tab + 1);
                *tab = '\t';
        }
        for (char **c = g->children; *c; c++) {
                int r = add_group(inv, gs, *c, depth + 1, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_ansible(struct mc_inventory *inv, const char *label, char *text, const char *group, char **ret_error) {
        struct groups gs = {};
        struct group *cur;
        enum { HOSTS, CHILDREN, VARS } mode = HOSTS;
        unsigned lineno = 0;
        int r = 0;

        /* group_get() may move the array: take "all" first, then the cursor. */
        group_get(&gs, "all");
        cur = group_get(&gs, "ungrouped");
        for (char *line = text, *next; line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                lineno++;
                line = mc_strip(line);
                if (!*line || *line == '#' || *line == ';')
                        continue;
                if (*line == '[') {
                        char *end = strchr(line, ']'), *colon;

                        if (!end) {
                                *ret_error = mc_strdup_printf("%s:%u: unterminated group header", label, lineno);
                                r = -EBADMSG;
                                goto out;
                        }
                        *end = '\0';
                        colon = strchr(line + 1, ':');
                        mode = HOSTS;
                        if (colon) {
                                *colon = '\0';
                                mode = streq(colon + 1, "children") ? CHILDREN : VARS;
                        }
                        cur = group_get(&gs, line + 1);
                        continue;
                }
                if (mode == VARS)
                        continue;
                {
                        _cleanup_strv_free_ char **w = mc_split(line, " \t");
                        const char *addr = "";

                        if (mode == CHILDREN) {
                                strv_push(&cur->children, &cur->n_children, w[0]);
                                continue;
                        }
                        for (char **v = w + 1; *v; v++)
                                if (mc_startswith(*v, "ansible_host="))
                                        addr = *v + strlen("ansible_host=");
                                else if (mc_startswith(*v, "ansible_ssh_host="))
                                        addr = *v + strlen("ansible_ssh_host=");
                        _cleanup_free_ char *entry = mc_strdup_printf("%s\t%s", w[0], addr);
                        strv_push(&cur->hosts, &cur->n_hosts, entry);
                }
        }
        /* Every group belongs to "all", as in Ansible. */
        for (size_t i = 0; i < gs.n; i++) {
                struct group *all = group_get(&gs, "all");

                if (!streq(gs.g[i].name, "all") && !mc_strv_contains(all->children, gs.g[i].name))
                        strv_push(&all->children, &all->n_children, gs.g[i].name);
        }
        r = add_group(inv, &gs, group ?: "all", 0, ret_error);
out:
        groups_done(&gs);
        return r;
}

static int parse_simple(struct mc_inventory *inv, const char *label, char *text, char **ret_error) {
        unsigned lineno = 0;

        for (char *line = text, *next; line; line = next) {
                _cleanup_strv_free_ char **w = NULL;
                int r;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                lineno++;
                line[strcspn(line, "#")] = '\0';
                w = mc_split(line, " \t\r");
                if (!w[0])
                        continue;
                if (mc_strv_length(w) > 2) {
                        *ret_error = mc_strdup_printf("%s:%u: expected 'name [address]', got '%s'", label, lineno,
                                                      mc_strip(line));
                        return -EBADMSG;
                }
                r = add(inv, w[0], w[1]);
                if (r == -EEXIST) {
                        *ret_error = mc_strdup_printf("%s:%u: node '%s' is listed twice", label, lineno, w[0]);
                        return r;
                }
        }
        return 0;
}

static bool looks_ansible(const char *text) {
        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '[')
                        return true;
                if (mc_startswith(p, "ansible_") || strstr(p, "ansible_host="))
                        return true;
                if (!strchr(p, '\n'))
                        break;
        }
        return false;
}

int mc_inventory_parse(struct mc_inventory *inv, const char *label, const char *text, const char *group,
                       char **ret_error) {
        _cleanup_free_ char *copy = mc_strdup(text);

        if (looks_ansible(text) || group)
                return parse_ansible(inv, label, copy, group, ret_error);
        return parse_simple(inv, label, copy, ret_error);
}

int mc_inventory_load(struct mc_inventory *inv, const char *path, const char *group, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = mc_read_file(path, MC_INVENTORY_MAX_SIZE, &text, &len);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot read inventory '%s': %s", path, strerror(-r));
                return r;
        }
        if (memchr(text, '\0', len)) {
                *ret_error = mc_strdup_printf("inventory '%s' is a binary file", path);
                return -EBADMSG;
        }
        r = mc_inventory_parse(inv, path, text, group, ret_error);
        if (r >= 0 && inv->n == 0) {
                *ret_error = mc_strdup_printf("inventory '%s' lists no nodes%s%s", path, group ? " in group " : "",
                                              group ?: "");
                return -ENOENT;
        }
        return r;
}
