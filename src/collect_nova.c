/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nova.conf as nova-compute reads it, and the instances directory. */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

#include "collect.h"
#include "facts.h"
#include "util.h"

/* Only the options migcheck's checks read are collected. Credentials
 * (transport_url, [database] connection, passwords) are never in this list,
 * so they never reach a facts file, redacted or not. */
static const char *const nova_keep[] = {
        "state_path", "instances_path", "my_ip", "host", "compute_driver",
        "live_migration_flag", "block_migration_flag", "live_migration_uri", "live_migration_scheme",
        "live_migration_inbound_addr", "live_migration_tunnelled", "live_migration_with_native_tls",
        "live_migration_bandwidth", "live_migration_downtime", "live_migration_downtime_steps",
        "live_migration_downtime_delay", "live_migration_completion_timeout",
        "live_migration_permit_post_copy", "live_migration_permit_auto_converge",
        "cpu_mode", "cpu_model", "cpu_models", "cpu_model_extra_flags", "libvirt_cpu_mode",
        "libvirt_cpu_model", "virt_type", "libvirt_type",
        "force_config_drive", "config_drive_format",
        "vncserver_listen", "server_listen", "vncserver_proxyclient_address", "server_proxyclient_address",
        "vnc_enabled", "enabled",
        "skip_cpu_compare_on_dest", "skip_hypervisor_version_check_on_lm",
        NULL,
};

#define NOVA_CONF "/etc/nova/nova.conf"

const struct mc_conf_spec mc_nova_conf_spec = { NOVA_CONF, "Mc_nova.lns", "nova", MC_CONF_INI, nova_keep };
#define NOVA_CONF_D "/etc/nova/nova.conf.d"
#define NOVA_COMPUTE_CONF "/etc/nova/nova-compute.conf"

/* oslo.config interpolation of $name and ${name} from [DEFAULT], $$ for a
 * dollar. Unknown names stay as written and make the result NULL. */
static char *interpolate(json_object *facts, const char *value, int depth) {
        _cleanup_free_ char *out = mc_strdup("");

        if (depth > 8)
                return NULL;
        for (const char *p = value; *p;) {
                const char *start = p;
                _cleanup_free_ char *name = NULL, *sub = NULL;
                struct mc_setting s;
                char *n;

                if (*p != '$') {
                        p += strcspn(p, "$");
                        n = mc_strdup_printf("%s%.*s", out, (int) (p - start), start);
                        free(out);
                        out = n;
                        continue;
                }
                p++;
                if (*p == '$') {
                        p++;
                        name = mc_strdup("$");
                        sub = mc_strdup("$");
                } else {
                        bool brace = *p == '{';
                        size_t len;

                        p += brace;
                        len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
                        name = mc_assert_alloc(strndup(p, len));
                        p += len;
                        if (brace) {
                                if (*p != '}')
                                        return NULL;
                                p++;
                        }
                        if (mc_facts_nova(facts, "DEFAULT", name, &s) < 0)
                                return NULL;
                        sub = interpolate(facts, s.value, depth + 1);
                        if (!sub)
                                return NULL;
                }
                n = mc_strdup_printf("%s%s", out, sub);
                free(out);
                out = n;
        }
        return TAKE_PTR(out);
}

/* The user owning uid in the node's own /etc/passwd (not this machine's). */
static char *passwd_name(struct mc_rootfs *fs, uid_t uid, const char *want, uid_t *ret_want_uid, gid_t *ret_want_gid) {
        _cleanup_free_ char *text = NULL;
        char *save = NULL, *found = NULL;

        if (mc_rootfs_read(fs, "/etc/passwd", 4u * 1024u * 1024u, &text, NULL) < 0)
                return NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *name = line, *x, *u;

                if (!(x = strchr(name, ':')) || !(u = strchr(x + 1, ':')))
                        continue;
                *x = '\0';
                if (!isdigit((unsigned char) u[1]))
                        continue;
                char *g = NULL;
                uid_t id = (uid_t) strtoul(u + 1, &g, 10);
                if (id == uid && !found)
                        found = mc_strdup(name);
                if (want && streq(name, want)) {
                        *ret_want_uid = id;
                        if (g && *g == ':' && isdigit((unsigned char) g[1]))
                                *ret_want_gid = (gid_t) strtoul(g + 1, NULL, 10);
                }
        }
        return found;
}

