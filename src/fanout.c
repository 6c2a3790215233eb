/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fanout.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "escape.h"
#include "facts.h"
#include "shell.h"
#include "util.h"

#define MC_FANOUT_MAX_STDERR (64u * 1024u)

char **mc_cluster_peers(const struct mc_cluster *c, size_t i) {
        char **l = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(char *)));
        size_t k = 0;

        for (size_t j = 0; j < c->n_nodes; j++)
                if (j != i)
                        l[k++] = c->nodes[j].address ? mc_strdup_printf("%s=%s", c->nodes[j].name, c->nodes[j].address)
                                                     : mc_strdup(c->nodes[j].name);
        return l;
}

/* Peers past this many bytes go to the node's standard input
 * (--peers-from -), not its command line: Linux takes at most 128 KiB in
 * one argument (MAX_ARG_STRLEN), and `sh -c` and ssh get the whole node
 * command as one. Below it the command shows them, as ps(1) does. */
#define INLINE_PEERS_MAX (16u * 1024u)

static void put_arg(FILE *f, const char *opt, const char *value) {
        _cleanup_free_ char *q = mc_shell_quote(value);

        if (opt)
                fprintf(f, " %s", opt);
        fprintf(f, " %s", q);
}

/* The node-side command line, as one shell string; *ret_stdin gets the
 * peers when they go to standard input. Built in a stream: a thousand
 * peers are a thousand appends, not a thousand copies of a growing string. */
static char *remote_command(const struct mc_cluster *c, size_t i, const struct mc_fanout_opts *o, char **ret_stdin,
                            size_t *ret_stdin_len) {
        _cleanup_strv_free_ char **peers = mc_cluster_peers(c, i);
        _cleanup_free_ char *remote = mc_shell_quote(o->remote_migcheck ?: "migcheck");
        char *cmd = NULL;
        size_t len = 0, peers_len = 0;
        FILE *f = mc_assert_alloc(open_memstream(&cmd, &len));

        *ret_stdin = NULL;
        *ret_stdin_len = 0;
        fprintf(f, "%s %s", remote, o->verb ?: "collect");
        for (char *const *arg = o->verb_args; arg && *arg; arg++)
                put_arg(f, NULL, *arg);
        if (o->verb)
                /* The node names itself as the coordinator does. */
                put_arg(f, "--node-name", c->nodes[i].name);

        for (char **p = peers; *p; p++)
                peers_len += strlen(*p) + 1;
        if (o->verb) {
                /* A node-side fix reads every node, with its address, from
                 * the cluster document on its standard input. */
        } else if (peers_len > INLINE_PEERS_MAX) {
                FILE *in = mc_assert_alloc(open_memstream(ret_stdin, ret_stdin_len));

                for (char **p = peers; *p; p++)
                        fprintf(in, "%s\n", *p);
                fclose(in);
                fputs(" --peers-from -", f);
        } else
                for (char **p = peers; *p; p++)
                        put_arg(f, "--peer", *p);
        if (o->nova_release)
                put_arg(f, "--nova-release", o->nova_release);
        for (int k = 0; k < 2; k++) {
                char *const *ids = k == 0 ? o->only : o->skip;
                _cleanup_free_ char *joined = NULL;
                size_t jlen = 0;
                FILE *j;

                if (!ids || !ids[0])
                        continue;
                j = mc_assert_alloc(open_memstream(&joined, &jlen));
                for (char *const *id = ids; *id; id++)
                        fprintf(j, "%s%s", id == ids ? "" : ",", *id);
                fclose(j);
                put_arg(f, k == 0 ? "--only" : "--skip", joined);
        }
        fclose(f);
        return cmd;
}

static char *expand_template(const char *tmpl, const char *node) {
        _cleanup_free_ char *q = mc_shell_quote(node);
        char *out = mc_strdup("");

        for (const char *p = tmpl; *p;) {
                const char *hit = strstr(p, "{node}");
                size_t n = hit ? (size_t) (hit - p) : strlen(p);
                char *next = mc_strdup_printf("%s%.*s%s", out, (int) n, p, hit ? q : "");

                free(out);
                out = next;
                p += n + (hit ? strlen("{node}") : 0);
        }
        return out;
}

