/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixer for libvirtd-startup: --listen where the distro's init reads it,
 * and never with socket activation. */
#include <string.h>

#include "fixers.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "shell.h"
#include "util.h"

/* Words back into one double-quoted shell value. */
static char *shell_join(char *const *words) {
        _cleanup_free_ char *out = mc_strdup("\"");

        for (char *const *w = words; *w; w++) {
                for (const char *p = *w; *p; p++) {
                        char *n = strchr("\"\\$`", *p) ? mc_strdup_printf("%s\\%c", out, *p) : mc_strdup_printf("%s%c", out, *p);
                        free(out);
                        out = n;
                }
                if (w[1]) {
                        char *n = mc_strdup_printf("%s ", out);
                        free(out);
                        out = n;
                }
        }
        return mc_strdup_printf("%s\"", out);
}

int mc_fix_libvirtd_startup(struct mc_fix_ctx *ctx) {
        static const char *const vars[] = { "LIBVIRTD_ARGS", "libvirtd_opts" };
        const struct mc_distro_profile *p;
        _cleanup_free_ char *restart = NULL;
        struct mc_libvirt_mode m;
        struct mc_transport t;
        struct mc_setting s;

        mc_libvirt_mode(ctx->facts, &m);
        mc_migration_transport(ctx->facts, &t);
        p = m.profile;
        if (!p || m.modular)
                return mc_plan_unfixable(ctx->plan, ctx->check->id, "no distro profile says how libvirtd starts here");
        restart = mc_restart_command(ctx->facts, "libvirtd");

        if (m.socket_activated) {
                for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                        _cleanup_strv_free_ char **words = NULL, **kept = NULL;

                        if (mc_facts_setting(ctx->facts, p->startup_file, NULL, vars[i], &s) < 0)
                                continue;
                        struct mc_libvirtd_args a;

                        words = mc_shell_split(s.value);
                        if (!words)
                                continue;
                        mc_libvirtd_getopt(words, m.libvirt_version, &a);
                        if (a.outcome != MC_LIBVIRTD_RUNS) {
                                /* What the operator meant is not knowable:
                                 * the socket units need no arguments. */
                                mc_plan_rm(ctx, p->startup_file, LENS_SHELLVARS, MC_CONF_FLAT, vars[i]);
                                continue;
                        }
                        if (!a.listen)
                                continue;
                        kept = mc_libvirtd_args_drop_listen(words, m.libvirt_version);
                        if (!kept[0])
                                mc_plan_rm(ctx, p->startup_file, LENS_SHELLVARS, MC_CONF_FLAT, vars[i]);
                        else {
                                _cleanup_free_ char *v = shell_join(kept);
                                mc_plan_set(ctx, p->startup_file, LENS_SHELLVARS, MC_CONF_FLAT, vars[i], v);
                        }
                }
                /* The listener then comes from the socket unit. */
                {
                        _cleanup_free_ char *unit = mc_strdup_printf("libvirtd-%s.socket", t.scheme == MC_SCHEME_TLS ? "tls" : "tcp");
                        json_object *u = mc_json_path(ctx->facts, "systemd", "units", unit, NULL);
                        const char *installed = mc_json_str(u, "installed");

                        if (installed && !mc_unit_enabled(ctx->facts, unit, NULL) && !mc_unit_masked(ctx->facts, unit)) {
                                _cleanup_free_ char *link = mc_strdup_printf("/etc/systemd/system/sockets.target.wants/%s", unit);
                                _cleanup_free_ char *start = mc_strdup_printf("systemctl start %s", unit);

                                mc_plan_symlink(ctx, link, installed);
                                mc_plan_restart(ctx, start);
                        }
                }
                mc_plan_restart(ctx, restart);
                return 0;
        }

        if (mc_facts_setting(ctx->facts, p->startup_file, NULL, p->startup_var, &s) >= 0) {
                _cleanup_strv_free_ char **words = mc_shell_split(s.value), **add = mc_split(p->listen_value, " ");
                _cleanup_free_ char *v = NULL;
                struct mc_libvirtd_args a;
                size_t n, k;

                if (!words)
                        return mc_plan_unfixable(ctx->plan, ctx->check->id, "%s:%d: %s is not valid shell quoting",
                                                 s.file, s.line, p->startup_var);
                mc_libvirtd_getopt(words, m.libvirt_version, &a);
                if (a.outcome != MC_LIBVIRTD_RUNS) {
                        /* libvirtd exits on these words ("-d-l", "--listen=1"):
                         * the distro's own value replaces them; the diff
                         * shows what was there. */
                        v = mc_strdup_printf("\"%s\"", p->listen_value);
                        mc_plan_set(ctx, p->startup_file, LENS_SHELLVARS, MC_CONF_FLAT, p->startup_var, v);
                } else if (!a.listen) {
                        /* Keep what the operator passes, add the listen flag. */
                        n = mc_strv_length(words);
                        k = mc_strv_length(add);
                        words = mc_assert_alloc(reallocarray(words, n + k + 1, sizeof(char *)));
                        for (size_t i = 0; i < k; i++)
                                if (!mc_strv_contains(words, add[i]))
                                        words[n++] = mc_strdup(add[i]);
                        words[n] = NULL;
                        v = shell_join(words);
                        mc_plan_set(ctx, p->startup_file, LENS_SHELLVARS, MC_CONF_FLAT, p->startup_var, v);
                }
                /* Else the files are right and only the running daemon is not. */
        } else {
                _cleanup_free_ char *v = mc_strdup_printf("\"%s\"", p->listen_value);
                mc_plan_set(ctx, p->startup_file, LENS_SHELLVARS, MC_CONF_FLAT, p->startup_var, v);
        }
        mc_plan_restart(ctx, restart);
        return 0;
}
