/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libvirt's configuration grammar (src/util/virconf.c): the part the
 * Mc_virtconf lens cannot say, and the types libvirt's daemons give the
 * keys they read. The lens parses; these read its tree's values. */

#include <stdbool.h>
#include <stddef.h>

#define MC_LENS_VIRTCONF "Mc_virtconf.lns"

enum mc_virt_type {
        MC_VIRT_STRING,
        MC_VIRT_INT,    /* "-5": virConf's VIR_CONF_LLONG */
        MC_VIRT_UINT,   /* "5", "+5": VIR_CONF_ULLONG */
        MC_VIRT_LIST,
        _MC_VIRT_TYPE_MAX,
};

const char *mc_virt_type_to_string(enum mc_virt_type t);

/* A scalar as the lens stores it ("\"x\"", "'x'", "\"\"\"x\"\"\"", "+5"):
 * the value as libvirt reads it (quotes off, an integer in decimal as
 * virConfParseLong accumulates it) and its type. -EINVAL for anything
 * else. */
int mc_virtconf_scalar(const char *raw, char **ret_value, enum mc_virt_type *ret_type);

/* value as a virConf string literal, quoted as virConfSaveValue() does:
 * "double" quotes, 'single' when the value holds a '"', """triple""" when
 * it holds both or a line end. */
char *mc_virtconf_quote(const char *value);

/* virConfParse() refuses a file of blanks and line ends only ("expecting a
 * name", at the line after the last): true and that line, for such a
 * file; an empty file is read as empty. */
bool mc_virtconf_blank_only(const char *text, size_t len, int *ret_line);

/* Where and why virConfParse() refuses text the lens refused: libvirt's
 * message ("expecting a value") and line, found by walking the text as
 * virConfParse() does (no tree is built: the lens reads, this only
 * words a refusal as libvirt would). 0 with ret_message NULL when the walk
 * finds nothing to refuse. */
int mc_virtconf_diagnose(const char *text, size_t len, char **ret_message, int *ret_line);

/* What libvirt's daemon (kind "libvirtd", "virtproxyd", "virtqemud", or
 * "qemu" for qemu.conf) says of a known key whose value has the wrong
 * type, as virConfGetValue*() words it; NULL when the daemon takes it (or
 * does not know the key, which it ignores). */
char *mc_virtconf_type_error(const char *kind, const char *key, enum mc_virt_type type, const char *value);
