/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The legacy (x_tables) filter table through libiptc.
 *
 * iptc_init("filter") creates the table when it does not exist yet (the
 * kernel instantiates it on first use), so the caller must first see
 * "filter" in /proc/net/ip_tables_names: reading must never change the
 * node. Rules added with iptables-nft are invisible here. */

#include <json-c/json.h>

/* The filter table in the facts' shape (iptables_rule.h), each rule's
 * text rendered as iptables-save prints it; matches migcheck does not
 * decode appear as "-m NAME" without their options and in "unknown". */
int mc_ipt_read_legacy(json_object **ret_filter, char **ret_error);
