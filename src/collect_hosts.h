/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* /etc/hosts as glibc's "files" backend reads it (nss/nss_files/
 * files-hosts.c with files-parse.c's LINE_PARSER, glibc 2.36):
 *
 *   - a line ends at '\n'; everything from the first '#' on is a comment,
 *     wherever it starts ("10.0.0.1 a#b" names only "a");
 *   - fields are separated by runs of isspace() in the C locale (blank,
 *     tab, \r, \v, \f): CRLF lines, trailing blanks and a missing final
 *     newline read as the line without them;
 *   - the first field must be an address inet_pton() takes (AF_INET,
 *     else AF_INET6); anything else, a scoped "fe80::1%eth0" or a
 *     "10.0.0.010" included, makes glibc ignore the line;
 *   - an address without a name is an entry no lookup can match.
 *
 * Names are then matched case-insensitively and exactly: a trailing dot
 * is part of the name ("node." does not find "node"). With host.conf's
 * "multi on" (Debian's default) getaddrinfo() returns every line's
 * address for a name, otherwise only the first. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

enum mc_hosts_line_kind {
        MC_HOSTS_LINE_NONE,     /* blank or comment */
        MC_HOSTS_LINE_ENTRY,    /* an address and at least one name */
        MC_HOSTS_LINE_SKIPPED,  /* glibc ignores it: see reason */
};

struct mc_hosts_field {
        const char *p;
        size_t n;
};

/* At most this many names per line are recorded; glibc takes any number,
 * and a line with more is read up to here and marked truncated. */
#define MC_HOSTS_MAX_NAMES 4096

struct mc_hosts_line {
        enum mc_hosts_line_kind kind;
        struct mc_hosts_field address;   /* ENTRY, SKIPPED (may be empty) */
        struct mc_hosts_field *names;    /* ENTRY: allocated, n_names of them */
        size_t n_names;
        bool truncated;
        const char *reason;              /* SKIPPED: static text */
};

/* One line, [p, p + len) without its '\n'. */
void mc_hosts_line_parse(const char *p, size_t len, struct mc_hosts_line *ret);
void mc_hosts_line_done(struct mc_hosts_line *l);

/* The facts of a whole file: { state: "ok", entries[], skipped[] }. */
json_object *mc_hosts_parse_text(const char *text, size_t len);