static char **node_argv(const struct mc_cluster *c, size_t i, const struct mc_fanout_opts *o, char **ret_stdin,
                        size_t *ret_stdin_len) {
        _cleanup_free_ char *cmd = remote_command(c, i, o, ret_stdin, ret_stdin_len);
        const struct mc_node *n = &c->nodes[i];
        char **argv;

        if (o->kind == MC_TRANSPORT_SSH) {
                /* OpenSSH, so that ~/.ssh/config, ProxyJump and ControlMaster apply. */
                unsigned connect_s = o->timeout_ms / 1000 > 1 ? o->timeout_ms / 1000 : 1;
                argv = mc_assert_alloc(calloc(10, sizeof(char *)));
                argv[0] = mc_strdup("ssh");
                argv[1] = mc_strdup("-o");
                argv[2] = mc_strdup("BatchMode=yes");
                argv[3] = mc_strdup("-o");
                argv[4] = mc_strdup_printf("ConnectTimeout=%u", connect_s);
                argv[5] = mc_strdup("--");
                argv[6] = mc_strdup(n->address ?: n->name);
                argv[7] = TAKE_PTR(cmd);
                return argv;
        }
        argv = mc_assert_alloc(calloc(4, sizeof(char *)));
        argv[0] = mc_strdup("/bin/sh");
        argv[1] = mc_strdup("-c");
        {
                _cleanup_free_ char *prefix = expand_template(o->exec_template, n->name);
                argv[2] = mc_strdup_printf("%s %s", prefix, cmd);
        }
        return argv;
}

struct job {
        size_t node;
        pid_t pid;
        int in, out, err;
        const char *in_data;  /* what the node reads: o->stdin_data, or in_own */
        size_t in_len, in_off;
        char *in_own;         /* its peers list (--peers-from -) */
        char *obuf, *ebuf;
        size_t olen, elen, oalloc, ealloc;
        uint64_t deadline;
        bool overflow;
};

static uint64_t now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static int spawn(const struct mc_cluster *c, size_t i, const struct mc_fanout_opts *o, struct job *j) {
        _cleanup_free_ char *peers_in = NULL;
        size_t peers_in_len = 0;
        _cleanup_strv_free_ char **argv = node_argv(c, i, o, &peers_in, &peers_in_len);
        const char *in_data = peers_in ?: o->stdin_data;
        size_t in_len = peers_in ? peers_in_len : o->stdin_len;
        int po[2], pe[2], pi[2] = { -1, -1 };
        pid_t pid;

        if (pipe2(po, O_CLOEXEC) < 0)
                return -errno;
        if (pipe2(pe, O_CLOEXEC) < 0) {
                close(po[0]);
                close(po[1]);
                return -errno;
        }
        if (in_data && pipe2(pi, O_CLOEXEC) < 0) {
                close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
                return -errno;
        }
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
                if (pi[0] >= 0)
                        close(pi[0]), close(pi[1]);
                return r;
        }
        if (pid == 0) {
                int devnull = open("/dev/null", O_RDONLY);

                /* Its own process group: a deadline kills the whole pipeline. */
                setpgid(0, 0);
                signal(SIGPIPE, SIG_DFL);
                if (pi[0] >= 0)
                        dup2(pi[0], STDIN_FILENO);
                else if (devnull >= 0)
                        dup2(devnull, STDIN_FILENO);
                dup2(po[1], STDOUT_FILENO);
                dup2(pe[1], STDERR_FILENO);
                execvp(argv[0], argv);
                dprintf(STDERR_FILENO, "cannot run '%s': %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        setpgid(pid, pid);
        close(po[1]);
        close(pe[1]);
        if (pi[0] >= 0) {
                close(pi[0]);
                /* Written as the child reads, in the poll loop. */
                fcntl(pi[1], F_SETFL, O_NONBLOCK);
        }
        *j = (struct job) {
                .node = i,
                .pid = pid,
                .in = pi[1],
                .in_data = in_data,
                .in_len = in_len,
                .in_own = TAKE_PTR(peers_in),
                .out = po[0],
                .err = pe[0],
                .deadline = now_ms() + o->timeout_ms,
        };
        return 0;
}

/* Read what is there; false at end of file. */
static bool drain(int fd, char **buf, size_t *len, size_t *alloc, size_t cap, bool *overflow) {
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0)
                return errno == EINTR || errno == EAGAIN;
        if (n == 0)
                return false;
        if (*len + (size_t) n > cap) {
                *overflow = true;
                return false;
        }
        /* Grow by doubling: a node's facts arrive in many small reads. */
        if (*len + (size_t) n + 1 > *alloc) {
                size_t want = *len + (size_t) n + 1;

                *alloc = *alloc ? *alloc : 65536;
                while (*alloc < want)
                        *alloc *= 2;
                *buf = mc_assert_alloc(realloc(*buf, *alloc));
        }
        memcpy(*buf + *len, chunk, (size_t) n);
        *len += (size_t) n;
        (*buf)[*len] = '\0';
        return true;
}

