/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-c/json.h>

#define MC_LIBVIRT_PROBE_NAME "migcheck-libvirt-probe"

/* Ask libvirt at uri and write what it answers to fd, one JSON line
 * before each call that may block and a last complete one at the end. */
void mc_libvirt_probe_run(const char *uri, int fd);

/* The collector's side: run the probe with a deadline (collect_libvirt_api.c). */
json_object *mc_libvirt_api_probe(const char *uri, unsigned timeout_ms);

#ifdef MC_LIBVIRT_PROBE_INTERNAL
#include <libvirt/libvirt.h>
/* Parsers of libvirt's XML, for the probe and its tests. */
void mc_libvirt_caps_to_json(virConnectPtr conn, const char *xml, json_object *lv);
void mc_libvirt_domcaps_to_json(virConnectPtr conn, const char *xml, const char *virt_type, char *const *map_order,
                                json_object *lv);
#endif
