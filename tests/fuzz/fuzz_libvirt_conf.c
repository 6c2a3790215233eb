/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's configuration files as the collector reads them: the first
 * byte picks the file (its spec taken from src/collect_libvirt.c, so the
 * harness follows a change of lens there), the rest is the file's text,
 * through mc_conf_parse_text(). Seeds: tests/fuzz/corpus/libvirt_conf/,
 * whose names and first bytes say which file they are. */
#include <stdlib.h>

#include "collect.h"
#include "fuzz.h"
#include "util.h"

static const char *const kinds[] = { "libvirtd", "qemu", "sasl2", "libvirt-auth", "virtproxyd" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const struct mc_conf_spec *spec;
        _cleanup_free_ char *text = NULL;

        if (size < 1)
                return 0;
        /* '0' libvirtd.conf, '1' qemu.conf, '2' sasl2's libvirt.conf, '3' auth.conf, '4' virtproxyd.conf */
        spec = mc_libvirt_conf_spec(kinds[(data[0] - '0' + 256) % ELEMENTSOF(kinds)]);
        if (!spec)
                abort();  /* the collector no longer reads that kind: update kinds[] */
        text = mc_fuzz_text(data + 1, size - 1);
        if (!text)
                return 0;
        json_object_put(mc_conf_parse_text(mc_fuzz_aug(), spec, text, size - 1));
        return 0;
}
