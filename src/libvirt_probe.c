/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The probe half of the libvirt collector (src/collect_libvirt_api.c has
 * the other): linked into the migcheck-libvirt-probe helper only, so that
 * migcheck itself does not load libvirt and its forty libraries (~11 ms per
 * run) for the --root and --from runs that never talk to a daemon.
 *
 * The running hypervisor, as libvirt reports it: versions, hostname, host
 * UUID, the host CPU and which CPU models a guest may use here.
 *
 * libvirt's calls have no timeout of their own: a wedged or stopped daemon
 * (SIGSTOP, a stuck QEMU probe) leaves a client blocked for minutes, and a
 * collection that hangs is worse than one that says "no answer". So all
 * libvirt work happens in a forked child that writes what it knows to a
 * pipe, one JSON line before each call that may block, and exits; the
 * parent waits with a deadline, kills the child when it passes, keeps the
 * last complete line (parsed with the same care as a facts file) and names
 * the call that did not return. The parent never calls libvirt, so its own
 * state stays untouched. The connection is read-only: a checker has no
 * business holding write access, and libvirt then refuses domain
 * capabilities, so the usable CPU models come from comparing each model of
 * libvirt's CPU map with the host CPU instead (what nova did up to Train).
 *
 * facts.libvirt:
 *   uri, state ("ok" | "error"), error (when state is "error"),
 *   lib_version, hv_type, hv_version (dotted), hostname, uuid,
 *   cpu {arch, model, vendor, features[] (as capabilities lists them, on
 *        top of model), all_features[] (every migratable feature, expanded
 *        by libvirt's CPU map)},
 *   host_model {virt_type, model, vendor, features[] (policy require),
 *               disabled[], all_features[]}          (domain capabilities)
 *   custom_models {source ("domain capabilities" | "cpu comparison"),
 *                  usable[] (least to most capable), unusable[], unknown[],
 *                  blockers{MODEL: [features]} (libvirt >= 10)}
 *   errors {PART: message}: what could not be read; the rest still counts.
 */
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "facts.h"
#define MC_LIBVIRT_PROBE_INTERNAL
#include "libvirt_probe.h"
#include "util.h"


/* Entry points the unit tests reach without a libvirtd. Kept out of
 * collect.h because nothing else in migcheck needs them. */

static void xml_doc_freep(xmlDoc **d) {
        if (*d)
                xmlFreeDoc(*d);
}
static void xpath_ctx_freep(xmlXPathContext **c) {
        if (*c)
                xmlXPathFreeContext(*c);
}
static void xpath_obj_freep(xmlXPathObject **o) {
        if (*o)
                xmlXPathFreeObject(*o);
}
static void xml_freep(xmlChar **s) {
        if (*s)
                xmlFree(*s);
}
static void xml_buffer_freep(xmlBuffer **b) {
        if (*b)
                xmlBufferFree(*b);
}

static void set_error(json_object *lv, const char *part, const char *msg) {
        json_object_object_add(mc_json_get_or_add_object(lv, "errors"), part,
                               json_object_new_string(msg ?: "unknown error"));
}

static void set_virt_error(json_object *lv, const char *part) {
        set_error(lv, part, virGetLastErrorMessage());
        virResetLastError();
}

static char *dotted(unsigned long v) {
        /* libvirt encodes versions as major * 1,000,000 + minor * 1,000 + micro. */
        return mc_strdup_printf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
}

static xmlDoc *parse_xml(const char *xml, const char *name) {
        /* No network, no entity expansion, no error printing: the text comes
         * from a daemon, but the library never prints. */
        return xmlReadMemory(xml, (int) strlen(xml), name, NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static xmlXPathObject *xp_eval(xmlXPathContext *ctx, xmlNode *at, const char *expr) {
        ctx->node = at;
        return xmlXPathEvalExpression((const xmlChar *) expr, ctx);
}

/* The string value of expr, stripped; NULL when empty. */
static char *xp_string(xmlXPathContext *ctx, xmlNode *at, const char *expr) {
        _cleanup_free_ char *e = mc_strdup_printf("normalize-space(%s)", expr);
        _cleanup_(xpath_obj_freep) xmlXPathObject *o = xp_eval(ctx, at, e);

        if (!o || o->type != XPATH_STRING || !o->stringval || !*o->stringval)
                return NULL;
        return mc_strdup((const char *) o->stringval);
}

static xmlNode *xp_node(xmlXPathContext *ctx, xmlNode *at, const char *expr) {
        _cleanup_(xpath_obj_freep) xmlXPathObject *o = xp_eval(ctx, at, expr);

        if (!o || o->type != XPATH_NODESET || xmlXPathNodeSetIsEmpty(o->nodesetval))
                return NULL;
        return o->nodesetval->nodeTab[0];
}

/* The text of every node expr selects (elements or attributes), in document order. */
static json_object *xp_strings(xmlXPathContext *ctx, xmlNode *at, const char *expr) {
        _cleanup_(xpath_obj_freep) xmlXPathObject *o = xp_eval(ctx, at, expr);
        json_object *a = json_object_new_array();

        if (!o || o->type != XPATH_NODESET || !o->nodesetval)
                return a;
        for (int i = 0; i < o->nodesetval->nodeNr; i++) {
                _cleanup_(xml_freep) xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
                _cleanup_free_ char *t = s ? mc_strdup((const char *) s) : NULL;

                if (t && *mc_strip(t))
                        json_object_array_add(a, json_object_new_string(mc_strip(t)));
        }
        return a;
}

static void add_string(json_object *o, const char *key, char *v) {
        if (v)
                json_object_object_add(o, key, json_object_new_string(v));
        free(v);
}

static bool array_has(json_object *a, const char *s) {
        for (size_t i = 0; a && i < json_object_array_length(a); i++)
                if (streq_ptr(mc_json_str(json_object_array_get_idx(a, i), NULL), s))
                        return true;
        return false;
}

/* Serialise a node (and its subtree) as libvirt expects CPU XML. */
static char *node_xml(xmlDoc *doc, xmlNode *n) {
        _cleanup_(xml_buffer_freep) xmlBuffer *b = mc_assert_alloc(xmlBufferCreate());

        if (xmlNodeDump(b, doc, n, 0, 0) < 0)
                return NULL;
        return mc_strdup((const char *) xmlBufferContent(b));
}

/* A CPU definition built with libxml2, so that names are escaped. */
static char *cpu_xml(const char *arch, const char *model, const char *vendor, json_object *features, bool guest) {
        _cleanup_(xml_doc_freep) xmlDoc *doc = mc_assert_alloc(xmlNewDoc((const xmlChar *) "1.0"));
        xmlNode *cpu = mc_assert_alloc(xmlNewNode(NULL, (const xmlChar *) "cpu")), *m;

        xmlDocSetRootElement(doc, cpu);
        if (guest)
                xmlNewProp(cpu, (const xmlChar *) "match", (const xmlChar *) "exact");
        if (arch)
                xmlNewTextChild(cpu, NULL, (const xmlChar *) "arch", (const xmlChar *) arch);
        if (model) {
                m = xmlNewTextChild(cpu, NULL, (const xmlChar *) "model", (const xmlChar *) model);
                if (guest)
                        xmlNewProp(m, (const xmlChar *) "fallback", (const xmlChar *) "forbid");
        }
        if (vendor)
                xmlNewTextChild(cpu, NULL, (const xmlChar *) "vendor", (const xmlChar *) vendor);
        for (size_t i = 0; features && i < json_object_array_length(features); i++) {
                xmlNode *f = xmlNewChild(cpu, NULL, (const xmlChar *) "feature", NULL);

                xmlNewProp(f, (const xmlChar *) "name",
                           (const xmlChar *) json_object_get_string(json_object_array_get_idx(features, i)));
        }
        return node_xml(doc, cpu);
}

/* Every migratable feature of a CPU, as libvirt's CPU map expands its
 * model: comparing two CPUs named by different models needs the full sets.
 * virConnectBaselineCPU is one of the few CPU calls a read-only connection
 * may make. */
static json_object *expand_features(virConnectPtr conn, const char *xml, json_object *drop, json_object *lv,
                                    const char *part) {
        const char *cpus[] = { xml };
        _cleanup_free_ char *out = NULL;
        _cleanup_(xml_doc_freep) xmlDoc *doc = NULL;
        _cleanup_(xpath_ctx_freep) xmlXPathContext *ctx = NULL;
        json_object *all, *res;

        if (!conn || !xml)
                return NULL;
        out = virConnectBaselineCPU(conn, cpus, 1,
                                    VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES | VIR_CONNECT_BASELINE_CPU_MIGRATABLE);
        if (!out) {
                /* Drivers without the migratable filter (the test driver) still expand. */
                virResetLastError();
                out = virConnectBaselineCPU(conn, cpus, 1, VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES);
        }
        if (!out) {
                set_virt_error(lv, part);
                return NULL;
        }
        doc = parse_xml(out, "baseline.xml");
        if (!doc || !(ctx = xmlXPathNewContext(doc))) {
                set_error(lv, part, "libvirt's expanded CPU is not XML");
                return NULL;
        }
        all = xp_strings(ctx, xmlDocGetRootElement(doc),
                         "/cpu/feature[not(@policy) or @policy='require' or @policy='force']/@name");
        res = json_object_new_array();
        for (size_t i = 0; i < json_object_array_length(all); i++) {
                json_object *f = json_object_array_get_idx(all, i);

                if (!array_has(drop, json_object_get_string(f)))
                        json_object_array_add(res, json_object_get(f));
        }
        json_object_put(all);
        return res;
}

void mc_libvirt_caps_to_json(virConnectPtr conn, const char *xml, json_object *lv) {
        _cleanup_(xml_doc_freep) xmlDoc *doc = parse_xml(xml, "capabilities.xml");
        _cleanup_(xpath_ctx_freep) xmlXPathContext *ctx = NULL;
        _cleanup_free_ char *host_cpu = NULL;
        xmlNode *root, *cpu_node;
        json_object *cpu, *all;

        if (!doc || !(ctx = xmlXPathNewContext(doc))) {
                set_error(lv, "capabilities", "capabilities are not XML");
                return;
        }
        root = xmlDocGetRootElement(doc);
        add_string(lv, "uuid", xp_string(ctx, root, "/capabilities/host/uuid"));
        cpu_node = xp_node(ctx, root, "/capabilities/host/cpu");
        if (!cpu_node) {
                set_error(lv, "cpu", "capabilities have no host CPU");
                return;
        }
        cpu = json_object_new_object();
        add_string(cpu, "arch", xp_string(ctx, cpu_node, "arch"));
        add_string(cpu, "model", xp_string(ctx, cpu_node, "model"));
        add_string(cpu, "vendor", xp_string(ctx, cpu_node, "vendor"));
        json_object_object_add(cpu, "features", xp_strings(ctx, cpu_node, "feature/@name"));
        json_object_object_add(lv, "cpu", cpu);
        /* Without a model (libvirt's CPU map does not know this CPU, or the
         * test driver), there is nothing to expand. */
        if (!mc_json_str(cpu, "model")) {
                set_error(lv, "cpu", "libvirt names no model for the host CPU");
                return;
        }
        host_cpu = node_xml(doc, cpu_node);
        all = expand_features(conn, host_cpu, NULL, lv, "cpu_expand");
        if (all)
                json_object_object_add(cpu, "all_features", all);
}

/* Position of name in libvirt's CPU map, SIZE_MAX when the map lacks it. */
static size_t map_index(char *const *map, const char *name) {
        for (size_t i = 0; map && map[i]; i++)
                if (streq(map[i], name))
                        return i;
        return SIZE_MAX;
}

struct ranked {
        size_t rank, pos;
        json_object *name;
};

static int ranked_cmp(const void *a, const void *b) {
        const struct ranked *x = a, *y = b;

        if (x->rank != y->rank)
                return x->rank < y->rank ? -1 : 1;
        return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Order a's names by libvirt's CPU map (QEMU lists them alphabetically),
 * names the map does not know (QEMU's versioned aliases, which nova's
 * cpu_models refuses) first. */
static json_object *map_ordered(json_object *a, char *const *map) {
        size_t n = json_object_array_length(a);
        _cleanup_free_ struct ranked *r = mc_assert_alloc(calloc(n ?: 1, sizeof(*r)));
        json_object *out = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(a, i);
                size_t k = map ? map_index(map, json_object_get_string(e)) : i;

                r[i] = (struct ranked) { .rank = k == SIZE_MAX ? 0 : k + 1, .pos = i, .name = e };
        }
        qsort(r, n, sizeof(*r), ranked_cmp);
        for (size_t i = 0; i < n; i++)
                json_object_array_add(out, json_object_get(r[i].name));
        return out;
}

/* The number of features libvirt's CPU map gives a model; 0 when the map
 * does not know it. */
static size_t model_features(virConnectPtr conn, const char *arch, const char *model) {
        _cleanup_free_ char *x = cpu_xml(arch, model, NULL, NULL, false), *out = NULL;
        _cleanup_(xml_doc_freep) xmlDoc *doc = NULL;
        _cleanup_(xpath_ctx_freep) xmlXPathContext *ctx = NULL;
        _cleanup_(xpath_obj_freep) xmlXPathObject *o = NULL;
        const char *cpus[] = { x };

        out = virConnectBaselineCPU(conn, cpus, 1, VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES);
        if (!out) {
                virResetLastError();
                return 0;
        }
        doc = parse_xml(out, "model.xml");
        if (!doc || !(ctx = xmlXPathNewContext(doc)))
                return 0;
        o = xp_eval(ctx, xmlDocGetRootElement(doc), "count(/cpu/feature)");
        return o && o->type == XPATH_NUMBER && o->floatval > 0 ? (size_t) o->floatval : 0;
}

/* The usable models from least to most capable (features in libvirt's CPU
 * map; ties keep the order given), so that the last model every node can
 * use is the richest common one: the baseline cpu-compatible proposes. */
static json_object *capability_ordered(virConnectPtr conn, const char *arch, json_object *a) {
        size_t n = json_object_array_length(a);
        _cleanup_free_ struct ranked *r = NULL;
        json_object *out;

        if (!conn || !arch)
                return json_object_get(a);
        r = mc_assert_alloc(calloc(n ?: 1, sizeof(*r)));
        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(a, i);

                r[i] = (struct ranked) { .rank = model_features(conn, arch, json_object_get_string(e)), .pos = i, .name = e };
        }
        qsort(r, n, sizeof(*r), ranked_cmp);
        out = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(out, json_object_get(r[i].name));
        return out;
}

void mc_libvirt_domcaps_to_json(virConnectPtr conn, const char *xml, const char *virt_type, char *const *map_order,
                                json_object *lv) {
        _cleanup_(xml_doc_freep) xmlDoc *doc = parse_xml(xml, "domcapabilities.xml");
        _cleanup_(xpath_ctx_freep) xmlXPathContext *ctx = NULL;
        xmlNode *root, *hm, *custom;

        if (!doc || !(ctx = xmlXPathNewContext(doc))) {
                set_error(lv, "domain_capabilities", "domain capabilities are not XML");
                return;
        }
        root = xmlDocGetRootElement(doc);
        hm = xp_node(ctx, root, "/domainCapabilities/cpu/mode[@name='host-model'][@supported='yes']");
        if (hm) {
                json_object *o = json_object_new_object(), *all;
                _cleanup_free_ char *x = NULL;

                json_object_object_add(o, "virt_type", json_object_new_string(virt_type));
                add_string(o, "model", xp_string(ctx, hm, "model"));
                add_string(o, "vendor", xp_string(ctx, hm, "vendor"));
                json_object_object_add(o, "features", xp_strings(ctx, hm, "feature[@policy='require' or @policy='force']/@name"));
                json_object_object_add(o, "disabled", xp_strings(ctx, hm, "feature[@policy='disable' or @policy='forbid']/@name"));
                json_object_object_add(lv, "host_model", o);
                if (mc_json_str(o, "model")) {
                        x = cpu_xml(mc_json_str(mc_json_get(lv, "cpu"), "arch"), mc_json_str(o, "model"),
                                    mc_json_str(o, "vendor"), mc_json_get(o, "features"), false);
                        all = expand_features(conn, x, mc_json_get(o, "disabled"), lv, "host_model_expand");
                        if (all)
                                json_object_object_add(o, "all_features", all);
                }
        } else
                set_error(lv, "host_model", "domain capabilities offer no host-model CPU");

        custom = xp_node(ctx, root, "/domainCapabilities/cpu/mode[@name='custom'][@supported='yes']");
        if (custom) {
                json_object *o = json_object_new_object(), *blockers = json_object_new_object(), *l, *m;
                _cleanup_(xpath_obj_freep) xmlXPathObject *b = xp_eval(ctx, custom, "blockers[@model]");

                json_object_object_add(o, "source", json_object_new_string("domain capabilities"));
                l = xp_strings(ctx, custom, "model[@usable='yes']");
                m = map_ordered(l, map_order);
                json_object_object_add(o, "usable", capability_ordered(conn, mc_json_str(mc_json_get(lv, "cpu"), "arch"), m));
                json_object_put(m);
                json_object_put(l);
                l = xp_strings(ctx, custom, "model[@usable='no']");
                json_object_object_add(o, "unusable", map_ordered(l, map_order));
                json_object_put(l);
                l = xp_strings(ctx, custom, "model[not(@usable='yes') and not(@usable='no')]");
                if (json_object_array_length(l) > 0)
                        json_object_object_add(o, "unknown", json_object_get(l));
                json_object_put(l);
                /* libvirt >= 10 names the features that make a model unusable. */
                for (int i = 0; b && b->type == XPATH_NODESET && b->nodesetval && i < b->nodesetval->nodeNr; i++) {
                        xmlNode *n = b->nodesetval->nodeTab[i];
                        _cleanup_(xml_freep) xmlChar *model = xmlGetProp(n, (const xmlChar *) "model");

                        if (model)
                                json_object_object_add(blockers, (const char *) model, xp_strings(ctx, n, "feature/@name"));
                }
                if (json_object_object_length(blockers) > 0)
                        json_object_object_add(o, "blockers", json_object_get(blockers));
                json_object_put(blockers);
                json_object_object_add(lv, "custom_models", o);
        }
}

/* A read-only connection may not ask for domain capabilities, but it may
 * compare a CPU with the host's: what nova itself did through Train. Each
 * model of libvirt's CPU map is compared in turn. */
static void custom_by_compare(virConnectPtr conn, const char *arch, char *const *map, json_object *lv) {
        json_object *o = json_object_new_object(), *usable = json_object_new_array(),
                    *unusable = json_object_new_array(), *unknown = json_object_new_array();

        json_object_object_add(o, "source", json_object_new_string("cpu comparison"));
        json_object_object_add(o, "unusable", unusable);
        for (size_t i = 0; map[i]; i++) {
                _cleanup_free_ char *x = cpu_xml(NULL, map[i], NULL, NULL, true);
                int r = virConnectCompareCPU(conn, x, 0);

                if (r == VIR_CPU_COMPARE_IDENTICAL || r == VIR_CPU_COMPARE_SUPERSET)
                        json_object_array_add(usable, json_object_new_string(map[i]));
                else if (r == VIR_CPU_COMPARE_INCOMPATIBLE)
                        json_object_array_add(unusable, json_object_new_string(map[i]));
                else {
                        json_object_array_add(unknown, json_object_new_string(map[i]));
                        /* One reason is enough; the driver gives the same for each. */
                        if (!mc_json_get(mc_json_get(lv, "errors"), "cpu_compare"))
                                set_virt_error(lv, "cpu_compare");
                        virResetLastError();
                }
        }
        if (json_object_array_length(usable) + json_object_array_length(unusable) == 0) {
                json_object_put(usable);
                json_object_put(unknown);
                json_object_put(o);
                return;
        }
        json_object_object_add(o, "usable", capability_ordered(conn, arch, usable));
        json_object_put(usable);
        if (json_object_array_length(unknown) > 0)
                json_object_object_add(o, "unknown", unknown);
        else
                json_object_put(unknown);
        json_object_object_add(lv, "custom_models", o);
}

static void quiet_error(void *data, virErrorPtr err) {
        /* Errors are read with virGetLastErrorMessage where they matter. */
}

static int write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return -errno;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

/* Send what is known so far, one JSON line, before a call that may block:
 * when the deadline passes, the parent keeps the last line and names the
 * call libvirt did not return from. A freshly started libvirtd probes every
 * QEMU binary on its first capabilities request, which takes seconds. */
static void snapshot(int fd, json_object *lv, const char *next_call) {
        const char *text;

        if (next_call)
                json_object_object_add(lv, "_call", json_object_new_string(next_call));
        else
                json_object_object_del(lv, "_call");
        text = json_object_to_json_string_ext(lv, JSON_C_TO_STRING_PLAIN);
        (void) write_all(fd, text, strlen(text));
        (void) write_all(fd, "\n", 1);
}

/* Everything libvirt tells: runs in the child, writes snapshots to fd. */
static void probe(const char *uri, int fd, virConnectPtr *ret_conn) {
        json_object *lv = json_object_new_object();
        virConnectPtr conn;
        unsigned long v = 0;
        const char *type, *arch;
        char **models = NULL;
        char *text;
        int n_models;
        /* nova's virt_type is kvm wherever /dev/kvm exists; plain emulation
         * (qemu) is what a node without it can offer. */
        const char *virt_type = access("/dev/kvm", F_OK) == 0 ? "kvm" : "qemu";

        json_object_object_add(lv, "uri", json_object_new_string(uri));
        virSetErrorFunc(NULL, quiet_error);
        snapshot(fd, lv, "virConnectOpenReadOnly");
        conn = virConnectOpenReadOnly(uri);
        if (!conn) {
                json_object_object_add(lv, "state", json_object_new_string("error"));
                json_object_object_add(lv, "error", json_object_new_string(virGetLastErrorMessage()));
                snapshot(fd, lv, NULL);
                return;
        }
        *ret_conn = conn;
        json_object_object_add(lv, "state", json_object_new_string("ok"));
        if (virConnectGetLibVersion(conn, &v) == 0)
                add_string(lv, "lib_version", dotted(v));
        else
                set_virt_error(lv, "lib_version");
        type = virConnectGetType(conn);
        if (type)
                json_object_object_add(lv, "hv_type", json_object_new_string(type));
        snapshot(fd, lv, "virConnectGetHostname");
        text = virConnectGetHostname(conn);
        if (text)
                json_object_object_add(lv, "hostname", json_object_new_string(text));
        else
                set_virt_error(lv, "hostname");
        free(text);

        /* The slow ones: each may make libvirtd probe QEMU. */
        snapshot(fd, lv, "virConnectGetCapabilities");
        text = virConnectGetCapabilities(conn);
        if (text)
                mc_libvirt_caps_to_json(conn, text, lv);
        else
                set_virt_error(lv, "capabilities");
        free(text);

        snapshot(fd, lv, "virConnectGetVersion");
        /* Fails when no QEMU binary is installed: a fact, not a failure. */
        if (virConnectGetVersion(conn, &v) == 0 && v > 0)
                add_string(lv, "hv_version", dotted(v));
        else
                set_virt_error(lv, "hv_version");

        arch = mc_json_str(mc_json_get(lv, "cpu"), "arch");
        n_models = arch ? virConnectGetCPUModelNames(conn, arch, &models, 0) : -1;
        if (arch && n_models < 0)
                set_virt_error(lv, "cpu_models");

        snapshot(fd, lv, "virConnectGetDomainCapabilities");
        text = virConnectGetDomainCapabilities(conn, NULL, NULL, NULL, virt_type, 0);
        if (text)
                mc_libvirt_domcaps_to_json(conn, text, virt_type, n_models >= 0 ? models : NULL, lv);
        else
                set_virt_error(lv, "domain_capabilities");
        free(text);
        if (!mc_json_get(lv, "custom_models") && n_models > 0) {
                snapshot(fd, lv, "virConnectCompareCPU");
                custom_by_compare(conn, arch, models, lv);
        }
        for (int i = 0; i < n_models; i++)
                free(models[i]);
        free(models);
        snapshot(fd, lv, NULL);
}

void mc_libvirt_probe_run(const char *uri, int out) {
        virConnectPtr conn = NULL;
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        /* The answer keeps a descriptor of its own... */
        int fd = fcntl(out, F_DUPFD_CLOEXEC, 3);

        if (fd < 0)
                return;
        /* ...and whatever libvirt or its helpers write to stdio (debug
         * logging, a client library's warnings) goes nowhere. */
        if (null >= 0) {
                dup2(null, STDIN_FILENO);
                dup2(null, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
        }
        probe(uri, fd, &conn);
        /* The answer is complete at EOF; closing the connection afterwards
         * spares libvirtd's log an "end of file" error for each run. */
        close(fd);
        if (conn)
                virConnectClose(conn);
}

