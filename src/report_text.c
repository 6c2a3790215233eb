/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "escape.h"
#include "report.h"
#include "util.h"

#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_GREEN "\033[32m"
#define ANSI_GREY "\033[90m"
#define ANSI_BOLD_RED "\033[1;31m"
#define ANSI_RESET "\033[0m"

static const char *status_color(enum mc_status s) {
        switch (s) {
        case MC_PASS:
        case MC_FIXED:
                return ANSI_GREEN;
        case MC_WARN:
                return ANSI_YELLOW;
        case MC_FAIL:
                return ANSI_RED;
        case MC_ERROR:
                return ANSI_BOLD_RED;
        default:
                return ANSI_GREY;
        }
}

/* Multi-line evidence (a continued nova.conf value) stays indented;
 * anything a terminal would obey is escaped (src/escape.h). */
static void print_indented(FILE *f, const char *prefix, const char *text) {
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                _cleanup_free_ char *line = mc_assert_alloc(strndup(p, n));

                fputs(p == text ? prefix : "             ", f);
                mc_fputs_escaped(line, false, f);
                fputc('\n', f);
                p += n;
                if (*p)
                        p++;
        }
}

int mc_report_text(FILE *f, const struct mc_cluster *c, const struct mc_results *rs, bool color, bool verbose) {
        size_t w_node = 4, w_check = 5, counts[_MC_STATUS_MAX];

        (void) c;
        /* Names and summaries come from nodes: a control character in a
         * host name must not clear the screen or start a forged row. */
        for (size_t i = 0; i < rs->n; i++) {
                _cleanup_free_ char *node = mc_escape_text(rs->items[i].node, false);
                _cleanup_free_ char *check = mc_escape_text(rs->items[i].check, false);

                w_node = strlen(node) > w_node ? strlen(node) : w_node;
                w_check = strlen(check) > w_check ? strlen(check) : w_check;
        }
        for (size_t i = 0; i < rs->n; i++) {
                const struct mc_result *r = &rs->items[i];
                _cleanup_free_ char *node = mc_escape_text(r->node, false), *check = mc_escape_text(r->check, false);
                char st[8];

                snprintf(st, sizeof(st), "%-5s", mc_status_to_string(r->status));
                for (char *p = st; *p; p++)
                        *p = (char) (*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
                {
                        /* One line per row: a continued nova.conf value in a summary stays on it. */
                        _cleanup_free_ char *raw = mc_strdup(r->summary), *summary = NULL;

                        for (char *p = raw; *p; p++)
                                if (*p == '\n')
                                        *p = ' ';
                        summary = mc_escape_text(raw, false);
                        fprintf(f, "%s%s%s  %-*s  %-*s  %s\n", color ? status_color(r->status) : "", st,
                                color ? ANSI_RESET : "", (int) w_node, node, (int) w_check, check, summary);
                }
                if (r->status == MC_PASS && !verbose)
                        continue;
                for (size_t j = 0; j < r->n_evidence; j++) {
                        const struct mc_evidence *e = &r->evidence[j];
                        _cleanup_free_ char *prefix = NULL, *file = mc_escape_text(e->file, false);

                        if (e->line)
                                prefix = mc_strdup_printf("       at %s:%u: ", file, e->line);
                        else
                                prefix = mc_strdup_printf("       at %s: ", file);
                        print_indented(f, prefix, e->text ?: "");
                }
                if (r->hint) {
                        fputs("       hint: ", f);
                        mc_fputs_escaped(r->hint, false, f);
                        fputc('\n', f);
                }
        }
        mc_results_count(rs, counts);
        fprintf(f, "\n%zu results: %zu passed, %zu warned, %zu failed, %zu errors, %zu skipped", rs->n,
                counts[MC_PASS], counts[MC_WARN], counts[MC_FAIL], counts[MC_ERROR], counts[MC_SKIP]);
        if (counts[MC_FIXED])
                fprintf(f, ", %zu fixed", counts[MC_FIXED]);
        fputc('\n', f);
        return ferror(f) ? -EIO : 0;
}
