/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running libvirt as facts (src/collect_libvirt_api.c) and the cluster
 * checks that compare those facts between nodes: host-uuid-unique,
 * cpu-compatible, version-skew.
 *
 * The CPU facts are real: this project's Debian 12 build machine (an AMD
 * EPYC guest that libvirt 9.0 names kvm64), libvirt's own domain
 * capabilities test data for QEMU 7.2 on an EPYC-Rome host
 * (tests/domaincapsdata/qemu_7.2.0.x86_64.xml), and feature sets expanded
 * by libvirt's CPU map (virsh cpu-baseline --features). */
#include <arpa/inet.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "clauses.h"
#include "fix.h"
#include "fixtures.h"
#define MC_LIBVIRT_PROBE_INTERNAL
#include "libvirt_probe.h"
#include "mc_test.h"
#include "util.h"

/* --- fixtures ------------------------------------------------------------------ */

#define FIRMWARE_DEFAULT_UUID "03000200-0400-0500-0006-000700080009"

#define SET(k, v, line) "\"" k "\": {\"value\": \"" v "\", \"line\": " #line ", \"text\": \"" k " = " v "\"}"

/* Debian 12's packages, as dpkg records them. */
#define VERSIONS(libvirt, qemu, nova, release)                                                          \
        "{\"libvirt\": {\"value\": \"" libvirt "\", \"source\": \"/var/lib/dpkg/status\"}, "            \
        "\"qemu\": {\"value\": \"" qemu "\", \"source\": \"/var/lib/dpkg/status\"}, "                   \
        "\"nova\": {\"value\": \"" nova "\", \"source\": \"/var/lib/dpkg/status\", \"release\": \"" release "\"}}"
#define DEBIAN12 VERSIONS("9.0.0-4+deb12u2", "1:7.2+dfsg-7+deb12u18", "2:26.2.2-1~deb12u5", "zed")

/* facts.libvirt of a live collection. */
#define LIBVIRT(uuid, qemu, cpu, more)                                                                  \
        "{\"uri\": \"qemu:///system\", \"state\": \"ok\", \"lib_version\": \"9.0.0\", \"hv_type\": \"QEMU\", " \
        "\"hv_version\": \"" qemu "\", \"hostname\": \"node\", \"uuid\": \"" uuid "\", \"cpu\": " cpu more "}"

/* This machine: libvirt 9.0's capabilities and its read-only fallback for
 * the usable models (virConnectCompareCPU over the CPU map). */
#define CPU_AMD_VM                                                                                       \
        "{\"arch\": \"x86_64\", \"model\": \"kvm64\", \"vendor\": \"AMD\", \"features\": ["               \
        "\"vme\", \"ht\", \"pclmuldq\", \"ssse3\", \"fma\", \"pcid\", \"sse4.1\", \"sse4.2\", "          \
        "\"x2apic\", \"movbe\", \"popcnt\", \"tsc-deadline\", \"aes\", \"xsave\", \"osxsave\", \"avx\", " \
        "\"f16c\", \"rdrand\", \"hypervisor\", \"arat\", \"fsgsbase\", \"tsc_adjust\", \"bmi1\", "       \
        "\"avx2\", \"smep\", \"bmi2\", \"erms\", \"invpcid\", \"avx512f\", \"avx512dq\", \"rdseed\", "   \
        "\"adx\", \"smap\", \"avx512ifma\", \"clflushopt\", \"clwb\", \"avx512cd\", \"sha-ni\", "        \
        "\"avx512bw\", \"avx512vl\", \"avx512vbmi\", \"umip\", \"avx512vbmi2\", \"gfni\", \"vaes\", "    \
        "\"vpclmulqdq\", \"avx512vnni\", \"avx512bitalg\", \"avx512-vpopcntdq\", \"rdpid\", \"fsrm\", "  \
        "\"avx512-bf16\", \"xsaveopt\", \"xsavec\", \"xgetbv1\", \"xsaves\", \"mmxext\", \"fxsr_opt\", " \
        "\"pdpe1gb\", \"rdtscp\", \"lahf_lm\", \"cmp_legacy\", \"cr8legacy\", \"abm\", \"sse4a\", "      \
        "\"misalignsse\", \"3dnowprefetch\", \"osvw\", \"topoext\", \"invtsc\", \"clzero\", "            \
        "\"xsaveerptr\""                                                                                 \
        "], \"all_features\": ["                                                                         \
        "\"3dnowprefetch\", \"abm\", \"adx\", \"aes\", \"apic\", \"arat\", \"avx\", \"avx2\", "          \
        "\"avx512-bf16\", \"avx512-vpopcntdq\", \"avx512bitalg\", \"avx512bw\", \"avx512cd\", "          \
        "\"avx512dq\", \"avx512f\", \"avx512ifma\", \"avx512vbmi\", \"avx512vbmi2\", \"avx512vl\", "     \
        "\"avx512vnni\", \"bmi1\", \"bmi2\", \"clflush\", \"clflushopt\", \"clwb\", \"clzero\", "        \
        "\"cmov\", \"cmp_legacy\", \"cr8legacy\", \"cx16\", \"cx8\", \"de\", \"erms\", \"f16c\", "       \
        "\"fma\", \"fpu\", \"fsgsbase\", \"fsrm\", \"fxsr\", \"fxsr_opt\", \"gfni\", \"ht\", "           \
        "\"hypervisor\", \"invpcid\", \"lahf_lm\", \"lm\", \"mca\", \"mce\", \"misalignsse\", \"mmx\", " \
        "\"mmxext\", \"movbe\", \"msr\", \"mtrr\", \"nx\", \"osvw\", \"pae\", \"pat\", \"pcid\", "       \
        "\"pclmuldq\", \"pdpe1gb\", \"pge\", \"pni\", \"popcnt\", \"pse\", \"pse36\", \"rdpid\", "       \
        "\"rdrand\", \"rdseed\", \"rdtscp\", \"sep\", \"sha-ni\", \"smap\", \"smep\", \"sse\", "         \
        "\"sse2\", \"sse4.1\", \"sse4.2\", \"sse4a\", \"ssse3\", \"syscall\", \"topoext\", \"tsc\", "    \
        "\"tsc-deadline\", \"tsc_adjust\", \"umip\", \"vaes\", \"vme\", \"vpclmulqdq\", \"x2apic\", "    \
        "\"xgetbv1\", \"xsave\", \"xsavec\", \"xsaveerptr\", \"xsaveopt\""                               \
        "]}"
#define CUSTOM_AMD_VM                                                                                    \
        ", \"custom_models\": {\"source\": \"cpu comparison\", \"usable\": ["                             \
        "\"486\", \"pentium\", \"pentiumpro\", \"pentium2\", \"qemu32\", \"pentium3\", \"kvm32\", "      \
        "\"cpu64-rhel5\", \"Opteron_G1\", \"kvm64\", \"cpu64-rhel6\", \"Conroe\", \"Penryn\", "          \
        "\"Nehalem\", \"Westmere\", \"SandyBridge\", \"IvyBridge\", \"Haswell-noTSX\", "                 \
        "\"Broadwell-noTSX\""                                                                            \
        "], \"unusable\": ["                                                                             \
        "\"coreduo\", \"n270\", \"core2duo\", \"qemu64\", \"Nehalem-IBRS\", \"Westmere-IBRS\", "         \
        "\"SandyBridge-IBRS\", \"IvyBridge-IBRS\", \"Haswell-noTSX-IBRS\", \"Haswell\", "                \
        "\"Haswell-IBRS\", \"Broadwell-noTSX-IBRS\", \"Broadwell\", \"Broadwell-IBRS\", "                \
        "\"Skylake-Client\", \"Skylake-Client-IBRS\", \"Skylake-Client-noTSX-IBRS\", "                   \
        "\"Skylake-Server\", \"Skylake-Server-IBRS\", \"Skylake-Server-noTSX-IBRS\", "                   \
        "\"Cascadelake-Server\", \"Cascadelake-Server-noTSX\", \"Icelake-Client\", "                     \
        "\"Icelake-Client-noTSX\", \"Icelake-Server\", \"Icelake-Server-noTSX\", \"Cooperlake\", "       \
        "\"Snowridge\", \"athlon\", \"phenom\", \"Opteron_G2\", \"Opteron_G3\", \"Opteron_G4\", "        \
        "\"Opteron_G5\", \"EPYC\", \"EPYC-IBPB\", \"EPYC-Rome\", \"EPYC-Milan\", \"Dhyana\""             \
        "]}"

