#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench/cluster-gen.py [--shape SHAPE] N DIR BASE: N nodes' facts, as
`migcheck --save-facts DIR` writes them (facts schema 2), from one node's
`migcheck collect --root` (BASE).

Every shape: the same firewall rule set on every node (BASE's), the same
CPU (the libvirt member of a live collection: an EPYC-Rome host, as libvirt
9.0 reports it), and the inventory name and address the coordinator records.

  hosts   per node: node.hostname, nova.conf's host and my_ip, its own host
          UUID; the same /etc/hosts on every node (the stock Debian head,
          then one 'ADDRESS FQDN SHORT' line per node, as config management
          writes it), whose entries --save-facts keeps once, in
          DIR/hosts-sha256-HEX.entries, named by hosts.entries_sha256.
  dns     as hosts, but /etc/hosts is the Debian head alone: it names no
          node (a DNS-only cluster).
  cloned  nodes cloned from one image: the facts differ only in the name
          (node.hostname, libvirt's hostname, the inventory); one host UUID,
          nova.conf's host and my_ip the image's, /etc/hosts the head alone.

No other live member (runtime, resolve, net, probes): see bench/README.md."""
import copy
import hashlib
import json
import os
import sys

args = sys.argv[1:]
shape = "hosts"
if args[:1] == ["--shape"]:
    shape, args = args[1], args[2:]
if shape not in ("hosts", "dns", "cloned"):
    sys.exit("cluster-gen.py: unknown shape '%s' (hosts, dns, cloned)" % shape)
n, out, base = int(args[0]), args[1], json.load(open(args[2]))
os.makedirs(out, exist_ok=True)
names = ["compute%05d" % i for i in range(n)]


def addr(i):
    return "10.%d.%d.%d" % (i // 64516 % 256, i // 254 % 254, i % 254 + 1)


def uuid(i):
    return "5a7c2b9e-3f41-4d8a-b6e2-%012x" % (0x91c0d7f30000 + i)


# libvirt 9.0's answer on an EPYC-Rome host (tests/unit/test_cluster_libvirt.c,
# from libvirt's QEMU 7.2 test data).
ROME = ["3dnowprefetch", "abm", "adx", "aes", "amd-ssbd", "amd-stibp", "apic", "arat", "arch-capabilities",
        "avx", "avx2", "bmi1", "bmi2", "clflush", "clflushopt", "clwb", "clzero", "cmov", "cmp_legacy",
        "cr8legacy", "cx16", "cx8", "de", "f16c", "fma", "fpu", "fsgsbase", "fxsr", "fxsr_opt", "hypervisor",
        "ibpb", "lahf_lm", "lbrv", "lm", "mca", "mce", "mds-no", "misalignsse", "mmx", "mmxext", "movbe", "msr",
        "mtrr", "npt", "nrip-save", "nx", "osvw", "pae", "pat", "pause-filter", "pclmuldq", "pdpe1gb",
        "perfctr_core", "pfthreshold", "pge", "pni", "popcnt", "pschange-mc-no", "pse", "pse36", "rdctl-no",
        "rdpid", "rdrand", "rdseed", "rdtscp", "sep", "sha-ni", "skip-l1dfl-vmentry", "smap", "smep", "ssbd",
        "sse", "sse2", "sse4.1", "sse4.2", "sse4a", "ssse3", "stibp", "svm", "svme-addr-chk", "syscall", "tsc",
        "tsc-deadline", "tsc-scale", "tsc_adjust", "umip", "v-vmsave-vmload", "vgif", "virt-ssbd", "vmcb-clean",
        "vme", "wbnoinvd", "x2apic", "xgetbv1", "xsave", "xsavec", "xsaveerptr", "xsaveopt", "xsaves"]
LIBVIRT = {
    "uri": "qemu:///system", "state": "ok", "lib_version": "9.0.0", "hv_type": "QEMU", "hv_version": "7.2.0",
    "cpu": {"arch": "x86_64", "model": "EPYC-Rome", "vendor": "AMD", "features": ["x2apic"],
            "all_features": ROME},
    "host_model": {"virt_type": "kvm", "model": "EPYC-Rome", "vendor": "AMD",
                   "features": ["amd-ssbd", "arch-capabilities", "x2apic", "xsaves"], "disabled": [],
                   "all_features": ROME},
    "custom_models": {"source": "domain capabilities",
                      "usable": ["qemu64", "Nehalem", "Westmere", "SandyBridge", "EPYC", "EPYC-IBPB", "EPYC-Rome"],
                      "unusable": ["IvyBridge", "Skylake-Server-IBRS", "EPYC-Milan"]},
}

head = [("127.0.0.1", ["localhost"]), ("::1", ["localhost", "ip6-localhost", "ip6-loopback"]),
        ("ff02::1", ["ip6-allnodes"]), ("ff02::2", ["ip6-allrouters"])]
lines = head + ([(addr(i), [names[i] + ".example.com", names[i]]) for i in range(n)] if shape == "hosts" else [])
entries = [{"address": a, "names": ns, "line": k + 1} for k, (a, ns) in enumerate(lines)]
blob = json.dumps(entries, separators=(",", ":")).encode()
digest = hashlib.sha256(blob).hexdigest()
with open(os.path.join(out, "hosts-sha256-%s.entries" % digest), "wb") as f:
    f.write(blob)

nova = "/etc/nova/nova.conf"
for i in range(n):
    f = copy.deepcopy(base)
    f["node"] = {"hostname": names[i], "hostname_source": "/etc/hostname"}
    f["inventory"] = {"name": names[i], "address": addr(i)}
    f["hosts"] = {"path": "/etc/hosts", "state": "ok", "entries_sha256": digest}
    f["libvirt"] = dict(LIBVIRT, hostname=names[i], uuid=uuid(0 if shape == "cloned" else i))
    if shape != "cloned":
        d = f["files"][nova]["sections"]["DEFAULT"]
        for k, v in (("host", names[i]), ("my_ip", addr(i))):
            d[k]["value"] = v
            d[k]["text"] = "%s = %s" % (k, v)
    with open(os.path.join(out, names[i] + ".json"), "w") as o:
        json.dump(f, o, indent=2)
