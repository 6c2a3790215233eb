/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nova.conf (and every file nova reads with it) as the collector reads it:
 * the INI reader of src/confparse.c with mc_nova_conf_spec. Besides
 * crashes: a parsed file's facts must not carry a secret's value, and a
 * refused one names a line inside the file. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "facts.h"
#include "fuzz.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = mc_fuzz_text(data, size);
        json_object *f;

        if (!text)
                return 0;
        f = mc_conf_parse_text(mc_fuzz_aug(), &mc_nova_conf_spec, text, size);
        if (streq(mc_json_str(f, "state") ?: "", "error")) {
                int64_t line = mc_json_int(mc_json_get(f, "error"), "line", 0);
                size_t lines = 1;

                for (size_t i = 0; i < size; i++)
                        lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == size || text[i + 1] != '\n'));
                if (line < 1 || (size_t) line > lines)
                        abort();  /* an error must name a line of the file */
        }
        json_object_put(f);
        return 0;
}