/* An Intel Skylake-SP host, expanded by libvirt's CPU map. */
#define CPU_SKYLAKE                                                                                      \
        "{\"arch\": \"x86_64\", \"model\": \"Skylake-Server-IBRS\", \"vendor\": \"Intel\", \"features\": [" \
        "\"ds\", \"acpi\", \"ss\", \"ht\", \"tm\", \"pbe\", \"vmx\", \"osxsave\", \"tsc_adjust\", \"pku\", " \
        "\"md-clear\", \"stibp\", \"arch-capabilities\", \"ssbd\", \"xsaves\", \"pdpe1gb\", \"invtsc\""  \
        "], \"all_features\": ["                                                                         \
        "\"3dnowprefetch\", \"abm\", \"acpi\", \"adx\", \"aes\", \"apic\", \"arat\", "                   \
        "\"arch-capabilities\", \"avx\", \"avx2\", \"avx512bw\", \"avx512cd\", \"avx512dq\", "           \
        "\"avx512f\", \"avx512vl\", \"bmi1\", \"bmi2\", \"clflush\", \"clwb\", \"cmov\", \"cx16\", "     \
        "\"cx8\", \"de\", \"ds\", \"erms\", \"f16c\", \"fma\", \"fpu\", \"fsgsbase\", \"fxsr\", "        \
        "\"hle\", \"ht\", \"invpcid\", \"lahf_lm\", \"lm\", \"mca\", \"mce\", \"md-clear\", \"mmx\", "   \
        "\"movbe\", \"mpx\", \"msr\", \"mtrr\", \"nx\", \"osxsave\", \"pae\", \"pat\", \"pbe\", "        \
        "\"pcid\", \"pclmuldq\", \"pdpe1gb\", \"pge\", \"pku\", \"pni\", \"popcnt\", \"pse\", "          \
        "\"pse36\", \"rdrand\", \"rdseed\", \"rdtscp\", \"rtm\", \"sep\", \"smap\", \"smep\", "          \
        "\"spec-ctrl\", \"ss\", \"ssbd\", \"sse\", \"sse2\", \"sse4.1\", \"sse4.2\", \"ssse3\", "        \
        "\"stibp\", \"syscall\", \"tm\", \"tsc\", \"tsc-deadline\", \"tsc_adjust\", \"vme\", \"vmx\", "  \
        "\"x2apic\", \"xgetbv1\", \"xsave\", \"xsavec\", \"xsaveopt\", \"xsaves\""                       \
        "]}"

/* An EPYC-Rome host: the host-model CPU of libvirt's QEMU 7.2 test data. */
#define CPU_ROME "{\"arch\": \"x86_64\", \"model\": \"EPYC-Rome\", \"vendor\": \"AMD\", \"features\": [\"x2apic\"]}"
#define HOST_MODEL_ROME                                                                                  \
        ", \"host_model\": {\"virt_type\": \"kvm\", \"model\": \"EPYC-Rome\", \"vendor\": \"AMD\", \"features\": [" \
        "\"amd-ssbd\", \"arch-capabilities\", \"cmp_legacy\", \"hypervisor\", \"invtsc\", \"lbrv\", "    \
        "\"mds-no\", \"pause-filter\", \"pfthreshold\", \"pschange-mc-no\", \"rdctl-no\", "              \
        "\"skip-l1dfl-vmentry\", \"ssbd\", \"stibp\", \"svme-addr-chk\", \"tsc-deadline\", "             \
        "\"tsc-scale\", \"tsc_adjust\", \"v-vmsave-vmload\", \"vgif\", \"virt-ssbd\", \"vmcb-clean\", "  \
        "\"x2apic\", \"xsaves\""                                                                         \
        "], \"disabled\": [], \"all_features\": ["                                                       \
        "\"3dnowprefetch\", \"abm\", \"adx\", \"aes\", \"amd-ssbd\", \"amd-stibp\", \"apic\", \"arat\", " \
        "\"arch-capabilities\", \"avx\", \"avx2\", \"bmi1\", \"bmi2\", \"clflush\", \"clflushopt\", "    \
        "\"clwb\", \"clzero\", \"cmov\", \"cmp_legacy\", \"cr8legacy\", \"cx16\", \"cx8\", \"de\", "     \
        "\"f16c\", \"fma\", \"fpu\", \"fsgsbase\", \"fxsr\", \"fxsr_opt\", \"hypervisor\", \"ibpb\", "   \
        "\"lahf_lm\", \"lbrv\", \"lm\", \"mca\", \"mce\", \"mds-no\", \"misalignsse\", \"mmx\", "        \
        "\"mmxext\", \"movbe\", \"msr\", \"mtrr\", \"npt\", \"nrip-save\", \"nx\", \"osvw\", \"pae\", "  \
        "\"pat\", \"pause-filter\", \"pclmuldq\", \"pdpe1gb\", \"perfctr_core\", \"pfthreshold\", "      \
        "\"pge\", \"pni\", \"popcnt\", \"pschange-mc-no\", \"pse\", \"pse36\", \"rdctl-no\", \"rdpid\", " \
        "\"rdrand\", \"rdseed\", \"rdtscp\", \"sep\", \"sha-ni\", \"skip-l1dfl-vmentry\", \"smap\", "    \
        "\"smep\", \"ssbd\", \"sse\", \"sse2\", \"sse4.1\", \"sse4.2\", \"sse4a\", \"ssse3\", "          \
        "\"stibp\", \"svm\", \"svme-addr-chk\", \"syscall\", \"tsc\", \"tsc-deadline\", \"tsc-scale\", " \
        "\"tsc_adjust\", \"umip\", \"v-vmsave-vmload\", \"vgif\", \"virt-ssbd\", \"vmcb-clean\", "       \
        "\"vme\", \"wbnoinvd\", \"x2apic\", \"xgetbv1\", \"xsave\", \"xsavec\", \"xsaveerptr\", "        \
        "\"xsaveopt\", \"xsaves\""                                                                       \
        "]}"
/* The same CPU on an older kernel and microcode: four features fewer. */
#define HOST_MODEL_ROME_OLD                                                                              \
        ", \"host_model\": {\"virt_type\": \"kvm\", \"model\": \"EPYC-Rome\", \"vendor\": \"AMD\", \"features\": [" \
        "\"amd-ssbd\", \"arch-capabilities\", \"cmp_legacy\", \"hypervisor\", \"invtsc\", \"lbrv\", "    \
        "\"mds-no\", \"pause-filter\", \"pfthreshold\", \"pschange-mc-no\", \"rdctl-no\", "              \
        "\"skip-l1dfl-vmentry\", \"ssbd\", \"stibp\", \"tsc-deadline\", \"tsc-scale\", \"tsc_adjust\", " \
        "\"virt-ssbd\", \"vmcb-clean\", \"x2apic\""                                                      \
        "], \"disabled\": [], \"all_features\": ["                                                       \
        "\"3dnowprefetch\", \"abm\", \"adx\", \"aes\", \"amd-ssbd\", \"amd-stibp\", \"apic\", \"arat\", " \
        "\"arch-capabilities\", \"avx\", \"avx2\", \"bmi1\", \"bmi2\", \"clflush\", \"clflushopt\", "    \
        "\"clwb\", \"clzero\", \"cmov\", \"cmp_legacy\", \"cr8legacy\", \"cx16\", \"cx8\", \"de\", "     \
        "\"f16c\", \"fma\", \"fpu\", \"fsgsbase\", \"fxsr\", \"fxsr_opt\", \"hypervisor\", \"ibpb\", "   \
        "\"lahf_lm\", \"lbrv\", \"lm\", \"mca\", \"mce\", \"mds-no\", \"misalignsse\", \"mmx\", "        \
        "\"mmxext\", \"movbe\", \"msr\", \"mtrr\", \"npt\", \"nrip-save\", \"nx\", \"osvw\", \"pae\", "  \
        "\"pat\", \"pause-filter\", \"pclmuldq\", \"pdpe1gb\", \"perfctr_core\", \"pfthreshold\", "      \
        "\"pge\", \"pni\", \"popcnt\", \"pschange-mc-no\", \"pse\", \"pse36\", \"rdctl-no\", \"rdpid\", " \
        "\"rdrand\", \"rdseed\", \"rdtscp\", \"sep\", \"sha-ni\", \"skip-l1dfl-vmentry\", \"smap\", "    \
        "\"smep\", \"ssbd\", \"sse\", \"sse2\", \"sse4.1\", \"sse4.2\", \"sse4a\", \"ssse3\", "          \
        "\"stibp\", \"svm\", \"syscall\", \"tsc\", \"tsc-deadline\", \"tsc-scale\", \"tsc_adjust\", "    \
        "\"umip\", \"virt-ssbd\", \"vmcb-clean\", \"vme\", \"wbnoinvd\", \"x2apic\", \"xgetbv1\", "      \
        "\"xsave\", \"xsavec\", \"xsaveerptr\", \"xsaveopt\""                                            \
        "]}"
