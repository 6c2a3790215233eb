/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nova-*: nova.conf as the installed release of nova-compute reads it.
 *
 * Every release-dependent rule names the nova source it comes from: a
 * commit (hash and subject) or FILE@TAG:FUNCTION, read at the release tags
 * of openstack/nova (2014.1 Icehouse, 2014.2 Juno, 2015.1.0 Kilo, 12.0.0
 * Liberty, 13.0.0 Mitaka, 14.0.0 Newton, ...). The option names each
 * release reads are in nova_options.c with their own sources.
 *
 * Each check is an evaluation for one release (eval_*); mc_nova_run()
 * (nova_run.c) decides for which releases. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "peers.h"
#include "libvirt_mode.h"
#include "nova_options.h"
#include "nova_rules.h"
#include "nova_run.h"
#include "util.h"

/* ---- nova-live-migration-flag ---------------------------------------- */

/* Every VIR_MIGRATE_* name libvirt's Python binding has had: nova looks
 * each item up with getattr(libvirt, item). */
static const char *const known_flags[] = {
        "VIR_MIGRATE_LIVE", "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_TUNNELLED", "VIR_MIGRATE_PERSIST_DEST",
        "VIR_MIGRATE_UNDEFINE_SOURCE", "VIR_MIGRATE_PAUSED", "VIR_MIGRATE_NON_SHARED_DISK",
        "VIR_MIGRATE_NON_SHARED_INC", "VIR_MIGRATE_CHANGE_PROTECTION", "VIR_MIGRATE_UNSAFE",
        "VIR_MIGRATE_OFFLINE", "VIR_MIGRATE_COMPRESSED", "VIR_MIGRATE_ABORT_ON_ERROR",
        "VIR_MIGRATE_AUTO_CONVERGE", "VIR_MIGRATE_RDMA_PIN_ALL", "VIR_MIGRATE_POSTCOPY",
        "VIR_MIGRATE_TLS",
};

static bool known_flag(const char *f) {
        for (size_t i = 0; i < ELEMENTSOF(known_flags); i++)
                if (streq(f, known_flags[i]))
                        return true;
        return false;
}

/* The items nova sees: value.split(',') and each item .strip(), empty items
 * kept (a trailing comma makes one). Splitting on anything else ('|', ' ')
 * would read flags nova does not. */
char **mc_nova_flag_items(const char *v) {
        char **l = mc_assert_alloc(calloc(1, sizeof(char *)));
        size_t n = 0;

        for (const char *p = v;; p++) {
                size_t len = strcspn(p, ",");
                const char *a = p, *e = p + len;

                /* Python's strip(): blanks and line breaks at both ends. */
                while (a < e && isspace((unsigned char) *a))
                        a++;
                while (e > a && isspace((unsigned char) e[-1]))
                        e--;
                l = mc_assert_alloc(reallocarray(l, n + 2, sizeof(char *)));
                l[n++] = mc_assert_alloc(strndup(a, (size_t) (e - a)));
                l[n] = NULL;
                p += len;
                if (!*p)
                        break;
        }
        return l;
}

static void strv_add(char ***l, const char *s) {
        size_t n = mc_strv_length(*l);

        *l = mc_assert_alloc(reallocarray(*l, n + 2, sizeof(char *)));
        (*l)[n] = mc_strdup(s);
        (*l)[n + 1] = NULL;
}

static void strv_remove(char **l, const char *s) {
        size_t w = 0;

        for (size_t i = 0; l[i]; i++) {
                if (streq(l[i], s))
                        free(l[i]);
                else
                        l[w++] = l[i];
        }
        l[w] = NULL;
}

/* The defaults: 2014.1:nova/virt/libvirt/driver.py libvirt_opts (Havana,
 * Icehouse); 26504d71ce "Update migration defaults" (Juno to Mitaka). */
const char *mc_nova_flags_default(enum mc_nova_release rel, bool block) {
        if (rel <= MC_NOVA_ICEHOUSE)
                return block ? "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_NON_SHARED_INC"
                             : "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER";
        return block ? "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED, "
                       "VIR_MIGRATE_NON_SHARED_INC"
                     : "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED";
}

/* Juno's default block flags (26504d71ce) tunnel the disks too: the
 * check warns from Juno (see eval_live_migration_flag). */
static bool block_tunnelled_warns(enum mc_nova_release rel) {
        return rel >= MC_NOVA_JUNO;
}

/* An item getattr(libvirt, item) does not find: "" for an empty one. */
static const char *bad_item(char *const *items) {
        for (size_t i = 0; items[i]; i++)
                if (!known_flag(items[i]))
                        return items[i];
        return NULL;
}

static void evidence_flags(struct mc_result *r, enum mc_nova_release rel, bool set, const struct mc_setting *s,
                           const char *value) {
        if (set)
                mc_evidence_setting(r, s);
        else
                mc_result_evidence(r, "nova default", 0, "%s's default: %s", mc_nova_release_name(rel), value);
}

/* Mitaka parses both options when nova-compute starts and corrects them,
 * logging each correction (13.0.0:nova/virt/libvirt/driver.py:
 * _parse_migration_flags, 3da9bca125 "libvirt: parse live migration flags
 * at startup"): unknown items are ignored ("Ignoring unknown libvirt live
 * migration flag"); PEER2PEER (53eedc2df4 "libvirt: force use of direct vs
 * p2p migration") and UNDEFINE_SOURCE are added, PERSIST_DEST removed
 * (3fd24ba528 "libvirt: force config related migration flags");
 * NON_SHARED_INC is removed from the live flags (_check_block_migration_flags);
 * live_migration_tunnelled, when set, adds or removes TUNNELLED
 * (621594fc41). Returns the corrections made, "" for none. */
