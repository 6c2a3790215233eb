/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Which nodes to check: -n NAME[=ADDRESS] on the command line, or an
 * inventory file, either one node per line ("name [address]") or an
 * Ansible INI inventory (groups, children, ansible_host=). */

#include <stddef.h>

struct mc_inv_node {
        char *name;
        char *address;  /* NULL: the name is the address */
};

struct mc_inventory {
        struct mc_inv_node *nodes;
        size_t n;
        struct _GHashTable *by_name;  /* name -> index + 1 */
};

/* "name" or "name=address". -EEXIST for a name given twice. */
int mc_inventory_add(struct mc_inventory *inv, const char *spec);
/* Load path; group selects an Ansible group (with its children), NULL all. */
int mc_inventory_load(struct mc_inventory *inv, const char *path, const char *group, char **ret_error);
int mc_inventory_parse(struct mc_inventory *inv, const char *label, const char *text, const char *group,
                       char **ret_error);
void mc_inventory_done(struct mc_inventory *inv);
