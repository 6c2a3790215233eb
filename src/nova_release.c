/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nova_release.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"

static const struct {
        const char *name;
        const char *version;  /* the package version's leading part */
} release_table[_MC_NOVA_RELEASE_MAX] = {
        [MC_NOVA_HAVANA] = { "havana", "2013.2" },
        [MC_NOVA_ICEHOUSE] = { "icehouse", "2014.1" },
        [MC_NOVA_JUNO] = { "juno", "2014.2" },
        [MC_NOVA_KILO] = { "kilo", "2015.1" },
        [MC_NOVA_LIBERTY] = { "liberty", "12" },
        [MC_NOVA_MITAKA] = { "mitaka", "13" },
        [MC_NOVA_NEWTON] = { "newton", "14" },
        [MC_NOVA_OCATA] = { "ocata", "15" },
        [MC_NOVA_PIKE] = { "pike", "16" },
        [MC_NOVA_QUEENS] = { "queens", "17" },
        [MC_NOVA_ROCKY] = { "rocky", "18" },
        [MC_NOVA_STEIN] = { "stein", "19" },
        [MC_NOVA_TRAIN] = { "train", "20" },
        [MC_NOVA_USSURI] = { "ussuri", "21" },
        [MC_NOVA_VICTORIA] = { "victoria", "22" },
        [MC_NOVA_WALLABY] = { "wallaby", "23" },
        [MC_NOVA_XENA] = { "xena", "24" },
        [MC_NOVA_YOGA] = { "yoga", "25" },
        [MC_NOVA_ZED] = { "zed", "26" },
        [MC_NOVA_2023_1] = { "2023.1", "27" },
        [MC_NOVA_2023_2] = { "2023.2", "28" },
        [MC_NOVA_2024_1] = { "2024.1", "29" },
        [MC_NOVA_2024_2] = { "2024.2", "30" },
        [MC_NOVA_2025_1] = { "2025.1", "31" },
        [MC_NOVA_2025_2] = { "2025.2", "32" },
        [MC_NOVA_2026_1] = { "2026.1", "33" },
};

const char *mc_nova_release_name(enum mc_nova_release r) {
        return r > MC_NOVA_UNKNOWN && r < _MC_NOVA_RELEASE_MAX ? release_table[r].name : "unknown";
}

enum mc_nova_release mc_nova_release_from_string(const char *s) {
        const char *colon;

        if (!s)
                return MC_NOVA_UNKNOWN;
        for (int r = MC_NOVA_UNKNOWN + 1; r < _MC_NOVA_RELEASE_MAX; r++)
                if (strcasecmp(s, release_table[r].name) == 0)
                        return r;
        /* A Debian version carries an epoch: "2:26.2.2-1". */
        colon = strchr(s, ':');
        if (colon && colon < s + 4)
                s = colon + 1;
        if (!isdigit((unsigned char) *s))
                return MC_NOVA_UNKNOWN;
        for (int r = MC_NOVA_UNKNOWN + 1; r < _MC_NOVA_RELEASE_MAX; r++) {
                size_t n = strlen(release_table[r].version);

                if (strncmp(s, release_table[r].version, n) == 0 && !isdigit((unsigned char) s[n]))
                        return r;
        }
        return MC_NOVA_UNKNOWN;
}
