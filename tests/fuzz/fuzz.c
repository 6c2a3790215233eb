/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

char *mc_fuzz_text(const uint8_t *data, size_t size) {
        char *t;

        if (memchr(data, '\0', size))
                return NULL;
        t = mc_assert_alloc(malloc(size + 1));
        memcpy(t, data, size);
        t[size] = '\0';
        return t;
}

augeas *mc_fuzz_aug(void) {
        static augeas *a;

        if (!a && mc_aug_new(&a) < 0) {
                fprintf(stderr, "fuzz: augeas did not start (lens path '%s')\n", mc_lens_path());
                abort();
        }
        return a;
}

FILE *mc_fuzz_sink(void) {
        static FILE *f;

        if (!f)
                f = mc_assert_alloc(fopen("/dev/null", "w"));
        return f;
}
