/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nova-*: nova.conf as the installed release of nova-compute reads it. */
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "util.h"

/* Common prelude: SKIP without nova, ERROR when a file did not parse, SKIP
 * when the check depends on the release and it is unknown. */
static bool nova_ready(struct mc_check_ctx *ctx, bool need_release, enum mc_nova_release *ret_rel) {
        json_object *files = mc_json_path(ctx->facts, "nova", "files", NULL);
        struct mc_result *r;

        if (!mc_nova_configured(ctx->facts)) {
                mc_report(ctx, MC_SKIP, "no /etc/nova/nova.conf: not a nova compute node");
                return false;
        }
        for (size_t i = 0; i < json_object_array_length(files); i++) {
                const char *p = mc_json_str(json_object_array_get_idx(files, i), NULL);

                if (p && !mc_require_file(ctx, p))
                        return false;
        }
        *ret_rel = mc_nova_release_of(ctx->facts);
        if (need_release && *ret_rel == MC_NOVA_UNKNOWN) {
                r = mc_report(ctx, MC_SKIP, "nova release unknown: this check depends on it");
                mc_result_hint(r, "pass --nova-release NAME (e.g. icehouse, mitaka, zed)");
                return false;
        }
        return true;
}

/* "VIR_MIGRATE_A, VIR_MIGRATE_B|VIR_MIGRATE_C" -> words. */
static char **flag_words(const char *v) {
        return mc_split(v, ", |\t\n");
}