static char *mitaka_corrections(json_object *facts, char ***flags, bool block) {
        static const char *const add[] = { "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_UNDEFINE_SOURCE" };
        char *notes = mc_strdup("");
        struct mc_setting t, vt;
        char **f = *flags;

        for (size_t i = 0; f[i];)
                if (!known_flag(f[i])) {
                        if (*f[i])
                                mc_strappendf(&notes, "%signores '%s'", *notes ? ", " : "", f[i]);
                        strv_remove(f, f[i]);
                } else
                        i++;
        for (size_t i = 0; i < ELEMENTSOF(add); i++) {
                /* virt_type xen takes PEER2PEER away instead; this is a KVM check. */
                if (!mc_strv_contains(f, add[i]) &&
                    !(i == 0 && mc_nova_opt_get(facts, MC_NOVA_MITAKA, &mc_nova_virt_type, &vt) >= 0 &&
                      streq(vt.value, "xen"))) {
                        mc_strappendf(&notes, "%sadds %s", *notes ? ", " : "", add[i]);
                        strv_add(&f, add[i]);
                }
        }
        if (mc_strv_contains(f, "VIR_MIGRATE_PERSIST_DEST")) {
                mc_strappendf(&notes, "%sremoves VIR_MIGRATE_PERSIST_DEST", *notes ? ", " : "");
                strv_remove(f, "VIR_MIGRATE_PERSIST_DEST");
        }
        if (!block && mc_strv_contains(f, "VIR_MIGRATE_NON_SHARED_INC")) {
                mc_strappendf(&notes, "%sremoves VIR_MIGRATE_NON_SHARED_INC", *notes ? ", " : "");
                strv_remove(f, "VIR_MIGRATE_NON_SHARED_INC");
        }
        if (block && !mc_strv_contains(f, "VIR_MIGRATE_NON_SHARED_INC")) {
                mc_strappendf(&notes, "%sadds VIR_MIGRATE_NON_SHARED_INC", *notes ? ", " : "");
                strv_add(&f, "VIR_MIGRATE_NON_SHARED_INC");
        }
        if (mc_nova_opt_get(facts, MC_NOVA_MITAKA, &mc_nova_live_migration_tunnelled, &t) >= 0) {
                bool on = strcasecmp(t.value, "true") == 0 || streq(t.value, "1") || strcasecmp(t.value, "on") == 0 ||
                          strcasecmp(t.value, "yes") == 0;

                if (on && !mc_strv_contains(f, "VIR_MIGRATE_TUNNELLED"))
                        strv_add(&f, "VIR_MIGRATE_TUNNELLED");
                else if (!on)
                        strv_remove(f, "VIR_MIGRATE_TUNNELLED");
        }
        *flags = f;
        return notes;
}

char **mc_nova_flags_used(json_object *facts, enum mc_nova_release rel, bool block, char *const *items) {
        char **l = mc_assert_alloc(calloc(1, sizeof(char *)));

        for (size_t i = 0; items[i]; i++)
                strv_add(&l, items[i]);
        if (rel == MC_NOVA_MITAKA)
                free(mitaka_corrections(facts, &l, block));
        return l;
}

/* The rules of eval_live_migration_flag and mitaka_corrections, applied:
 * what each of them fails, warns about or corrects, made right. */
char **mc_nova_flags_repaired(enum mc_nova_release rel, bool block, char *const *items) {
        static const char *const required[] = { "VIR_MIGRATE_UNDEFINE_SOURCE", "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_LIVE" };
        char **l = mc_assert_alloc(calloc(1, sizeof(char *)));

        for (size_t i = 0; items[i]; i++)
                if (known_flag(items[i]) && !mc_strv_contains(l, items[i]))
                        strv_add(&l, items[i]);
        for (size_t i = 0; i < ELEMENTSOF(required); i++)
                if (!mc_strv_contains(l, required[i]))
                        strv_add(&l, required[i]);
        if (!block) {
                strv_remove(l, "VIR_MIGRATE_NON_SHARED_INC");
                strv_remove(l, "VIR_MIGRATE_NON_SHARED_DISK");
        } else if (!mc_strv_contains(l, "VIR_MIGRATE_NON_SHARED_INC") &&
                   (rel == MC_NOVA_MITAKA || !mc_strv_contains(l, "VIR_MIGRATE_NON_SHARED_DISK")))
                strv_add(&l, "VIR_MIGRATE_NON_SHARED_INC");
        if (rel == MC_NOVA_MITAKA)
                strv_remove(l, "VIR_MIGRATE_PERSIST_DEST");
        if (block && block_tunnelled_warns(rel))
                strv_remove(l, "VIR_MIGRATE_TUNNELLED");
        return l;
}

