/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirtd-startup: whether the way this distro starts libvirtd makes it
 * listen on the network. */
#include <string.h>

#include "checks.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "util.h"

/* The distro-file variables that carry libvirtd's arguments. */
static const char *const startup_vars[] = { "LIBVIRTD_ARGS", "libvirtd_opts", NULL };

/* "libvirtd -d --listen", as one evidence line. */
static char *command_line(char *const *words) {
        _cleanup_free_ char *j = NULL;

        for (char *const *w = words; w && *w; w++) {
                char *n = mc_strdup_printf("%s %s", j ?: "libvirtd", *w);
                free(j);
                j = n;
        }
        return j ? TAKE_PTR(j) : mc_strdup("libvirtd");
}

static void evidence_args(struct mc_result *r, const struct mc_startup_args *a, const char *file, const char *var) {
        _cleanup_free_ char *cmd = command_line(a->words);

        if (a->set)
                mc_evidence_setting(r, &a->s);
        else
                mc_result_evidence(r, file, 0, "%s not set", var);
        mc_result_evidence(r, file, a->set ? a->s.line : 0, "libvirtd gets: %s (getopt as in %s)", cmd, a->parsed.table);
}

/* --listen written where this distro never looks: the classic is
 * /etc/sysconfig/libvirtd on Ubuntu. Adds evidence, returns whether found. */
static bool listen_elsewhere(struct mc_check_ctx *ctx, const struct mc_libvirt_mode *m, struct mc_result *r) {
        const struct mc_distro_profile *p = m->profile;
        bool found = false;

        for (const char *const *f = mc_startup_files; *f; f++)
                for (const char *const *v = startup_vars; *v; v++) {
                        struct mc_startup_args a;

                        if (streq(*f, p->startup_file) && streq(*v, p->startup_var))
                                continue;
                        mc_startup_args(ctx->facts, m, *f, *v, &a);
                        if (a.set && a.parsed.outcome == MC_LIBVIRTD_RUNS && a.parsed.listen) {
                                mc_evidence_setting(r, &a.s);
                                found = true;
                        }
                        mc_startup_args_done(&a);
                }
        return found;
}

static void check_socket_activated(struct mc_check_ctx *ctx, const struct mc_libvirt_mode *m) {
        struct mc_result *r = NULL;
        bool bad = false;

        /* libvirt >= 5.7 exits at start: "--listen parameter not permitted
         * with systemd activation sockets". Any variable the unit reads counts;
         * words getopt refuses stop it before that. */
        for (const char *const *v = startup_vars; *v; v++) {
                struct mc_startup_args a;

                mc_startup_args(ctx->facts, m, m->profile->startup_file, *v, &a);
                if (a.set && a.quoting_ok && a.parsed.outcome != MC_LIBVIRTD_RUNS) {
                        r = mc_report(ctx, MC_FAIL, "libvirtd refuses its arguments and exits at start: %s (%s; %s)",
                                      a.parsed.error, *v, m->why);
                        evidence_args(r, &a, m->profile->startup_file, *v);
                        mc_result_hint(r, "correct %s in %s: libvirtd takes -d, -l, -v, -f FILE, -p FILE, -t SECONDS "
                                          "and their long forms, each word separately",
                                       *v, m->profile->startup_file);
                        mc_startup_args_done(&a);
                        return;
                }
                if (!a.set || !a.parsed.listen) {
                        mc_startup_args_done(&a);
                        continue;
                }
                if (!bad)
                        r = mc_report(ctx, MC_FAIL,
                                      "libvirtd will not start: %s passes --listen, which socket-activated libvirt %s "
                                      "refuses ('--listen parameter not permitted with systemd activation sockets')",
                                      m->profile->startup_file, m->libvirt_version);
                mc_evidence_setting(r, &a.s);
                bad = true;
                mc_startup_args_done(&a);
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
        _cleanup_strv_free_ char **run_words = NULL;
        struct mc_libvirtd_args run = {};
        struct mc_startup_args a;
        struct mc_result *r;
        struct mc_results tmp = {};
        enum mc_status st;
        bool running;

        mc_startup_args(ctx->facts, m, p->startup_file, p->startup_var, &a);
        if (a.set && !a.quoting_ok) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: %s is not valid shell quoting", p->startup_var);
                mc_evidence_setting(r, &a.s);
                mc_startup_args_done(&a);
                return;
        }
        if (a.parsed.outcome == MC_LIBVIRTD_REFUSED) {
                r = mc_results_add(&tmp, "", "", MC_FAIL, "libvirtd refuses its arguments and exits at start: %s (%s)",
                                   a.parsed.error, m->why);
                evidence_args(r, &a, p->startup_file, p->startup_var);
                mc_result_hint(r, "write %s=\"%s\" to %s (each option a word of its own) and restart libvirtd",
                               p->startup_var, p->listen_value, p->startup_file);
        } else if (a.parsed.outcome == MC_LIBVIRTD_EXITS) {
                r = mc_results_add(&tmp, "", "", MC_FAIL, "libvirtd exits at start: %s (%s)", a.parsed.error, m->why);
                evidence_args(r, &a, p->startup_file, p->startup_var);
                mc_result_hint(r, "write %s=\"%s\" to %s and restart libvirtd", p->startup_var, p->listen_value,
                               p->startup_file);
        } else if (a.parsed.listen) {
                r = mc_results_add(&tmp, "", "", MC_PASS, "libvirtd is started with --listen by %s (%s)", p->startup_file, m->why);
                evidence_args(r, &a, p->startup_file, p->startup_var);
        } else {
                r = mc_results_add(&tmp, "", "", MC_FAIL, "libvirtd is started without --listen: %s", m->why);
                evidence_args(r, &a, p->startup_file, p->startup_var);
                if (listen_elsewhere(ctx, m, r)) {
                        free(r->summary);
                        r->summary = mc_strdup_printf("libvirtd is started without --listen: the option is written to a "
                                                      "file or variable that %s's libvirt never reads",
                                                      p->name);
                }
                mc_result_hint(r, "write %s=\"%s\" to %s and restart libvirtd", p->startup_var, p->listen_value,
                               p->startup_file);
        }
        mc_startup_args_done(&a);

        st = tmp.items[0].status;
        running = mc_running_args(ctx->facts, m, &run_words, &run);
        if (running && st == MC_FAIL && run.listen)
                mc_report_copy(ctx, MC_WARN, "the running libvirtd was started with --listen by hand; "
                                             "the startup files will not pass it after a restart", r);
        else if (running && st == MC_PASS && !run.listen) {
                _cleanup_free_ char *cmd = command_line(run_words);
                struct mc_result *f = mc_report(ctx, MC_FAIL, "the running libvirtd was started without --listen, "
                                                              "though the startup files now pass it");
                mc_result_evidence(f, "/proc", 0, "running: %s", cmd);
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