#define CUSTOM_ROME                                                                                      \
        ", \"custom_models\": {\"source\": \"domain capabilities\", \"usable\": ["                       \
        "\"EPYC-Rome-v1\", \"kvm64-v1\", \"486\", \"pentium\", \"pentium2\", \"qemu32\", \"pentium3\", " \
        "\"kvm32\", \"Opteron_G1\", \"kvm64\", \"qemu64\", \"Conroe\", \"Penryn\", \"Opteron_G2\", "     \
        "\"Nehalem\", \"Westmere\", \"Opteron_G3\", \"SandyBridge\", \"Dhyana\", \"EPYC\", \"EPYC-IBPB\", " \
        "\"EPYC-Rome\"], \"unusable\": [\"coreduo\", \"n270\", \"core2duo\", \"IvyBridge\", "             \
        "\"Haswell-noTSX\", \"Broadwell-noTSX\", \"Skylake-Server-IBRS\", \"athlon\", \"phenom\", "       \
        "\"Opteron_G4\", \"Opteron_G5\", \"EPYC-Milan\"], "                                              \
        "\"blockers\": {\"EPYC-Milan\": [\"erms\", \"fsrm\", \"ibrs\", \"invpcid\", \"pcid\", \"pku\"]}}"

/* One node's facts: nova's [libvirt] settings (NULL: no nova.conf), the
 * libvirt section (NULL: collected offline), versions (NULL: Debian 12's). */
static struct mc_node *add_node(struct mc_cluster *c, const char *name, const char *nova, const char *libvirt,
                                const char *versions) {
        _cleanup_free_ char *json = mc_strdup_printf(
                "{\"collection\": {\"root\": \"%s\", \"live\": %s}, "
                "\"node\": {\"hostname\": \"%s\", \"hostname_source\": \"uname\"}, "
                "\"os\": {\"id\": \"debian\", \"version_id\": \"12\"}, "
                "\"versions\": %s, "
                "\"files\": {%s%s%s}, "
                "\"nova\": {\"files\": [%s]}%s%s}",
                libvirt ? "/" : name, libvirt ? "true" : "false", name, versions ?: DEBIAN12,
                nova ? "\"/etc/nova/nova.conf\": {\"path\": \"/etc/nova/nova.conf\", \"kind\": \"nova\", "
                       "\"state\": \"ok\", \"sections\": {\"DEFAULT\": {}, \"libvirt\": {"
                     : "",
                nova ?: "", nova ? "}}}" : "", nova ? "\"/etc/nova/nova.conf\"" : "",
                libvirt ? ", \"libvirt\": " : "", libvirt ?: "");

        return cluster_add_json(c, name, json);
}

struct t {
        struct mc_cluster c;
        struct mc_results rs;
        char *roots[3];
};

static int setup(void **state) {
        *state = calloc(1, sizeof(struct t));
        return 0;
}

static int teardown(void **state) {
        struct t *t = *state;

        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        for (size_t i = 0; i < ELEMENTSOF(t->roots); i++)
                tree_free(t->roots[i]);
        free(t);
        return 0;
}

static void assert_hint(const struct mc_result *r, const char *part) {
        if (!r->hint || !strstr(r->hint, part))
                fail_msg("hint lacks '%s': %s", part, r->hint ?: "(none)");
}

static void assert_summary_lacks(const struct mc_result *r, const char *part) {
        if (strstr(r->summary, part))
                fail_msg("summary has '%s': %s", part, r->summary);
}

/* --- host-uuid-unique ------------------------------------------------------------ */

/* Two of three nodes from one batch of boards: the firmware's default UUID. */
static void test_uuid_duplicate_firmware_default(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "compute1", "", LIBVIRT(FIRMWARE_DEFAULT_UUID, "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "compute2", "", LIBVIRT(FIRMWARE_DEFAULT_UUID, "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "compute3", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);

        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "is also compute2's");
        assert_row(r, MC_FAIL, "firmware default");
        assert_row(r, MC_FAIL, "Attempt to migrate guest to the same host " FIRMWARE_DEFAULT_UUID);
        assert_summary_lacks(r, "compute3");
        assert_evidence(r, "libvirt capabilities", 0, FIRMWARE_DEFAULT_UUID);
        assert_evidence(r, "compute2: libvirt capabilities", 0, FIRMWARE_DEFAULT_UUID);
        assert_hint(r, "set host_uuid = \"$(uuidgen)\" in /etc/libvirt/libvirtd.conf (virtqemud.conf on modular "
                       "hosts) or host_uuid_source = \"machine-id\"");
        assert_row(row_of(&t->rs, "compute2"), MC_FAIL, "is also compute1's");
        assert_row(row_of(&t->rs, "compute3"), MC_PASS, "unique among the 3 nodes");
}

static void test_uuid_unique(void **state) {
        struct t *t = *state;

        add_node(&t->c, "a", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        /* The same UUID spelled as libvirt also accepts it: no dashes, upper case. */
        add_node(&t->c, "b", "", LIBVIRT("9B3F2C1E0D4A4F6B8C7D2E1F0A9B8C7D", "7.2.0", CPU_AMD_VM, ""), NULL);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);
        assert_row(row_of(&t->rs, "a"), MC_PASS, "6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11 is unique among the 2 nodes");
        assert_row(row_of(&t->rs, "b"), MC_PASS, "unique");
}

static void test_uuid_spelling_does_not_hide_a_duplicate(void **state) {
        struct t *t = *state;

        add_node(&t->c, "a", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "b", "", LIBVIRT("6F1C9A0E5B1D4C3E9A530D1F3B2E4A11", "7.2.0", CPU_AMD_VM, ""), NULL);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);
        assert_row(row_of(&t->rs, "a"), MC_FAIL, "is also b's");
        assert_row(row_of(&t->rs, "b"), MC_FAIL, "is also a's");
}

/* Offline (--from trees): host_uuid in libvirtd.conf, read by the real lens. */
static void test_uuid_offline_from_libvirtd_conf(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        for (size_t i = 0; i < 3; i++) {
                t->roots[i] = tree_new();
                fixture_debian12_zed(t->roots[i]);
        }
        tree_write(t->roots[0], "/etc/libvirt/libvirtd.conf",
                   "#listen_tcp = 1\nauth_tcp = \"sasl\"\nhost_uuid = \"5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4\"\n");
        tree_write(t->roots[1], "/etc/libvirt/libvirtd.conf",
                   "# cloned from compute1's image\nhost_uuid = \"5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4\"\n");
        /* compute3: no host_uuid, so libvirt would read SMBIOS, which only it can. */
        cluster_add_tree(&t->c, "compute1", t->roots[0]);
        cluster_add_tree(&t->c, "compute2", t->roots[1]);
        cluster_add_tree(&t->c, "compute3", t->roots[2]);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);

        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "host UUID 5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4 is also compute2's");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 3, "host_uuid");
        assert_evidence(r, "compute2: /etc/libvirt/libvirtd.conf", 2, "host_uuid");
        assert_row(row_of(&t->rs, "compute2"), MC_FAIL, "is also compute1's");
        r = row_of(&t->rs, "compute3");
        assert_row(r, MC_ERROR, "cannot evaluate: host UUID unknown offline without host_uuid");
}

static void test_uuid_single_node_and_unknown(void **state) {
        struct t *t = *state;

        add_node(&t->c, "alone", "", NULL, NULL);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);
        assert_row(row_of(&t->rs, "alone"), MC_SKIP, "single node");
}

static void test_uuid_libvirt_down_is_error(void **state) {
        struct t *t = *state;

        add_node(&t->c, "a", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "b", "",
                 "{\"uri\": \"qemu:///system\", \"state\": \"error\", \"error\": \"Failed to connect socket to "
                 "'/var/run/libvirt/libvirt-sock-ro': No such file or directory\"}",
                 NULL);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);
        assert_row(row_of(&t->rs, "b"), MC_ERROR, "libvirt at qemu:///system did not answer (Failed to connect socket");
        assert_row(row_of(&t->rs, "a"), MC_SKIP, "no other node's host UUID is known (b)");
}

/* A host_uuid written but the daemon not restarted: the UUID will change. */
static void test_uuid_configured_but_not_running(void **state) {
        struct t *t = *state;
        _cleanup_free_ char *a = NULL;
        const struct mc_result *r;

        t->roots[0] = tree_new();
        fixture_debian12_zed(t->roots[0]);
        tree_write(t->roots[0], "/etc/libvirt/libvirtd.conf", "host_uuid = \"5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4\"\n");
        cluster_add_tree(&t->c, "a", t->roots[0]);
        /* The daemon still runs with the firmware's UUID. */
        json_object_object_add(t->c.nodes[0].facts, "libvirt",
                               json_tokener_parse(LIBVIRT(FIRMWARE_DEFAULT_UUID, "7.2.0", CPU_AMD_VM, "")));
        add_node(&t->c, "b", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);
        r = row_of(&t->rs, "a");
        assert_row(r, MC_WARN, "libvirt runs with host UUID " FIRMWARE_DEFAULT_UUID ", but /etc/libvirt/libvirtd.conf sets");
        assert_evidence(r, "/etc/libvirt/libvirtd.conf", 1, "host_uuid");
        assert_hint(r, "restart");
}

