/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shell words in KEY=value files, by GLib's shell rules (quotes and
 * backslashes; no expansion): LIBVIRTD_ARGS="--listen --timeout 120". */

char *mc_shell_unquote(const char *value);
/* The words a program gets from $VAR: the assignment's quotes removed,
 * then split on blanks. An empty value gives an empty vector; NULL when
 * the value is not valid shell quoting. */
char **mc_shell_split(const char *value);
/* text quoted for a POSIX shell ('it'\''s'), g_shell_quote()'s way. */
char *mc_shell_quote(const char *text);
