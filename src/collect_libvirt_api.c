/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "collect.h"

void mc_collect_libvirt_api(struct mc_collector *c) {
}