/* --- a rack cloned from one image: 300 nodes ---------------------------------- */

/* Saved facts that differ only in the name: one host UUID, one CPU, one set
 * of versions. Each row names at most MC_NAMES_SHOWN peers and counts the
 * rest, whatever the size of the cluster. */
static void add_clones(struct mc_cluster *c, size_t from, size_t to, const char *libvirt) {
        for (size_t i = from; i < to; i++) {
                _cleanup_free_ char *name = mc_strdup_printf("compute%03zu", i);

                add_node(c, name, "", libvirt, NULL);
        }
}

static size_t count_status(const struct mc_results *rs, enum mc_status st) {
        size_t n = 0;

        for (size_t i = 0; i < rs->n; i++)
                n += rs->items[i].status == st;
        return n;
}

static void test_cloned_rack_uuid(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_clones(&t->c, 0, 300, LIBVIRT("5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4", "7.2.0", CPU_ROME, HOST_MODEL_ROME CUSTOM_ROME));
        run_cluster_check(&t->c, "host-uuid-unique", &t->rs);
        assert_int_equal(t->rs.n, 300);
        assert_int_equal(count_status(&t->rs, MC_FAIL), 300);
        r = row_of(&t->rs, "compute001");
        assert_string_equal(r->summary,
                            "host UUID 5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4 is also that of 299 other nodes (compute000, "
                            "compute002, compute003, compute004, compute005, compute006, compute007, compute008 and 291 "
                            "more): libvirt refuses to migrate between them ('Attempt to migrate guest to the same host "
                            "5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4')");
        /* Its own UUID and those of the peers named, no more. */
        assert_int_equal(r->n_evidence, 1 + MC_NAMES_SHOWN);
        assert_evidence(r, "libvirt capabilities", 0, "host uuid 5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4");
        assert_evidence(r, "compute008: libvirt capabilities", 0, "host uuid 5a7c2b9e");
        r = row_of(&t->rs, "compute299");
        assert_string_equal(r->summary,
                            "host UUID 5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4 is also that of 299 other nodes (compute000, "
                            "compute001, compute002, compute003, compute004, compute005, compute006, compute007 and 291 "
                            "more): libvirt refuses to migrate between them ('Attempt to migrate guest to the same host "
                            "5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4')");
        assert_int_equal(r->n_evidence, 1 + MC_NAMES_SHOWN);
}

/* The same rack with a third of it on older microcode and a newer QEMU:
 * host-model guests of the other nodes cannot move to those, and theirs
 * cannot move back to the older QEMU. */
static void test_cloned_rack_cpu_and_versions(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_clones(&t->c, 0, 200, LIBVIRT("5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4", "7.2.0", CPU_ROME, HOST_MODEL_ROME CUSTOM_ROME));
        add_clones(&t->c, 200, 300,
                   LIBVIRT("5a7c2b9e-3f41-4d8a-b6e2-91c0d7f3a8e4", "8.0.0", CPU_ROME, HOST_MODEL_ROME_OLD CUSTOM_ROME));
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_int_equal(t->rs.n, 300);
        assert_int_equal(count_status(&t->rs, MC_FAIL), 200);
        assert_int_equal(count_status(&t->rs, MC_PASS), 100);
        r = row_of(&t->rs, "compute000");
        assert_string_equal(r->summary, "cpu_mode = host-model: guests started here cannot run on every peer ('CPU "
                                        "doesn't have compatibility'): compute200, compute201, compute202, compute203, "
                                        "compute204, compute205, compute206, compute207 and 92 more lack svme-addr-chk, "
                                        "v-vmsave-vmload, vgif, xsaves");
        /* cpu_mode, its own CPU, one line for the CPU of the 100. */
        assert_int_equal(r->n_evidence, 3);
        r = row_of(&t->rs, "compute250");
        assert_string_equal(r->summary, "cpu_mode = host-model: every peer has every feature of this node's CPU (AMD "
                                        "EPYC-Rome)");
        mc_results_done(&t->rs);

        run_cluster_check(&t->c, "version-skew", &t->rs);
        assert_int_equal(count_status(&t->rs, MC_FAIL), 200);
        assert_int_equal(count_status(&t->rs, MC_PASS), 100);
        r = row_of(&t->rs, "compute123");
        assert_string_equal(r->summary, "QEMU 7.2.0 here is older than on compute200 (8.0.0), compute201 (8.0.0), "
                                        "compute202 (8.0.0), compute203 (8.0.0), compute204 (8.0.0), compute205 (8.0.0), "
                                        "compute206 (8.0.0), compute207 (8.0.0) and 92 more: nova refuses to migrate "
                                        "their guests here ('The instance requires a newer hypervisor version than has "
                                        "been provided')");
        /* Its QEMU and libvirt, the QEMU of each node named. */
        assert_int_equal(r->n_evidence, 2 + MC_NAMES_SHOWN);
        assert_string_equal(row_of(&t->rs, "compute299")->summary,
                            "QEMU 8.0.0 and libvirt 9.0.0 are not older than on any peer, nova zed");
}

/* --- cpu-compatible ------------------------------------------------------------- */

static void test_cpu_passthrough_differing_cpus(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "amd", SET("cpu_mode", "host-passthrough", 6),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, CUSTOM_AMD_VM), NULL);
        add_node(&t->c, "intel", SET("cpu_mode", "host-passthrough", 6),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_SKYLAKE,
                         ", \"custom_models\": {\"source\": \"cpu comparison\", \"usable\": [\"486\", \"qemu64\", "
                         "\"kvm64\", \"Conroe\", \"Nehalem\", \"SandyBridge\", \"Haswell-noTSX\", \"Skylake-Server-IBRS\"], "
                         "\"unusable\": [\"EPYC\"]}"),
                 NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);

        r = row_of(&t->rs, "amd");
        assert_row(r, MC_FAIL, "cpu_mode = host-passthrough needs the same CPU on every node: intel has Intel "
                               "Skylake-Server-IBRS, not AMD kvm64");
        /* Per direction: what the peer lacks of this CPU, and the reverse. */
        assert_row(r, MC_FAIL, "; intel lacks avx512-bf16, avx512-vpopcntdq, avx512bitalg");
        assert_row(r, MC_FAIL, " and 18 more");
        assert_row(r, MC_FAIL, "(guests from here cannot run there)");
        assert_row(r, MC_FAIL, "; this node lacks acpi, arch-capabilities, ds, hle");
        assert_row(r, MC_FAIL, "of intel's CPU (its guests cannot run here)");
        assert_evidence(r, "/etc/nova/nova.conf", 6, "cpu_mode = host-passthrough");
        assert_evidence(r, "libvirt", 0, "host CPU AMD kvm64, 95 features");
        assert_evidence(r, "intel: libvirt", 0, "host CPU Intel Skylake-Server-IBRS, 86 features");
        /* The richest model both list as usable. */
        assert_hint(r, "set cpu_mode = custom and cpu_models = Haswell-noTSX in [libvirt]");
        r = row_of(&t->rs, "intel");
        assert_row(r, MC_FAIL, "amd has AMD kvm64, not Intel Skylake-Server-IBRS");
        assert_row(r, MC_FAIL, "lacks acpi, arch-capabilities, ds, hle");
}

static void test_cpu_passthrough_identical(void **state) {
        struct t *t = *state;

        add_node(&t->c, "a", SET("cpu_mode", "host-passthrough", 6), LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "b", SET("cpu_mode", "host-passthrough", 6), LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_AMD_VM, ""), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_row(row_of(&t->rs, "a"), MC_PASS, "every node has the same CPU (AMD kvm64)");
        assert_row(row_of(&t->rs, "b"), MC_PASS, "same CPU");
}

/* host-model, cpu_mode unset (nova's default): new has four features old
 * lacks, so new's guests cannot go to old; old's guests can go to new. */
static void test_cpu_host_model_subset_both_directions(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "new", SET("virt_type", "kvm", 6),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_ROME, HOST_MODEL_ROME CUSTOM_ROME), NULL);
        add_node(&t->c, "old", "",
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_ROME, HOST_MODEL_ROME_OLD CUSTOM_ROME), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);

        r = row_of(&t->rs, "new");
        assert_row(r, MC_FAIL, "cpu_mode = host-model: guests started here cannot run on every peer");
        assert_row(r, MC_FAIL, "old lacks svme-addr-chk, v-vmsave-vmload, vgif, xsaves");
        assert_evidence(r, "nova default", 0, "cpu_mode unset: host-model");
        assert_evidence(r, "libvirt", 0, "host-model CPU AMD EPYC-Rome, 99 features");
        assert_evidence(r, "old: libvirt", 0, "host-model CPU AMD EPYC-Rome, 95 features");
        assert_hint(r, "cpu_models = EPYC-Rome");
        r = row_of(&t->rs, "old");
        assert_row(r, MC_PASS, "every peer has every feature of this node's CPU (AMD EPYC-Rome)");
}