void mc_check_nova_live_migration_flag(struct mc_check_ctx *ctx) {
        static const char *const required[] = { "VIR_MIGRATE_LIVE", "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_UNDEFINE_SOURCE" };
        static const char *const known[] = {
                "VIR_MIGRATE_LIVE", "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_TUNNELLED", "VIR_MIGRATE_PERSIST_DEST",
                "VIR_MIGRATE_UNDEFINE_SOURCE", "VIR_MIGRATE_PAUSED", "VIR_MIGRATE_NON_SHARED_DISK",
                "VIR_MIGRATE_NON_SHARED_INC", "VIR_MIGRATE_CHANGE_PROTECTION", "VIR_MIGRATE_UNSAFE",
                "VIR_MIGRATE_OFFLINE", "VIR_MIGRATE_COMPRESSED", "VIR_MIGRATE_ABORT_ON_ERROR",
                "VIR_MIGRATE_AUTO_CONVERGE", "VIR_MIGRATE_RDMA_PIN_ALL", "VIR_MIGRATE_POSTCOPY",
                "VIR_MIGRATE_TLS",
        };
        _cleanup_strv_free_ char **flags = NULL, **missing = NULL, **unknown = NULL, **bad = NULL;
        enum mc_nova_release rel;
        struct mc_setting s, b;
        struct mc_result *r;
        const char *value;
        bool set;

        if (!nova_ready(ctx, true, &rel))
                return;
        if (rel >= MC_NOVA_NEWTON) {
                if (mc_nova_opt_ignored(ctx->facts, rel, &mc_nova_live_migration_flag, &s) >= 0) {
                        r = mc_report(ctx, MC_WARN, "live_migration_flag does nothing on %s: since Newton nova sets the "
                                                    "flags itself", mc_nova_release_name(rel));
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "remove the line; use live_migration_tunnelled, live_migration_permit_post_copy "
                                          "and friends instead");
                } else
                        mc_report(ctx, MC_PASS, "nova %s sets the migration flags itself (no live_migration_flag)",
                                  mc_nova_release_name(rel));
                return;
        }

        set = mc_nova_opt_get(ctx->facts, rel, &mc_nova_live_migration_flag, &s) >= 0;
        value = set ? s.value
              : rel <= MC_NOVA_ICEHOUSE ? "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER"
                                        : "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED";
        flags = flag_words(value);
        missing = mc_split("", ",");
        unknown = mc_split("", ",");
        bad = mc_split("", ",");

        for (size_t i = 0; i < ELEMENTSOF(required); i++)
                if (!mc_strv_contains(flags, required[i])) {
                        size_t n = mc_strv_length(missing);
                        missing = mc_assert_alloc(reallocarray(missing, n + 2, sizeof(char *)));
                        missing[n] = mc_strdup(required[i]);
                        missing[n + 1] = NULL;
                }

        /* Build one sentence per problem, worst first. */
        if (mc_strv_contains(flags, "VIR_MIGRATE_NON_SHARED_INC") || mc_strv_contains(flags, "VIR_MIGRATE_NON_SHARED_DISK")) {
                r = mc_report(ctx, MC_FAIL, "live_migration_flag has a NON_SHARED flag: every live migration becomes a "
                                            "block migration, which fails on shared storage");
                set ? mc_evidence_setting(r, &s) : mc_result_evidence(r, "nova default", 0, "%s", value);
                mc_result_hint(r, "remove VIR_MIGRATE_NON_SHARED_INC/DISK from live_migration_flag (they belong in "
                                  "block_migration_flag)");
                return;
        }
        if (mc_strv_length(missing) > 0) {
                _cleanup_free_ char *m = NULL;

                for (char **i = missing; *i; i++) {
                        char *n = mc_strdup_printf("%s%s%s", m ?: "", m ? ", " : "", *i);
                        free(m);
                        m = n;
                }
                r = mc_report(ctx, MC_FAIL, "live_migration_flag lacks %s%s", m,
                              mc_strv_contains(missing, "VIR_MIGRATE_LIVE") ? ": the guest is paused for the whole copy"
                                                                             : "");
                if (set)
                        mc_evidence_setting(r, &s);
                else
                        mc_result_evidence(r, "nova default", 0, "%s's default: %s", mc_nova_release_name(rel), value);
                mc_result_hint(r, "set live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_LIVE in [%s] of /etc/nova/nova.conf",
                               rel <= MC_NOVA_HAVANA ? "DEFAULT" : "libvirt");
                return;
        }
        if (mc_strv_contains(flags, "VIR_MIGRATE_PERSIST_DEST")) {
                r = mc_report(ctx, MC_FAIL, "live_migration_flag has VIR_MIGRATE_PERSIST_DEST, which nova %s's own "
                                            "define step conflicts with", mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "remove VIR_MIGRATE_PERSIST_DEST from live_migration_flag");
                return;
        }
        for (char **f = flags; *f; f++) {
                bool k = false;

                for (size_t i = 0; i < ELEMENTSOF(known); i++)
                        k = k || streq(*f, known[i]);
                if (!k) {
                        r = mc_report(ctx, MC_WARN, "live_migration_flag has '%s', which is not a libvirt migration flag: "
                                                    "nova ignores it", *f);
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "correct the spelling or remove it");
                        return;
                }
        }
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_block_migration_flag, &b) >= 0 || rel >= MC_NOVA_JUNO) {
                _cleanup_strv_free_ char **bf = flag_words(mc_nova_opt_get(ctx->facts, rel, &mc_nova_block_migration_flag, &b) >= 0
                                                                   ? b.value
                                                                   : "VIR_MIGRATE_TUNNELLED");
                if (mc_strv_contains(bf, "VIR_MIGRATE_TUNNELLED")) {
                        r = mc_report(ctx, MC_WARN, "block_migration_flag has VIR_MIGRATE_TUNNELLED: block migration fails "
                                                    "with 'NBD in tunnelled migration is currently not supported'");
                        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_block_migration_flag, &b) >= 0)
                                mc_evidence_setting(r, &b);
                        else
                                mc_result_evidence(r, "nova default", 0, "%s's block_migration_flag includes VIR_MIGRATE_TUNNELLED",
                                                   mc_nova_release_name(rel));
                        mc_result_hint(r, "set block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                          "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC");
                        return;
                }
        }
        r = mc_report(ctx, MC_PASS, "live_migration_flag has LIVE, PEER2PEER and UNDEFINE_SOURCE (%s)",
                      set ? "configured" : "the release's default");
        if (set)
                mc_evidence_setting(r, &s);
}