static void eval_live_migration_flag(struct mc_check_ctx *ctx, enum mc_nova_release rel) {
        _cleanup_strv_free_ char **flags = NULL, **bflags = NULL;
        _cleanup_free_ char *notes = NULL, *bnotes = NULL;
        struct mc_setting s, b, ign;
        bool set, bset, ignored, mitaka = rel == MC_NOVA_MITAKA;
        const char *value, *bvalue, *bad, *missing;
        struct mc_result *r;

        if (rel >= MC_NOVA_NEWTON) {
                /* a48b6146af "[libvirt] Remove live_migration_flag &
                 * block_migration_flag": the flags are nova's own since. */
                if (mc_nova_opt_ignored(ctx->facts, rel, &mc_nova_live_migration_flag, &s) >= 0) {
                        r = mc_report(ctx, MC_WARN, "live_migration_flag does nothing on %s: since Newton nova sets the "
                                                    "flags itself", mc_nova_release_name(rel));
                        mc_evidence_setting(r, &s);
                        mc_result_hint(r, "remove the line; use live_migration_tunnelled, live_migration_permit_post_copy "
                                          "and friends instead");
                } else
                        mc_report(ctx, MC_PASS, "nova %s sets the migration flags itself (no live_migration_flag)",
                                  mc_nova_release_name(rel));
                return;
        }

        set = mc_nova_opt_get(ctx->facts, rel, &mc_nova_live_migration_flag, &s) >= 0;
        ignored = !set && mc_nova_opt_ignored(ctx->facts, rel, &mc_nova_live_migration_flag, &ign) >= 0;
        value = set ? s.value : mc_nova_flags_default(rel, false);
        bset = mc_nova_opt_get(ctx->facts, rel, &mc_nova_block_migration_flag, &b) >= 0;
        bvalue = bset ? b.value : mc_nova_flags_default(rel, true);
        flags = mc_nova_flag_items(value);
        bflags = mc_nova_flag_items(bvalue);

        /* Before Mitaka every migration looks each item up with
         * getattr(libvirt, item.strip()) (2014.1, 2014.2:nova/virt/libvirt/
         * driver.py:_live_migration; 2015.1.0, 12.0.0:...:
         * _live_migration_operation): an unknown or empty item raises
         * AttributeError and the migration fails. */
        if (!mitaka && (bad = bad_item(flags))) {
                r = *bad ? mc_report(ctx, MC_FAIL, "live_migration_flag has '%s', which is not a libvirt migration flag: "
                                                   "nova %s fails every live migration (AttributeError)",
                                     bad, mc_nova_release_name(rel))
                         : mc_report(ctx, MC_FAIL, "live_migration_flag has an empty item (a trailing or doubled comma): "
                                                   "nova %s fails every live migration (AttributeError)",
                                     mc_nova_release_name(rel));
                evidence_flags(r, rel, set, &s, value);
                mc_result_hint(r, "list the flags separated by commas only, e.g. live_migration_flag = "
                                  "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE");
                return;
        }
        if (!mitaka && (bad = bad_item(bflags))) {
                r = mc_report(ctx, MC_FAIL, "block_migration_flag has %s%s%s: nova %s fails every block migration "
                                            "(AttributeError)",
                              *bad ? "'" : "an empty item", bad, *bad ? "', which is not a libvirt migration flag" : "",
                              mc_nova_release_name(rel));
                evidence_flags(r, rel, bset, &b, bvalue);
                mc_result_hint(r, "set block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC");
                return;
        }
        if (mitaka) {
                notes = mitaka_corrections(ctx->facts, &flags, false);
                bnotes = mitaka_corrections(ctx->facts, &bflags, true);
        }

        if (mc_strv_contains(flags, "VIR_MIGRATE_NON_SHARED_INC") || mc_strv_contains(flags, "VIR_MIGRATE_NON_SHARED_DISK")) {
                r = mc_report(ctx, MC_FAIL, "live_migration_flag has a NON_SHARED flag: every live migration becomes a "
                                            "block migration, which fails on shared storage");
                evidence_flags(r, rel, set, &s, value);
                mc_result_hint(r, "remove VIR_MIGRATE_NON_SHARED_INC/DISK from live_migration_flag (they belong in "
                                  "block_migration_flag)");
                return;
        }
        /* Without LIVE libvirt pauses the guest for the whole copy; without
         * PEER2PEER, migrateToURI asks the QEMU driver for a direct
         * migration, which it does not support (53eedc2df4: "direct
         * migrations are not supported by the kvm virt type"; libvirt:
         * "argument unsupported: direct migration is not supported by the
         * source host"). */
        missing = !mc_strv_contains(flags, "VIR_MIGRATE_LIVE") && !mc_strv_contains(flags, "VIR_MIGRATE_PEER2PEER")
                          ? "VIR_MIGRATE_LIVE, VIR_MIGRATE_PEER2PEER"
                  : !mc_strv_contains(flags, "VIR_MIGRATE_LIVE")      ? "VIR_MIGRATE_LIVE"
                  : !mc_strv_contains(flags, "VIR_MIGRATE_PEER2PEER") ? "VIR_MIGRATE_PEER2PEER"
                                                                      : NULL;
        if (missing) {
                r = mc_report(ctx, MC_FAIL, "live_migration_flag lacks %s%s", missing,
                              strstr(missing, "LIVE") ? ": the guest is paused for the whole copy"
                                                      : ": libvirt's QEMU driver refuses a direct (not peer-to-peer) migration ('direct "
                                                        "migration is not supported by the source host')");
                evidence_flags(r, rel, set, &s, value);
                mc_result_hint(r, "set live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_LIVE in [%s] of /etc/nova/nova.conf",
                               rel <= MC_NOVA_HAVANA ? "DEFAULT" : "libvirt");
                return;
        }
        /* 3fd24ba528: without UNDEFINE_SOURCE "migrated VMs will remain
         * defined on the source host" (shut off); the migration itself works. */
        if (!mc_strv_contains(flags, "VIR_MIGRATE_UNDEFINE_SOURCE")) {
                r = mc_report(ctx, MC_WARN, "live_migration_flag lacks VIR_MIGRATE_UNDEFINE_SOURCE: nova %s leaves every "
                                            "migrated guest defined (shut off) on the source",
                              mc_nova_release_name(rel));
                evidence_flags(r, rel, set, &s, value);
                mc_result_hint(r, "set live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_LIVE in [libvirt] of /etc/nova/nova.conf");
                return;
        }
        if (ignored) {
                r = mc_report(ctx, MC_WARN, "live_migration_flag in [%s] is not read by nova %s: its default applies (%s)",
                              ign.section, mc_nova_release_name(rel), value);
                mc_evidence_setting(r, &ign);
                mc_result_hint(r, "move the line to [libvirt] (d0a02fa390 removed the [DEFAULT] spelling in Juno)");
                return;
        }
        /* One option per row: the fixer rewrites the option the summary names. */
        if (mitaka && (*notes || *bnotes)) {
                bool live = *notes;

                r = mc_report(ctx, MC_WARN, "nova mitaka corrects %s at every start (%s): the configured value is not "
                                            "what it uses",
                              live ? "live_migration_flag" : "block_migration_flag", live ? notes : bnotes);
                if (live ? set : bset)
                        mc_evidence_setting(r, live ? &s : &b);
                if (live)
                        mc_result_hint(r, "set live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                          "VIR_MIGRATE_LIVE in [libvirt] of /etc/nova/nova.conf");
                else
                        mc_result_hint(r, "set block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                          "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC");
                return;
        }
        /* Before Mitaka nova passes block_migration_flag as written:
         * without NON_SHARED_INC (or _DISK) a block migration copies no disk
         * (13.0.0's _check_block_migration_flags: "otherwise all
         * block-migrations will be live-migrations instead"). */
        if (!mitaka && !mc_strv_contains(bflags, "VIR_MIGRATE_NON_SHARED_INC") &&
            !mc_strv_contains(bflags, "VIR_MIGRATE_NON_SHARED_DISK")) {
                r = mc_report(ctx, MC_WARN, "block_migration_flag lacks VIR_MIGRATE_NON_SHARED_INC: nova %s's block "
                                            "migrations copy no disk and fail without shared storage",
                              mc_nova_release_name(rel));
                evidence_flags(r, rel, bset, &b, bvalue);
                mc_result_hint(r, "set block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC");
                return;
        }
        /* Juno's default block flags (26504d71ce) tunnel the disks too.
         * libvirt then skips NBD ("NBD in tunnelled migration is currently
         * not supported" is a log line of qemu_migration.c, not an error)
         * and QEMU's old block migration carries the disks through
         * libvirtd. Mitaka with libvirt 1.2.17 or later passes
         * migrate_disks to migrateToURI3 (13.0.0:nova/virt/libvirt/driver.py:
         * _live_migration_operation, MIN_LIBVIRT_BLOCK_LM_WITH_VOLUMES_VERSION),
         * which libvirt refuses with TUNNELLED: every block migration fails. */
        if (block_tunnelled_warns(rel) && mc_strv_contains(bflags, "VIR_MIGRATE_TUNNELLED")) {
                struct mc_libvirt_mode m;
                bool refused;

                mc_libvirt_mode(ctx->facts, &m);
                refused = mitaka && m.libvirt_version && mc_package_version_cmp(m.libvirt_version, "1.2.17") >= 0;
                r = refused ? mc_report(ctx, MC_WARN, "block_migration_flag has VIR_MIGRATE_TUNNELLED: with libvirt %s nova "
                                                      "mitaka's every block migration fails (libvirt refuses to select the "
                                                      "disks of a tunnelled migration: 'Selecting disks to migrate ...')",
                                        m.libvirt_version)
                            : mc_report(ctx, MC_WARN, "block_migration_flag has VIR_MIGRATE_TUNNELLED: block migrations "
                                                      "copy the disks through libvirtd without NBD, slowly%s",
                                        mitaka ? ", and fail with libvirt 1.2.17 or later" : "");
                if (bset)
                        mc_evidence_setting(r, &b);
                else
                        mc_result_evidence(r, "nova default", 0, "%s's block_migration_flag includes VIR_MIGRATE_TUNNELLED",
                                           mc_nova_release_name(rel));
                mc_result_hint(r, "set block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
                                  "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC");
                return;
        }
        /* PERSIST_DEST before Mitaka: libvirt defines the guest on the
         * destination, which post_live_migration_at_destination then defines
         * again; harmless, and what nova does itself from Ocata (a6053dd608
         * "libvirt: add migration flag VIR_MIGRATE_PERSIST_DEST"). */
        r = mc_report(ctx, MC_PASS, "live_migration_flag has LIVE, PEER2PEER and UNDEFINE_SOURCE (%s)%s",
                      set ? "configured" : "the release's default",
                      mc_strv_contains(flags, "VIR_MIGRATE_PERSIST_DEST")
                              ? "; VIR_MIGRATE_PERSIST_DEST only persists the guest on the destination, as nova does"
                              : "");
        if (set)
                mc_evidence_setting(r, &s);
}

void mc_check_nova_live_migration_flag(struct mc_check_ctx *ctx) {
        mc_nova_run(ctx, eval_live_migration_flag);
}

/* ---- nova-migration-uri ---------------------------------------------- */

static void eval_migration_uri(struct mc_check_ctx *ctx, enum mc_nova_release rel) {
        struct mc_transport t;
        struct mc_setting s;
        struct mc_result *r;

        mc_migration_transport_for(ctx->facts, rel, &t);
        if (t.scheme == MC_SCHEME_OTHER) {
                r = mc_report(ctx, MC_FAIL, "live migration URI '%s' names no transport libvirt knows (tcp, tls, ssh)", t.uri);
                mc_evidence_setting(r, &t.source);
                mc_result_hint(r, "use live_migration_scheme = tcp (or tls, ssh), or qemu+tcp://%%s/system");
                return;
        }
        /* Every release formats the URI with "uri % dest": without %s
         * Python raises TypeError, or (with a literal host) every guest goes
         * to that host (2014.1:nova/virt/libvirt/driver.py:_live_migration). */
        if (t.has_source && streq(t.source.key, "live_migration_uri") && !strstr(t.uri, "%s")) {
                r = mc_report(ctx, MC_FAIL, "live_migration_uri '%s' has no %%s: every migration goes to that one host", t.uri);
                mc_evidence_setting(r, &t.source);
                mc_result_hint(r, "write the destination as %%s, e.g. qemu+%s://%%s/system", t.scheme_name);
                return;
        }
        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_live_migration_inbound_addr, &s) >= 0 &&
            mc_host_is_loopback(s.value)) {
                r = mc_report(ctx, MC_FAIL, "live_migration_inbound_addr %s makes sources connect to themselves", s.value);
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "set live_migration_inbound_addr to this node's migration address, or remove it");
                return;
        }

        /* The port in the URI must be the one libvirt listens on: the
         * daemon's tcp_port/tls_port, or the socket unit's (16509/16514)
         * under socket activation, which ignores those keys. */
        if (t.scheme == MC_SCHEME_TCP || t.scheme == MC_SCHEME_TLS) {
                const char *key = t.scheme == MC_SCHEME_TLS ? "tls_port" : "tcp_port";
                unsigned dflt = t.scheme == MC_SCHEME_TLS ? 16514 : 16509, conf_port = dflt;
                struct mc_libvirt_mode m;
                struct mc_setting p;
                bool set = false;

                mc_libvirt_mode(ctx->facts, &m);
                if (!m.socket_activated) {
                        if (!mc_require_file(ctx, m.daemon_conf))
                                return;
                        set = mc_facts_setting(ctx->facts, m.daemon_conf, NULL, key, &p) >= 0;
                        if (set)
                                conf_port = (unsigned) strtoul(p.value, NULL, 10);
                }
                if (conf_port != t.port) {
                        r = mc_report(ctx, MC_FAIL, "nova migrates over %s to port %u, %s listens on port %u", t.scheme_name,
                                      t.port, m.daemon, conf_port);
                        mc_evidence_setting(r, &t.source);
                        if (set)
                                mc_evidence_setting(r, &p);
                        mc_result_hint(r, "make %s in %s and the port in live_migration_uri agree", key, m.daemon_conf);
                        return;
                }
        }
        /* deprecated_since 15.0.0 (15.0.0:nova/conf/libvirt.py), in favour
         * of live_migration_scheme and live_migration_inbound_addr. */
        if (t.has_source && streq(t.source.key, "live_migration_uri") && rel >= MC_NOVA_OCATA) {
                r = mc_report(ctx, MC_WARN, "live_migration_uri is deprecated since Ocata and overrides live_migration_scheme "
                                            "and live_migration_inbound_addr");
                mc_evidence_setting(r, &t.source);
                mc_result_hint(r, "replace it with live_migration_scheme = %s (and live_migration_inbound_addr where needed)",
                               t.scheme_name);
                return;
        }
        r = mc_report(ctx, MC_PASS, "nova migrates with %s (libvirt over %s, port %u)", t.uri, t.scheme_name, t.port);
        if (t.has_source)
                mc_evidence_setting(r, &t.source);
}