/* Facts without expanded feature lists (a facts file from an older
 * collector): the same base model compares by its added and removed features. */
static void test_cpu_host_model_same_model_unexpanded(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "a", SET("cpu_mode", "host-model", 6),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_ROME,
                         ", \"host_model\": {\"model\": \"EPYC-Rome\", \"vendor\": \"AMD\", "
                         "\"features\": [\"x2apic\", \"xsaves\"], \"disabled\": []}"),
                 NULL);
        add_node(&t->c, "b", SET("cpu_mode", "host-model", 6),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_ROME,
                         ", \"host_model\": {\"model\": \"EPYC-Rome\", \"vendor\": \"AMD\", "
                         "\"features\": [\"x2apic\"], \"disabled\": [\"sha-ni\"]}"),
                 NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        r = row_of(&t->rs, "a");
        assert_row(r, MC_FAIL, "b lacks xsaves, sha-ni");
        /* No usable model lists: the hint cannot name one. */
        assert_hint(r, "to a model every node lists as usable");
        assert_row(row_of(&t->rs, "b"), MC_PASS, "every peer has every feature");
}

/* nova-cpu-mode's fixer: cpu_mode = custom without a model gets the
 * cluster's baseline, the model the cpu-compatible hint names; a node
 * alone has no baseline and is left to the operator. */
static void test_cpu_custom_without_model_fixed_with_baseline(void **state) {
        struct t *t = *state;
        const struct mc_fix_opts fo = { .backup = true };
        struct mc_plan plan = {};
        struct mc_render rd = {};
        _cleanup_free_ char *err = NULL, *diff = NULL;

        add_node(&t->c, "rome", SET("cpu_mode", "custom", 2),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_ROME, HOST_MODEL_ROME CUSTOM_ROME), NULL);
        add_node(&t->c, "vm", SET("cpu_mode", "custom", 2),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_AMD_VM, CUSTOM_AMD_VM), NULL);
        run_cluster_check(&t->c, "nova-cpu-mode", &t->rs);
        assert_row(row_of(&t->rs, "vm"), MC_FAIL, "cpu_mode = custom without a CPU model");

        mc_fix_plan_node(&t->c, &t->c.nodes[1], &t->rs, &fo, &plan);
        assert_int_equal(plan.n_unfixable, 0);
        assert_int_equal(plan.n_files, 1);
        assert_string_equal(plan.files[0].file, "/etc/nova/nova.conf");
        assert_int_equal(plan.files[0].n_edits, 1);
        /* zed reads cpu_models; SandyBridge is the last model both list. */
        assert_string_equal(plan.files[0].edits[0].path, "libvirt/cpu_models");
        assert_string_equal(plan.files[0].edits[0].value, "SandyBridge");
        assert_true(mc_strv_contains(plan.restart, "systemctl restart nova-compute"));

        t->roots[0] = tree_new();
        tree_write(t->roots[0], "/etc/nova/nova.conf", "[DEFAULT]\n# keep me\n[libvirt]\ncpu_mode = custom\n\n[vnc]\nenabled = true\n");
        assert_int_equal(mc_fix_render(t->roots[0], &plan, &rd, &err), 0);
        diff = mc_fix_diff(&rd, &plan);
        assert_string_equal(diff, "--- a/etc/nova/nova.conf\n+++ b/etc/nova/nova.conf\n@@ -2,6 +2,7 @@\n # keep me\n"
                                  " [libvirt]\n cpu_mode = custom\n+cpu_models = SandyBridge\n \n [vnc]\n enabled = true\n");
        mc_render_done(&rd);
        mc_plan_done(&plan);

        /* One node: no baseline to agree on. */
        mc_results_done(&t->rs);
        mc_cluster_done(&t->c);
        add_node(&t->c, "vm", SET("cpu_mode", "custom", 2),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_AMD_VM, CUSTOM_AMD_VM), NULL);
        run_cluster_check(&t->c, "nova-cpu-mode", &t->rs);
        mc_fix_plan_node(&t->c, &t->c.nodes[0], &t->rs, &fo, &plan);
        assert_true(mc_plan_empty(&plan));
        assert_int_equal(plan.n_unfixable, 1);
        assert_non_null(strstr(plan.unfixable[0].reason, "run migcheck across the cluster"));
        mc_plan_done(&plan);
}

static void test_cpu_host_model_vendor_differs(void **state) {
        struct t *t = *state;

        add_node(&t->c, "amd", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "intel", "", LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_SKYLAKE, ""), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_row(row_of(&t->rs, "amd"), MC_FAIL, "intel has Intel Skylake-Server-IBRS, not AMD kvm64");
        assert_row(row_of(&t->rs, "intel"), MC_FAIL, "amd has AMD kvm64, not Intel Skylake-Server-IBRS");
}

/* cpu_models = EPYC-Rome: the Rome host runs it, this machine's EPYC guest
 * does not (libvirt's comparison says incompatible). */
static void test_cpu_custom_model_not_usable_on_one_node(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "rome", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "EPYC-Rome", 7),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_ROME, HOST_MODEL_ROME CUSTOM_ROME), NULL);
        add_node(&t->c, "vm", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "EPYC-Rome", 7),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_AMD_VM, CUSTOM_AMD_VM), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);

        r = row_of(&t->rs, "rome");
        assert_row(r, MC_FAIL, "cpu_mode = custom, cpu_models = EPYC-Rome: EPYC-Rome is not usable on vm");
        assert_row(r, MC_FAIL, "guests started here cannot run there");
        assert_evidence(r, "/etc/nova/nova.conf", 7, "cpu_models = EPYC-Rome");
        /* The last model both list (least to most capable): SandyBridge. */
        assert_hint(r, "set cpu_mode = custom and cpu_models = SandyBridge in [libvirt] of nova.conf on every node");
        r = row_of(&t->rs, "vm");
        assert_row(r, MC_FAIL, "EPYC-Rome is not usable on this node");
        assert_row(r, MC_FAIL, "nova-compute refuses the model here");
}

static void test_cpu_custom_blockers_and_unknown_model(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "a", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "EPYC-Milan", 7),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_ROME, CUSTOM_ROME), NULL);
        add_node(&t->c, "b", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "Zen9", 7),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_ROME, CUSTOM_ROME), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        r = row_of(&t->rs, "a");
        assert_row(r, MC_FAIL, "EPYC-Milan is not usable on this node (lacks erms, fsrm, ibrs, invpcid, pcid, pku)");
        assert_row(r, MC_FAIL, "EPYC-Milan is not usable on b (lacks erms");
        assert_row(row_of(&t->rs, "b"), MC_FAIL, "Zen9 is unknown to libvirt on this node");
}

static void test_cpu_custom_usable_everywhere(void **state) {
        struct t *t = *state;

        add_node(&t->c, "rome", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "SandyBridge", 7),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_ROME, CUSTOM_ROME), NULL);
        add_node(&t->c, "vm", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "sandybridge", 7),
                 LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_AMD_VM, CUSTOM_AMD_VM), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_row(row_of(&t->rs, "rome"), MC_PASS, "cpu_models = SandyBridge is usable on every node");
        assert_row(row_of(&t->rs, "vm"), MC_PASS, "usable on every node");
}

/* Offline facts have no CPU: never a pass. */
static void test_cpu_missing_facts_error(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "live", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "offline", "", NULL, NULL);
        add_node(&t->c, "down", "",
                 "{\"uri\": \"qemu:///system\", \"state\": \"error\", \"error\": \"no answer from libvirt at "
                 "qemu:///system within 5000 ms (daemon hung or overloaded)\"}",
                 NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        r = row_of(&t->rs, "offline");
        assert_row(r, MC_ERROR, "cannot evaluate: CPU unknown: collected offline");
        assert_hint(r, "collect the node live");
        r = row_of(&t->rs, "down");
        assert_row(r, MC_ERROR, "libvirt did not answer (no answer from libvirt");
        assert_hint(r, "run migcheck again");
        r = row_of(&t->rs, "live");
        assert_row(r, MC_ERROR, "cannot compare this node's CPU (cpu_mode = host-model) with offline (CPU unknown");
        assert_row(r, MC_ERROR, "down (CPU unknown: libvirt did not answer");
}

