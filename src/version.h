/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#ifndef MC_VERSION
#define MC_VERSION "0.1.0"
#endif