void mc_check_nova_migration_uri(struct mc_check_ctx *ctx) {
        mc_nova_run(ctx, eval_migration_uri);
}

/* ---- nova-cpu-mode ----------------------------------------------------- */

/* Before Train a wrong combination fails every guest build
 * (2014.1:nova/virt/libvirt/driver.py:get_guest_cpu_config, 19.0.0:...:
 * _get_guest_cpu_model_config); from Train nova-compute refuses to start
 * (ac7a0e8409 "Add compatibility checks for CPU mode and CPU models and
 * extra flags": _check_cpu_compatibility in init_host). Modes compare
 * case-sensitively everywhere: nova's "== 'custom'", libvirt's mode
 * attribute, and the choices oslo.config enforces from Mitaka
 * (13.0.0:nova/virt/libvirt/driver.py libvirt_opts cpu_mode). */
static void eval_cpu_mode(struct mc_check_ctx *ctx, enum mc_nova_release rel) {
        static const char *const modes[] = { "host-model", "host-passthrough", "custom", "none" };
        struct mc_setting mode, model, vt;
        bool has_mode, has_model, valid = false, train = rel >= MC_NOVA_TRAIN, kvm;
        const char *m;
        struct mc_result *r;

        has_mode = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_mode, &mode) >= 0 && !isempty(mode.value);
        has_model = mc_nova_opt_get(ctx->facts, rel, &mc_nova_cpu_models, &model) >= 0 && !isempty(model.value);
        /* nova: host-model for kvm and qemu, none for other virt types. */
        kvm = mc_nova_opt_get(ctx->facts, rel, &mc_nova_virt_type, &vt) < 0 || streq(vt.value, "kvm") ||
              streq(vt.value, "qemu");
        m = has_mode ? mode.value : kvm ? "host-model" : "none";
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                valid = valid || streq(m, modes[i]);
        if (!valid) {
                r = mc_report(ctx, MC_FAIL, "cpu_mode '%s' is not one of host-model, host-passthrough, custom, none: %s", m,
                              rel >= MC_NOVA_MITAKA ? "oslo.config refuses the value when nova reads it"
                                                    : "libvirt refuses the guest's CPU mode and every build fails");
                mc_evidence_setting(r, &mode);
                mc_result_hint(r, "set cpu_mode = host-model, or custom with cpu_model%s", train ? "s" : "");
                return;
        }
        if (streq(m, "custom") && !has_model) {
                r = mc_report(ctx, MC_FAIL,
                              train ? "cpu_mode = custom without a CPU model: nova-compute refuses to start "
                                      "('The cpu_models option is required when cpu_mode=custom')"
                                    : "cpu_mode = custom without a CPU model: nova fails every guest build ('Config "
                                      "requested a custom CPU model, but no model name was provided')");
                mc_evidence_setting(r, &mode);
                mc_result_hint(r, "set cpu_model%s to a model every node supports (the cluster's baseline, e.g. from "
                                  "'virsh cpu-baseline'), in [libvirt]",
                               train ? "s" : "");
                return;
        }
        if (!streq(m, "custom") && has_model) {
                /* Before Train mode none returns before the model is looked
                 * at; from Train any mode but custom refuses a model. */
                bool ignored = streq(m, "none") && !train;

                r = mc_report(ctx, ignored ? MC_WARN : MC_FAIL,
                              ignored ? "%s is set but cpu_mode is none: the model is ignored"
                              : train ? "%s is set but cpu_mode is not custom: nova-compute refuses to start ('The "
                                        "cpu_models option is not required when cpu_mode!=custom')"
                                      : "%s is set but cpu_mode is not custom: nova refuses to build the guest CPU "
                                        "('A CPU model name should not be set when a host CPU model is requested')",
                              model.key);
                mc_evidence_setting(r, &model);
                if (has_mode)
                        mc_evidence_setting(r, &mode);
                mc_result_hint(r, "set cpu_mode = custom, or remove %s", model.key);
                return;
        }
        r = mc_report(ctx, MC_PASS, "cpu_mode = %s%s%s%s", m, has_mode ? "" : " (default)", has_model ? ", model " : "",
                      has_model ? model.value : "");
        if (has_mode)
                mc_evidence_setting(r, &mode);
        if (has_model)
                mc_evidence_setting(r, &model);
}

