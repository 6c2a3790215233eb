/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shell.h"

#include <glib.h>

#include "util.h"

char *mc_shell_unquote(const char *value) {
        g_autofree char *s = g_shell_unquote(value, NULL);

        return s ? mc_strdup(s) : NULL;
}

char **mc_shell_split(const char *value) {
        g_autofree char *unq = NULL;
        g_auto(GStrv) words = NULL;
        char **l;
        size_t n = 0;

        /* VAR="--listen --timeout 120" reaches libvirtd as $VAR, unquoted:
         * the shell (or systemd's EnvironmentFile=) removes the quotes of
         * the assignment, then the expansion splits on blanks. */
        unq = g_shell_unquote(value, NULL);
        if (!unq)
                return NULL;
        words = g_strsplit_set(unq, " \t\n", -1);
        l = mc_assert_alloc(calloc(g_strv_length(words) + 1, sizeof(char *)));
        for (char **w = words; *w; w++)
                if (**w)
                        l[n++] = mc_strdup(*w);
        return l;
}

char *mc_shell_quote(const char *text) {
        g_autofree char *q = g_shell_quote(text);

        return mc_strdup(q);
}