static void test_cpu_single_node_skips(void **state) {
        struct t *t = *state;

        add_node(&t->c, "alone", SET("cpu_mode", "host-passthrough", 6), NULL, NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_row(row_of(&t->rs, "alone"), MC_SKIP, "single node");
}

/* A single node still tells whether its own custom model is usable. */
static void test_cpu_single_node_custom_unusable_fails(void **state) {
        struct t *t = *state;

        add_node(&t->c, "alone", SET("cpu_mode", "custom", 6) ", " SET("cpu_models", "Skylake-Server-IBRS", 7),
                 LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, CUSTOM_AMD_VM), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_row(row_of(&t->rs, "alone"), MC_FAIL, "Skylake-Server-IBRS is not usable on this node");
}

static void test_cpu_not_nova_or_qemu_skips(void **state) {
        struct t *t = *state;

        add_node(&t->c, "plain", NULL, LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "tcg", SET("virt_type", "qemu", 6), LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_SKYLAKE, ""), NULL);
        run_cluster_check(&t->c, "cpu-compatible", &t->rs);
        assert_row(row_of(&t->rs, "plain"), MC_SKIP, "not a nova compute node");
        assert_row(row_of(&t->rs, "tcg"), MC_SKIP, "virt_type = qemu");
}

/* --- version-skew ------------------------------------------------------------------ */

static void test_versions_qemu_skew(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        /* compute1 and compute3 offline (dpkg, different Debian revisions of
         * the same upstream), compute2 live with a newer QEMU. */
        add_node(&t->c, "compute1", "", NULL, NULL);
        add_node(&t->c, "compute2", "", LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "8.2.2", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "compute3", "", NULL,
                 VERSIONS("9.0.0-4+deb12u1", "1:7.2+dfsg-7+deb12u2", "2:26.2.2-1~deb12u5", "zed"));
        run_cluster_check(&t->c, "version-skew", &t->rs);

        r = row_of(&t->rs, "compute1");
        assert_row(r, MC_FAIL, "QEMU 7.2 here is older than on compute2 (8.2.2)");
        assert_row(r, MC_FAIL, "The instance requires a newer hypervisor version than has been provided");
        assert_summary_lacks(r, "compute3");
        assert_evidence(r, "/var/lib/dpkg/status", 0, "qemu 1:7.2+dfsg-7+deb12u18");
        assert_evidence(r, "compute2: libvirt API (getVersion)", 0, "qemu 8.2.2");
        assert_hint(r, "upgrade QEMU here to at least the version of compute2");
        assert_row(row_of(&t->rs, "compute3"), MC_FAIL, "older than on compute2");
        r = row_of(&t->rs, "compute2");
        assert_row(r, MC_PASS, "QEMU 8.2.2 and libvirt 9.0.0 are not older than on any peer, nova zed");
}

static void test_versions_equal_across_spellings(void **state) {
        struct t *t = *state;

        /* "7.2.0" from libvirt and "1:7.2+dfsg-7+deb12u18" from dpkg are one release. */
        add_node(&t->c, "a", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.0", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "b", "", NULL, NULL);
        run_cluster_check(&t->c, "version-skew", &t->rs);
        assert_row(row_of(&t->rs, "a"), MC_PASS, "QEMU 7.2.0");
        assert_row(row_of(&t->rs, "b"), MC_PASS, "QEMU 7.2 and libvirt 9.0.0");
}

/* What this machine reports: Debian's QEMU 1:7.2+dfsg-7+deb12u18 is
 * 7.2.22 to libvirt. The package says no more than 7.2: not older. */
static void test_versions_package_precision(void **state) {
        struct t *t = *state;

        add_node(&t->c, "live", "", LIBVIRT("6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11", "7.2.22", CPU_AMD_VM, ""), NULL);
        add_node(&t->c, "offline", "", NULL, NULL);
        add_node(&t->c, "older", "", LIBVIRT("9b3f2c1e-0d4a-4f6b-8c7d-2e1f0a9b8c7d", "7.2.0", CPU_AMD_VM, ""), NULL);
        run_cluster_check(&t->c, "version-skew", &t->rs);
        assert_row(row_of(&t->rs, "live"), MC_PASS, "QEMU 7.2.22");
        assert_row(row_of(&t->rs, "offline"), MC_PASS, "QEMU 7.2 and");
        /* Both from libvirt: 7.2.0 is older than 7.2.22. */
        assert_row(row_of(&t->rs, "older"), MC_FAIL, "QEMU 7.2.0 here is older than on live (7.2.22)");
}

static void test_versions_nova_release_mismatch(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "zed", "", NULL, NULL);
        add_node(&t->c, "antelope", "", NULL,
                 VERSIONS("9.0.0-4+deb12u2", "1:7.2+dfsg-7+deb12u18", "27.1.0", "2023.1"));
        run_cluster_check(&t->c, "version-skew", &t->rs);
        r = row_of(&t->rs, "zed");
        assert_row(r, MC_WARN, "nova releases differ: zed here, antelope 2023.1");
        assert_hint(r, "one release apart");
        assert_row(row_of(&t->rs, "antelope"), MC_WARN, "nova releases differ: 2023.1 here, zed zed");
}

static void test_versions_libvirt_older_warns(void **state) {
        struct t *t = *state;

        add_node(&t->c, "old", "", NULL, VERSIONS("8.0.0-1ubuntu7.10", "1:7.2+dfsg-7+deb12u18", "2:26.2.2-1~deb12u5", "zed"));
        add_node(&t->c, "new", "", NULL, NULL);
        run_cluster_check(&t->c, "version-skew", &t->rs);
        assert_row(row_of(&t->rs, "old"), MC_WARN, "libvirt 8.0.0 here is older than on new (9.0.0)");
        assert_row(row_of(&t->rs, "new"), MC_PASS, "not older");
}

static void test_versions_unknown_error(void **state) {
        struct t *t = *state;
        const struct mc_result *r;

        add_node(&t->c, "known", "", NULL, NULL);
        add_node(&t->c, "bare", "", NULL, "{}");
        run_cluster_check(&t->c, "version-skew", &t->rs);
        r = row_of(&t->rs, "bare");
        assert_row(r, MC_ERROR, "cannot evaluate the QEMU version");
        assert_hint(r, "dpkg");
        assert_row(row_of(&t->rs, "known"), MC_PASS, "not compared: bare (QEMU version unknown)");
}

static void test_versions_single_node_skips(void **state) {
        struct t *t = *state;

        add_node(&t->c, "alone", "", NULL, "{}");
        run_cluster_check(&t->c, "version-skew", &t->rs);
        assert_row(row_of(&t->rs, "alone"), MC_SKIP, "single node");
}

/* A hostile or truncated facts file: wrong types read as unknown, never a crash. */
static void test_wrong_types_are_unknown(void **state) {
        struct t *t = *state;
        static const char *const ids[] = { "host-uuid-unique", "cpu-compatible", "version-skew" };

        cluster_add_json(&t->c, "a",
                         "{\"libvirt\": {\"state\": \"ok\", \"uuid\": 7, \"hv_version\": [], \"cpu\": {\"model\": \"x\", "
                         "\"features\": {}, \"all_features\": \"sse2\"}, \"host_model\": 3, "
                         "\"custom_models\": {\"usable\": {}, \"blockers\": []}}, \"versions\": [], "
                         "\"nova\": {\"files\": [\"/etc/nova/nova.conf\"]}, \"files\": {\"/etc/nova/nova.conf\": "
                         "{\"state\": \"ok\", \"sections\": {\"libvirt\": {\"cpu_mode\": {\"value\": \"custom\"}, "
                         "\"cpu_models\": {\"value\": \"x\"}}}}}}");
        cluster_add_json(&t->c, "b",
                         "{\"libvirt\": \"ok\", \"versions\": {\"qemu\": \"7.2\", \"nova\": {\"release\": 26}}, "
                         "\"nova\": {\"files\": {}}}");
        cluster_add_json(&t->c, "c", "{\"libvirt\": {\"state\": \"ok\", \"cpu\": [], \"lib_version\": \"\"}}");
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                mc_results_done(&t->rs);
                run_cluster_check(&t->c, ids[i], &t->rs);
                assert_int_equal(t->rs.n, 3);
                /* Nothing comparable anywhere: no row may pass. */
                for (size_t k = 0; k < t->rs.n; k++)
                        assert_int_not_equal(t->rs.items[k].status, MC_PASS);
        }
}

/* --- the collector's parts ---------------------------------------------------------- */

