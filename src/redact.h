/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Secrets in text that is shown (a fix's diff), as the facts redact them
 * when collecting (src/confparse.c): the value of a key that names a
 * secret (mc_key_is_secret) becomes "<redacted>", a URL's password is
 * masked (mc_redact_url). Line by line, so that a diff of the real texts
 * can print the redacted lines in their place. */

#include "confparse.h"

/* A copy of text with the same lines, each redacted as the file's shape
 * reads it: "key = value" and "key: value" (nova.conf, sasl2), KEY=value
 * (shell files), also when commented out ("#password = ..."), and the
 * lines that continue a secret (an indented nova.conf continuation, a
 * quoted shell value left open). /etc/hosts and iptables files hold no
 * secrets of that form; their URLs are masked all the same. NULL for
 * NULL. */
char *mc_redact_text(enum mc_conf_shape shape, const char *text);
