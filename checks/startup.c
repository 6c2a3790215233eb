/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirtd-startup: whether the way this distro starts libvirtd makes it
 * listen on the network. */
#include <string.h>

#include "checks.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "shell.h"
#include "util.h"

/* The distro-file variables that carry libvirtd's arguments. */
static const char *const startup_vars[] = { "LIBVIRTD_ARGS", "libvirtd_opts", NULL };

struct startup_arg {
        struct mc_setting s;
        bool listen;
        bool parsed;
};

static bool read_var(json_object *facts, const char *file, const char *var, struct startup_arg *ret) {
        _cleanup_strv_free_ char **words = NULL;

        if (mc_facts_setting(facts, file, NULL, var, &ret->s) < 0)
                return false;
        words = mc_shell_split(ret->s.value);
        ret->parsed = words != NULL;
        ret->listen = mc_args_listen(words);
        return true;
}

/* --listen written where this distro never looks: the classic is
 * /etc/sysconfig/libvirtd on Ubuntu. Adds evidence, returns whether found. */
static bool listen_elsewhere(struct mc_check_ctx *ctx, const struct mc_distro_profile *p, struct mc_result *r) {
        bool found = false;

        for (const char *const *f = mc_startup_files; *f; f++)
                for (const char *const *v = startup_vars; *v; v++) {
                        struct startup_arg a = {};

                        if (streq(*f, p->startup_file) && streq(*v, p->startup_var))
                                continue;
                        if (read_var(ctx->facts, *f, *v, &a) && a.listen) {
                                mc_evidence_setting(r, &a.s);
                                found = true;
                        }
                }
        return found;
}

static void runtime_args(struct mc_check_ctx *ctx, const char *daemon, bool *ret_running, bool *ret_listen) {
        json_object *p = mc_runtime_process(ctx->facts, daemon), *args = mc_json_get(p, "args");
        _cleanup_strv_free_ char **words = NULL;
        size_t n;

        *ret_running = p != NULL;
        *ret_listen = false;
        if (!args || !json_object_is_type(args, json_type_array))
                return;
        n = json_object_array_length(args);
        words = mc_assert_alloc(calloc(n + 1, sizeof(char *)));
        for (size_t i = 0; i < n; i++)
                words[i] = mc_strdup(mc_json_str(json_object_array_get_idx(args, i), NULL) ?: "");
        *ret_listen = mc_args_listen(words);
}

static void check_socket_activated(struct mc_check_ctx *ctx, const struct mc_libvirt_mode *m) {
        struct mc_result *r;
        bool bad = false;

        /* libvirt >= 5.7 exits at start: "--listen parameter not permitted
         * with systemd activation sockets". Any file the unit reads counts. */
        for (const char *const *v = startup_vars; *v; v++) {
                struct startup_arg a = {};

                if (!read_var(ctx->facts, m->profile->startup_file, *v, &a) || !a.listen)
                        continue;
                if (!bad)
                        r = mc_report(ctx, MC_FAIL,
                                      "libvirtd will not start: %s passes --listen, which socket-activated libvirt %s "
                                      "refuses ('--listen parameter not permitted with systemd activation sockets')",
                                      m->profile->startup_file, m->libvirt_version);
                mc_evidence_setting(r, &a.s);
                bad = true;
        }
        if (bad) {
                mc_result_hint(r, "remove -l/--listen from %s and enable the listener with 'systemctl enable --now "
                                  "libvirtd-tcp.socket' (or libvirtd-tls.socket)",
                               m->profile->startup_file);
                return;
        }
        r = mc_report(ctx, MC_PASS, "libvirtd is socket-activated and started without --listen, as required (%s)", m->why);
        mc_result_evidence(r, m->profile->startup_file, 0, "no -l/--listen");
}

static void check_classic(struct mc_check_ctx *ctx, const struct mc_libvirt_mode *m) {
        const struct mc_distro_profile *p = m->profile;
        struct startup_arg a = {};
        bool running, run_listen, set;
        struct mc_result *r;
        struct mc_results tmp = {};
        enum mc_status st;

        set = read_var(ctx->facts, p->startup_file, p->startup_var, &a);
        if (set && !a.parsed) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: %s is not valid shell quoting", p->startup_var);
                mc_evidence_setting(r, &a.s);
                return;
        }
        if (set && a.listen) {
                r = mc_results_add(&tmp, "", "", MC_PASS, "libvirtd is started with --listen by %s (%s)", p->startup_file, m->why);
                mc_evidence_setting(r, &a.s);
        } else {
                r = mc_results_add(&tmp, "", "", MC_FAIL, "libvirtd is started without --listen: %s", m->why);
                if (set)
                        mc_evidence_setting(r, &a.s);
                else
                        mc_result_evidence(r, p->startup_file, 0, "%s not set", p->startup_var);
                if (listen_elsewhere(ctx, p, r)) {
                        free(r->summary);
                        r->summary = mc_strdup_printf("libvirtd is started without --listen: the option is written to a "
                                                      "file or variable that %s's libvirt never reads",
                                                      p->name);
                }
                mc_result_hint(r, "write %s=\"%s\" to %s and restart libvirtd", p->startup_var, p->listen_value,
                               p->startup_file);
        }

        st = tmp.items[0].status;
        runtime_args(ctx, "libvirtd", &running, &run_listen);
        if (mc_facts_live(ctx->facts) && running && st == MC_FAIL && run_listen)
                mc_report_copy(ctx, MC_WARN, "the running libvirtd was started with --listen by hand; "
                                             "the startup files will not pass it after a restart", r);
        else if (mc_facts_live(ctx->facts) && running && st == MC_PASS && !run_listen) {
                struct mc_result *f = mc_report(ctx, MC_FAIL, "the running libvirtd was started without --listen, "
                                                              "though the startup files now pass it");
                mc_result_evidence(f, "/proc", 0, "libvirtd's arguments lack -l/--listen");
                mc_result_hint(f, "restart libvirtd");
        } else
                mc_report_copy(ctx, st, NULL, r);
        mc_results_done(&tmp);
}

void mc_check_libvirtd_startup(struct mc_check_ctx *ctx) {
        struct mc_libvirt_mode m;
        struct mc_transport t;
        struct mc_result *r;

        mc_migration_transport(ctx->facts, &t);
        mc_libvirt_mode(ctx->facts, &m);
        if (t.scheme == MC_SCHEME_SSH) {
                mc_report(ctx, MC_SKIP, "migration goes over ssh: libvirtd needs no network listener");
                return;
        }
        if (!m.os_id) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: the operating system is unknown (%s)", mc_json_str(mc_json_get(ctx->facts, "os"), "error") ?: "no os-release");
                mc_result_hint(r, "include /etc/os-release in the collected tree");
                return;
        }
        if (!m.profile) {
                mc_report(ctx, MC_SKIP, "no distro profile for '%s %s': how it starts libvirtd is not known to migcheck",
                          m.os_id, m.os_version ?: "");
                return;
        }
        for (const char *const *f = mc_startup_files; *f; f++)
                if (!mc_require_file(ctx, *f))
                        return;
        if (m.modular) {
                mc_report(ctx, MC_SKIP, "modular daemons: virtproxyd takes its listener from its socket units, "
                                        "see libvirtd-listen (%s)", m.why);
                return;
        }
        if (m.socket_activated)
                check_socket_activated(ctx, &m);
        else
                check_classic(ctx, &m);
}
