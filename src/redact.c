/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "redact.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define REDACTED "<redacted>"

enum cont {
        CONT_NONE,
        CONT_INDENTED,  /* nova.conf: indented lines continue the value */
        CONT_QUOTE,     /* shell: until the quote closes */
};

/* One line (len bytes, no newline) to f. *cont carries a secret value
 * over to the next lines. */
static void redact_line(FILE *f, enum mc_conf_shape shape, const char *l, size_t len, enum cont *cont, char *quote) {
        _cleanup_free_ char *line = mc_assert_alloc(strndup(l, len));
        size_t lead = strspn(line, " \t");
        char *body = line + lead, *sep;

        if (*cont == CONT_INDENTED) {
                if (lead > 0 && body[0]) {
                        fprintf(f, "%.*s" REDACTED, (int) lead, line);
                        return;
                }
                *cont = CONT_NONE;
        } else if (*cont == CONT_QUOTE) {
                if (!strchr(line, *quote)) {
                        fputs(REDACTED, f);
                        return;
                }
                *cont = CONT_NONE;
                fputs(REDACTED, f);
                fputs(strchr(line, *quote), f);
                return;
        }
        if (shape == MC_CONF_HOSTS || shape == MC_CONF_IPTABLES || body[0] == '[') {
                _cleanup_free_ char *u = strstr(line, "://") ? mc_redact_url(line) : NULL;
                fputs(u ?: line, f);
                return;
        }
        /* A commented-out assignment is a secret as much as a live one. */
        body += strspn(body, "#; \t");
        /* oslo.config splits at the first ':' or '='; so do libvirt's and
         * libsasl2's readers and the shell ('=' only, but a ':' in a key
         * never names a secret there). */
        sep = body + strcspn(body, shape == MC_CONF_INI || shape == MC_CONF_FLAT ? ":=" : "=");
        if (!*sep) {
                _cleanup_free_ char *u = strstr(line, "://") ? mc_redact_url(line) : NULL;
                fputs(u ?: line, f);
                return;
        }
        {
                _cleanup_free_ char *key = mc_assert_alloc(strndup(body, (size_t) (sep - body)));
                char *value = sep + 1 + strspn(sep + 1, " \t");

                if (mc_key_is_secret(mc_strip(key))) {
                        fprintf(f, "%.*s" REDACTED, (int) (value - line), line);
                        if (shape == MC_CONF_INI)
                                *cont = CONT_INDENTED;
                        else if ((*value == '"' || *value == '\'') && !strchr(value + 1, *value)) {
                                *quote = *value;
                                *cont = CONT_QUOTE;
                        }
                        return;
                }
                if (strstr(value, "://")) {
                        _cleanup_free_ char *u = mc_redact_url(value);
                        fprintf(f, "%.*s%s", (int) (value - line), line, u);
                        return;
                }
        }
        fputs(line, f);
}

char *mc_redact_text(enum mc_conf_shape shape, const char *text) {
        enum cont cont = CONT_NONE;
        char quote = 0, *out = NULL;
        size_t len = 0;
        FILE *f;

        if (!text)
                return NULL;
        f = mc_assert_alloc(open_memstream(&out, &len));
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");

                redact_line(f, shape, p, n, &cont, &quote);
                p += n;
                if (*p) {
                        fputc('\n', f);
                        p++;
                }
        }
        fclose(f);
        return out;
}
