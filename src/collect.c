/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "collect.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "facts.h"
#include "util.h"
#include "version.h"

json_object *mc_collect_conf(struct mc_collector *c, const struct mc_conf_spec *spec) {
        json_object *files = mc_json_get_or_add_object(c->facts, "files");
        json_object *f = mc_conf_collect(c->aug, c->fs, spec);

        json_object_object_add(files, spec->path, f);
        return f;
}

int mc_collect(const struct mc_collect_opts *o, json_object **ret, char **ret_error) {
        _cleanup_(mc_rootfs_freep) struct mc_rootfs *fs = NULL;
        _cleanup_(mc_aug_freep) augeas *aug = NULL;
        _cleanup_json_ json_object *facts = NULL;
        struct mc_collector c;
        json_object *coll;
        int r;

        r = mc_rootfs_open(o->root, &fs);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot open root '%s': %s", o->root ?: "/", strerror(-r));
                return r;
        }
        r = mc_aug_new(&aug);
        if (r < 0) {
                *ret_error = mc_strdup_printf("cannot initialise augeas: %s", strerror(-r));
                return r;
        }

        facts = json_object_new_object();
        json_object_object_add(facts, "schema_version", json_object_new_int(MC_FACTS_SCHEMA_VERSION));
        json_object_object_add(facts, "migcheck_version", json_object_new_string(MC_VERSION));
        coll = json_object_new_object();
        {
                /* Absolute, so that saved facts say which tree they came from. */
                _cleanup_free_ char *abs = realpath(fs->root, NULL);
                json_object_object_add(coll, "root", json_object_new_string(abs ?: fs->root));
        }
        json_object_object_add(coll, "live", json_object_new_boolean(streq(fs->root, "/")));
        json_object_object_add(facts, "collection", coll);
        if (o->peers) {
                json_object *peers = json_object_new_array();

                /* The coordinator tells each node who its peers are, so that
                 * the node can resolve and probe them from where it stands.
                 * The collectors read them from here; the list leaves the
                 * document at the end (below). */
                for (char *const *p = o->peers; *p; p++) {
                        json_object *e = json_object_new_object();
                        const char *eq = strchr(*p, '=');
                        _cleanup_free_ char *name = eq ? mc_assert_alloc(strndup(*p, (size_t) (eq - *p))) : mc_strdup(*p);

                        json_object_object_add(e, "name", json_object_new_string(name));
                        if (eq && eq[1])
                                json_object_object_add(e, "address", json_object_new_string(eq + 1));
                        json_object_array_add(peers, e);
                }
                json_object_object_add(facts, "peers", peers);
        }

        c = (struct mc_collector) {
                .fs = fs,
                .aug = aug,
                .live = streq(fs->root, "/"),
                .facts = facts,
                .peers = o->peers,
                .targets = o->targets,
        };

        /* Cheap and always useful: who the node is and what runs on it. */
        mc_collect_os(&c);
        mc_collect_init(&c);
        mc_collect_versions(&c, o->nova_release);
        if (o->needs & (MC_NEED_LIBVIRTD | MC_NEED_QEMU))
                mc_collect_libvirt_conf(&c, o->needs);
        if (o->needs & MC_NEED_STARTUP)
                mc_collect_startup(&c);
        if (o->needs & MC_NEED_NOVA)
                mc_collect_nova(&c);
        if ((o->needs & MC_NEED_RUNTIME) && c.live)
                mc_collect_runtime(&c);
        if ((o->needs & MC_NEED_LIBVIRT_API) && c.live)
                mc_collect_libvirt_api(&c);
        if (o->needs & MC_NEED_HOSTS)
                mc_collect_hosts(&c);
        if (o->needs & MC_NEED_MOUNTS)
                mc_collect_mounts(&c);
        if ((o->needs & MC_NEED_NET) && c.live)
                mc_collect_net(&c);
        /* After the routes: it probes on each route's interface at its MTU. */
        if ((o->needs & MC_NEED_NET) && c.live)
                mc_collect_pmtu(&c);
        if ((o->needs & MC_NEED_PROBE) && c.live)
                mc_collect_probes(&c);
        if (o->targets && o->targets[0] && c.live)
                mc_collect_migration_targets(&c);
        if (o->needs & MC_NEED_FIREWALL)
                mc_collect_firewall(&c);
        /* Schema 2 does not echo the peers: every node would carry the whole
         * cluster, n^2 in all, for what the coordinator already knows (it
         * records each node's own address under "inventory"). What was
         * measured per peer (resolve, net.routes, probes) stays, keyed by
         * the peer's name. */
        json_object_object_del(facts, "peers");

        *ret = TAKE_PTR(facts);
        return 0;
}
