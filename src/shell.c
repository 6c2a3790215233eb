/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shell.h"

#include <glib.h>

#include "util.h"

/* The assignment's value without a trailing comment: the shell starts a
 * comment at an unquoted '#' that begins a word (VAR="--listen"  # tcp),
 * not inside one (a#b) nor inside quotes. The lens keeps it in the value. */
static char *strip_comment(const char *value) {
        char *v = mc_strdup(value), quote = 0;

        for (size_t i = 0; v[i]; i++) {
                if (quote) {
                        if (v[i] == quote)
                                quote = 0;
                        else if (quote == '"' && v[i] == '\\' && v[i + 1])
                                i++;
                } else if (v[i] == '\'' || v[i] == '"')
                        quote = v[i];
                else if (v[i] == '\\' && v[i + 1])
                        i++;
                else if (v[i] == '#' && (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t')) {
                        while (i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t'))
                                i--;
                        v[i] = '\0';
                        break;
                }
        }
        return v;
}

char *mc_shell_unquote(const char *value) {
        g_autofree char *bare = strip_comment(value);
        g_autofree char *s = g_shell_unquote(bare, NULL);

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
        {
                g_autofree char *bare = strip_comment(value);

                unq = g_shell_unquote(bare, NULL);
        }
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
