/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* -i INVENTORY: "name [address]" lines or an Ansible INI inventory
 * (src/inventory.c). Every input is read twice, for all nodes and for the
 * group "compute", as --group would. */
#include <stdlib.h>

#include "fuzz.h"
#include "inventory.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = mc_fuzz_text(data, size);
        static const char *const groups[] = { NULL, "compute" };

        if (!text)
                return 0;
        for (size_t g = 0; g < ELEMENTSOF(groups); g++) {
                struct mc_inventory inv = {};
                _cleanup_free_ char *err = NULL;

                if (mc_inventory_parse(&inv, "fuzz", text, groups[g], &err) >= 0)
                        for (size_t i = 0; i < inv.n; i++)
                                if (!inv.nodes[i].name || !inv.nodes[i].name[0])
                                        abort();  /* every node has a name */
                mc_inventory_done(&inv);
        }
        return 0;
}
