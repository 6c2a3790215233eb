/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One peer's path-MTU measurement (net.pmtu.PEER, src/collect_pmtu.c),
 * read and validated: a node's facts are hostile input, and a size the
 * probe could not have sent must not decide a verdict. */

#include <json-c/json.h>
#include <stdint.h>

enum mc_pmtu_result {
        MC_PMTU_REACHED,    /* answered at the interface's MTU */
        MC_PMTU_EMSGSIZE,   /* the kernel knows a smaller path MTU (path_mtu) */
        MC_PMTU_PARTIAL,    /* answers up to largest, none at lost */
        MC_PMTU_NO_ANSWER,  /* no answer at any size */
        MC_PMTU_ERROR,      /* the probe failed (error) */
        MC_PMTU_NOT_PROBED, /* no route, or no MTU known (error) */
        _MC_PMTU_RESULT_MAX,
};

struct mc_pmtu {
        enum mc_pmtu_result result;
        const char *address, *dev, *method, *error;
        int64_t size;      /* the size probed first: the route's interface MTU; -1 when not probed */
        int64_t largest;   /* the largest size answered, -1 none */
        int64_t lost;      /* the smallest size above largest not answered, -1 none */
        int64_t path_mtu;  /* the kernel's path MTU after EMSGSIZE, -1 unknown */
        int64_t ms, deadline_ms;
};

const char *mc_pmtu_result_to_string(enum mc_pmtu_result r);

/* Reads e, the entry of net.pmtu for the peer named where ("net.pmtu.b").
 * -EBADMSG with ret_error naming the member when it is not what the
 * collector writes; ret is written only on success. */
int mc_pmtu_read(json_object *e, const char *where, struct mc_pmtu *ret, char **ret_error);
