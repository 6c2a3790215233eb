/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "collect.h"

void mc_collect_probes(struct mc_collector *c) {
}
