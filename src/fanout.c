/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fanout.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "escape.h"
#include "facts.h"
#include "shell.h"
#include "util.h"

#define MC_FANOUT_MAX_STDERR (64u * 1024u)

static void put_arg(FILE *f, const char *opt, const char *value) {
        _cleanup_free_ char *q = mc_shell_quote(value);

        if (opt)
                fprintf(f, " %s", opt);
        fprintf(f, " %s", q);
}

/* Every node as a peer, in both forms, built once per fan-out: node i's
 * list is all of it but its own piece, two ranges of one string. Built
 * per node it was n quotings and n allocations for each of n nodes. */
struct peer_text {
        char *args, *lines;           /* " --peer 'NAME=ADDR'"..., "NAME=ADDR\n"... */
        size_t *args_at, *lines_at;   /* node i's piece: [at[i], at[i + 1]) */
};

static void peer_text_build(const struct mc_cluster *c, struct peer_text *pt) {
        size_t alen = 0, llen = 0;
        FILE *fa = mc_assert_alloc(open_memstream(&pt->args, &alen));
        FILE *fl = mc_assert_alloc(open_memstream(&pt->lines, &llen));

        pt->args_at = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(size_t)));
        pt->lines_at = mc_assert_alloc(calloc(c->n_nodes + 1, sizeof(size_t)));
        for (size_t j = 0; j < c->n_nodes; j++) {
                const struct mc_node *n = &c->nodes[j];
                _cleanup_free_ char *p = n->address ? mc_strdup_printf("%s=%s", n->name, n->address) : mc_strdup(n->name);

                put_arg(fa, "--peer", p);
                fprintf(fl, "%s\n", p);
                fflush(fa);
                fflush(fl);
                pt->args_at[j + 1] = alen;
                pt->lines_at[j + 1] = llen;
        }
        fclose(fa);
        fclose(fl);
}

static void peer_text_done(struct peer_text *pt) {
        free(pt->args);
        free(pt->lines);
        free(pt->args_at);
        free(pt->lines_at);
}

/* text without node i's piece */
static void put_others(FILE *f, const char *text, const size_t *at, size_t n, size_t i) {
        fwrite(text, 1, at[i], f);
        fwrite(text + at[i + 1], 1, at[n] - at[i + 1], f);
}

/* Peers past this many bytes go to the node's standard input
 * (--peers-from -), not its command line: Linux takes at most 128 KiB in
 * one argument (MAX_ARG_STRLEN), and `sh -c` and ssh get the whole node
 * command as one. Below it the command shows them, as ps(1) does. */
#define INLINE_PEERS_MAX (16u * 1024u)

/* The node-side command line, as one shell string; *ret_stdin gets the
 * peers when they go to standard input. Built in a stream. */
