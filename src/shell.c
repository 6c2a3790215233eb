/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shell.h"

#include <glib.h>

#include "util.h"

char *mc_shell_unquote(const char *value) {
        g_autofree char *s = g_shell_unquote(value, NULL);

        return s ? mc_strdup(s) : NULL;
}

char **mc_shell_split(const char *value) {
        g_auto(GStrv) argv = NULL;
        g_autofree char *unq = NULL;
        char **l;
        int argc = 0;
        GError *err = NULL;

        /* g_shell_parse_argv() refuses an empty string; so do we not. */
        unq = g_strstrip(g_strdup(value));
        if (!*unq || streq(unq, "\"\"") || streq(unq, "''"))
                return mc_assert_alloc(calloc(1, sizeof(char *)));
        if (!g_shell_parse_argv(value, &argc, &argv, &err)) {
                g_error_free(err);
                return NULL;
        }
        l = mc_assert_alloc(calloc((size_t) argc + 1, sizeof(char *)));
        for (int i = 0; i < argc; i++)
                l[i] = mc_strdup(argv[i]);
        return l;
}
