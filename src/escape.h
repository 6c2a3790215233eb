/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Text from nodes (host names, file lines, a node's own report) reaches
 * the operator's terminal and other programs' JSON parsers. A control
 * character in it could move the cursor, clear the screen, set the
 * window title or start a forged row; bytes that are not UTF-8 make the
 * JSON unreadable to strict parsers (Python's json). */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

/* s for a terminal: C0 controls, DEL, C1 controls (U+0080-U+009F, which
 * some terminals obey as ESC sequences) and bytes that are not UTF-8
 * become \n, \r or \xHH (a tab stays); a backslash stays as it is. A newline
 * is kept when keep_newline (the caller indents what follows). */
char *mc_escape_text(const char *s, bool keep_newline);
/* The same, written to f. */
void mc_fputs_escaped(const char *s, bool keep_newline, FILE *f);

/* Replace, in place, every string and object key under o that is not
 * valid UTF-8: each byte of an invalid sequence becomes U+FFFD, as
 * Python's errors="replace" does. */
void mc_json_utf8(json_object *o);