void mc_check_nova_migration_uri(struct mc_check_ctx *ctx) {
        enum mc_nova_release rel;
        struct mc_transport t;
        struct mc_setting s;
        struct mc_result *r;

        if (!nova_ready(ctx, false, &rel))
                return;
        mc_migration_transport(ctx->facts, &t);
        if (t.scheme == MC_SCHEME_OTHER) {
                r = mc_report(ctx, MC_FAIL, "live migration URI '%s' names no transport libvirt knows (tcp, tls, ssh)", t.uri);
                mc_evidence_setting(r, &t.source);
                mc_result_hint(r, "use live_migration_scheme = tcp (or tls, ssh), or qemu+tcp://%%s/system");
                return;
        }
        if (t.has_source && streq(t.source.key, "live_migration_uri") && !strstr(t.uri, "%s")) {
                r = mc_report(ctx, MC_FAIL, "live_migration_uri '%s' has no %%s: every migration goes to that one host", t.uri);
                mc_evidence_setting(r, &t.source);
                mc_result_hint(r, "write the destination as %%s, e.g. qemu+%s://%%s/system", t.scheme_name);
                return;
        }
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_live_migration_inbound_addr, &s) >= 0 &&
            (mc_startswith(s.value, "127.") || streq(s.value, "::1") || streq(s.value, "localhost"))) {
                r = mc_report(ctx, MC_FAIL, "live_migration_inbound_addr %s makes sources connect to themselves", s.value);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "set live_migration_inbound_addr to this node's migration address, or remove it");
                return;
        }

        /* The port in the URI must be the one libvirt listens on: the
         * daemon's tcp_port/tls_port, or the socket unit's (16509/16514)
         * under socket activation, which ignores those keys. */
        if (t.scheme == MC_SCHEME_TCP || t.scheme == MC_SCHEME_TLS) {
                const char *key = t.scheme == MC_SCHEME_TLS ? "tls_port" : "tcp_port";
                unsigned dflt = t.scheme == MC_SCHEME_TLS ? 16514 : 16509, conf_port = dflt;
                struct mc_libvirt_mode m;
                struct mc_setting p;
                bool set = false;

                mc_libvirt_mode(ctx->facts, &m);
                if (!m.socket_activated) {
                        if (!mc_require_file(ctx, m.daemon_conf))
                                return;
                        set = mc_facts_setting(ctx->facts, m.daemon_conf, NULL, key, &p) >= 0;
                        if (set)
                                conf_port = (unsigned) strtoul(p.value, NULL, 10);
                }
                if (conf_port != t.port) {
                        r = mc_report(ctx, MC_FAIL, "nova migrates over %s to port %u, %s listens on port %u", t.scheme_name,
                                      t.port, m.daemon, conf_port);
                        mc_evidence_setting(r, &t.source);
                        if (set)
                                mc_evidence_setting(r, &p);
                        mc_result_hint(r, "make %s in %s and the port in live_migration_uri agree", key, m.daemon_conf);
                        return;
                }
        }
        if (t.has_source && streq(t.source.key, "live_migration_uri") && rel >= MC_NOVA_OCATA) {
                r = mc_report(ctx, MC_WARN, "live_migration_uri is deprecated since Ocata and overrides live_migration_scheme "
                                            "and live_migration_inbound_addr");
                mc_evidence_setting(r, &t.source);
                mc_result_hint(r, "replace it with live_migration_scheme = %s (and live_migration_inbound_addr where needed)",
                               t.scheme_name);
                return;
        }
        r = mc_report(ctx, MC_PASS, "nova migrates with %s (libvirt over %s, port %u)", t.uri, t.scheme_name, t.port);
        if (t.has_source)
                mc_evidence_setting(r, &t.source);
}