void mc_check_nova_cpu_mode(struct mc_check_ctx *ctx) {
        mc_nova_run(ctx, eval_cpu_mode);
}

/* ---- nova-config-drive ------------------------------------------------- */

static bool in_list(const char *v, const char *const *l, size_t n, bool fold) {
        for (size_t i = 0; i < n; i++)
                if (fold ? strcasecmp(v, l[i]) == 0 : streq(v, l[i]))
                        return true;
        return false;
}

/* What each release makes of force_config_drive's value:
 * - Havana, Icehouse: StrOpt, configdrive.required_by returns the string
 *   itself, so any non-empty value, "false" too, forces a config drive
 *   (2014.1:nova/virt/configdrive.py:required_by; bug 1319180).
 * - Juno: "always" or strutils.bool_from_string: 1, t, true, on, y, yes,
 *   case-insensitive (de92d65f29 "Test force_config_drive as a boolean as
 *   last resort"); anything else is off.
 * - Kilo, Liberty: StrOpt with choices always, True, False, compared
 *   exactly (2015.1.0:nova/virt/configdrive.py configdrive_opts); another
 *   value raises when read.
 * - Mitaka on: BoolOpt (296479e1ab "force_config_drive: StrOpt -> BoolOpt"):
 *   true/1/on/yes, false/0/off/no, case-insensitive; "always" raises. */
enum mc_nova_forced mc_nova_config_drive_forced(enum mc_nova_release rel, const char *v) {
        static const char *const juno_true[] = { "always", "1", "t", "true", "on", "y", "yes" };
        static const char *const kilo_true[] = { "always", "True" };
        static const char *const bool_true[] = { "true", "1", "on", "yes" }, *const bool_false[] = { "false", "0", "off", "no" };

        if (rel <= MC_NOVA_ICEHOUSE)
                return isempty(v) ? MC_NOVA_FORCED_NO : MC_NOVA_FORCED_YES;
        if (rel == MC_NOVA_JUNO)
                return in_list(v, juno_true, ELEMENTSOF(juno_true), true) ? MC_NOVA_FORCED_YES : MC_NOVA_FORCED_NO;
        if (rel <= MC_NOVA_LIBERTY)
                return in_list(v, kilo_true, ELEMENTSOF(kilo_true), false) ? MC_NOVA_FORCED_YES
                     : streq(v, "False")                                     ? MC_NOVA_FORCED_NO
                                                                             : MC_NOVA_FORCED_INVALID;
        return in_list(v, bool_true, ELEMENTSOF(bool_true), true)    ? MC_NOVA_FORCED_YES
             : in_list(v, bool_false, ELEMENTSOF(bool_false), true) ? MC_NOVA_FORCED_NO
                                                                     : MC_NOVA_FORCED_INVALID;
}

