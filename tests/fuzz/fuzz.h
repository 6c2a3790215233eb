/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* What the libFuzzer harnesses share (tests/fuzz/README.md). */
#include <stddef.h>
#include <stdint.h>

#include "confparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as the text a reader gets, NUL-terminated, or NULL when it
 * holds a NUL byte: mc_rootfs_read() and mc_facts_parse() refuse those
 * before any parser sees them. Free it. */
char *mc_fuzz_text(const uint8_t *data, size_t size);

/* One Augeas handle for the process, as a collection uses one for all
 * of a node's files (mc_conf_parse_text() clears its tree each time). */
augeas *mc_fuzz_aug(void);

/* Somewhere to print reports to: their bytes are produced and dropped. */
struct _IO_FILE *mc_fuzz_sink(void);
