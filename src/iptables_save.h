/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* iptables-save text (the output of iptables-nft-save, and the files
 * iptables-restore loads at boot: /etc/sysconfig/iptables,
 * /etc/iptables/rules.v4) into the facts' filter table, through Augeas's
 * Iptables lens in memory (aug_text_store): no file is read by Augeas. */

#include <json-c/json.h>
#include <stddef.h>

typedef struct augeas augeas;

/* Parse the *filter section of text. *ret_filter is NULL when the text
 * has no filter table. Each rule records its "line" in text and the line
 * itself as "text". On a parse error, -EBADMSG and *ret_error names the
 * line (counted in text) and the lens's message. */
int mc_ipt_parse_save(augeas *a, const char *text, size_t len, json_object **ret_filter, char **ret_error);
