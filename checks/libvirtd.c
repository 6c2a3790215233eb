/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirtd-listen, libvirtd-auth, libvirt-host-uuid: the daemon's own
 * configuration file (libvirtd.conf, or virtproxyd.conf on modular hosts). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "peers.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "sasl.h"
#include "util.h"

static void evidence_transport(struct mc_result *r, const struct mc_transport *t) {
        if (t->has_source)
                mc_evidence_setting(r, &t->source);
        else
                mc_result_evidence(r, "nova default", 0, "live migration URI %s", t->uri);
}

/* A listener configured in the file: 1 yes, 0 no. listen_tls defaults to on. */
static bool conf_flag(json_object *facts, const char *conf, const char *key, bool dflt, struct mc_setting *s, bool *set) {
        *set = mc_facts_setting(facts, conf, NULL, key, s) >= 0;
        if (!*set)
                return dflt;
        return !streq(s->value, "0");
}

/* tcp_port/tls_port are strings in libvirtd.conf; 0 when not a number
 * (a service name, which libvirt resolves and migcheck does not). */
static unsigned port_number(const char *v) {
        char *end;
        unsigned long n;

        if (!v || !*v)
                return 0;
        n = strtoul(v, &end, 10);
        return *end || n == 0 || n > 65535 ? 0 : (unsigned) n;
}


/* What the running system does, against what the files promise. Returns
 * true when it reported. */
static bool listen_runtime(struct mc_check_ctx *ctx, const struct mc_libvirt_mode *m, const struct mc_transport *t,
                           bool persisted_ok, struct mc_result *persisted) {
        const char *holder = NULL;
        bool listening, reachable = false;
        struct mc_result *r;

        if (!mc_facts_live(ctx->facts))
                return false;
        listening = mc_port_listeners(ctx->facts, t->port, &reachable, &holder);
        if (persisted_ok && !listening && (m->socket_activated || mc_runtime_process(ctx->facts, m->daemon))) {
                r = mc_report(ctx, MC_FAIL, "%s is configured to listen on tcp/%u, but nothing listens there now",
                              m->daemon, t->port);
                mc_result_evidence(r, "/proc/net/tcp", 0, "no socket in LISTEN state on port %u", t->port);
                mc_result_hint(r, "restart %s (or its socket units) so that the configuration takes effect",
                               m->daemon);
                return true;
        }
        if (persisted_ok && !listening) {
                r = mc_report(ctx, MC_FAIL, "%s is not running and nothing listens on tcp/%u", m->daemon, t->port);
                mc_result_hint(r, "start %s", m->daemon);
                return true;
        }
        if (persisted_ok && !reachable) {
                r = mc_report(ctx, MC_FAIL, "%s listens on tcp/%u on a loopback address only now: peers cannot connect",
                              holder ?: m->daemon, t->port);
                mc_result_evidence(r, "/proc/net/tcp", 0, "port %u listens on loopback only", t->port);
                mc_result_hint(r, "restart %s so that the configuration takes effect", m->daemon);
                return true;
        }
        /* Listening now on a loopback address is no better than the file. */
        if (!persisted_ok && listening && reachable && holder) {
                _cleanup_free_ char *summary = mc_strdup_printf(
                        "%s listens on tcp/%u now, but its configuration will not make it listen after a restart",
                        holder, t->port);
                mc_report_copy(ctx, MC_WARN, summary, persisted);
                return true;
        }
        return false;
}

/* Report the persisted verdict, unless the running state tells more. */
static void listen_verdict(struct mc_check_ctx *ctx, const struct mc_libvirt_mode *m, const struct mc_transport *t,
                           struct mc_results *tmp) {
        struct mc_result *pr = &tmp->items[0];
        bool ok = pr->status == MC_PASS;

        if (pr->status == MC_ERROR || !listen_runtime(ctx, m, t, ok, pr))
                mc_report_copy(ctx, pr->status, NULL, pr);
}

