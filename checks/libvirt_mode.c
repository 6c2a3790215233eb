/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "libvirt_mode.h"

#include <string.h>

#include "shell.h"
#include "util.h"

bool mc_unit_enabled(json_object *facts, const char *unit, const char **ret_link) {
        json_object *en = mc_json_path(facts, "systemd", "units", unit, "enabled", NULL);

        if (!en || !json_object_is_type(en, json_type_array) || json_object_array_length(en) == 0)
                return false;
        if (mc_unit_masked(facts, unit))
                return false;
        if (ret_link)
                *ret_link = mc_json_str(json_object_array_get_idx(en, 0), NULL);
        return true;
}

bool mc_unit_masked(json_object *facts, const char *unit) {
        return mc_json_bool(mc_json_path(facts, "systemd", "units", unit, NULL), "masked", false);
}

bool mc_facts_live(json_object *facts) {
        return mc_json_bool(mc_json_get(facts, "collection"), "live", false) && mc_json_get(facts, "runtime");
}

json_object *mc_runtime_process(json_object *facts, const char *name) {
        json_object *procs = mc_json_path(facts, "runtime", "processes", NULL);

        if (!procs || !json_object_is_type(procs, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(procs); i++) {
                json_object *p = json_object_array_get_idx(procs, i);

                if (streq_ptr(mc_json_str(p, "name"), name))
                        return p;
        }
        return NULL;
}

bool mc_port_listening(json_object *facts, unsigned port, const char **ret_process) {
        json_object *l = mc_json_path(facts, "runtime", "listening", NULL);

        if (!l || !json_object_is_type(l, json_type_array))
                return false;
        for (size_t i = 0; i < json_object_array_length(l); i++) {
                json_object *o = json_object_array_get_idx(l, i);

                if (mc_json_int(o, "port", -1) == (int64_t) port) {
                        if (ret_process)
                                *ret_process = mc_json_str(o, "process");
                        return true;
                }
        }
        return false;
}

bool mc_port_listeners(json_object *facts, unsigned port, bool *ret_reachable, const char **ret_process) {
        json_object *l = mc_json_path(facts, "runtime", "listening", NULL);
        bool any = false, reachable = false;

        for (size_t i = 0; l && json_object_is_type(l, json_type_array) && i < json_object_array_length(l); i++) {
                json_object *o = json_object_array_get_idx(l, i);
                const char *a = mc_json_str(o, "address");

                if (mc_json_int(o, "port", -1) != (int64_t) port)
                        continue;
                if (!any && ret_process)
                        *ret_process = mc_json_str(o, "process");
                any = true;
                if (!a || !(mc_startswith(a, "127.") || streq(a, "::1") || streq(a, "0000000000000000FFFF0000" "0100007F")))
                        reachable = true;
        }
        if (ret_reachable)
                *ret_reachable = reachable;
        return any;
}

bool mc_init_systemd(json_object *facts, const struct mc_distro_profile *p, char *ret_why, size_t why_size,
                     bool *ret_assumed) {
        json_object *init = mc_json_get(facts, "init"), *sd = mc_json_get(facts, "systemd");
        json_object *v = mc_json_get(init, "systemd"), *booted = mc_json_get(sd, "booted");
        const char *how = mc_json_str(init, "decided_by");
        bool systemd;

        if (v && json_object_is_type(v, json_type_boolean)) {
                systemd = json_object_get_boolean(v);
                snprintf(ret_why, why_size, "%s: %s", systemd ? "systemd runs" : "systemd does not run", how ?: "facts");
                *ret_assumed = false;
                return systemd;
        }
        if (booted && json_object_is_type(booted, json_type_boolean)) {
                /* Facts of migcheck before init was recorded: live only. */
                systemd = json_object_get_boolean(booted);
                snprintf(ret_why, why_size, "%s: live: /run/systemd/system %s", systemd ? "systemd runs" : "systemd does not run",
                         systemd ? "exists" : "is absent");
                *ret_assumed = false;
                return systemd;
        }
        /* A tree without systemd's binary or its /etc directory (a container,
         * a chroot) starts libvirtd some other way, whatever the distro;
         * facts without systemd's (not collected) get the distro's init. */
        systemd = (p ? p->init == MC_INIT_SYSTEMD : true) &&
                  (!sd || mc_json_bool(sd, "present", false) || mc_json_bool(sd, "config", false));
        snprintf(ret_why, why_size, "%s, assumed from the distro (%s)", systemd ? "systemd" : "not systemd",
                 how ?: "the facts do not show the init that runs");
        *ret_assumed = true;
        return systemd;
}

static char **json_words(json_object *args, size_t skip) {
        size_t n = json_object_array_length(args), k = 0;
        char **w = mc_assert_alloc(calloc(n + 1, sizeof(char *)));

        for (size_t i = skip; i < n; i++)
                w[k++] = mc_strdup(mc_json_str(json_object_array_get_idx(args, i), NULL) ?: "");
        return w;
}

bool mc_running_args(json_object *facts, const struct mc_libvirt_mode *m, char ***ret_words,
                     struct mc_libvirtd_args *ret) {
        json_object *p = mc_runtime_process(facts, "libvirtd"), *args = mc_json_get(p, "args");
        char **words;

        if (!mc_facts_live(facts) || !args || !json_object_is_type(args, json_type_array))
                return false;
        words = json_words(args, 1);
        mc_libvirtd_getopt(words, m->libvirt_version, ret);
        *ret_words = words;
        return true;
}

void mc_startup_args(json_object *facts, const struct mc_libvirt_mode *m, const char *file, const char *var,
                     struct mc_startup_args *ret) {
        struct mc_startup_args a = {};
        _cleanup_strv_free_ char **pre = NULL, **val = NULL;
        size_t np, nv;

        a.set = mc_facts_setting(facts, file, NULL, var, &a.s) >= 0;
        val = a.set ? mc_shell_split(a.s.value) : mc_split("", " ");
        a.quoting_ok = val != NULL;
        if (!val)
                val = mc_split("", " ");
        if (!m->init_systemd && m->profile && m->profile->init == MC_INIT_UPSTART && !a.set)
                pre = mc_split("-d", " ");  /* the upstart job's own libvirtd_opts="-d" */
        else
                pre = mc_split(!m->init_systemd && m->profile ? m->profile->init_args : "", " ");
        np = mc_strv_length(pre);
        nv = mc_strv_length(val);
        a.words = mc_assert_alloc(calloc(np + nv + 1, sizeof(char *)));
        for (size_t i = 0; i < np; i++)
                a.words[i] = mc_strdup(pre[i]);
        for (size_t i = 0; i < nv; i++)
                a.words[np + i] = mc_strdup(val[i]);
        mc_libvirtd_getopt(a.words, m->libvirt_version, &a.parsed);
        *ret = a;
}

void mc_startup_args_done(struct mc_startup_args *a) {
        strv_free(a->words);
        a->words = NULL;
}

void mc_libvirt_mode(json_object *facts, struct mc_libvirt_mode *ret) {
        json_object *os = mc_json_get(facts, "os");
        struct mc_libvirt_mode m = {
                .os_id = mc_json_str(os, "id"),
                .os_version = mc_json_str(os, "version_id"),
        };
        json_object *sd;
        bool systemd;

        m.profile = mc_distro_profile_find(m.os_id, mc_json_str(os, "id_like"), m.os_version);
        m.libvirt_version = mc_json_str(mc_json_path(facts, "versions", "libvirt", NULL), "value");
        if (!m.libvirt_version && m.profile) {
                m.libvirt_version = m.profile->libvirt;
                m.libvirt_version_assumed = true;
        }
        sd = mc_json_get(facts, "systemd");
        m.units_known = mc_json_bool(sd, "config", false);
        m.init_systemd = mc_init_systemd(facts, m.profile, m.init_why, sizeof(m.init_why), &m.init_assumed);
        /* systemd runs, but the running libvirtd is not its unit's (a
         * container's entry point, a shell): started with its arguments. */
        {
                const char *unit = mc_json_str(mc_runtime_process(facts, "libvirtd"), "unit");

                if (m.init_systemd && unit && mc_facts_live(facts) && !streq(unit, "libvirtd.service") &&
                    !streq(unit, "libvirt-bin.service")) {
                        size_t k = strlen(m.init_why);

                        snprintf(m.init_why + k, sizeof(m.init_why) - k, ", but the running libvirtd is in '%s', not libvirtd.service",
                                 unit);
                        m.init_systemd = false;
                }
        }
        systemd = m.init_systemd;

        /* Modular when virtproxyd's sockets are enabled and libvirtd's service
         * is not; without unit state, what the distro installs by default. */
        if (m.units_known)
                m.modular = (mc_unit_enabled(facts, "virtproxyd-tcp.socket", NULL) ||
                             mc_unit_enabled(facts, "virtproxyd-tls.socket", NULL) ||
                             mc_unit_enabled(facts, "virtproxyd.socket", NULL)) &&
                            !mc_unit_enabled(facts, "libvirtd.service", NULL) &&
                            !mc_unit_enabled(facts, "libvirtd.socket", NULL);
        else
                m.modular = m.profile && m.profile->modular;

        m.socket_activated = systemd && m.libvirt_version &&
                             mc_version_cmp(m.libvirt_version, MC_LIBVIRT_SOCKET_ACTIVATION) >= 0 &&
                             !mc_unit_masked(facts, m.modular ? "virtproxyd.socket" : "libvirtd.socket");
        m.daemon = m.modular ? "virtproxyd" : "libvirtd";
        m.daemon_conf = m.modular ? "/etc/libvirt/virtproxyd.conf" : "/etc/libvirt/libvirtd.conf";

        snprintf(m.why, sizeof(m.why), "%s%s, libvirt %s%s: %s%s; %s", m.profile ? m.profile->name : (m.os_id ?: "unknown distro"),
                 m.profile ? "" : " (no profile)", m.libvirt_version ?: "unknown",
                 m.libvirt_version_assumed ? " (the distro's, assumed)" : "",
                 m.socket_activated ? "systemd socket activation" : "daemon started by its init with arguments",
                 m.modular ? ", modular daemons (virtproxyd)" : "", m.init_why);
        *ret = m;
}

const char *mc_libvirt_missing_hint(json_object *facts, const char *offline) {
        json_object *lv = mc_json_get(facts, "libvirt");
        const char *err = mc_json_str(lv, "error");

        if (!lv)
                return offline;
        if (err && strstr(err, "no answer"))
                return "libvirt did not answer in time: a daemon that has just started probes every QEMU binary "
                       "first, which takes seconds; run migcheck again, and if it still gets no answer, libvirtd is hung";
        return "start libvirtd (virtqemud on modular hosts) and run migcheck again";
}
