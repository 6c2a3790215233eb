/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "libvirt_mode.h"

#include <string.h>

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

bool mc_args_listen(char *const *words) {
        for (; words && *words; words++) {
                const char *w = *words;

                if (streq(w, "--listen"))
                        return true;
                if (w[0] != '-' || w[1] == '-' || !w[1])
                        continue;
                /* Bundled short options, as getopt reads "ldf:p:t:": "-dl". */
                for (const char *c = w + 1; *c; c++) {
                        if (*c == 'l')
                                return true;
                        if (strchr("fpt", *c))
                                break;  /* the rest is that option's argument */
                }
        }
        return false;
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
        /* A tree without systemd's binary or its /etc directory (a container,
         * a chroot) starts libvirtd some other way, whatever the distro. */
        systemd = (m.profile ? m.profile->init == MC_INIT_SYSTEMD : true) &&
                  (mc_json_bool(sd, "present", false) || m.units_known);
        /* Collected live: what runs as PID 1 decides, not what is installed. */
        if (!mc_json_bool(sd, "booted", true))
                systemd = false;

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

        snprintf(m.why, sizeof(m.why), "%s%s, libvirt %s%s: %s%s", m.profile ? m.profile->name : (m.os_id ?: "unknown distro"),
                 m.profile ? "" : " (no profile)", m.libvirt_version ?: "unknown",
                 m.libvirt_version_assumed ? " (the distro's, assumed)" : "",
                 m.socket_activated ? "systemd socket activation" : "daemon started by its init with arguments",
                 m.modular ? ", modular daemons (virtproxyd)" : "");
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