/* 2015.1.0:nova/virt/libvirt/driver.py:pre_live_migration skips the
 * refusal for vfat, 12.0.0 and 13.0.0 likewise; from Newton nova copies
 * disk.config itself (bc4b9980fa, see eval_config_drive). */
bool mc_nova_config_drive_vfat_helps(enum mc_nova_release rel) {
        return rel >= MC_NOVA_KILO && rel < MC_NOVA_NEWTON;
}

/* By mc_nova_config_drive_forced's own reading: "True" and "False" are
 * read exactly from Kilo to Liberty, as booleans from Mitaka and by Juno;
 * before Juno "False" is on too, and only an empty value is off. */
const char *mc_nova_config_drive_spelling(enum mc_nova_release rel, bool on) {
        static const char *const spellings[] = { "True", "False" };

        for (size_t i = 0; i < ELEMENTSOF(spellings); i++)
                if (mc_nova_config_drive_forced(rel, spellings[i]) == (on ? MC_NOVA_FORCED_YES : MC_NOVA_FORCED_NO))
                        return spellings[i];
        return NULL;
}

static void eval_config_drive(struct mc_check_ctx *ctx, enum mc_nova_release rel) {
        struct mc_setting s, fmt;
        struct mc_result *r;
        enum mc_nova_forced f;
        bool vfat;

        if (mc_nova_opt_get(ctx->facts, rel, &mc_nova_force_config_drive, &s) < 0) {
                mc_report(ctx, MC_PASS, "config drives are not forced on every instance");
                return;
        }
        f = mc_nova_config_drive_forced(rel, s.value);
        if (f == MC_NOVA_FORCED_INVALID) {
                r = mc_report(ctx, MC_FAIL, "force_config_drive = '%s' is not a value nova %s accepts (%s): every build "
                                            "and migration that reads it fails",
                              s.value, mc_nova_release_name(rel),
                              rel <= MC_NOVA_LIBERTY ? "always, True or False, exactly" : "true or false");
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "set force_config_drive = %s (or %s), or remove the line",
                               mc_nova_config_drive_spelling(rel, false), mc_nova_config_drive_spelling(rel, true));
                return;
        }
        if (f == MC_NOVA_FORCED_NO) {
                r = mc_report(ctx, MC_PASS, "config drives are not forced on every instance");
                mc_evidence_setting(r, &s);
                return;
        }
        /* config_drive_format is compared exactly: "== 'vfat'". */
        vfat = mc_nova_opt_get(ctx->facts, rel, &mc_nova_config_drive_format, &fmt) >= 0 && streq(fmt.value, "vfat");
        /* bc4b9980fa "[libvirt] Live migration fails when
         * config_drive_format=iso9660" (14.0.0): nova copies disk.config to
         * the destination before a block migration. */
        if (rel >= MC_NOVA_NEWTON) {
                r = mc_report(ctx, MC_PASS, "force_config_drive is on; nova %s migrates disk.config itself",
                              mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                return;
        }
        /* mc_nova_config_drive_vfat_helps: Kilo to Mitaka. */
        if (mc_nova_config_drive_vfat_helps(rel) && vfat) {
                r = mc_report(ctx, MC_PASS, "force_config_drive is on with config_drive_format = vfat, which nova %s "
                                            "can live-migrate", mc_nova_release_name(rel));
                mc_evidence_setting(r, &s);
                mc_evidence_setting(r, &fmt);
                return;
        }
        /* Icehouse refuses when the instances path is not shared
         * (2014.1:nova/virt/libvirt/driver.py:pre_live_migration,
         * NoBlockMigrationForConfigDriveInLibVirt; Havana has no refusal and
         * fails in libvirt instead, bug 1246201); Juno to Mitaka refuse
         * unless the instance path or block storage is shared
         * (2014.2:...:pre_live_migration, NoLiveMigrationForConfigDriveInLibVirt). */
        if (rel <= MC_NOVA_ICEHOUSE) {
                r = mc_report(ctx, MC_FAIL, "force_config_drive = %s forces a config drive on every instance: nova %s "
                                            "refuses to migrate them unless instances_path is shared ('Block migration of "
                                            "instances with config drives is not supported in libvirt')%s",
                              s.value, mc_nova_release_name(rel),
                              isempty(s.value) || in_list(s.value, (const char *const[]) { "false", "0", "no", "off" }, 4, true)
                                      ? "; any value but an empty one is on before Juno (bug 1319180)"
                                      : "");
                mc_evidence_setting(r, &s);
                mc_result_hint(r, "remove the force_config_drive line (any value turns it on before Juno), or keep "
                                  "instances_path on shared storage");
                return;
        }
        r = mc_report(ctx, MC_FAIL, "force_config_drive is on%s: nova %s refuses live migration unless instances_path "
                                    "is shared ('Live migration of instances with config drives is not supported in "
                                    "libvirt unless libvirt instance path and drive data is shared across compute nodes')",
                      vfat ? " (vfat does not help before Kilo)" : " with the iso9660 format", mc_nova_release_name(rel));
        mc_evidence_setting(r, &s);
        if (vfat)
                mc_evidence_setting(r, &fmt);
        if (mc_nova_config_drive_vfat_helps(rel))
                mc_result_hint(r, "set config_drive_format = vfat in [DEFAULT], or put instances_path on shared storage");
        else
                mc_result_hint(r, "put instances_path on shared storage, or set force_config_drive = %s",
                               mc_nova_config_drive_spelling(rel, false));
}

void mc_check_nova_config_drive(struct mc_check_ctx *ctx) {
        mc_nova_run(ctx, eval_config_drive);
}

/* ---- nova-vnc-listen --------------------------------------------------- */

/* An address QEMU on any node can bind: the wildcards and loopback. */
static bool bindable_anywhere(const char *a) {
        return streq(a, "0.0.0.0") || streq(a, "::") || streq(a, "[::]") || mc_host_is_loopback(a);
}

/* _check_graphics_addresses_can_live_migrate's LOCAL_ADDRS, compared
 * exactly (2014.2:nova/virt/libvirt/driver.py). */
static bool nova_local_addr(const char *a) {
        return streq(a, "0.0.0.0") || streq(a, "127.0.0.1") || streq(a, "::") || streq(a, "::1");
}