void mc_check_nova_cpu_mode(struct mc_check_ctx *ctx) {
        static const char *const modes[] = { "host-model", "host-passthrough", "custom", "none" };
        enum mc_nova_release rel;
        struct mc_setting mode, model, vt;
        bool has_mode, has_model, valid = false;
        const char *m;
        struct mc_result *r;

        if (!nova_ready(ctx, false, &rel))
                return;
        has_mode = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_mode, &mode) >= 0 && !isempty(mode.value);
        has_model = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_models, &model) >= 0 && !isempty(model.value);
        if (has_mode)
                m = mode.value;
        else {
                /* nova: host-model for kvm and qemu, none for other virt types. */
                bool kvm = mc_nova_opt_get(ctx->facts, rel, &mc_nova_virt_type, &vt) < 0 || streq(vt.value, "kvm") ||
                           streq(vt.value, "qemu");
                m = kvm ? "host-model" : "none";
        }
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                valid = valid || strcasecmp(m, modes[i]) == 0;
        if (!valid) {
                r = mc_report(ctx, MC_FAIL, "cpu_mode '%s' is not one of host-model, host-passthrough, custom, none", m);
                mc_evidence_setting(r, &mode);
                mc_result_hint(r, "set cpu_mode = host-model, or custom with cpu_model%s", rel >= MC_NOVA_TRAIN ? "s" : "");
                return;
        }
        if (strcasecmp(m, "custom") == 0 && !has_model) {
                r = mc_report(ctx, MC_FAIL, "cpu_mode = custom without a CPU model: nova-compute refuses to start "
                                            "('The cpu_models option is required when cpu_mode=custom')");
                mc_evidence_setting(r, &mode);
                mc_result_hint(r, "set cpu_model%s to a model every node supports (the cluster's baseline, e.g. from "
                                  "'virsh cpu-baseline'), in [libvirt]",
                               rel >= MC_NOVA_TRAIN ? "s" : "");
                return;
        }
        if (strcasecmp(m, "custom") != 0 && has_model) {
                bool none = strcasecmp(m, "none") == 0;

                r = mc_report(ctx, none ? MC_WARN : MC_FAIL,
                              none ? "%s is set but cpu_mode is none: the model is ignored"
                                   : "%s is set but cpu_mode is not custom: nova refuses to build the guest CPU "
                                     "('A CPU model name should not be set when a host CPU model is requested')",
                              model.key);
                mc_evidence_setting(r, &model);
                if (has_mode)
                        mc_evidence_setting(r, &mode);
                mc_result_hint(r, "set cpu_mode = custom, or remove %s", model.key);
                return;
        }
        r = mc_report(ctx, MC_PASS, "cpu_mode = %s%s%s%s", m, has_mode ? "" : " (default)", has_model ? ", model " : "",
                      has_model ? model.value : "");
        if (has_mode)
                mc_evidence_setting(r, &mode);
        if (has_model)
                mc_evidence_setting(r, &model);
}

static bool forced(const char *v) {
        static const char *const yes[] = { "always", "true", "1", "yes", "on" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(v, yes[i]) == 0)
                        return true;
        return false;
}

void mc_check_nova_config_drive(struct mc_check_ctx *ctx) {
        enum mc_nova_release rel;
        struct mc_setting s, fmt;
        struct mc_result *r;
        bool vfat;

        if (!nova_ready(ctx, true, &rel))
                return;
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_force_config_drive, &s) < 0 || !forced(s.value)) {
                r = mc_report(ctx, MC_PASS, "config drives are not forced on every instance");
                if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_force_config_drive, &s) >= 0)
                        mc_evidence_setting(r, &s);
                return;
        }
        vfat = mc_nova_opt_get(ctx->facts, rel, &mc_nova_config_drive_format, &fmt) >= 0 && strcasecmp(fmt.value, "vfat") == 0;
        if (rel >= MC_NOVA_NEWTON) {
                r = mc_report(ctx, MC_PASS, "force_config_drive is on; nova %s migrates disk.config itself",
                              mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                return;
        }
        if (rel <= MC_NOVA_ICEHOUSE) {
                r = mc_report(ctx, MC_WARN, "force_config_drive is on: nova %s refuses block migration of every instance "
                                            "('Block migration of instances with config drives is not supported in libvirt')",
                              mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "keep instances_path on shared storage and migrate without --block-migrate, or turn "
                                  "force_config_drive off");
                return;
        }
        if (rel >= MC_NOVA_KILO && vfat) {
                r = mc_report(ctx, MC_PASS, "force_config_drive is on with config_drive_format = vfat, which nova %s "
                                            "can live-migrate", mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                mc_evidence_setting(r, &fmt);
                return;
        }
        r = mc_report(ctx, MC_FAIL, "force_config_drive is on%s: nova %s refuses live migration unless instances_path "
                                    "is shared ('Live migration of instances with config drives is not supported in "
                                    "libvirt unless libvirt instance path and drive data is shared across compute nodes')",
                      vfat ? " (vfat does not help before Kilo)" : " with the iso9660 format", mc_nova_release_name(rel));
        mc_evidence_setting(r, &s);
        if (vfat)
                mc_evidence_setting(r, &fmt);
        if (rel >= MC_NOVA_KILO)
                mc_result_hint(r, "set config_drive_format = vfat in [DEFAULT], or put instances_path on shared storage");
        else
                mc_result_hint(r, "put instances_path on shared storage, or set force_config_drive = false");
}

static bool is_wildcard(const char *a) {
        return streq(a, "0.0.0.0") || streq(a, "::") || streq(a, "[::]");
}

static bool is_local(const char *a) {
        return mc_startswith(a, "127.") || streq(a, "::1") || streq(a, "localhost");
}

void mc_check_nova_vnc_listen(struct mc_check_ctx *ctx) {
        enum mc_nova_release rel;
        struct mc_setting s;
        struct mc_result *r;

        if (!nova_ready(ctx, true, &rel))
                return;
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_vnc_listen, &s) < 0) {
                if (mc_nova_opt_ignored(ctx->facts, rel, &mc_nova_vnc_listen, &s) >= 0) {
                        r = mc_report(ctx, MC_WARN, "%s in [%s] is not read by nova %s: the VNC listen address is the "
                                                    "default 127.0.0.1", s.key, s.section, mc_nova_release_name(rel));
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "set server_listen in [vnc]");
                        return;
                }
                mc_report(ctx, MC_PASS, "VNC listens on 127.0.0.1 (default): the destination can bind it too");
                return;
        }
        if (is_wildcard(s.value) || is_local(s.value)) {
                r = mc_report(ctx, MC_PASS, "VNC listens on %s: the destination can bind it too", s.value);
                mc_evidence_setting(r, &s);
                return;
        }
        if (rel <= MC_NOVA_KILO) {
                r = mc_report(ctx, MC_FAIL, "VNC listens on %s, an address of this node only: the destination's QEMU "
                                            "cannot bind it and nova %s fails the migration", s.value, mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "set %s = 0.0.0.0 (or ::) in [%s]", s.key, rel <= MC_NOVA_KILO ? "DEFAULT" : "vnc");
                return;
        }
        r = mc_report(ctx, MC_PASS, "VNC listens on %s; nova %s rewrites it to the destination's address while migrating",
                      s.value, mc_nova_release_name(rel));
        mc_evidence_setting(r, &s);
}

