/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iptables-save text (iptables-nft-save's output, /etc/sysconfig/iptables,
 * /etc/iptables/rules.v4) through src/iptables_save.c. */
#include <stdlib.h>

#include "fuzz.h"
#include "iptables_save.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = mc_fuzz_text(data, size), *err = NULL;
        json_object *filter = NULL;
        int r;

        if (!text)
                return 0;
        r = mc_ipt_parse_save(mc_fuzz_aug(), text, size, &filter, &err);
        if (r < 0 && !err)
                abort();  /* a refusal says why */
        json_object_put(filter);
        return 0;
}