static char *remote_command(const struct mc_cluster *c, size_t i, const struct mc_fanout_opts *o,
                            const struct peer_text *pt, char **ret_stdin, size_t *ret_stdin_len) {
        _cleanup_free_ char *remote = mc_shell_quote(o->remote_migcheck ?: "migcheck");
        char *cmd = NULL;
        size_t len = 0, n = c->n_nodes;
        /* the length of "NAME=ADDR\n" for every other node */
        size_t peers_len = pt->lines_at[n] - (pt->lines_at[i + 1] - pt->lines_at[i]);
        FILE *f = mc_assert_alloc(open_memstream(&cmd, &len));

        *ret_stdin = NULL;
        *ret_stdin_len = 0;
        fprintf(f, "%s %s", remote, o->verb ?: "collect");
        for (char *const *arg = o->verb_args; arg && *arg; arg++)
                put_arg(f, NULL, *arg);
        if (o->verb)
                /* The node names itself as the coordinator does. */
                put_arg(f, "--node-name", c->nodes[i].name);

        if (o->verb) {
                /* A node-side fix reads every node, with its address, from
                 * the cluster document on its standard input. */
        } else if (peers_len > INLINE_PEERS_MAX) {
                FILE *in = mc_assert_alloc(open_memstream(ret_stdin, ret_stdin_len));

                put_others(in, pt->lines, pt->lines_at, n, i);
                fclose(in);
                fputs(" --peers-from -", f);
        } else
                put_others(f, pt->args, pt->args_at, n, i);
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

static char **node_argv(const struct mc_cluster *c, size_t i, const struct mc_fanout_opts *o,
                        const struct peer_text *pt, char **ret_stdin, size_t *ret_stdin_len) {
        _cleanup_free_ char *cmd = remote_command(c, i, o, pt, ret_stdin, ret_stdin_len);
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

/* A running node. Its deadline is its start plus the one timeout, so the
 * running jobs in start order are in deadline order: a FIFO (prev/next)
 * gives the next deadline and takes a finished job out in O(1). */
struct job {
        size_t node;
        pid_t pid;
        int pidfd;            /* readable once the process ended; -1: polled */
        int in, out, err;
        const char *in_data;  /* what the node reads: o->stdin_data, or in_own */
        size_t in_len, in_off;
        char *in_own;         /* its peers list (--peers-from -) */
        struct mc_facts_reader *rd;  /* its stdout, parsed as it arrives */
        size_t olen;
        char *ebuf;
        size_t elen;
        uint64_t deadline;
        bool overflow, exited;
        bool polled;          /* no pidfd: its end is found by waitpid() */
        bool touched;         /* in this wake-up's list of jobs to look at */
        int status;
        struct job *prev, *next;
};

/* The epoll cookie below keeps which fd in a job pointer's two low bits. */
static_assert(_Alignof(struct job) >= 4, "struct job: two free low bits");

/* The epoll cookie: the job and which of its fds. */
enum { FD_OUT, FD_ERR, FD_IN, FD_PID };

static int watch(int ep, int fd, uint32_t events, struct job *j, unsigned which) {
        struct epoll_event ev = { .events = events, .data.u64 = (uint64_t) (uintptr_t) j | which };

        return fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

static void unwatch(int ep, int *fd) {
        if (*fd < 0)
                return;
        epoll_ctl(ep, EPOLL_CTL_DEL, *fd, NULL);
        close(*fd);
        *fd = -1;
}

/* Started with posix_spawn (vfork): fork() copies the page tables of a
 * coordinator that already holds hundreds of nodes' facts, once per node. */
static int spawn(const struct mc_cluster *c, size_t i, const struct mc_fanout_opts *o, const struct peer_text *pt,
                 int ep, struct job *j) {
        _cleanup_free_ char *peers_in = NULL;
        size_t peers_in_len = 0;
        _cleanup_strv_free_ char **argv = node_argv(c, i, o, pt, &peers_in, &peers_in_len);
        const char *in_data = peers_in ?: o->stdin_data;
        size_t in_len = peers_in ? peers_in_len : o->stdin_len;
        _cleanup_close_ int out_r = -1, out_w = -1, err_r = -1, err_w = -1, in_r = -1, in_w = -1;
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t dfl, none;
        pid_t pid;
        int p[2], r;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        out_r = p[0], out_w = p[1];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        err_r = p[0], err_w = p[1];
        if (in_data) {
                if (pipe2(p, O_CLOEXEC) < 0)
                        return -errno;
                in_r = p[0], in_w = p[1];
        }
        posix_spawn_file_actions_init(&fa);
        if (in_r >= 0)
                posix_spawn_file_actions_adddup2(&fa, in_r, STDIN_FILENO);
        else
                posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, out_w, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, err_w, STDERR_FILENO);
        posix_spawnattr_init(&attr);
        /* Its own process group: a deadline kills the whole pipeline. We
         * ignore SIGPIPE meanwhile; the node must not inherit that. */
        sigemptyset(&dfl);
        sigaddset(&dfl, SIGPIPE);
        sigemptyset(&none);
        posix_spawnattr_setsigdefault(&attr, &dfl);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        r = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (r != 0)
                return -r;
        if (in_w >= 0)
                /* Written as the child reads, in the event loop. */
                fcntl(in_w, F_SETFL, O_NONBLOCK);
        *j = (struct job) {
                .node = i,
                .pid = pid,
                /* pidfd_open needs Linux 5.3; without it ended children are
                 * found by polling waitpid(). */
                .pidfd = pidfd_open(pid, 0),
                .in = TAKE_FD(in_w),
                .in_data = in_data,
                .in_len = in_len,
                .in_own = TAKE_PTR(peers_in),
                .out = TAKE_FD(out_r),
                .err = TAKE_FD(err_r),
                .rd = mc_facts_reader_new(MC_FANOUT_MAX_OUTPUT),
                .deadline = mc_now_ms() + o->timeout_ms,
        };
        /* Fails only for memory or fs.epoll.max_user_watches. */
        if ((r = watch(ep, j->out, EPOLLIN, j, FD_OUT)) < 0 || (r = watch(ep, j->err, EPOLLIN, j, FD_ERR)) < 0 ||
            (r = watch(ep, j->in, EPOLLOUT, j, FD_IN)) < 0 || (r = watch(ep, j->pidfd, EPOLLIN, j, FD_PID)) < 0) {
                kill(-pid, SIGKILL);
                waitpid(pid, NULL, 0);
                unwatch(ep, &j->out), unwatch(ep, &j->err), unwatch(ep, &j->in), unwatch(ep, &j->pidfd);
                free(j->in_own);
                mc_facts_reader_free(j->rd);
                return r;
        }
        return 0;
}

/* The node's stdout, into its parser as it arrives; false at end of file
 * or past the cap (the node is then killed: nothing it adds is facts). */
static bool drain_out(struct job *j) {
        char chunk[65536];
        ssize_t n = read(j->out, chunk, sizeof(chunk));

        if (n < 0)
                return errno == EINTR || errno == EAGAIN;
        if (n == 0)
                return false;
        j->olen += (size_t) n;
        if (j->olen > MC_FANOUT_MAX_OUTPUT) {
                j->overflow = true;
                return false;
        }
        mc_facts_reader_feed(j->rd, chunk, (size_t) n);
        return true;
}

/* Its stderr, for the last line of an error: past the cap the older half
 * goes, so that a chatty node keeps writing (closing the pipe would kill
 * it with SIGPIPE) and its last words stay. */
static bool drain_err(struct job *j) {
        char chunk[16384];
        ssize_t n = read(j->err, chunk, sizeof(chunk));

        if (n < 0)
                return errno == EINTR || errno == EAGAIN;
        if (n == 0)
                return false;
        if (!j->ebuf)
                j->ebuf = mc_assert_alloc(malloc(MC_FANOUT_MAX_STDERR + 1));
        if (j->elen + (size_t) n > MC_FANOUT_MAX_STDERR) {
                size_t keep = MC_FANOUT_MAX_STDERR / 2 > j->elen ? j->elen : MC_FANOUT_MAX_STDERR / 2;

                memmove(j->ebuf, j->ebuf + j->elen - keep, keep);
                j->elen = keep;
        }
        memcpy(j->ebuf + j->elen, chunk, (size_t) n);
        j->elen += (size_t) n;
        j->ebuf[j->elen] = '\0';
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

static void finish(struct mc_cluster *c, int ep, struct job *j, bool timed_out, unsigned timeout_ms, bool report) {
        struct mc_node *n = &c->nodes[j->node];
        _cleanup_free_ char *why = last_line(j->ebuf, j->elen), *err = NULL;
        json_object *doc = NULL;
        int status = j->status;

        if (timed_out)
                n->error = mc_strdup_printf("no answer within %u ms (killed)%s%s", timeout_ms, why ? ": " : "", why ?: "");
        else if (j->overflow)
                n->error = mc_strdup_printf("output larger than %u MiB (%u bytes): cut off and killed, not %s",
                                            MC_FANOUT_MAX_OUTPUT >> 20, MC_FANOUT_MAX_OUTPUT, report ? "a report" : "facts");
        else if (WIFSIGNALED(status))
                n->error = mc_strdup_printf("killed by signal %d%s%s", WTERMSIG(status), why ? ": " : "", why ?: "");
        /* A node-side fix exits 0 to 3 by its results, as check does. */
        else if (WEXITSTATUS(status) != 0 && !(report && WEXITSTATUS(status) <= 3))
                n->error = mc_strdup_printf("exited with status %d%s%s", WEXITSTATUS(status), why ? ": " : "",
                                            why ?: "");
        else if (mc_facts_reader_end(j->rd, &doc, &err) < 0)
                n->error = mc_strdup_printf("returned an invalid %s: %s", report ? "report" : "facts document", err);
        else if (report)
                n->report = doc;
        else {
                mc_facts_set_inventory(doc, n->name, n->address);
                n->facts = doc;
        }
        unwatch(ep, &j->in);
        unwatch(ep, &j->out);
        unwatch(ep, &j->err);
        unwatch(ep, &j->pidfd);
        free(j->in_own);
        mc_facts_reader_free(j->rd);
        free(j->ebuf);
}

static int fanout(struct mc_cluster *c, const struct mc_fanout_opts *o);

/* Feed the node's standard input as far as its pipe takes it. */
static void feed(int ep, struct job *j) {
        while (j->in >= 0 && j->in_off < j->in_len) {
                ssize_t n = write(j->in, j->in_data + j->in_off, j->in_len - j->in_off);

                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return;
                        break;  /* EPIPE: the node does not read; its answer tells why */
                }
                j->in_off += (size_t) n;
        }
        unwatch(ep, &j->in);
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

/* Each running node holds its stdout, stderr, stdin and pidfd open; a
 * spawn holds up to three more pipe ends for a moment, and the process
 * has its own (stdio, epoll, a log, libraries'). */
#define FDS_PER_JOB 4u
#define FDS_RESERVED 64u

unsigned mc_fanout_max_jobs(unsigned want, unsigned *ret_nofile) {
        struct rlimit rl;
        rlim_t need = (rlim_t) want * FDS_PER_JOB + FDS_RESERVED;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
                *ret_nofile = 0;
                return want;
        }
        /* The soft limit is 1,024 by default for select()'s sake (FD_SETSIZE);
         * the fan-out uses epoll, so it may take what the hard limit allows. */
        if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
                setrlimit(RLIMIT_NOFILE, &rl);
                getrlimit(RLIMIT_NOFILE, &rl);
        }
        *ret_nofile = rl.rlim_cur > UINT_MAX ? UINT_MAX : (unsigned) rl.rlim_cur;
        if (rl.rlim_cur >= need)
                return want;
        return rl.rlim_cur > FDS_RESERVED + FDS_PER_JOB ? (unsigned) ((rl.rlim_cur - FDS_RESERVED) / FDS_PER_JOB) : 1;
}

enum end { END_DONE, END_KILL, END_TIMEOUT };

/* Past its deadline or over the cap: the node's whole process group is
 * killed, then the job is reaped and recorded. */
static void end_job(struct mc_cluster *c, const struct mc_fanout_opts *o, int ep, struct job *j, enum end how) {
        if (how != END_DONE) {
                kill(-j->pid, SIGKILL);
                if (!j->exited)
                        waitpid(j->pid, &j->status, 0);
        }
        finish(c, ep, j, how == END_TIMEOUT, o->timeout_ms, o->verb != NULL);
}

static void fifo_remove(struct job **head, struct job **tail, struct job *j) {
        *(j->prev ? &j->prev->next : head) = j->next;
        *(j->next ? &j->next->prev : tail) = j->prev;
}

static int fanout(struct mc_cluster *c, const struct mc_fanout_opts *o) {
        unsigned nofile;
        size_t jobs = mc_fanout_max_jobs(o->jobs ?: 1, &nofile);
        _cleanup_free_ struct job *slots = NULL, **free_slots = NULL;
        _cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
        struct job *head = NULL, *tail = NULL;
        size_t next = 0, done = 0, active = 0, n_free = 0, polled = 0, n_touched = 0;
        struct epoll_event ev[64];
        _cleanup_free_ struct job **touched = NULL;
        _cleanup_(peer_text_done) struct peer_text pt = {};

        if (ep < 0)
                return -errno;
        peer_text_build(c, &pt);
        if (jobs > c->n_nodes)
                jobs = c->n_nodes ?: 1;
        slots = mc_assert_alloc(calloc(jobs, sizeof(*slots)));
        free_slots = mc_assert_alloc(calloc(jobs, sizeof(*free_slots)));
        touched = mc_assert_alloc(calloc(jobs, sizeof(*touched)));
        for (size_t k = jobs; k > 0; k--)
                free_slots[n_free++] = &slots[k - 1];

        while (done < c->n_nodes) {
                uint64_t now;
                int n, wait;

                while (n_free > 0 && next < c->n_nodes) {
                        struct job *j = free_slots[n_free - 1];
                        int r;

                        if (c->nodes[next].error) {
                                /* Failed before (e.g. not collected): not asked again. */
                                next++;
                                done++;
                                continue;
                        }
                        r = spawn(c, next, o, &pt, ep, j);
                        if (r < 0) {
                                c->nodes[next].error = mc_strdup_printf("cannot start the transport: %s", strerror(-r));
                                done++;
                        } else {
                                n_free--;
                                active++;
                                j->polled = j->pidfd < 0;
                                polled += j->polled;
                                j->prev = tail;
                                *(tail ? &tail->next : &head) = j;
                                tail = j;
                        }
                        next++;
                }
                if (o->progress)
                        o->progress(done, c->n_nodes, o->userdata);
                if (active == 0)
                        continue;

                /* Sleep until the first deadline (the FIFO's head), or 100 ms
                 * when a child without a pidfd has to be polled. */
                now = mc_now_ms();
                wait = head->deadline > now ? (head->deadline - now > INT_MAX ? INT_MAX : (int) (head->deadline - now)) : 0;
                if (polled > 0 && wait > 100)
                        wait = 100;
                n = epoll_wait(ep, ev, (int) ELEMENTSOF(ev), wait);
                if (n < 0 && errno != EINTR)
                        return -errno;

                for (int e = 0; e < n; e++) {
                        struct job *j = (struct job *) (uintptr_t) (ev[e].data.u64 & ~(uint64_t) 3);

                        switch (ev[e].data.u64 & 3) {
                        case FD_OUT:
                                if (!drain_out(j))
                                        unwatch(ep, &j->out);
                                break;
                        case FD_ERR:
                                if (!drain_err(j))
                                        unwatch(ep, &j->err);
                                break;
                        case FD_IN:
                                feed(ep, j);
                                break;
                        case FD_PID:
                                if (waitpid(j->pid, &j->status, WNOHANG) == j->pid) {
                                        j->exited = true;
                                        unwatch(ep, &j->pidfd);
                                }
                                break;
                        }
                        if (!j->touched)
                                touched[n_touched++] = j;
                        j->touched = true;
                }
                /* Without pidfds, ended children are found by a walk every
                 * 100 ms (Linux before 5.3 only). */
                if (polled > 0)
                        for (struct job *j = head; j; j = j->next)
                                if (j->polled && !j->exited && j->out < 0 && j->err < 0 &&
                                    waitpid(j->pid, &j->status, WNOHANG) == j->pid) {
                                        j->exited = true;
                                        if (!j->touched)
                                                touched[n_touched++] = j;
                                        j->touched = true;
                                }

                /* Done: the jobs these events completed (ended and read to
                 * the end, or over the cap), then those past their deadline,
                 * from the FIFO's head: work per event, not per running job. */
                for (size_t t = 0; t < n_touched; t++) {
                        struct job *j = touched[t];

                        j->touched = false;
                        if (j->overflow || (j->exited && j->out < 0 && j->err < 0))
                                end_job(c, o, ep, j, !j->overflow ? END_DONE : END_KILL);
                        else
                                continue;
                        fifo_remove(&head, &tail, j);
                        free_slots[n_free++] = j;
                        polled -= j->polled;
                        active--;
                        done++;
                }
                n_touched = 0;
                for (now = mc_now_ms(); head && head->deadline <= now;) {
                        struct job *j = head;

                        end_job(c, o, ep, j, END_TIMEOUT);
                        fifo_remove(&head, &tail, j);
                        free_slots[n_free++] = j;
                        polled -= j->polled;
                        active--;
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
