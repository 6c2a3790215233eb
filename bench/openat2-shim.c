/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LD_PRELOAD shim for callgrind runs only (bench/run --callgrind).
 *
 * Valgrind before 3.20 does not know openat2(2) (syscall 437): it fails
 * every call with ENOSYS, so under callgrind migcheck would find no file
 * at all and count the instructions of an audit of nothing. This shim
 * turns syscall(SYS_openat2, ...) into openat(2) with the same flags,
 * after the flag checks openat2 does itself (O_PATH takes only
 * O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC), so the user-space work counted
 * is the same as in a real run. RESOLVE_IN_ROOT is not emulated: the bench
 * fixture holds no symlinks. Never use it outside the bench. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long number, ...) {
        static long (*real)(long, ...);
        long a[6];
        va_list ap;

        va_start(ap, number);
        for (int i = 0; i < 6; i++)
                a[i] = va_arg(ap, long);
        va_end(ap);

        if (number == SYS_openat2) {
                const struct open_how *how = (const struct open_how *) a[2];
                int fd;

                if ((how->flags & O_PATH) && (how->flags & ~(unsigned long long) (O_PATH | O_DIRECTORY |
                                                                                 O_NOFOLLOW | O_CLOEXEC))) {
                        errno = EINVAL;
                        return -1;
                }
                fd = openat((int) a[0], (const char *) a[1], (int) how->flags, (mode_t) how->mode);
                return fd;
        }
        if (!real)
                real = (long (*)(long, ...)) dlsym(RTLD_NEXT, "syscall");
        return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