static char *last_line(const char *s, size_t len) {
        _cleanup_free_ char *copy = s ? mc_assert_alloc(strndup(s, len)) : NULL;
        char *line, *nl;

        if (!copy)
                return NULL;
        line = mc_strip(copy);
        nl = strrchr(line, '\n');
        return isempty(nl ? nl + 1 : line) ? NULL : mc_strdup(nl ? nl + 1 : line);
}

static void finish(struct mc_cluster *c, struct job *j, int status, bool timed_out, unsigned timeout_ms, bool report) {
        struct mc_node *n = &c->nodes[j->node];
        _cleanup_free_ char *why = last_line(j->ebuf, j->elen), *err = NULL;
        json_object *doc = NULL;

        if (timed_out)
                n->error = mc_strdup_printf("no answer within %u ms (killed)%s%s", timeout_ms, why ? ": " : "", why ?: "");
        else if (j->overflow)
                n->error = mc_strdup_printf("output larger than %u bytes: not %s", MC_FANOUT_MAX_OUTPUT,
                                            report ? "a report" : "facts");
        else if (WIFSIGNALED(status))
                n->error = mc_strdup_printf("killed by signal %d%s%s", WTERMSIG(status), why ? ": " : "", why ?: "");
        /* A node-side fix exits 0 to 3 by its results, as check does. */
        else if (WEXITSTATUS(status) != 0 && !(report && WEXITSTATUS(status) <= 3))
                n->error = mc_strdup_printf("exited with status %d%s%s", WEXITSTATUS(status), why ? ": " : "",
                                            why ?: "");
        else if (mc_facts_parse(j->obuf ?: "", j->olen, &doc, &err) < 0)
                n->error = mc_strdup_printf("returned an invalid %s: %s", report ? "report" : "facts document", err);
        else if (report)
                n->report = doc;
        else {
                mc_facts_set_inventory(doc, n->name, n->address);
                n->facts = doc;
        }
        if (j->in >= 0)
                close(j->in);
        free(j->in_own);
        if (j->out >= 0)
                close(j->out);
        if (j->err >= 0)
                close(j->err);
        free(j->obuf);
        free(j->ebuf);
}

static int fanout(struct mc_cluster *c, const struct mc_fanout_opts *o);

/* Feed the node's standard input as far as its pipe takes it. */
static void feed(struct job *j) {
        while (j->in >= 0 && j->in_off < j->in_len) {
                ssize_t n = write(j->in, j->in_data + j->in_off, j->in_len - j->in_off);

                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return;
                        break;  /* EPIPE: the node does not read; its answer tells why */
                }
                j->in_off += (size_t) n;
        }
        if (j->in >= 0) {
                close(j->in);
                j->in = -1;
        }
}

