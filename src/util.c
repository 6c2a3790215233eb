/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <glib.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

_Noreturn void mc_oom(void) {
        /* The only place outside main.c and the reporters that writes to
         * stderr: there is nobody left to return to. */
        fputs("migcheck: out of memory\n", stderr);
        abort();
}

char *mc_strdup_printf(const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        return s;
}

void mc_strappendf(char **s, const char *fmt, ...) {
        _cleanup_free_ char *add = NULL;
        va_list ap;
        char *t;

        va_start(ap, fmt);
        if (vasprintf(&add, fmt, ap) < 0)
                mc_oom();
        va_end(ap);
        t = mc_strdup_printf("%s%s", *s ?: "", add);
        free(*s);
        *s = t;
}

char *mc_strdup(const char *s) {
        return s ? mc_assert_alloc(strdup(s)) : NULL;
}

int mc_read_file(const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t len = 0, cap;

        /* O_NONBLOCK: a FIFO planted where a config file should be must not hang us. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uint64_t) st.st_size > max)
                return -EFBIG;
        /* st_size is a hint only: /proc files report 0, and a file may grow
         * while we read it. */
        cap = (size_t) st.st_size + 1 > 4096 ? (size_t) st.st_size + 1 : 4096;
        buf = mc_assert_alloc(malloc(cap));
        for (;;) {
                ssize_t n;

                if (len + 1 >= cap) {
                        if (cap > max + 1)
                                return -EFBIG;
                        cap *= 2;
                        buf = mc_assert_alloc(realloc(buf, cap));
                }
                n = read(fd, buf + len, cap - 1 - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > max)
                        return -EFBIG;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int mc_write_file_atomic(const char *path, const char *data, size_t len, int mode) {
        _cleanup_free_ char *tmp = mc_strdup_printf("%s.migcheck-XXXXXX", path);
        _cleanup_close_ int fd = -1;
        size_t done = 0;
        int r = 0;

        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        while (done < len) {
                ssize_t n = write(fd, data + done, len - done);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto fail;
                }
                done += (size_t) n;
        }
        if (fchmod(fd, (mode_t) mode) < 0 || fsync(fd) < 0 || rename(tmp, path) < 0) {
                r = -errno;
                goto fail;
        }
        return 0;
fail:
        unlink(tmp);
        return r;
}

char *mc_path_join(const char *root, const char *path) {
        if (isempty(root) || streq(root, "/"))
                return mc_strdup(path);
        while (*path == '/')
                path++;
        return mc_strdup_printf("%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", path);
}

unsigned mc_line_of_offset(const char *text, size_t len, size_t pos) {
        unsigned line = 1;

        for (size_t i = 0; i < pos && i < len; i++)
                if (text[i] == '\n')
                        line++;
        return line;
}

char *mc_line_text(const char *text, size_t len, unsigned line) {
        const char *p = text, *end = text + len, *eol;

        for (unsigned l = 1; l < line; l++) {
                p = memchr(p, '\n', (size_t) (end - p));
                if (!p)
                        return NULL;
                p++;
        }
        eol = memchr(p, '\n', (size_t) (end - p));
        return mc_assert_alloc(strndup(p, (size_t) ((eol ?: end) - p)));
}

char *mc_strip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = '\0';
        return s;
}

bool mc_startswith(const char *s, const char *prefix) {
        return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool mc_endswith(const char *s, const char *suffix) {
        size_t n = s ? strlen(s) : 0, k = strlen(suffix);

        return s && n >= k && streq(s + n - k, suffix);
}

int mc_version_cmp(const char *a, const char *b) {
        while (*a || *b) {
                unsigned long x = 0, y = 0;

                while (*a && !isdigit((unsigned char) *a))
                        a++;
                while (*b && !isdigit((unsigned char) *b))
                        b++;
                if (!*a && !*b)
                        break;
                x = strtoul(a, (char **) &a, 10);
                y = strtoul(b, (char **) &b, 10);
                if (x != y)
                        return x < y ? -1 : 1;
        }
        return 0;
}

char **mc_split(const char *s, const char *sep) {
        _cleanup_free_ char *copy = mc_strdup(s);
        char **l = mc_assert_alloc(calloc(1, sizeof(char *)));
        size_t n = 0;
        char *save = NULL;

        for (char *t = strtok_r(copy, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
                t = mc_strip(t);
                if (!*t)
                        continue;
                l = mc_assert_alloc(reallocarray(l, n + 2, sizeof(char *)));
                l[n++] = mc_strdup(t);
                l[n] = NULL;
        }
        return l;
}

size_t mc_strv_length(char *const *l) {
        size_t n = 0;

        while (l && l[n])
                n++;
        return n;
}

bool mc_strv_contains(char *const *l, const char *s) {
        for (; l && *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

int mc_flock_wait(int fd, unsigned timeout_ms) {
        for (unsigned waited = 0;; waited += 100) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return 0;
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (waited >= timeout_ms)
                        return -EBUSY;
                usleep(100 * 1000);
        }
}

void mc_sha256_hex(const void *data, size_t len, char out[static 65]) {
        g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);

        g_checksum_update(ck, data, (gssize) len);
        memcpy(out, g_checksum_get_string(ck), 64);
        out[64] = '\0';
}

bool mc_is_sha256_hex(const char *s) {
        return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

void mc_uuid_v5(const uint8_t ns[static 16], const void *name, size_t len, char ret[static 37]) {
        g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA1);
        uint8_t b[20];
        gsize n = sizeof(b);

        g_checksum_update(ck, ns, 16);
        g_checksum_update(ck, name, (gssize) len);
        g_checksum_get_digest(ck, b, &n);
        b[6] = (uint8_t) ((b[6] & 0x0f) | 0x50);
        b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80);
        snprintf(ret, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

uint64_t mc_now_us(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}