void mc_check_libvirtd_listen(struct mc_check_ctx *ctx) {
        struct mc_results tmp = {};
        struct mc_libvirt_mode m;
        struct mc_transport t;
        struct mc_setting s;
        struct mc_result *r;
        bool set;

        mc_migration_transport(ctx->facts, &t);
        mc_libvirt_mode(ctx->facts, &m);
        if (t.scheme == MC_SCHEME_SSH) {
                r = mc_report(ctx, MC_SKIP, "migration goes over ssh: libvirtd needs no network listener");
                evidence_transport(r, &t);
                return;
        }
        if (t.scheme == MC_SCHEME_OTHER) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate: unknown migration transport '%s'", t.scheme_name);
                evidence_transport(r, &t);
                return;
        }
        if (!mc_require_file(ctx, m.daemon_conf))
                return;

        if (m.socket_activated) {
                _cleanup_free_ char *unit = mc_strdup_printf("%s-%s.socket", m.daemon, t.scheme == MC_SCHEME_TLS ? "tls" : "tcp");
                const char *link = NULL;

                if (!m.units_known) {
                        r = mc_report(ctx, MC_ERROR, "cannot evaluate: %s, but the tree holds no systemd unit state to show whether %s is enabled",
                                      m.why, unit);
                        mc_result_hint(r, "include /etc/systemd/system in the collected tree");
                        return;
                }
                if (mc_unit_enabled(ctx->facts, unit, &link)) {
                        r = mc_results_add(&tmp, "", "", MC_PASS, "%s listens for %s migration through %s (%s)", m.daemon,
                                           t.scheme_name, unit, m.why);
                        mc_result_evidence(r, link, 0, "enabled");
                } else {
                        r = mc_results_add(&tmp, "", "", MC_FAIL, "%s is not enabled: %s does not listen on %s/%u (%s)",
                                           unit, m.daemon, t.scheme_name, t.port, m.why);
                        if (mc_unit_masked(ctx->facts, unit))
                                mc_result_evidence(r, "/etc/systemd/system", 0, "%s is masked", unit);
                        if (conf_flag(ctx->facts, m.daemon_conf, t.scheme == MC_SCHEME_TLS ? "listen_tls" : "listen_tcp", false, &s, &set) && set) {
                                mc_evidence_setting(r, &s);
                                mc_result_hint(r, "%s is ignored under socket activation", s.key);
                        }
                        mc_result_hint(r, "systemctl enable --now %s (the unit listens on %u)", unit, t.scheme == MC_SCHEME_TLS ? 16514 : 16509);
                        evidence_transport(r, &t);
                }
                listen_verdict(ctx, &m, &t, &tmp);
                mc_results_done(&tmp);
                return;
        }

        /* Classic daemon: the keys decide, once --listen is passed
         * (libvirtd-startup): listen_tcp/listen_tls, listen_addr and
         * tcp_port/tls_port as daemonSetupNetworking() reads them. */
        {
                const char *key = t.scheme == MC_SCHEME_TLS ? "listen_tls" : "listen_tcp";
                const char *port_key = t.scheme == MC_SCHEME_TLS ? "tls_port" : "tcp_port";
                unsigned dflt = t.scheme == MC_SCHEME_TLS ? 16514 : 16509, conf_port = dflt;
                bool on = conf_flag(ctx->facts, m.daemon_conf, key, t.scheme == MC_SCHEME_TLS, &s, &set);
                struct mc_setting addr, port;
                bool has_port = mc_facts_setting(ctx->facts, m.daemon_conf, NULL, port_key, &port) >= 0;

                if (has_port)
                        conf_port = port_number(port.value);
                if (!on) {
                        r = mc_results_add(&tmp, "", "", MC_FAIL, "%s does not listen for %s: %s is %s in %s", m.daemon,
                                           t.scheme_name, key, set ? s.value : "unset (default 0)", m.daemon_conf);
                        if (set)
                                mc_evidence_setting(r, &s);
                        else
                                mc_result_evidence(r, m.daemon_conf, 0, "%s not set", key);
                        evidence_transport(r, &t);
                        mc_result_hint(r, "set %s = 1 in %s and restart %s", key, m.daemon_conf, m.daemon);
                } else if (mc_facts_setting(ctx->facts, m.daemon_conf, NULL, "listen_addr", &addr) >= 0 &&
                           mc_host_is_loopback(addr.value)) {
                        r = mc_results_add(&tmp, "", "", MC_FAIL,
                                           "%s listens on loopback only (listen_addr = %s): peers connecting to this "
                                           "node's address for tcp/%u are refused (%s)",
                                           m.daemon, addr.value, conf_port, m.why);
                        mc_evidence_setting(r, &addr);
                        evidence_transport(r, &t);
                        mc_result_hint(r, "remove listen_addr from %s or set it to this node's migration address, "
                                          "and restart %s", m.daemon_conf, m.daemon);
                } else if (has_port && conf_port == 0) {
                        r = mc_results_add(&tmp, "", "", MC_ERROR, "cannot evaluate: %s '%s' is not a port number",
                                           port_key, port.value);
                        mc_evidence_setting(r, &port);
                } else if (conf_port != t.port) {
                        r = mc_results_add(&tmp, "", "", MC_FAIL,
                                           "%s listens for %s on port %u (%s), but the migration URI connects to "
                                           "port %u (%s)",
                                           m.daemon, t.scheme_name, conf_port, port_key, t.port, m.why);
                        mc_evidence_setting(r, &port);
                        evidence_transport(r, &t);
                        mc_result_hint(r, "set %s = \"%u\" in %s (the port nova's URI names) and restart %s",
                                       port_key, t.port, m.daemon_conf, m.daemon);
                } else {
                        r = mc_results_add(&tmp, "", "", MC_PASS, "%s listens for %s on port %u (%s)", m.daemon,
                                           t.scheme_name, conf_port, m.why);
                        if (set)
                                mc_evidence_setting(r, &s);
                        if (has_port)
                                mc_evidence_setting(r, &port);
                }
                listen_verdict(ctx, &m, &t, &tmp);
                mc_results_done(&tmp);
        }
}