/* This process's children, from /proc: "PID (COMM) STATE PPID ...". */
static pid_t *children(size_t *ret_n) {
        pid_t self = getpid(), *l = NULL;
        size_t n = 0;
        DIR *d = opendir("/proc");

        for (struct dirent *de; d && (de = readdir(d));) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                const char *paren;
                long ppid;

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                path = mc_strdup_printf("/proc/%s/stat", de->d_name);
                if (mc_read_file(path, 4096, &text, NULL) < 0 || !(paren = strrchr(text, ')')) ||
                    sscanf(paren + 1, " %*c %ld", &ppid) != 1 || ppid != self)
                        continue;
                l = mc_assert_alloc(reallocarray(l, n + 1, sizeof(pid_t)));
                l[n++] = (pid_t) atol(de->d_name);
        }
        if (d)
                closedir(d);
        *ret_n = n;
        return l;
}

/* A node command may leave processes behind that left its process group
 * (setsid, a daemon): as the child subreaper they became ours when their
 * parents ended; end them, and those that become ours as they do. The
 * children from before the fan-out are not ours to end. */
static void kill_orphans(const pid_t *before, size_t n_before) {
        for (unsigned round = 0; round < 64; round++) {
                size_t n = 0;
                _cleanup_free_ pid_t *now = children(&n);
                bool any = false;

                for (size_t i = 0; i < n; i++) {
                        bool old = false;

                        for (size_t k = 0; k < n_before && !old; k++)
                                old = before[k] == now[i];
                        if (old)
                                continue;
                        kill(now[i], SIGKILL);
                        waitpid(now[i], NULL, 0);
                        any = true;
                }
                if (!any)
                        break;
        }
}

int mc_fanout_collect(struct mc_cluster *c, const struct mc_fanout_opts *o) {
        struct sigaction ign = { .sa_handler = SIG_IGN }, old;
        /* Collecting starts nothing that should outlive it. A node-side fix
         * may: `fix --restart` under --exec (ip netns exec, nsenter, a
         * container's exec) runs the node's init script, whose daemon is a
         * grandchild of ours that left its process group on purpose, as it
         * would under ssh. Those are the node's, not leftovers. */
        bool reap = !o->verb;
        int was_subreaper = 0, r;
        size_t n_before = 0;
        _cleanup_free_ pid_t *before = reap ? children(&n_before) : NULL;

        /* A node that stops reading its input must not kill us with SIGPIPE. */
        sigaction(SIGPIPE, &ign, &old);
        if (reap) {
                prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper);
                prctl(PR_SET_CHILD_SUBREAPER, 1);
        }
        r = fanout(c, o);
        if (reap) {
                kill_orphans(before, n_before);
                prctl(PR_SET_CHILD_SUBREAPER, was_subreaper);
        }
        sigaction(SIGPIPE, &old, NULL);
        return r;
}

