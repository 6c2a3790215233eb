/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* facts.libvirt: the running hypervisor, asked by the migcheck-libvirt-probe
 * helper (src/libvirt_probe.c says what it asks and why it runs apart)
 * under a deadline. migcheck itself never loads libvirt. */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "collect.h"
#include "facts.h"
#include "libvirt_probe.h"
#include "run_tool.h"
#include "util.h"

#define MC_LIBVIRT_URI "qemu:///system"
/* A daemon answering within this is alive; the first call after it started
 * probes QEMU and can take longer: then the facts say which call hung. */
#define MC_LIBVIRT_TIMEOUT_MS 5000u
#define MC_LIBVIRT_MAX_ANSWER (1u << 20)

_Noreturn static void child_main(const char *uri, int fd) {
        _cleanup_free_ char *path = mc_helper_path("MIGCHECK_LIBVIRT_PROBE", MC_LIBVIRT_PROBE_NAME);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        const char *err;

        if (null >= 0) {
                dup2(null, STDIN_FILENO);
                dup2(null, STDERR_FILENO);
        }
        if (dup2(fd, STDOUT_FILENO) >= 0)
                execl(path, path, uri, (char *) NULL);
        /* The answer says why there is none. */
        err = strerror(errno);
        dprintf(fd, "{\"uri\":\"%s\",\"state\":\"error\",\"error\":\"cannot run the libvirt probe %s: %s\"}\n", uri,
                path, err);
        _exit(127);
}

/* Signed: deadlines are compared by subtraction. */
static int64_t now_ms(void) {
        return (int64_t) mc_now_ms();
}

/* Reap pid, waiting until deadline; then SIGKILL it. Returns its wait status,
 * or -1 when it had to be killed (or was reaped by someone else). */
static int reap(pid_t pid, int64_t deadline) {
        int st;

        for (;;) {
                pid_t r = waitpid(pid, &st, WNOHANG);

                if (r == pid)
                        return st;
                if (r < 0 && errno != EINTR)
                        return -1;  /* ECHILD: SIGCHLD ignored, nothing to reap */
                if (now_ms() >= deadline)
                        break;
                poll(NULL, 0, 5);
        }
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return -1;
}

static json_object *error_object(const char *uri, const char *fmt, ...) _printf_(2, 3);
static json_object *error_object(const char *uri, const char *fmt, ...) {
        json_object *lv = json_object_new_object();
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        json_object_object_add(lv, "uri", json_object_new_string(uri));
        json_object_object_add(lv, "state", json_object_new_string("error"));
        json_object_object_add(lv, "error", json_object_new_string(msg));
        return lv;
}

/* The child's last complete snapshot: one JSON object per line. NULL when
 * no line is complete; a malformed line is an error object. */
static json_object *last_snapshot(const char *uri, const char *buf, size_t len) {
        const char *end = len ? memrchr(buf, '\n', len) : NULL, *start;
        _cleanup_(json_tokener_freep) json_tokener *tok = NULL;
        json_object *o;
        size_t n;

        if (!end)
                return NULL;
        start = end > buf ? memrchr(buf, '\n', (size_t) (end - buf)) : NULL;
        start = start ? start + 1 : buf;
        n = (size_t) (end - start);
        if (memchr(buf, '\0', len))
                return error_object(uri, "malformed answer from the libvirt probe: contains a NUL byte");
        tok = mc_assert_alloc(json_tokener_new_ex(32));
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        o = json_tokener_parse_ex(tok, start, (int) n);
        if (!o || json_tokener_get_parse_end(tok) < n || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return error_object(uri, "malformed answer from the libvirt probe (%zu bytes)", len);
        }
        /* The URI is ours, not the child's to choose. */
        json_object_object_add(o, "uri", json_object_new_string(uri));
        return o;
}

/* The final answer must say how it went; a snapshot taken before a call
 * that never returned becomes an error that names the call. */
static json_object *finish(const char *uri, json_object *o, bool timed_out, unsigned timeout_ms) {
        const char *call = mc_json_str(o, "_call"), *st = mc_json_str(o, "state");
        _cleanup_free_ char *msg = NULL;

        if (!timed_out && !call && st && (streq(st, "ok") || streq(st, "error")))
                return o;
        if (timed_out)
                msg = mc_strdup_printf("no answer from libvirt at %s within %u ms (daemon hung or overloaded%s%s)", uri,
                                       timeout_ms, call ? ": stuck in " : "", call ?: "");
        else
                msg = mc_strdup_printf("the libvirt probe ended before it finished%s%s", call ? ": during " : "",
                                       call ?: "");
        json_object_object_del(o, "_call");
        json_object_object_add(o, "state", json_object_new_string("error"));
        json_object_object_add(o, "error", json_object_new_string(msg));
        return o;
}

json_object *mc_libvirt_api_probe(const char *uri, unsigned timeout_ms) {
        int64_t deadline = now_ms() + timeout_ms;
        _cleanup_close_ int rfd = -1;
        _cleanup_free_ char *buf = NULL;
        json_object *o;
        size_t len = 0;
        bool timed_out = false, too_big = false;
        int fds[2], st;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_object(uri, "cannot create a pipe for the libvirt probe: %s", strerror(errno));
        pid = fork();
        if (pid < 0) {
                int e = errno;

                close(fds[0]);
                close(fds[1]);
                return error_object(uri, "cannot fork the libvirt probe: %s", strerror(e));
        }
        if (pid == 0) {
                close(fds[0]);
                child_main(uri, fds[1]);
        }
        close(fds[1]);
        rfd = fds[0];
        buf = mc_assert_alloc(malloc(MC_LIBVIRT_MAX_ANSWER + 1));

        for (;;) {
                struct pollfd p = { .fd = rfd, .events = POLLIN };
                int64_t left = deadline - now_ms();
                ssize_t k;
                int r;

                if (left <= 0) {
                        timed_out = true;
                        break;
                }
                r = poll(&p, 1, (int) left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r == 0) {
                        timed_out = true;
                        break;
                }
                if (r < 0)
                        break;
                k = read(rfd, buf + len, MC_LIBVIRT_MAX_ANSWER + 1 - len);
                if (k < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (k <= 0)
                        break;  /* EOF: the answer is complete */
                len += (size_t) k;
                if (len > MC_LIBVIRT_MAX_ANSWER) {
                        too_big = true;
                        break;
                }
        }
        if (timed_out || too_big) {
                kill(pid, SIGKILL);
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                if (too_big)
                        return error_object(uri, "the libvirt probe answered more than %u bytes", MC_LIBVIRT_MAX_ANSWER);
                o = last_snapshot(uri, buf, len);
                return o ? finish(uri, o, true, timeout_ms)
                         : error_object(uri, "no answer from libvirt at %s within %u ms (daemon hung or overloaded)",
                                        uri, timeout_ms);
        }
        /* A complete answer counts even if the child then dawdles in exit. */
        st = reap(pid, deadline);
        o = last_snapshot(uri, buf, len);
        if (o)
                return finish(uri, o, false, timeout_ms);
        if (st >= 0 && WIFSIGNALED(st))
                return error_object(uri, "the libvirt probe died of signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
        if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) != 0)
                return error_object(uri, "the libvirt probe exited with status %d", WEXITSTATUS(st));
        return error_object(uri, "the libvirt probe gave no answer");
}

void mc_collect_libvirt_api(struct mc_collector *c) {
        json_object_object_add(c->facts, "libvirt", mc_libvirt_api_probe(MC_LIBVIRT_URI, MC_LIBVIRT_TIMEOUT_MS));
}
