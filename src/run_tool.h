/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* A helper program of migcheck's (migcheck-libvirt-probe, migcheck-rpm-probe):
 * $ENV_NAME, else beside this migcheck (a build tree, or the path a
 * coordinator gave with --remote-migcheck), else libexec. */
char *mc_helper_path(const char *env_name, const char *name);

/* Run argv[0] (an absolute path) with a clean environment, stdin from
 * /dev/null, and collect stdout (at most max bytes) and the start of
 * stderr, killing it at the deadline. A non-zero exit is -EIO with the
 * first line of stderr in *ret_error. Descriptors without O_CLOEXEC are
 * inherited (a helper can be handed a directory as /proc/self/fd/N). */
int mc_run_tool(char *const argv[], unsigned timeout_ms, size_t max, char **ret_out, size_t *ret_len,
                char **ret_error);
