/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Name lookups through NSS with one deadline for the whole batch.
 *
 * getaddrinfo(3) and getnameinfo(3) cannot be interrupted: a dead DNS
 * server makes each take resolv.conf's timeout times its attempts per
 * server (5 s x 2 x servers by default), and there is no getnameinfo_a.
 * So each batch runs on a few detached worker threads, and the caller
 * waits on a condition variable until every lookup is done or the
 * deadline passes. Lookups still running then are abandoned, not freed:
 * the shared state is reference-counted and the last worker out frees it,
 * so the caller returns on time and nothing is written to freed memory.
 * A worker stuck in the resolver ends with the process at the latest.
 *
 * Not getaddrinfo_a(): glibc's gai_suspend() leaves its on-stack wait list
 * linked to a request whose result is already set but whose helper thread
 * has not yet called __gai_notify(), which then writes through a dangling
 * pointer (seen here as a SIGSEGV in __gai_notify, glibc 2.36). */

#include <stdbool.h>
#include <stddef.h>

enum mc_lookup_kind {
        MC_LOOKUP_FORWARD,  /* name -> addresses, getaddrinfo(AF_UNSPEC, SOCK_STREAM, ai_flags) */
        MC_LOOKUP_REVERSE,  /* numeric address -> name, getnameinfo(NI_NAMEREQD) */
        _MC_LOOKUP_KIND_MAX,
};

struct mc_lookup {
        enum mc_lookup_kind kind;
        const char *query;    /* borrowed: a name, or a numeric address */
        int ai_flags;         /* forward: getaddrinfo's hints.ai_flags (AI_ADDRCONFIG, AI_CANONNAME, ...) */

        /* Set by mc_lookup_run(), owned by the caller (mc_lookup_done()). */
        bool done;            /* false: still running at the deadline (or never started) */
        int gai_error;        /* 0, or EAI_*; errno_value holds errno for EAI_SYSTEM */
        int errno_value;
        char **addresses;     /* forward: numeric addresses in getaddrinfo's order, no duplicates */
        char *name;           /* reverse; forward with AI_CANONNAME: the canonical name */
};

/* At most this many lookups run at once: a batch of 200 peers against a
 * dead server still returns at the deadline, with the rest not started. */
#define MC_LOOKUP_MAX_THREADS 32

/* Run every lookup of l concurrently and return within deadline_ms.
 * -errno only when no worker thread could be started at all. */
int mc_lookup_run(struct mc_lookup *l, size_t n, unsigned deadline_ms);

/* The error of a lookup that did not succeed, as a lowercase sentence. */
char *mc_lookup_error(const struct mc_lookup *l, unsigned deadline_ms);

void mc_lookup_done(struct mc_lookup *l, size_t n);