void mc_check_libvirtd_auth(struct mc_check_ctx *ctx) {
        struct mc_libvirt_mode m;
        struct mc_transport t;
        struct mc_setting s;
        struct mc_result *r;
        const char *key;

        mc_migration_transport(ctx->facts, &t);
        mc_libvirt_mode(ctx->facts, &m);
        if (t.scheme == MC_SCHEME_SSH || t.scheme == MC_SCHEME_OTHER) {
                r = mc_report(ctx, MC_SKIP, "migration goes over %s: libvirtd's network authentication is not used",
                              t.scheme_name);
                evidence_transport(r, &t);
                return;
        }
        if (!mc_require_file(ctx, m.daemon_conf))
                return;
        key = t.scheme == MC_SCHEME_TLS ? "auth_tls" : "auth_tcp";
        if (mc_facts_setting(ctx->facts, m.daemon_conf, NULL, key, &s) < 0) {
                if (t.scheme == MC_SCHEME_TLS)
                        mc_report(ctx, MC_PASS, "auth_tls unset: the default, none (the client certificate authenticates)");
                else
                        /* libvirt's default where built with SASL, as every distro's is. */
                        mc_check_sasl(ctx, &t, m.daemon_conf, key, NULL);
                return;
        }
        if (streq(s.value, "none")) {
                if (t.scheme == MC_SCHEME_TLS) {
                        r = mc_report(ctx, MC_PASS, "auth_tls = none: x509 client certificates authenticate peers");
                        mc_evidence_setting(r, &s);
                        return;
                }
                r = mc_report(ctx, MC_WARN, "auth_tcp = none: anyone who reaches tcp/%u has full control of the hypervisor",
                              t.port);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "use live_migration_scheme = tls with auth_tls = none and x509 certificates, or "
                                  "auth_tcp = \"sasl\" with credentials, or restrict tcp/%u to the compute nodes in the firewall",
                               t.port);
        } else if (streq(s.value, "sasl"))
                mc_check_sasl(ctx, &t, m.daemon_conf, key, &s);
        else if (streq(s.value, "polkit")) {
                r = mc_report(ctx, MC_FAIL, "%s = polkit: polkit authenticates local UNIX socket clients only, "
                                            "every network client is refused", key);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "set %s = \"sasl\" (or \"none\" behind a firewall that admits only the compute nodes)", key);
        } else {
                r = mc_report(ctx, MC_FAIL, "%s = '%s' is not an authentication type: %s refuses to start", key, s.value,
                              m.daemon);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "set %s to \"sasl\" or \"none\"", key);
        }
}

