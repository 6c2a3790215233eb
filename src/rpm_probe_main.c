/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migcheck-rpm-probe DBDIR BACKEND NAME...: the installed versions of the
 * named packages in the RPM database at DBDIR, one "NAME\tEPOCH:VERSION-
 * RELEASE" line each. BACKEND is "sqlite" (rpmdb.sqlite: RHEL 9, Fedora
 * 33+) or "bdb_ro" (a Berkeley DB Packages file: RHEL 7 and 8).
 *
 * Why a helper: librpm maps ~25 more libraries (lua, popt, zstd, the
 * crypto library ...) and reads the host's rpm configuration; migcheck
 * pays that only on nodes that have an RPM database, and a database that
 * crashes librpm takes down this process, not the collection
 * (docs/architecture.md, "The RPM database"). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>

int main(int argc, char *argv[]) {
        int status = 0;
        rpmts ts;

        if (argc < 4 || (strcmp(argv[2], "sqlite") != 0 && strcmp(argv[2], "bdb_ro") != 0)) {
                fprintf(stderr, "usage: migcheck-rpm-probe DBDIR sqlite|bdb_ro NAME...\n");
                return 64;
        }
        /* Only errors, on stderr: the collector quotes the first line. */
        rpmlogSetMask(RPMLOG_UPTO(RPMLOG_ERR));
        if (rpmReadConfigFiles(NULL, NULL) != 0) {
                fprintf(stderr, "cannot read the rpm configuration\n");
                return 1;
        }
        /* The node's database, not this machine's (Debian's own _dbpath is
         * ~/.rpmdb); the backend named, not the one this machine's rpm would
         * create: a read-only look never converts or writes anything. */
        rpmPushMacro(NULL, "_dbpath", NULL, argv[1], RMIL_CMDLINE);
        rpmPushMacro(NULL, "_db_backend", NULL, argv[2], RMIL_CMDLINE);
        ts = rpmtsCreate();
        rpmtsSetRootDir(ts, "/");
        /* Reading a name is no trust decision: no digest or signature checks. */
        rpmtsSetVSFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
        if (rpmtsOpenDB(ts, O_RDONLY) != 0) {
                fprintf(stderr, "cannot open the rpm database in '%s' (%s)\n", argv[1], argv[2]);
                rpmtsFree(ts);
                return 1;
        }
        for (int i = 3; i < argc; i++) {
                rpmdbMatchIterator mi = rpmtsInitIterator(ts, RPMDBI_NAME, argv[i], 0);
                Header h;

                while (mi && (h = rpmdbNextIterator(mi))) {
                        const char *v = headerGetString(h, RPMTAG_VERSION), *r = headerGetString(h, RPMTAG_RELEASE);

                        if (v && r)
                                printf("%s\t%llu:%s-%s\n", argv[i], (unsigned long long) headerGetNumber(h, RPMTAG_EPOCH),
                                       v, r);
                }
                rpmdbFreeIterator(mi);
        }
        rpmtsFree(ts);
        if (fflush(stdout) != 0)
                status = 1;
        return status;
}