/* This machine's `virsh capabilities` (libvirt 9.0), abridged. */
static const char caps_xml[] =
        "<capabilities>\n"
        "\n"
        "  <host>\n"
        "    <uuid>6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11</uuid>\n"
        "    <cpu>\n"
        "      <arch>x86_64</arch>\n"
        "      <model>kvm64</model>\n"
        "      <vendor>AMD</vendor>\n"
        "      <microcode version='16777317'/>\n"
        "      <signature family='25' model='17' stepping='1'/>\n"
        "      <counter name='tsc' frequency='2596138000' scaling='no'/>\n"
        "      <topology sockets='1' dies='1' cores='2' threads='1'/>\n"
        "      <maxphysaddr mode='emulate' bits='48'/>\n"
        "      <feature name='vme'/>\n"
        "      <feature name='ht'/>\n"
        "      <feature name='pclmuldq'/>\n"
        "      <feature name='avx512f'/>\n"
        "      <feature name='sha-ni'/>\n"
        "      <feature name='invtsc'/>\n"
        "      <feature name='xsaveerptr'/>\n"
        "      <pages unit='KiB' size='4'/>\n"
        "      <pages unit='KiB' size='2048'/>\n"
        "      <pages unit='KiB' size='1048576'/>\n"
        "    </cpu>\n"
        "    <power_management/>\n"
        "    <iommu support='no'/>\n"
        "    <migration_features>\n"
        "      <live/>\n"
        "      <uri_transports>\n"
        "        <uri_transport>tcp</uri_transport>\n"
        "        <uri_transport>rdma</uri_transport>\n"
        "      </uri_transports>\n"
        "    </migration_features>\n"
        "    <secmodel>\n"
        "      <model>none</model>\n"
        "      <doi>0</doi>\n"
        "    </secmodel>\n"
        "  </host>\n"
        "\n"
        "</capabilities>\n";

/* libvirt's tests/domaincapsdata/qemu_7.2.0.x86_64.xml, abridged: the
 * host-model CPU of an EPYC-Rome host and some custom models. */
static const char domcaps_xml[] =
        "<domainCapabilities>\n"
        "  <path>/usr/bin/qemu-system-x86_64</path>\n"
        "  <domain>kvm</domain>\n"
        "  <machine>pc-i440fx-7.2</machine>\n"
        "  <arch>x86_64</arch>\n"
        "  <cpu>\n"
        "    <mode name='host-passthrough' supported='yes'>\n"
        "      <enum name='hostPassthroughMigratable'>\n"
        "        <value>on</value>\n"
        "        <value>off</value>\n"
        "      </enum>\n"
        "    </mode>\n"
        "    <mode name='host-model' supported='yes'>\n"
        "      <model fallback='forbid'>EPYC-Rome</model>\n"
        "      <vendor>AMD</vendor>\n"
        "      <maxphysaddr mode='passthrough' limit='64'/>\n"
        "      <feature policy='require' name='amd-ssbd'/>\n"
        "      <feature policy='require' name='x2apic'/>\n"
        "      <feature policy='require' name='xsaves'/>\n"
        "      <feature policy='disable' name='sha-ni'/>\n"
        "    </mode>\n"
        "    <mode name='custom' supported='yes'>\n"
        "      <model usable='yes' vendor='unknown' canonical='486-v1'>486</model>\n"
        "      <model usable='no' vendor='Intel' canonical='Broadwell-v1'>Broadwell</model>\n"
        "      <blockers model='Broadwell'>\n"
        "        <feature name='erms'/>\n"
        "        <feature name='hle'/>\n"
        "      </blockers>\n"
        "      <model usable='yes' vendor='AMD' canonical='EPYC-v1'>EPYC</model>\n"
        "      <model usable='no' vendor='AMD' canonical='EPYC-Milan-v1'>EPYC-Milan</model>\n"
        "      <blockers model='EPYC-Milan'>\n"
        "        <feature name='erms'/>\n"
        "        <feature name='fsrm'/>\n"
        "      </blockers>\n"
        "      <model usable='yes' vendor='AMD' canonical='EPYC-Rome-v1'>EPYC-Rome</model>\n"
        "      <model usable='yes' vendor='AMD'>EPYC-Rome-v1</model>\n"
        "      <model usable='yes' vendor='AMD' canonical='Opteron_G1-v1'>Opteron_G1</model>\n"
        "      <model usable='yes' vendor='Intel' canonical='SandyBridge-v1'>SandyBridge</model>\n"
        "      <model usable='yes' vendor='unknown' canonical='kvm64-v1'>kvm64</model>\n"
        "      <model usable='yes' vendor='unknown' canonical='qemu64-v1'>qemu64</model>\n"
        "    </mode>\n"
        "  </cpu>\n"
        "</domainCapabilities>\n";

static void virt_connect_closep(virConnectPtr *c) {
        if (*c)
                virConnectClose(*c);
}

static bool json_array_has(json_object *a, const char *s) {
        for (size_t i = 0; a && i < json_object_array_length(a); i++)
                if (streq(json_object_get_string(json_object_array_get_idx(a, i)), s))
                        return true;
        return false;
}

static void quiet(void *data, virErrorPtr e) {
}

/* Capabilities to facts; the test driver (in-process) expands the CPU as
 * libvirtd would. */
static void test_caps_to_json(void **state) {
        _cleanup_(virt_connect_closep) virConnectPtr conn = NULL;
        _cleanup_json_ json_object *lv = json_object_new_object();
        json_object *cpu;

        virSetErrorFunc(NULL, quiet);
        conn = virConnectOpenReadOnly("test:///default");
        assert_non_null(conn);
        mc_libvirt_caps_to_json(conn, caps_xml, lv);
        assert_string_equal(mc_json_str(lv, "uuid"), "6f1c9a0e-5b1d-4c3e-9a53-0d1f3b2e4a11");
        cpu = mc_json_get(lv, "cpu");
        assert_string_equal(mc_json_str(cpu, "arch"), "x86_64");
        assert_string_equal(mc_json_str(cpu, "model"), "kvm64");
        assert_string_equal(mc_json_str(cpu, "vendor"), "AMD");
        assert_int_equal(json_object_array_length(mc_json_get(cpu, "features")), 7);
        assert_true(json_array_has(mc_json_get(cpu, "features"), "sha-ni"));
        /* kvm64's own features come from libvirt's CPU map. */
        assert_true(json_array_has(mc_json_get(cpu, "all_features"), "sse2"));
        assert_true(json_array_has(mc_json_get(cpu, "all_features"), "avx512f"));
        assert_null(mc_json_get(lv, "errors"));
}

static void test_caps_without_cpu_model(void **state) {
        _cleanup_json_ json_object *lv = json_object_new_object();

        /* The test driver's own capabilities: no UUID, a CPU without model. */
        mc_libvirt_caps_to_json(NULL, "<capabilities><host><cpu><arch>i686</arch><features><pae/></features></cpu>"
                                      "</host></capabilities>", lv);
        assert_null(mc_json_get(lv, "uuid"));
        assert_string_equal(mc_json_str(mc_json_get(lv, "cpu"), "arch"), "i686");
        assert_non_null(strstr(mc_json_str(mc_json_get(lv, "errors"), "cpu"), "no model"));

        json_object_put(TAKE_PTR(lv));
        lv = json_object_new_object();
        mc_libvirt_caps_to_json(NULL, "<capabilities><host>", lv);
        assert_string_equal(mc_json_str(mc_json_get(lv, "errors"), "capabilities"), "capabilities are not XML");
}

static void test_domcaps_to_json(void **state) {
        _cleanup_(virt_connect_closep) virConnectPtr conn = NULL;
        _cleanup_json_ json_object *lv = json_object_new_object();
        /* virConnectGetCPUModelNames(x86_64) on libvirt 9.0, abridged. */
        char *map[] = { "486", "pentium", "qemu64", "kvm64", "Conroe", "SandyBridge", "Broadwell", "Opteron_G1",
                        "EPYC", "EPYC-Rome", "EPYC-Milan", NULL };
        json_object *hm, *cm, *usable;

        virSetErrorFunc(NULL, quiet);
        conn = virConnectOpenReadOnly("test:///default");
        assert_non_null(conn);
        json_object_object_add(lv, "cpu", json_tokener_parse("{\"arch\": \"x86_64\"}"));
        mc_libvirt_domcaps_to_json(conn, domcaps_xml, "kvm", map, lv);

        hm = mc_json_get(lv, "host_model");
        assert_string_equal(mc_json_str(hm, "model"), "EPYC-Rome");
        assert_string_equal(mc_json_str(hm, "vendor"), "AMD");
        assert_string_equal(mc_json_str(hm, "virt_type"), "kvm");
        assert_int_equal(json_object_array_length(mc_json_get(hm, "features")), 3);
        assert_true(json_array_has(mc_json_get(hm, "disabled"), "sha-ni"));
        /* Expanded: the model's own features, the required ones, minus the disabled. */
        assert_true(json_array_has(mc_json_get(hm, "all_features"), "avx2"));
        assert_true(json_array_has(mc_json_get(hm, "all_features"), "xsaves"));
        assert_false(json_array_has(mc_json_get(hm, "all_features"), "sha-ni"));

        cm = mc_json_get(lv, "custom_models");
        assert_string_equal(mc_json_str(cm, "source"), "domain capabilities");
        usable = mc_json_get(cm, "usable");
        assert_int_equal(json_object_array_length(usable), 8);
        /* Least to most capable; the alias the CPU map does not know first. */
        assert_string_equal(json_object_get_string(json_object_array_get_idx(usable, 0)), "EPYC-Rome-v1");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(usable, 1)), "486");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(usable, 6)), "EPYC");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(usable, 7)), "EPYC-Rome");
        assert_true(json_array_has(mc_json_get(cm, "unusable"), "EPYC-Milan"));
        assert_true(json_array_has(mc_json_path(cm, "blockers", "EPYC-Milan", NULL), "fsrm"));
}

