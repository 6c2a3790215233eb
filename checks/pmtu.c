/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pmtu.h"

#include <errno.h>

#include "facts.h"
#include "util.h"

static const char *const result_names[_MC_PMTU_RESULT_MAX] = {
        [MC_PMTU_REACHED] = "reached",     [MC_PMTU_EMSGSIZE] = "emsgsize", [MC_PMTU_PARTIAL] = "partial",
        [MC_PMTU_NO_ANSWER] = "no-answer", [MC_PMTU_ERROR] = "error",       [MC_PMTU_NOT_PROBED] = "not-probed",
};

const char *mc_pmtu_result_to_string(enum mc_pmtu_result r) {
        return r >= 0 && r < _MC_PMTU_RESULT_MAX ? result_names[r] : NULL;
}

/* The member that is wrong, named as the facts spell it. */
#define BAD(...) (*ret_error = mc_strdup_printf(__VA_ARGS__), -EBADMSG)

/* An optional integer member within [lo, hi]; -1 when absent or null. */
static int member_int(json_object *e, const char *key, int64_t lo, int64_t hi, int64_t *ret) {
        json_object *v = mc_json_get(e, key);

        *ret = -1;
        if (!v || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_int))
                return -EINVAL;
        *ret = json_object_get_int64(v);
        return *ret >= lo && *ret <= hi ? 0 : -ERANGE;
}

static int member_str(json_object *e, const char *key, const char **ret) {
        json_object *v = mc_json_get(e, key);

        *ret = NULL;
        if (!v || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_string))
                return -EINVAL;
        *ret = json_object_get_string(v);
        return 0;
}

int mc_pmtu_read(json_object *e, const char *where, struct mc_pmtu *ret, char **ret_error) {
        static const char *const strings[] = { "result", "address", "dev", "method", "error" };
        const char *s[ELEMENTSOF(strings)];
        struct mc_pmtu m = { .result = _MC_PMTU_RESULT_MAX };

        if (!e || !json_object_is_type(e, json_type_object))
                return BAD("'%s' is not an object", where);
        for (size_t k = 0; k < ELEMENTSOF(strings); k++)
                if (member_str(e, strings[k], &s[k]) < 0)
                        return BAD("'%s.%s' is not a string", where, strings[k]);
        for (int r = 0; s[0] && r < _MC_PMTU_RESULT_MAX; r++)
                if (streq(s[0], result_names[r]))
                        m.result = r;
        if (m.result == _MC_PMTU_RESULT_MAX)
                return BAD("'%s.result' is %s%s%s, not one of reached, emsgsize, partial, no-answer, error, "
                           "not-probed", where, s[0] ? "'" : "", s[0] ?: "absent", s[0] ? "'" : "");
        m.address = s[1], m.dev = s[2], m.method = s[3], m.error = s[4];
        /* 68 is IPv4's minimum MTU, 65535 the largest datagram. */
        if (member_int(e, "size", 68, 65535, &m.size) < 0)
                return BAD("'%s.size' is not an integer from 68 to 65535", where);
        if (m.result != MC_PMTU_NOT_PROBED && m.size < 0)
                return BAD("'%s.size' is missing", where);
        if (member_int(e, "largest", 1, m.size, &m.largest) < 0)
                return BAD("'%s.largest' is not an integer from 1 to size (%" PRId64 ")", where, m.size);
        if (member_int(e, "lost", m.largest + 1, m.size, &m.lost) < 0)
                return BAD("'%s.lost' is not an integer above largest, up to size (%" PRId64 ")", where, m.size);
        if (member_int(e, "path_mtu", 68, 65535, &m.path_mtu) < 0)
                return BAD("'%s.path_mtu' is not an integer from 68 to 65535", where);
        if (member_int(e, "ms", 0, INT64_MAX, &m.ms) < 0 || member_int(e, "deadline_ms", 0, INT64_MAX, &m.deadline_ms) < 0)
                return BAD("'%s.ms' or '%s.deadline_ms' is not a non-negative integer", where, where);
        /* What each result means must hold, or the verdict would rest on nothing. */
        if (m.result == MC_PMTU_REACHED && m.largest != m.size)
                return BAD("'%s' is 'reached' but 'largest' is not 'size'", where);
        if (m.result == MC_PMTU_PARTIAL && m.largest < 0)
                return BAD("'%s' is 'partial' without 'largest'", where);
        if (m.result == MC_PMTU_NO_ANSWER && m.largest >= 0)
                return BAD("'%s' is 'no-answer' with 'largest'", where);
        *ret = m;
        return 0;
}
