/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Nova releases in order. Checks compare ordinals: "up to Mitaka". */

enum mc_nova_release {
        MC_NOVA_UNKNOWN = 0,
        MC_NOVA_HAVANA,
        MC_NOVA_ICEHOUSE,
        MC_NOVA_JUNO,
        MC_NOVA_KILO,
        MC_NOVA_LIBERTY,
        MC_NOVA_MITAKA,
        MC_NOVA_NEWTON,
        MC_NOVA_OCATA,
        MC_NOVA_PIKE,
        MC_NOVA_QUEENS,
        MC_NOVA_ROCKY,
        MC_NOVA_STEIN,
        MC_NOVA_TRAIN,
        MC_NOVA_USSURI,
        MC_NOVA_VICTORIA,
        MC_NOVA_WALLABY,
        MC_NOVA_XENA,
        MC_NOVA_YOGA,
        MC_NOVA_ZED,
        MC_NOVA_2023_1,
        MC_NOVA_2023_2,
        MC_NOVA_2024_1,
        MC_NOVA_2024_2,
        MC_NOVA_2025_1,
        MC_NOVA_2025_2,
        MC_NOVA_2026_1,
        _MC_NOVA_RELEASE_MAX,
};

const char *mc_nova_release_name(enum mc_nova_release r);
/* A name ("icehouse", "2023.1"), or a package version ("2014.1.3",
 * "26.2.2", "2:26.2.2-1~deb12u5"). MC_NOVA_UNKNOWN when neither. */
enum mc_nova_release mc_nova_release_from_string(const char *s);