static bool oslo_bool(const char *v, bool dflt) {
        if (!v)
                return dflt;
        if (strcasecmp(v, "true") == 0 || streq(v, "1") || strcasecmp(v, "on") == 0 || strcasecmp(v, "yes") == 0)
                return true;
        if (strcasecmp(v, "false") == 0 || streq(v, "0") || strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0)
                return false;
        return dflt;
}

/* Whether the source's listen address reaches the destination unchanged,
 * and what then happens:
 * - Havana, Icehouse migrate the source's XML as it is (2014.1:nova/virt/
 *   libvirt/driver.py:_live_migration, migrateToURI): the destination's
 *   QEMU cannot bind a source-only address and the migration fails.
 * - Juno to Mitaka take the destination's listen addresses from
 *   pre_live_migration and rewrite the XML (migrateToURI2) when libvirt
 *   has VIR_DOMAIN_XML_MIGRATABLE (libvirt >= 1.0.0); below that,
 *   _check_graphics_addresses_can_live_migrate raises MigrationError unless
 *   the address is one of LOCAL_ADDRS (ea7da5152c "Change listen address on
 *   libvirt live-migration", bug 1279563; 2015.1.0, 12.0.0 and 13.0.0 keep
 *   both paths).
 * - Newton requires libvirt 1.2.1 (14.0.0 MIN_LIBVIRT_VERSION): the XML is
 *   always rewritten (14.0.0:nova/virt/libvirt/migration.py:
 *   get_updated_guest_xml). */
enum listen_verdict {
        LISTEN_MIGRATES,
        LISTEN_SOURCE_ONLY,      /* Havana, Icehouse: the XML goes as it is */
        LISTEN_OLD_PEER,         /* a peer before Juno sends no addresses */
        LISTEN_LIBVIRT_UNKNOWN,  /* SKIP */
        LISTEN_OLD_LIBVIRT,      /* no VIR_DOMAIN_XML_MIGRATABLE */
};

static enum listen_verdict listen_verdict(json_object *facts, const struct mc_cluster *cluster, const struct mc_node *node,
                                          enum mc_nova_release rel, const char *addr, const struct mc_node **ret_peer,
                                          struct mc_libvirt_mode *m) {
        if (bindable_anywhere(addr) && (rel <= MC_NOVA_ICEHOUSE || rel >= MC_NOVA_NEWTON || nova_local_addr(addr)))
                return LISTEN_MIGRATES;
        if (rel <= MC_NOVA_ICEHOUSE)
                return LISTEN_SOURCE_ONLY;
        if (rel >= MC_NOVA_NEWTON)
                return LISTEN_MIGRATES;
        /* A destination older than Juno sends no listen addresses, and the
         * source falls back to the check (listen_addrs None). */
        for (size_t i = 0; cluster && !nova_local_addr(addr) && i < cluster->n_nodes; i++) {
                const struct mc_node *n = &cluster->nodes[i];
                enum mc_nova_release peer = n->facts ? mc_nova_release_of(n->facts) : MC_NOVA_UNKNOWN;

                if (n == node || peer == MC_NOVA_UNKNOWN || peer > MC_NOVA_ICEHOUSE)
                        continue;
                *ret_peer = n;
                return LISTEN_OLD_PEER;
        }
        mc_libvirt_mode(facts, m);
        if (!m->libvirt_version)
                return LISTEN_LIBVIRT_UNKNOWN;
        return mc_package_version_cmp(m->libvirt_version, "1.0.0") >= 0 ? LISTEN_MIGRATES : LISTEN_OLD_LIBVIRT;
}

bool mc_nova_listen_migrates(json_object *facts, const struct mc_cluster *cluster, const struct mc_node *node,
                             enum mc_nova_release rel, const char *addr) {
        const struct mc_node *peer = NULL;
        struct mc_libvirt_mode m;

        return listen_verdict(facts, cluster, node, rel, addr, &peer, &m) == LISTEN_MIGRATES;
}

static struct mc_result *judge_listen(struct mc_check_ctx *ctx, enum mc_nova_release rel, const char *what,
                                      const char *addr, const struct mc_setting *s) {
        const struct mc_node *peer = NULL;
        struct mc_libvirt_mode m;
        struct mc_result *r;

        switch (listen_verdict(ctx->facts, ctx->cluster, ctx->node, rel, addr, &peer, &m)) {
        case LISTEN_MIGRATES:
                return NULL;
        case LISTEN_SOURCE_ONLY:
                r = mc_report(ctx, MC_FAIL, "%s listens on %s, an address of this node only: the destination's QEMU "
                                            "cannot bind it and nova %s fails the migration", what, addr,
                              mc_nova_release_name(rel));
                if (s)
                        mc_evidence_setting(r, s);
                mc_result_hint(r, "set %s = 0.0.0.0 (or ::) in [%s]", s ? s->key : "vncserver_listen",
                               s ? s->section : "DEFAULT");
                return r;
        case LISTEN_OLD_PEER:
                r = mc_report(ctx, MC_FAIL, "%s listens on %s and %s runs nova %s, which does not send its listen "
                                            "addresses: nova %s refuses a migration there ('you must configure the "
                                            "graphics (VNC and/or SPICE) listen addresses to be either the catch-all "
                                            "address (0.0.0.0 or ::) or the local address (127.0.0.1 or ::1)')",
                              what, addr, peer->name, mc_nova_release_name(mc_nova_release_of(peer->facts)),
                              mc_nova_release_name(rel));
                if (s)
                        mc_evidence_setting(r, s);
                mc_result_hint(r, "set %s = 0.0.0.0 (or ::) in [%s], or upgrade %s", s ? s->key : "vncserver_listen",
                               s ? s->section : "DEFAULT", peer->name);
                return r;
        case LISTEN_LIBVIRT_UNKNOWN:
                r = mc_report(ctx, MC_SKIP, "%s listens on %s: nova %s migrates that only with libvirt 1.0.0 or later, and "
                                            "this node's libvirt version is unknown", what, addr, mc_nova_release_name(rel));
                if (s)
                        mc_evidence_setting(r, s);
                mc_result_hint(r, "collect the tree with libvirt's package database, or set %s = 0.0.0.0",
                               s ? s->key : "vncserver_listen");
                return r;
        case LISTEN_OLD_LIBVIRT:
                break;
        }
        r = mc_report(ctx, MC_FAIL, "%s listens on %s and libvirt %s%s lacks VIR_DOMAIN_XML_MIGRATABLE: nova %s refuses the "
                                    "migration ('you must configure the graphics (VNC and/or SPICE) listen addresses to be "
                                    "either the catch-all address (0.0.0.0 or ::) or the local address (127.0.0.1 or ::1)')",
                      what, addr, m.libvirt_version, m.libvirt_version_assumed ? " (the distro's, assumed)" : "",
                      mc_nova_release_name(rel));
        if (s)
                mc_evidence_setting(r, s);
        mc_result_hint(r, "set %s = 0.0.0.0 (or ::) in [%s]", s ? s->key : "vncserver_listen", s ? s->section : "DEFAULT");
        return r;
}

