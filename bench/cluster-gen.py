#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench/cluster-gen.py N DIR BASE: N nodes' facts, as `migcheck --save-facts DIR`
writes them (facts schema 2), from one node's `migcheck collect --root` (BASE).

Per node: node.hostname and the inventory name and address the coordinator
records; nova.conf's host and my_ip; the same /etc/hosts on every node (the
stock Debian head, then one 'ADDRESS FQDN SHORT' line per node, as config
management writes it), whose entries --save-facts keeps once, in
DIR/hosts-sha256-HEX.entries, named by hosts.entries_sha256. No live member
(runtime, libvirt, resolve, net, probes): see bench/README.md."""
import copy
import hashlib
import json
import os
import sys

n, out, base = int(sys.argv[1]), sys.argv[2], json.load(open(sys.argv[3]))
os.makedirs(out, exist_ok=True)
names = ["compute%05d" % i for i in range(n)]


def addr(i):
    return "10.%d.%d.%d" % (i // 64516 % 256, i // 254 % 254, i % 254 + 1)


head = [("127.0.0.1", ["localhost"]), ("::1", ["localhost", "ip6-localhost", "ip6-loopback"]),
        ("ff02::1", ["ip6-allnodes"]), ("ff02::2", ["ip6-allrouters"])]
lines = head + [(addr(i), [names[i] + ".example.com", names[i]]) for i in range(n)]
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
    d = f["files"][nova]["sections"]["DEFAULT"]
    for k, v in (("host", names[i]), ("my_ip", addr(i))):
        d[k]["value"] = v
        d[k]["text"] = "%s = %s" % (k, v)
    with open(os.path.join(out, names[i] + ".json"), "w") as o:
        json.dump(f, o, indent=2)
