/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What runs now, as opposed to what the files say will run after a
 * restart: libvirt's daemons with their arguments, and the TCP ports
 * that are listening, with the process that holds each. */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "collect.h"
#include "facts.h"
#include "util.h"

static const char *const daemons[] = { "libvirtd", "virtproxyd", "virtqemud", "systemd" };

struct listener {
        unsigned long inode;
        unsigned port;
        char addr[64];
        const char *process;
};

static void read_listeners(const char *file, bool v6, struct listener **l, size_t *n) {
        _cleanup_free_ char *text = NULL;
        char *save = NULL;

        if (mc_read_file(file, 64u * 1024u * 1024u, &text, NULL) < 0)
                return;
        strtok_r(text, "\n", &save);  /* header */
        for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char local[64], remote[64];
                unsigned st, port;
                unsigned long inode;
                char *colon;

                if (sscanf(line, "%*d: %63s %63s %x %*s %*s %*s %*u %*u %lu", local, remote, &st, &inode) != 4)
                        continue;
                if (st != 0x0A)  /* TCP_LISTEN */
                        continue;
                colon = strrchr(local, ':');
                if (!colon)
                        continue;
                *colon = '\0';
                port = (unsigned) strtoul(colon + 1, NULL, 16);
                *l = mc_assert_alloc(reallocarray(*l, *n + 1, sizeof(**l)));
                (*l)[*n] = (struct listener) { .inode = inode, .port = port };
                if (!v6) {
                        /* /proc prints the __be32 as the number its bytes make on
                         * this host: stored back as that number, the bytes are the
                         * address again, whatever the host's byte order. */
                        struct in_addr a = { .s_addr = (uint32_t) strtoul(local, NULL, 16) };

                        if (!inet_ntop(AF_INET, &a, (*l)[*n].addr, sizeof((*l)[*n].addr)))
                                continue;
                } else
                        snprintf((*l)[*n].addr, sizeof((*l)[*n].addr), "%s",
                                 strspn(local, "0") == strlen(local) ? "::" : local);
                (*n)++;
        }
}

static void match_fds(const char *pid, const char *name, struct listener *l, size_t n) {
        _cleanup_free_ char *dir = mc_strdup_printf("/proc/%s/fd", pid);
        DIR *d = opendir(dir);

        if (!d)
                return;
        for (struct dirent *de; (de = readdir(d));) {
                char link[512], target[64];
                ssize_t k;
                unsigned long inode;

                snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
                k = readlink(link, target, sizeof(target) - 1);
                if (k <= 0)
                        continue;
                target[k] = '\0';
                if (sscanf(target, "socket:[%lu]", &inode) != 1)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (l[i].inode == inode)
                                l[i].process = name;
        }
        closedir(d);
}

/* A daemon in another network namespace (a container's, a lab's) listens on
 * other addresses than this node's: not ours. Unknown (no access) counts as ours. */
static bool same_netns(const char *pid, const struct stat *self) {
        _cleanup_free_ char *p = mc_strdup_printf("/proc/%s/ns/net", pid);
        struct stat st;

        if (!self || stat(p, &st) < 0)
                return true;
        return st.st_dev == self->st_dev && st.st_ino == self->st_ino;
}

/* A zombie (exited, not yet reaped) still has its comm, but runs no more. */
static bool is_zombie(const char *pid) {
        _cleanup_free_ char *p = mc_strdup_printf("/proc/%s/stat", pid), *text = NULL;
        const char *paren;

        if (mc_read_file(p, 4096, &text, NULL) < 0)
                return false;
        paren = strrchr(text, ')');
        return paren && paren[1] == ' ' && paren[2] == 'Z';
}

/* The systemd unit (or scope) a process runs in: the last part of its
 * cgroup path (v2 "0::", v1 "name=systemd"). NULL when it has none. */
static char *process_unit(const char *pid) {
        _cleanup_free_ char *p = mc_strdup_printf("/proc/%s/cgroup", pid), *text = NULL;
        char *save = NULL;

        if (mc_read_file(p, 65536, &text, NULL) < 0)
                return NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                const char *path = NULL, *last;

                if (mc_startswith(line, "0::"))
                        path = line + 3;
                else if (strstr(line, ":name=systemd:"))
                        path = strstr(line, ":name=systemd:") + strlen(":name=systemd:");
                if (!path || !(last = strrchr(path, '/')) || !last[1])
                        continue;
                if (mc_endswith(last + 1, ".service") || mc_endswith(last + 1, ".scope"))
                        return mc_strdup(last + 1);
        }
        return NULL;
}

void mc_collect_runtime(struct mc_collector *c) {
        json_object *rt = mc_json_get_or_add_object(c->facts, "runtime");
        json_object *procs = json_object_new_array(), *listening = json_object_new_array();
        _cleanup_free_ struct listener *l = NULL;
        size_t n = 0;
        struct stat self_net;
        bool have_self_net;
        DIR *d;

        read_listeners("/proc/net/tcp", false, &l, &n);
        read_listeners("/proc/net/tcp6", true, &l, &n);
        have_self_net = stat("/proc/self/ns/net", &self_net) >= 0;

        d = opendir("/proc");
        for (struct dirent *de; d && (de = readdir(d));) {
                _cleanup_free_ char *comm_path = NULL, *comm = NULL, *cmd_path = NULL, *cmd = NULL;
                const char *name = NULL;
                size_t len;

                if (de->d_name[strspn(de->d_name, "0123456789")] != '\0')
                        continue;
                comm_path = mc_strdup_printf("/proc/%s/comm", de->d_name);
                if (mc_read_file(comm_path, 4096, &comm, NULL) < 0)
                        continue;
                mc_strip(comm);
                for (size_t i = 0; i < ELEMENTSOF(daemons); i++)
                        if (streq(comm, daemons[i]))
                                name = daemons[i];
                if (!name || is_zombie(de->d_name) || !same_netns(de->d_name, have_self_net ? &self_net : NULL))
                        continue;
                /* systemd holds the sockets of socket-activated daemons. */
                match_fds(de->d_name, name, l, n);
                if (streq(name, "systemd"))
                        continue;

                json_object *p = json_object_new_object(), *args = json_object_new_array();
                cmd_path = mc_strdup_printf("/proc/%s/cmdline", de->d_name);
                if (mc_read_file(cmd_path, 1u << 20, &cmd, &len) >= 0)
                        for (size_t off = 0; off < len; off += strlen(cmd + off) + 1)
                                json_object_array_add(args, json_object_new_string(cmd + off));
                json_object_object_add(p, "name", json_object_new_string(name));
                json_object_object_add(p, "pid", json_object_new_int(atoi(de->d_name)));
                json_object_object_add(p, "args", args);
                {
                        _cleanup_free_ char *unit = process_unit(de->d_name);

                        if (unit)
                                json_object_object_add(p, "unit", json_object_new_string(unit));
                }
                json_object_array_add(procs, p);
        }
        if (d)
                closedir(d);

        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_new_object();

                json_object_object_add(o, "port", json_object_new_int((int) l[i].port));
                json_object_object_add(o, "address", json_object_new_string(l[i].addr));
                if (l[i].process)
                        json_object_object_add(o, "process", json_object_new_string(l[i].process));
                json_object_array_add(listening, o);
        }
        json_object_object_add(rt, "processes", procs);
        json_object_object_add(rt, "listening", listening);
}
