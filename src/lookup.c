/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lookup.h"

#include <netdb.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util.h"

struct job {
        enum mc_lookup_kind kind;
        int ai_flags;
        char *query;  /* a copy: the caller's string may be gone when an abandoned worker reads it */
        bool done;
        int gai_error, errno_value;
        char **addresses;
        char *name;
};

/* Shared by the caller and the workers; freed by whoever drops the last
 * reference, which is a worker when the caller gave up at the deadline. */
struct batch {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        unsigned refs;
        bool abandoned;
        size_t n, next, n_done;
        struct job *jobs;
};

static void batch_free(struct batch *b) {
        for (size_t i = 0; i < b->n; i++) {
                free(b->jobs[i].query);
                strv_free(b->jobs[i].addresses);
                free(b->jobs[i].name);
        }
        free(b->jobs);
        pthread_cond_destroy(&b->cond);
        pthread_mutex_destroy(&b->lock);
        free(b);
}

/* Drop one reference; the caller must hold the lock, which this releases. */
static void batch_unref_unlock(struct batch *b) {
        bool last = --b->refs == 0;

        pthread_mutex_unlock(&b->lock);
        if (last)
                batch_free(b);
}

static void forward(const char *query, int flags, int *ret_gai, int *ret_errno, char ***ret_addresses,
                    char **ret_canonical) {
        const struct addrinfo hints = {
                .ai_family = AF_UNSPEC,
                .ai_socktype = SOCK_STREAM,
                .ai_flags = flags,
        };
        struct addrinfo *res = NULL;
        char **l = NULL;
        size_t n = 0;
        int r;

        r = getaddrinfo(query, NULL, &hints, &res);
        *ret_gai = r;
        *ret_errno = r == EAI_SYSTEM ? errno : 0;
        if (r != 0)
                return;
        for (struct addrinfo *a = res; a; a = a->ai_next) {
                char buf[NI_MAXHOST];

                if (getnameinfo(a->ai_addr, a->ai_addrlen, buf, sizeof(buf), NULL, 0, NI_NUMERICHOST) != 0)
                        continue;
                if (l && mc_strv_contains(l, buf))
                        continue;
                l = mc_assert_alloc(reallocarray(l, n + 2, sizeof(char *)));
                l[n++] = mc_strdup(buf);
                l[n] = NULL;
        }
        if ((flags & AI_CANONNAME) && res->ai_canonname)
                *ret_canonical = mc_strdup(res->ai_canonname);
        freeaddrinfo(res);
        *ret_addresses = l;
}

static void reverse(const char *query, int *ret_gai, int *ret_errno, char **ret_name) {
        const struct addrinfo hints = { .ai_flags = AI_NUMERICHOST };
        struct addrinfo *res = NULL;
        char buf[NI_MAXHOST];
        int r;

        r = getaddrinfo(query, NULL, &hints, &res);
        if (r == 0) {
                r = getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf), NULL, 0, NI_NAMEREQD);
                freeaddrinfo(res);
        }
        *ret_gai = r;
        *ret_errno = r == EAI_SYSTEM ? errno : 0;
        if (r == 0)
                *ret_name = mc_strdup(buf);
}

static void *worker(void *userdata) {
        struct batch *b = userdata;

        pthread_mutex_lock(&b->lock);
        while (!b->abandoned && b->next < b->n) {
                struct job *j = &b->jobs[b->next++];
                enum mc_lookup_kind kind = j->kind;
                int flags = j->ai_flags;
                const char *query = j->query;  /* stays valid: freed only with the batch */
                char **addresses = NULL, *name = NULL;
                int gai = 0, err = 0;

                pthread_mutex_unlock(&b->lock);
                if (kind == MC_LOOKUP_FORWARD)
                        forward(query, flags, &gai, &err, &addresses, &name);
                else
                        reverse(query, &gai, &err, &name);
                pthread_mutex_lock(&b->lock);
                j->gai_error = gai;
                j->errno_value = err;
                j->addresses = addresses;
                j->name = name;
                j->done = true;
                b->n_done++;
                pthread_cond_signal(&b->cond);
        }
        batch_unref_unlock(b);
        return NULL;
}

int mc_lookup_run(struct mc_lookup *l, size_t n, unsigned deadline_ms) {
        struct batch *b;
        struct timespec until;
        pthread_condattr_t ca;
        pthread_attr_t attr;
        size_t threads = n < MC_LOOKUP_MAX_THREADS ? n : MC_LOOKUP_MAX_THREADS, started = 0;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                l[i] = (struct mc_lookup) { .kind = l[i].kind, .query = l[i].query, .ai_flags = l[i].ai_flags };
        if (n == 0)
                return 0;

        b = mc_assert_alloc(calloc(1, sizeof(*b)));
        b->jobs = mc_assert_alloc(calloc(n, sizeof(*b->jobs)));
        b->n = n;
        for (size_t i = 0; i < n; i++)
                b->jobs[i] = (struct job) { .kind = l[i].kind, .ai_flags = l[i].ai_flags, .query = mc_strdup(l[i].query) };
        pthread_mutex_init(&b->lock, NULL);
        /* The deadline is measured on the monotonic clock: a clock step must not stretch it. */
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&b->cond, &ca);
        pthread_condattr_destroy(&ca);
        b->refs = 1;

        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_mutex_lock(&b->lock);
        for (size_t i = 0; i < threads; i++) {
                pthread_t t;

                b->refs++;
                r = pthread_create(&t, &attr, worker, b);
                if (r != 0) {
                        b->refs--;
                        break;
                }
                started++;
        }
        pthread_attr_destroy(&attr);
        if (started == 0) {
                b->abandoned = true;
                batch_unref_unlock(b);
                return -r;
        }

        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += deadline_ms / 1000;
        until.tv_nsec += (long) (deadline_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        while (b->n_done < b->n)
                if (pthread_cond_timedwait(&b->cond, &b->lock, &until) == ETIMEDOUT)
                        break;

        for (size_t i = 0; i < n; i++) {
                struct job *j = &b->jobs[i];

                if (!j->done)
                        continue;
                l[i].done = true;
                l[i].gai_error = j->gai_error;
                l[i].errno_value = j->errno_value;
                l[i].addresses = TAKE_PTR(j->addresses);
                l[i].name = TAKE_PTR(j->name);
        }
        /* Workers still inside the resolver finish on their own and free the batch. */
        b->abandoned = true;
        batch_unref_unlock(b);
        return 0;
}

char *mc_lookup_error(const struct mc_lookup *l, unsigned deadline_ms) {
        if (!l->done)
                return mc_strdup_printf("no answer within %u ms", deadline_ms);
        if (l->gai_error == EAI_SYSTEM)
                return mc_strdup(strerror(l->errno_value));
        if (l->gai_error != 0)
                return mc_strdup(gai_strerror(l->gai_error));
        if (l->kind == MC_LOOKUP_FORWARD && !l->addresses)
                return mc_strdup("no address");
        return NULL;
}

void mc_lookup_done(struct mc_lookup *l, size_t n) {
        for (size_t i = 0; i < n; i++) {
                strv_free(l[i].addresses);
                free(l[i].name);
                l[i].addresses = NULL;
                l[i].name = NULL;
        }
}
