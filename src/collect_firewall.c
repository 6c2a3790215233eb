/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "collect.h"

void mc_collect_firewall(struct mc_collector *c) {
}
