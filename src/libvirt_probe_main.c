/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migcheck-libvirt-probe URI: what libvirt at URI says, as JSON lines on
 * standard output. Run by migcheck's collector under a deadline. */
#include <stdio.h>
#include <unistd.h>

#include "libvirt_probe.h"

int main(int argc, char **argv) {
        if (argc != 2) {
                fputs("usage: migcheck-libvirt-probe URI\n", stderr);
                return 64;
        }
        mc_libvirt_probe_run(argv[1], STDOUT_FILENO);
        return 0;
}