static void collect_instances_path(struct mc_collector *c, json_object *nova) {
        json_object *ip = json_object_new_object();
        _cleanup_free_ char *path = NULL;
        struct mc_setting s;
        struct stat st;
        int r;

        if (mc_facts_nova(c->facts, "DEFAULT", "instances_path", &s) >= 0) {
                _cleanup_free_ char *src = mc_strdup_printf("%s:%d", s.file, s.line);

                path = interpolate(c->facts, s.value, 0);
                json_object_object_add(ip, "configured", json_object_new_string(s.value));
                json_object_object_add(ip, "source", json_object_new_string(src));
        } else {
                /* nova's default is $state_path/instances. */
                path = interpolate(c->facts, "$state_path/instances", 0);
                json_object_object_add(ip, "configured", json_object_new_string("$state_path/instances"));
                json_object_object_add(ip, "source", json_object_new_string("nova default"));
        }
        if (!path) {
                json_object_object_add(ip, "error",
                                       json_object_new_string("cannot resolve it: a $variable in it is not set in [DEFAULT] (nova's default state_path is its python package directory, which migcheck does not guess)"));
                json_object_object_add(nova, "instances_path", ip);
                return;
        }
        json_object_object_add(ip, "path", json_object_new_string(path));
        r = mc_rootfs_stat(c->fs, path, &st);
        json_object_object_add(ip, "exists", json_object_new_boolean(r >= 0));
        {
                uid_t nova_uid = (uid_t) -1;
                gid_t nova_gid = (gid_t) -1;
                _cleanup_free_ char *owner = passwd_name(c->fs, r >= 0 ? st.st_uid : (uid_t) -1, "nova", &nova_uid,
                                                         &nova_gid);

                /* The nova user is needed to judge the owner, or to create the directory. */
                if (nova_uid != (uid_t) -1)
                        json_object_object_add(ip, "nova_uid", json_object_new_int((int) nova_uid));
                if (nova_gid != (gid_t) -1)
                        json_object_object_add(ip, "nova_gid", json_object_new_int((int) nova_gid));
                if (r >= 0) {
                        json_object_object_add(ip, "is_dir", json_object_new_boolean(S_ISDIR(st.st_mode)));
                        json_object_object_add(ip, "uid", json_object_new_int((int) st.st_uid));
                        json_object_object_add(ip, "mode", json_object_new_int((int) (st.st_mode & 07777)));
                        if (owner)
                                json_object_object_add(ip, "owner", json_object_new_string(owner));
                } else if (r != -ENOENT)
                        json_object_object_add(ip, "error", json_object_new_string(mc_read_error_string(r)));
        }
        json_object_object_add(nova, "instances_path", ip);
}

void mc_collect_nova(struct mc_collector *c) {
        json_object *nova = mc_json_get_or_add_object(c->facts, "nova");
        json_object *files = json_object_new_array();
        _cleanup_strv_free_ char **dropins = NULL;
        struct mc_conf_spec spec = mc_nova_conf_spec;
        json_object *f;

        json_object_object_add(nova, "files", files);
        f = mc_collect_conf(c, &spec);
        if (!streq(mc_json_str(f, "state"), "absent"))
                json_object_array_add(files, json_object_new_string(NOVA_CONF));

        /* Debian's and Ubuntu's nova-compute run with --config-file
         * nova.conf --config-file nova-compute.conf. */
        spec.path = NOVA_COMPUTE_CONF;
        f = mc_collect_conf(c, &spec);
        if (!streq(mc_json_str(f, "state"), "absent"))
                json_object_array_add(files, json_object_new_string(NOVA_COMPUTE_CONF));
        spec.path = NOVA_CONF;

        /* oslo.config --config-dir reads *.conf in sorted order after the file. */
        if (mc_rootfs_list(c->fs, NOVA_CONF_D, &dropins) >= 0)
                for (char **d = dropins; *d; d++) {
                        _cleanup_free_ char *p = NULL;
                        size_t n = strlen(*d);

                        /* glob("*.conf"), as oslo.config uses it, skips names
                         * starting with '.' (".x.conf", emacs' ".#x.conf"). */
                        if (n <= 5 || !streq(*d + n - 5, ".conf") || (*d)[0] == '.')
                                continue;
                        p = mc_strdup_printf(NOVA_CONF_D "/%s", *d);
                        spec.path = p;
                        mc_collect_conf(c, &spec);
                        json_object_array_add(files, json_object_new_string(p));
                }
        collect_instances_path(c, nova);
}