static int fanout(struct mc_cluster *c, const struct mc_fanout_opts *o) {
        unsigned jobs = o->jobs ?: 1;
        _cleanup_free_ struct job *run = mc_assert_alloc(calloc(jobs, sizeof(*run)));
        _cleanup_free_ struct pollfd *pfd = mc_assert_alloc(calloc(3 * (size_t) jobs, sizeof(*pfd)));
        bool report = o->verb != NULL;
        size_t next = 0, done = 0, active = 0;

        while (done < c->n_nodes) {
                uint64_t now, wait;

                while (active < jobs && next < c->n_nodes) {
                        int r;

                        if (c->nodes[next].error) {
                                /* Failed before (e.g. not collected): not asked again. */
                                next++;
                                done++;
                                continue;
                        }
                        r = spawn(c, next, o, &run[active]);

                        if (r < 0) {
                                c->nodes[next].error = mc_strdup_printf("cannot start the transport: %s", strerror(-r));
                                done++;
                        } else
                                active++;
                        next++;
                }
                if (o->progress)
                        o->progress(done, c->n_nodes, o->userdata);
                if (active == 0)
                        continue;

                now = now_ms();
                wait = UINT64_MAX;
                for (size_t k = 0; k < active; k++) {
                        /* A negative fd is ignored by poll(). */
                        pfd[3 * k] = (struct pollfd) { .fd = run[k].out, .events = POLLIN };
                        pfd[3 * k + 1] = (struct pollfd) { .fd = run[k].err, .events = POLLIN };
                        pfd[3 * k + 2] = (struct pollfd) { .fd = run[k].in, .events = POLLOUT };
                        wait = run[k].deadline > now ? (run[k].deadline - now < wait ? run[k].deadline - now : wait) : 0;
                }
                /* A child that closed its pipes but has not exited is reaped by polling. */
                if (poll(pfd, 3 * active, (int) (wait < 100 ? wait : 100)) < 0 && errno != EINTR)
                        return -errno;

                for (size_t k = 0; k < active;) {
                        struct job *j = &run[k];
                        bool timed_out = false, reaped = false;
                        int status = 0;

                        if (j->in >= 0 && (pfd[3 * k + 2].revents & (POLLOUT | POLLERR | POLLHUP)))
                                feed(j);
                        if (j->out >= 0 && (pfd[3 * k].revents & (POLLIN | POLLHUP | POLLERR)))
                                if (!drain(j->out, &j->obuf, &j->olen, &j->oalloc, MC_FANOUT_MAX_OUTPUT, &j->overflow)) {
                                        close(j->out);
                                        j->out = -1;
                                }
                        if (j->err >= 0 && (pfd[3 * k + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                                if (!drain(j->err, &j->ebuf, &j->elen, &j->ealloc, MC_FANOUT_MAX_STDERR, &(bool) { false })) {
                                        close(j->err);
                                        j->err = -1;
                                }
                        if (j->overflow || now_ms() >= j->deadline) {
                                timed_out = !j->overflow;
                                kill(-j->pid, SIGKILL);
                                waitpid(j->pid, &status, 0);
                                reaped = true;
                        } else if (j->out < 0 && j->err < 0)
                                reaped = waitpid(j->pid, &status, WNOHANG) == j->pid;
                        if (!reaped) {
                                k++;
                                continue;
                        }
                        finish(c, j, status, timed_out, o->timeout_ms, report);
                        run[k] = run[--active];
                        pfd[3 * k] = pfd[3 * active];
                        pfd[3 * k + 1] = pfd[3 * active + 1];
                        pfd[3 * k + 2] = pfd[3 * active + 2];
                        done++;
                }
        }
        if (o->progress)
                o->progress(done, c->n_nodes, o->userdata);
        return 0;
}

char *mc_cluster_facts_json(const struct mc_cluster *c) {
        _cleanup_json_ json_object *doc = json_object_new_object();
        json_object *a = json_object_new_array();

        /* Versioned like a facts file, so that the node side reads it with
         * the same care. */
        json_object_object_add(doc, "schema_version", json_object_new_int(MC_FACTS_SCHEMA_VERSION));
        for (size_t i = 0; i < c->n_nodes; i++) {
                json_object *f = NULL;

                if (!c->nodes[i].facts || json_object_deep_copy(c->nodes[i].facts, &f, NULL) < 0)
                        continue;
                json_object_object_add(f, "node_name", json_object_new_string(c->nodes[i].name));
                json_object_array_add(a, f);
        }
        json_object_object_add(doc, "cluster", a);
        mc_json_utf8(doc);
        return mc_strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

char **mc_cluster_doc_peers(json_object *doc, const char *self) {
        json_object *a = mc_json_get(doc, "cluster");
        size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0, k = 0;
        char **l = mc_assert_alloc(calloc(n + 1, sizeof(char *)));

        for (size_t i = 0; i < n; i++) {
                json_object *f = json_object_array_get_idx(a, i);
                const char *name = mc_json_str(f, "node_name");
                const char *addr = mc_json_str(mc_json_get(f, "inventory"), "address");

                if (!name || streq_ptr(name, self))
                        continue;
                l[k++] = addr ? mc_strdup_printf("%s=%s", name, addr) : mc_strdup(name);
        }
        return l;
}