void mc_check_nova_instances_path(struct mc_check_ctx *ctx) {
        json_object *ip = mc_json_path(ctx->facts, "nova", "instances_path", NULL);
        const char *path = mc_json_str(ip, "path"), *src = mc_json_str(ip, "source") ?: "nova.conf";
        const char *owner = mc_json_str(ip, "owner"), *err = mc_json_str(ip, "error");
        enum mc_nova_release rel;
        struct mc_result *r;

        if (!nova_ready(ctx, false, &rel))
                return;
        if (!path) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate instances_path: %s", err ?: "not collected");
                mc_result_evidence(r, src, 0, "instances_path = %s", mc_json_str(ip, "configured") ?: "?");
                return;
        }
        if (err) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate instances_path %s: %s", path, err);
                return;
        }
        if (!mc_json_bool(ip, "exists", false)) {
                r = mc_report(ctx, MC_FAIL, "instances_path %s does not exist: migrations to this node fail with "
                                            "'Unable to pre-create chardev file'", path);
                mc_result_evidence(r, src, 0, "instances_path = %s", mc_json_str(ip, "configured") ?: path);
                mc_result_hint(r, "create it (install -d -o nova -g nova %s), or mount the shared instances export there", path);
                return;
        }
        if (!mc_json_bool(ip, "is_dir", false)) {
                r = mc_report(ctx, MC_FAIL, "instances_path %s is not a directory", path);
                return;
        }
        if (!mc_json_get(ip, "nova_uid")) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate the owner of %s: no nova user in /etc/passwd", path);
                mc_result_hint(r, "include /etc/passwd in the collected tree");
                return;
        }
        if (mc_json_int(ip, "uid", -1) != mc_json_int(ip, "nova_uid", -2)) {
                r = mc_report(ctx, MC_FAIL, "instances_path %s is owned by %s, not nova: nova-compute cannot create "
                                            "instance directories there", path, owner ?: "an unknown uid");
                mc_result_evidence(r, path, 0, "owner uid %" PRId64 ", nova is uid %" PRId64, mc_json_int(ip, "uid", -1),
                                   mc_json_int(ip, "nova_uid", -1));
                mc_result_hint(r, "chown nova:nova %s", path);
                return;
        }
        r = mc_report(ctx, MC_PASS, "instances_path %s exists and is owned by nova", path);
        mc_result_evidence(r, src, 0, "instances_path = %s", mc_json_str(ip, "configured") ?: path);
}