/* This machine's `virsh domcapabilities --virttype kvm` (libvirt 9.0, QEMU
 * 7.2, nested KVM), abridged: QEMU's reverse alphabetical order, no
 * blockers, and a host-model that disables pni. */
static const char domcaps_this_machine_xml[] =
        "<domainCapabilities>\n"
        "  <path>/usr/bin/qemu-system-x86_64</path>\n"
        "  <domain>kvm</domain>\n"
        "  <machine>pc-i440fx-7.2</machine>\n"
        "  <arch>x86_64</arch>\n"
        "  <cpu>\n"
        "    <mode name='host-model' supported='yes'>\n"
        "      <model fallback='forbid'>kvm64</model>\n"
        "      <vendor>AMD</vendor>\n"
        "      <feature policy='require' name='vme'/>\n"
        "      <feature policy='require' name='x2apic'/>\n"
        "      <feature policy='require' name='invtsc'/>\n"
        "      <feature policy='require' name='pschange-mc-no'/>\n"
        "      <feature policy='disable' name='pni'/>\n"
        "    </mode>\n"
        "    <mode name='custom' supported='yes'>\n"
        "      <model usable='no' vendor='unknown'>qemu64</model>\n"
        "      <model usable='no' vendor='unknown'>qemu32</model>\n"
        "      <model usable='yes' vendor='unknown'>pentium3</model>\n"
        "      <model usable='yes' vendor='unknown'>pentium2</model>\n"
        "      <model usable='yes' vendor='unknown'>pentium</model>\n"
        "      <model usable='no' vendor='unknown'>kvm64</model>\n"
        "      <model usable='no' vendor='AMD'>EPYC</model>\n"
        "      <model usable='yes' vendor='unknown'>486</model>\n"
        "    </mode>\n"
        "  </cpu>\n"
        "</domainCapabilities>\n";

static void test_domcaps_this_machine(void **state) {
        _cleanup_(virt_connect_closep) virConnectPtr conn = NULL;
        _cleanup_json_ json_object *lv = json_object_new_object();
        char *map[] = { "486", "pentium", "pentium2", "pentium3", "qemu32", "kvm32", "qemu64", "kvm64", "EPYC", NULL };
        json_object *hm, *usable;

        virSetErrorFunc(NULL, quiet);
        conn = virConnectOpenReadOnly("test:///default");
        assert_non_null(conn);
        json_object_object_add(lv, "cpu", json_tokener_parse("{\"arch\": \"x86_64\"}"));
        mc_libvirt_domcaps_to_json(conn, domcaps_this_machine_xml, "kvm", map, lv);
        hm = mc_json_get(lv, "host_model");
        assert_string_equal(mc_json_str(hm, "model"), "kvm64");
        assert_true(json_array_has(mc_json_get(hm, "disabled"), "pni"));
        assert_false(json_array_has(mc_json_get(hm, "all_features"), "pni"));
        assert_true(json_array_has(mc_json_get(hm, "all_features"), "sse2"));
        usable = mc_json_path(lv, "custom_models", "usable", NULL);
        assert_int_equal(json_object_array_length(usable), 4);
        assert_string_equal(json_object_get_string(json_object_array_get_idx(usable, 0)), "486");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(usable, 3)), "pentium3");
        assert_true(json_array_has(mc_json_path(lv, "custom_models", "unusable", NULL), "kvm64"));
        assert_null(mc_json_path(lv, "custom_models", "blockers", NULL));
}

static bool no_children_left(void) {
        return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static int64_t ms_now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The whole probe, child and pipe included, against the test driver. */
static void test_probe_test_driver(void **state) {
        _cleanup_json_ json_object *lv = mc_libvirt_api_probe("test:///default", 5000);
        unsigned long v = 0;
        _cleanup_free_ char *want = NULL;

        assert_int_equal(virGetVersion(&v, NULL, NULL), 0);
        want = mc_strdup_printf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
        assert_string_equal(mc_json_str(lv, "state"), "ok");
        assert_string_equal(mc_json_str(lv, "uri"), "test:///default");
        assert_string_equal(mc_json_str(lv, "lib_version"), want);
        assert_string_equal(mc_json_str(lv, "hv_type"), "TEST");
        assert_non_null(mc_json_str(lv, "hostname"));
        assert_string_equal(mc_json_str(mc_json_get(lv, "cpu"), "arch"), "i686");
        assert_true(no_children_left());
}

/* A daemon that accepts the connection and never answers (what a stopped
 * or wedged libvirtd looks like): the probe gives up at its deadline and
 * leaves no child behind. */
static void test_probe_deadline(void **state) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        _cleanup_close_ int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        _cleanup_free_ char *uri = NULL;
        _cleanup_json_ json_object *lv = NULL;
        int64_t t0;

        assert_true(s >= 0);
        assert_int_equal(bind(s, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(listen(s, 4), 0);
        assert_int_equal(getsockname(s, (struct sockaddr *) &sa, &len), 0);
        uri = mc_strdup_printf("qemu+tcp://127.0.0.1:%u/system", ntohs(sa.sin_port));

        t0 = ms_now();
        lv = mc_libvirt_api_probe(uri, 400);
        assert_true(ms_now() - t0 >= 400);
        assert_true(ms_now() - t0 < 3000);
        assert_string_equal(mc_json_str(lv, "state"), "error");
        assert_non_null(strstr(mc_json_str(lv, "error"), "no answer from libvirt"));
        assert_non_null(strstr(mc_json_str(lv, "error"), "within 400 ms"));
        /* The last snapshot names the call libvirt did not return from. */
        assert_non_null(strstr(mc_json_str(lv, "error"), "stuck in virConnectOpenReadOnly"));
        assert_null(mc_json_get(lv, "_call"));
        assert_null(mc_json_get(lv, "cpu"));
        assert_true(no_children_left());
}

static void test_probe_refused(void **state) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        _cleanup_free_ char *uri = NULL;
        _cleanup_json_ json_object *lv = NULL;
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        /* A port that was just free: nothing listens there. */
        assert_true(s >= 0);
        assert_int_equal(bind(s, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(getsockname(s, (struct sockaddr *) &sa, &len), 0);
        close(s);
        uri = mc_strdup_printf("qemu+tcp://127.0.0.1:%u/system", ntohs(sa.sin_port));
        lv = mc_libvirt_api_probe(uri, 5000);
        assert_string_equal(mc_json_str(lv, "state"), "error");
        assert_non_null(strstr(mc_json_str(lv, "error"), "Connection refused"));
        assert_true(no_children_left());
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_uuid_duplicate_firmware_default, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uuid_unique, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uuid_spelling_does_not_hide_a_duplicate, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uuid_offline_from_libvirtd_conf, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uuid_single_node_and_unknown, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uuid_libvirt_down_is_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uuid_configured_but_not_running, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cloned_rack_uuid, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cloned_rack_cpu_and_versions, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_passthrough_differing_cpus, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_passthrough_identical, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_host_model_subset_both_directions, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_host_model_same_model_unexpanded, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_host_model_vendor_differs, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_custom_model_not_usable_on_one_node, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_custom_blockers_and_unknown_model, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_custom_usable_everywhere, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_custom_without_model_fixed_with_baseline, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_missing_facts_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_single_node_skips, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_single_node_custom_unusable_fails, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cpu_not_nova_or_qemu_skips, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_qemu_skew, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_equal_across_spellings, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_package_precision, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_nova_release_mismatch, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_libvirt_older_warns, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_unknown_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_versions_single_node_skips, setup, teardown),
                cmocka_unit_test_setup_teardown(test_wrong_types_are_unknown, setup, teardown),
                cmocka_unit_test(test_caps_to_json),
                cmocka_unit_test(test_caps_without_cpu_model),
                cmocka_unit_test(test_domcaps_to_json),
                cmocka_unit_test(test_domcaps_this_machine),
                cmocka_unit_test(test_probe_test_driver),
                cmocka_unit_test(test_probe_deadline),
                cmocka_unit_test(test_probe_refused),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