/* [vnc] enabled defaults to True, [spice] enabled to False (see
 * nova_options.c). */
bool mc_nova_vnc_on(json_object *facts, enum mc_nova_release rel) {
        struct mc_setting en;

        return oslo_bool(mc_nova_opt_get(facts, rel, &mc_nova_vnc_enabled, &en) >= 0 ? en.value : NULL, true);
}

bool mc_nova_spice_on(json_object *facts, enum mc_nova_release rel) {
        struct mc_setting en;

        return oslo_bool(mc_nova_opt_get(facts, rel, &mc_nova_spice_enabled, &en) >= 0 ? en.value : NULL, false);
}

static void eval_vnc_listen(struct mc_check_ctx *ctx, enum mc_nova_release rel) {
        struct mc_setting s, ign, en, sp;
        bool vnc_on, spice_on, set, ignored = false;
        const char *addr;
        struct mc_result *r;

        vnc_on = mc_nova_vnc_on(ctx->facts, rel);
        spice_on = mc_nova_spice_on(ctx->facts, rel);
        if (!vnc_on)
                (void) mc_nova_opt_get(ctx->facts, rel, &mc_nova_vnc_enabled, &en);
        set = mc_nova_opt_get(ctx->facts, rel, &mc_nova_vnc_listen, &s) >= 0;
        if (!set)
                ignored = mc_nova_opt_ignored(ctx->facts, rel, &mc_nova_vnc_listen, &ign) >= 0;
        addr = set ? s.value : MC_NOVA_LISTEN_DEFAULT;

        if (vnc_on && judge_listen(ctx, rel, "VNC", addr, set ? &s : NULL))
                return;
        if (spice_on) {
                bool sp_set = mc_nova_opt_get(ctx->facts, rel, &mc_nova_spice_listen, &sp) >= 0;

                if (judge_listen(ctx, rel, "SPICE", sp_set ? sp.value : MC_NOVA_LISTEN_DEFAULT, sp_set ? &sp : NULL))
                        return;
        }
        if (vnc_on && ignored) {
                r = mc_report(ctx, MC_WARN, "%s in [%s] is not read by nova %s: the VNC listen address is the "
                                            "default %s", ign.key, ign.section, mc_nova_release_name(rel), MC_NOVA_LISTEN_DEFAULT);
                mc_evidence_setting(r, &ign);
                mc_result_hint(r, "set server_listen in [vnc]");
                return;
        }
        if (!vnc_on) {
                r = mc_report(ctx, MC_PASS, "VNC is disabled%s", spice_on ? "; SPICE's listen address migrates" : "");
                mc_evidence_setting(r, &en);
                return;
        }
        if (!set) {
                mc_report(ctx, MC_PASS, "VNC listens on %s (default): the destination can bind it too", MC_NOVA_LISTEN_DEFAULT);
                return;
        }
        if (bindable_anywhere(addr)) {
                r = mc_report(ctx, MC_PASS, "VNC listens on %s: the destination can bind it too", addr);
                mc_evidence_setting(r, &s);
                return;
        }
        r = mc_report(ctx, MC_PASS, "VNC listens on %s; nova %s rewrites it to the destination's address while migrating",
                      addr, mc_nova_release_name(rel));
        mc_evidence_setting(r, &s);
}

void mc_check_nova_vnc_listen(struct mc_check_ctx *ctx) {
        mc_nova_run(ctx, eval_vnc_listen);
}

/* ---- nova-instances-path ----------------------------------------------- */

/* Not release-dependent: [DEFAULT] instances_path, default
 * $state_path/instances, in every release (2014.1:nova/compute/manager.py
 * compute_opts; 33.0.0:nova/conf/compute.py). */

void mc_check_nova_instances_path(struct mc_check_ctx *ctx) {
        json_object *ip = mc_json_path(ctx->facts, "nova", "instances_path", NULL);
        const char *path = mc_json_str(ip, "path"), *src = mc_json_str(ip, "source") ?: "nova.conf";
        const char *owner = mc_json_str(ip, "owner"), *err = mc_json_str(ip, "error");
        struct mc_result *r;

        if (!mc_nova_prelude(ctx))
                return;
        if (!path) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate instances_path: %s", err ?: "not collected");
                mc_result_evidence(r, src, 0, "instances_path = %s", mc_json_str(ip, "configured") ?: "?");
                return;
        }
        if (err) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate instances_path %s: %s", path, err);
                return;
        }
        if (!mc_json_bool(ip, "exists", false)) {
                r = mc_report(ctx, MC_FAIL, "instances_path %s does not exist: migrations to this node fail with "
                                            "'Unable to pre-create chardev file'", path);
                mc_result_evidence(r, src, 0, "instances_path = %s", mc_json_str(ip, "configured") ?: path);
                mc_result_hint(r, "create it (install -d -o nova -g nova %s), or mount the shared instances export there", path);
                return;
        }
        if (!mc_json_bool(ip, "is_dir", false)) {
                r = mc_report(ctx, MC_FAIL, "instances_path %s is not a directory", path);
                return;
        }
        if (!mc_json_get(ip, "nova_uid")) {
                r = mc_report(ctx, MC_ERROR, "cannot evaluate the owner of %s: no nova user in /etc/passwd", path);
                mc_result_hint(r, "include /etc/passwd in the collected tree");
                return;
        }
        if (mc_json_int(ip, "uid", -1) != mc_json_int(ip, "nova_uid", -2)) {
                r = mc_report(ctx, MC_FAIL, "instances_path %s is owned by %s, not nova: nova-compute cannot create "
                                            "instance directories there", path, owner ?: "an unknown uid");
                mc_result_evidence(r, path, 0, "owner uid %" PRId64 ", nova is uid %" PRId64, mc_json_int(ip, "uid", -1),
                                   mc_json_int(ip, "nova_uid", -1));
                mc_result_hint(r, "chown nova:nova %s", path);
                return;
        }
        r = mc_report(ctx, MC_PASS, "instances_path %s exists and is owned by nova", path);
        mc_result_evidence(r, src, 0, "instances_path = %s", mc_json_str(ip, "configured") ?: path);
}