/* libvirt's own rule (virUUIDIsValid): not all one hex digit. */
static bool uuid_degenerate(const char *u) {
        char first = 0;

        for (const char *p = u; *p; p++) {
                if (*p == '-')
                        continue;
                if (!first)
                        first = (char) tolower((unsigned char) *p);
                else if (tolower((unsigned char) *p) != first)
                        return false;
        }
        return true;
}

static bool uuid_wellformed(const char *u) {
        static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        size_t n = strlen(u);

        /* libvirt also takes the 32 digits without dashes. */
        if (n == 32)
                return strspn(u, "0123456789abcdefABCDEF") == 32;
        if (n != sizeof(shape) - 1)
                return false;
        for (size_t i = 0; i < n; i++)
                if (shape[i] == '-' ? u[i] != '-' : !isxdigit((unsigned char) u[i]))
                        return false;
        return true;
}

/* UUIDs that firmware vendors put in every board of a model. */
static const char *const firmware_default_uuids[] = {
        "03000200-0400-0500-0006-000700080009",
        "00020003-0004-0005-0006-000700080009",
        "4c4c4544-0000-2010-8020-80c04f202020",
        "12345678-1234-1234-1234-123456789012",
};

/* libvirt takes UUIDs with or without dashes, in either case. */
void mc_uuid_normalise(const char *u, char *out, size_t n) {
        size_t k = 0;

        for (; *u && k + 1 < n; u++)
                if (*u != '-')
                        out[k++] = (char) tolower((unsigned char) *u);
        out[k] = '\0';
}

bool mc_uuid_is_firmware_default(const char *u) {
        char a[40], b[40];

        mc_uuid_normalise(u, a, sizeof(a));
        for (size_t i = 0; i < ELEMENTSOF(firmware_default_uuids); i++) {
                mc_uuid_normalise(firmware_default_uuids[i], b, sizeof(b));
                if (streq(a, b))
                        return true;
        }
        return false;
}

void mc_check_libvirt_host_uuid(struct mc_check_ctx *ctx) {
        static const char *const confs[] = { "/etc/libvirt/libvirtd.conf", "/etc/libvirt/virtqemud.conf" };
        bool any = false;

        for (size_t i = 0; i < ELEMENTSOF(confs); i++) {
                struct mc_setting s;
                struct mc_result *r;

                if (!mc_require_file(ctx, confs[i]))
                        continue;
                if (mc_facts_setting(ctx->facts, confs[i], NULL, "host_uuid", &s) < 0)
                        continue;
                any = true;
                if (!uuid_wellformed(s.value)) {
                        r = mc_report(ctx, MC_FAIL, "host_uuid '%s' is not a UUID: the daemon refuses to start", s.value);
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "set host_uuid = \"$(uuidgen)\" in %s, a different one on each node", confs[i]);
                } else if (uuid_degenerate(s.value)) {
                        r = mc_report(ctx, MC_FAIL, "host_uuid '%s' is all one digit, which libvirt rejects", s.value);
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "set host_uuid = \"$(uuidgen)\" in %s, a different one on each node", confs[i]);
                } else if (mc_uuid_is_firmware_default(s.value)) {
                        r = mc_report(ctx, MC_FAIL,
                                      "host_uuid '%s' is a firmware default shared by many machines: migration "
                                      "between them fails with 'Attempt to migrate guest to the same host'",
                                      s.value);
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "set host_uuid = \"$(uuidgen)\" in %s, a different one on each node", confs[i]);
                } else {
                        r = mc_report(ctx, MC_PASS, "host_uuid %s is a valid UUID (uniqueness across nodes: host-uuid-unique)",
                                      s.value);
                        mc_evidence_setting(r, &s);
                }
        }
        if (!any && ctx->n_reported == 0)
                mc_report(ctx, MC_SKIP, "host_uuid not set: libvirt takes the host UUID from SMBIOS or machine-id "
                                        "(host_uuid_source)");
}
