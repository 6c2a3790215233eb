/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A row's summary built from one clause per peer, "; "-separated: the
 * first few are written out, the rest counted ("; and 12 more"), so that
 * a node with 5,000 peers still gets a readable line. */

#include <stddef.h>

#include "check.h"
#include "macro.h"


struct mc_clauses {
        char *text;
        size_t n, shown;
};

void mc_clause_add(struct mc_clauses *l, const char *fmt, ...) _printf_(2, 3);
/* The clauses, with "and N more" when some were left out. */
char *mc_clauses_text(const struct mc_clauses *l);
/* Frees the text; n and shown stay readable. */
void mc_clauses_done(struct mc_clauses *l);

/* The row of a per-peer check: "LEAD: GOOD" when st is PASS, else
 * "BAD (GOOD_LABEL: GOOD)" (without the parenthesis when nothing was good,
 * or good_label is NULL). Frees the clauses' text. */
struct mc_result *mc_report_clauses(struct mc_check_ctx *ctx, enum mc_status st, struct mc_clauses *bad,
                                    struct mc_clauses *good, const char *lead, const char *good_label);

/* A list of node names, the first MC_NAMES_SHOWN written out, the rest
 * counted: "a, b and c", "a, b, ..., h and 992 more". */
struct mc_names {
        char *text;
        size_t n, shown;
};

void mc_names_add(struct mc_names *l, const char *name);
/* NULL when empty. */
char *mc_names_text(const struct mc_names *l);
void mc_names_done(struct mc_names *l);

/* The nodes of a group that shares a verdict (a UUID, a CPU, a rule set):
 * counted, and the first ones kept to be named. */
struct mc_members {
        size_t count;
        size_t ex[MC_NAMES_SHOWN + 1];  /* the shown ones and the row's own node */
};

void mc_members_add(struct mc_members *g, size_t node);
/* The members but self, a member (SIZE_MAX when the row's node is not
 * one), as mc_names_text writes them; NULL when there are none. */
char *mc_members_text(const struct mc_cluster *c, const struct mc_members *g, size_t self);
