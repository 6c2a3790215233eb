/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The check table: every check migcheck runs, sorted by id. Ids are a
 * contract with scripts (--only, --skip, JSON consumers): never rename one.
 * tests/unit/test_registry.c keeps the table honest. */
#include "checks.h"
#include "fixers.h"

const struct mc_check mc_checks[] = {
        {
                .id = "config-drift",
                .title = "settings that must match across nodes do match",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NOVA | MC_NEED_QEMU | MC_NEED_LIBVIRTD,
                .run = mc_check_config_drift,
                .doc = "Some settings only work when every node agrees: cpu_mode and the CPU models, the migration URI or scheme, live_migration_flag, the migration port range. Each that differs is named with the value on every node.",
                .fix_note = "which node's value is right is the operator's choice; the per-setting checks fix each node",
        },
        {
                .id = "cpu-compatible",
                .title = "the nodes' CPUs let a guest started on one run on every other",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NOVA | MC_NEED_LIBVIRT_API,
                .run = mc_check_cpu_compatible,
                .doc = "The destination compares the guest CPU with its own (\"CPU doesn't have compatibility\"). With host-passthrough the CPUs must be identical; with host-model or custom each pair is compared from the CPU facts (model, vendor, features); the hint proposes a baseline model for cpu_mode = custom.",
                .fix_note = "a CPU cannot be changed; cpu_mode = custom with the baseline model the hint names makes guests portable",
        },
        {
                .id = "dns-resolution",
                .title = "every peer resolves on every node, forward and reverse, in agreement with /etc/hosts",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NET | MC_NEED_HOSTS,
                .run = mc_check_dns_resolution,
                .doc = "Each node resolves each peer's name through NSS as libvirt and QEMU will; the forward answer must be the peer's address, the reverse answer must name the peer, and both must agree with /etc/hosts where it has an entry.",
                .fix_note = "DNS is served elsewhere; /etc/hosts entries (hosts-consistent) are the local remedy",
        },
        {
                .id = "firewall-backend",
                .title = "the firewall rules are where migcheck can see them, and which tool manages them",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_FIREWALL,
                .run = mc_check_firewall_backend,
                .doc = "iptables-nft rules are invisible to libiptc and legacy rules to nft; firewalld and ufw rewrite the rules they manage. Which backend holds rules, and which tool manages them, decides how a firewall fix must be made.",
                .fix_note = "which tool manages the firewall is the operator's choice",
        },
        {
                .id = "firewall-libvirt-port",
                .title = "each peer may open a new TCP connection to this node's libvirt port, and this node to each peer's",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_FIREWALL | MC_NEED_NOVA | MC_NEED_LIBVIRTD,
                .run = mc_check_firewall_libvirt_port,
                .doc = "The INPUT chain is evaluated as netfilter would for a new TCP connection from every other node's address to the libvirt port of the migration URI (16509 tcp, 16514 tls, 22 ssh): first matching rule wins, jumps and returns followed, policy last. The deciding rule is named as iptables-save prints it. An ACCEPT after a REJECT, or for other sources only, fails. The same connection leaves its source through the source's OUTPUT chain, which can refuse it just as well (\"No route to host\"): each node's OUTPUT is walked too, for a new connection from the address of its route to each peer (prefsrc, else the inventory's), through the route's interface (-o), to the port of this node's own migration URI on the peer; the row of the node whose rules decide names it (\"egress 16509/tcp to node-b (10.0.0.2): rejected ... by OUTPUT rule 3 (...)\"), with the same severity. The fix inserts an ACCEPT for the port (any source, commented \"migcheck: libvirt migration\"; in OUTPUT one per refused peer, -d PEER/32) where the evaluator says it wins: into the live legacy table through libiptc and into the saved rules file through the Iptables lens; for iptables-nft, firewalld (a direct rule for OUTPUT) and ufw (allow out) it names the command, which `migcheck fix --apply-firewall-commands` runs.",
                .fix = mc_fix_firewall_libvirt_port,
        },
        {
                .id = "firewall-migration-ports",
                .title = "each peer may connect to every port of this node's QEMU migration range, and this node to every port of each peer's",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_FIREWALL | MC_NEED_QEMU,
                .run = mc_check_firewall_migration_ports,
                .doc = "The destination QEMU listens on a port of migration_port_min..max (qemu.conf, default 49152-49215); the whole range should be open to every peer, since each concurrent migration takes the lowest free ports (two when disks are copied: the NBD server's and the stream's). A refused port among the lowest four breaks the first or the second migration at once: a failure; refused ports above them only cap how many can come in together: a warning. The sub-ranges accepted and refused are named with the deciding rule. Each node's OUTPUT is walked as well for its connections to every port of each peer's own range (the peer's qemu.conf; this node's when the peer has no facts), with the same severity (\"egress 49152-49215/tcp to node-b (10.0.0.2): ...\"). The fix opens the whole range with one ACCEPT (commented \"migcheck: qemu migration ports\"; in OUTPUT one per refused peer, -d PEER/32), placed and applied as for firewall-libvirt-port.",
                .fix = mc_fix_firewall_migration_ports,
        },
        {
                .id = "firewall-persistent",
                .title = "the persisted rules give the same verdicts as the live rules",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_FIREWALL | MC_NEED_QEMU | MC_NEED_NOVA | MC_NEED_LIBVIRTD,
                .run = mc_check_firewall_persistent,
                .doc = "A rule added by hand vanishes at the next boot unless /etc/sysconfig/iptables or /etc/iptables/rules.v4 holds it too: the saved rules are evaluated like the live ones, INPUT for the peers' connections and OUTPUT for this node's to each peer, and any verdict that differs is named. The fix adds to the saved file the ACCEPTs it lacks for the libvirt port and the migration range, in either chain (through the Iptables lens, nothing else in the file changes); it never saves the whole live table over it.",
                .fix = mc_fix_firewall_persistent,
        },
        {
                .id = "host-uuid-unique",
                .title = "no two nodes share a host UUID",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_LIBVIRTD | MC_NEED_LIBVIRT_API,
                .run = mc_check_host_uuid_unique,
                .doc = "libvirt refuses to migrate to a host with the source's UUID: \"Attempt to migrate guest to the same host\". Cloned firmware and cloned images share UUIDs; the hint names the nodes and the key to set.",
                .fix = mc_fix_host_uuid_unique,
        },
        {
                .id = "hosts-consistent",
                .title = "every node maps every node's name to the same address",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_HOSTS,
                .run = mc_check_hosts_consistent,
                .doc = "The destination hands the source its hostname for the migration data connection, so every node must resolve every other node's names, short and fully qualified, to the address the cluster agrees on. Missing and conflicting /etc/hosts entries are named per node with the line.",
                .fix = mc_fix_hosts_consistent,
        },
        {
                .id = "hosts-loopback-hostname",
                .title = "no node resolves a peer's name to loopback, and no node's migration name is 'localhost'",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_HOSTS,
                .run = mc_check_hosts_loopback_hostname,
                .doc = "Judged by direction. FAIL: this node resolves a peer's name to loopback (/etc/hosts or NSS), "
                       "so a migration from here to that peer connects to this node itself; or this node's name for "
                       "migration (migration_host, else libvirt's hostname) starts with 'localhost', which libvirt "
                       "refuses on the destination (\"hostname on destination resolved to localhost, but migration "
                       "requires an FQDN\"). WARN: the node maps its own name to loopback, as Debian's installer "
                       "writes \"127.0.1.1 FQDN HOSTNAME\": a migration to it still works, since each source "
                       "resolves the name with its own files (the fix, with --include-warnings, maps it to the "
                       "node's address).",
                .fix = mc_fix_hosts_loopback_hostname,
        },
        {
                .id = "instances-path-consistent",
                .title = "instances_path is the same on every node and shared storage is consistent",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NOVA | MC_NEED_MOUNTS,
                .run = mc_check_instances_path_consistent,
                .doc = "nova assumes the same instances_path everywhere. Shared storage must be shared by all nodes or by none: a mix makes migrations fail with InvalidSharedStorage or InvalidLocalStorage depending on direction.",
                .fix_note = "mounting shared storage is the operator's work",
        },
        {
                .id = "libvirt-host-uuid",
                .title = "host_uuid, where set, is a valid UUID and not a firmware default",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_LIBVIRTD,
                .run = mc_check_libvirt_host_uuid,
                .doc = "libvirt identifies hosts by UUID and refuses to migrate a guest to a host with the source's "
                       "UUID ('Attempt to migrate guest to the same host'). Cloned boards often share an SMBIOS UUID "
                       "such as 03000200-0400-0500-0006-000700080009; host_uuid in libvirtd.conf (virtqemud.conf on "
                       "modular hosts) overrides it. A malformed or all-one-digit value stops the daemon.",
                .fix = mc_fix_libvirt_host_uuid,
        },
        {
                .id = "libvirt-hostname-resolvable",
                .title = "the hostname each node's libvirt reports resolves on every peer to that node",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_HOSTS | MC_NEED_LIBVIRT_API,
                .run = mc_check_libvirt_hostname_resolvable,
                .doc = "libvirt on the destination names itself with its hostname in the migration URI it returns; the source must resolve that name to the destination (\"Unable to resolve address ... Name or service not known\").",
                .fix = mc_fix_libvirt_hostname_resolvable,
        },
        {
                .id = "libvirtd-auth",
                .title = "libvirtd's network authentication (auth_tcp, auth_tls) lets the peers in, and not everyone",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_LIBVIRTD | MC_NEED_STARTUP | MC_NEED_NOVA,
                .run = mc_check_libvirtd_auth,
                .doc = "auth_tcp = \"none\" works and is what most guides write, but gives anyone who reaches tcp/16509 "
                       "full control of every guest: a warning. \"polkit\" only authenticates local UNIX clients and an "
                       "unknown value stops the daemon: failures. \"sasl\", also libvirt's default when auth_tcp is "
                       "unset, needs what the migration's source daemon can answer without a person: credentials for "
                       "this node in libvirt's auth.conf on every other node (root's ~/.config/libvirt/auth.conf, else "
                       "/etc/libvirt/auth.conf; presence only, passwords are never read out) and a SASL user database "
                       "here, or Kerberos (mech_list gssapi in /etc/sasl2/libvirt.conf, with a keytab here; tickets "
                       "cannot be seen: a warning). Without them the migration fails with \"authentication failed: No "
                       "authentication callback available\". The fix sets auth_tcp = \"none\" only with "
                       "--allow-insecure-auth.",
                .fix = mc_fix_libvirtd_auth,
        },
        {
                .id = "libvirtd-listen",
                .title = "libvirtd (or virtproxyd) listens where nova's migration URI points",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_LIBVIRTD | MC_NEED_STARTUP | MC_NEED_NOVA | MC_NEED_RUNTIME,
                .run = mc_check_libvirtd_listen,
                .doc = "The source's libvirtd connects to the destination's over the URI's transport (qemu+tcp by "
                       "default, port 16509). A classic daemon listens when listen_tcp/listen_tls say so (and it runs "
                       "with --listen, see libvirtd-startup); a socket-activated one (libvirt >= 5.6 under systemd) "
                       "ignores those keys and listens through libvirtd-tcp.socket or virtproxyd-tcp.socket. Socket "
                       "activation needs systemd to run (/run/systemd/system, PID 1 'systemd') and start libvirtd "
                       "through its unit; on a node where it does not (sysvinit, a container) the daemon reads "
                       "listen_tcp, listen_addr and tcp_port: a loopback listen_addr or a tcp_port other than the "
                       "URI's port is a failure, and the fix removes the one and sets the other to the URI's. On a "
                       "live node the listening sockets are compared with the configuration, so that a daemon that "
                       "listens only until its next restart is a warning, and one on a loopback address only a "
                       "failure, not a pass.",
                .fix = mc_fix_libvirtd_listen,
        },
        {
                .id = "libvirtd-startup",
                .title = "the distro's startup files make libvirtd listen (and never pass --listen to socket activation)",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_LIBVIRTD | MC_NEED_STARTUP | MC_NEED_NOVA | MC_NEED_RUNTIME,
                .run = mc_check_libvirtd_startup,
                .doc = "Before socket activation libvirtd opens no TCP socket without -l/--listen, passed by "
                       "LIBVIRTD_ARGS in /etc/sysconfig/libvirtd (RHEL), libvirtd_opts in /etc/default/libvirt-bin "
                       "(Ubuntu 14.04/16.04) or /etc/default/libvirtd (Debian, later Ubuntu; LIBVIRTD_ARGS from Debian "
                       "11 and Ubuntu 22.04). The classic mistake writes it to another distro's file, which nothing "
                       "reads. The words are read as libvirtd's getopt_long reads them, with the option table of the "
                       "node's libvirt (0.10.2, 1.2.2, 9.0.0), after the init script's word splitting and its own "
                       "words (-d of Debian's SysV script, --daemon of RHEL 6's): '-d-l', '--listen=1', '-t' without "
                       "a number or a stray word make libvirtd exit at start. Which init runs is the node's, not the "
                       "distro's default: a Debian 12 node without systemd starts libvirtd with its arguments. With "
                       "socket activation (libvirt >= 5.6 under systemd) --listen is fatal: 'libvirtd: --listen "
                       "parameter not permitted with systemd activation sockets'.",
                .fix = mc_fix_libvirtd_startup,
        },
        {
                .id = "migration-address-resolvable",
                .title = "the address this node tells sources to connect to (migration_host, live_migration_inbound_addr) resolves to it and is reached from every peer",
                .scope = MC_SCOPE_CLUSTER,
                /* Not PROBE: the names are probed by collect --migration-target,
                 * and the coordinator's second round then skips the peers' probes. */
                .needs = MC_NEED_HOSTS | MC_NEED_QEMU | MC_NEED_NOVA | MC_NEED_NET,
                .run = mc_check_migration_address_resolvable,
                .doc = "When nova.conf sets live_migration_inbound_addr, the source opens its libvirt connection to that address and, unless tunnelled, sends the stream there; otherwise qemu.conf's migration_host is the host libvirt hands the source (\"tcp:HOST:PORT\"). migration_address is only where this node's QEMU binds: a numeric one must be what the sources resolve. A source that tunnels (live_migration_tunnelled; before Mitaka VIR_MIGRATE_TUNNELLED in its flags) never meets migration_host and is not judged for it. Every peer resolves the value as it would (its /etc/hosts as glibc reads it, else its NSS answer, asked live by `collect --migration-target`) and, live, connects to it; a peer that cannot resolve it (\"Unable to resolve address\"), resolves it to another host or loopback, or cannot reach it fails the row, named. Offline, a peer whose /etc/hosts lacks the name cannot be evaluated: an ERROR, never a PASS.",
                .fix_note = "which name or address the peers should use is the operator's choice; the hint names the peers and the address",
        },
        {
                .id = "mtu-consistent",
                .title = "the path to every peer carries frames of the migration interfaces' MTU",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NET,
                .run = mc_check_mtu_consistent,
                .doc = "Each node probes the path to every peer with don't-fragment ICMP echoes from its route's "
                       "interface MTU down (net.pmtu, 1 s for all peers). FAIL: the path silently drops frames of the "
                       "size both ends send (jumbo hosts behind a 1500 switch port: the migration stream stalls and "
                       "fails). WARN: the interface MTUs differ but the path carries the smaller one (TCP's MSS "
                       "takes care of it), a router reports a smaller path MTU, or the MTUs differ and the path could "
                       "not be measured (offline facts, ICMP filtered). PASS: equal MTUs, saying whether the path "
                       "was measured. A guest's network card MTU must also be available on the destination ('Target "
                       "network card MTU X does not match source Y').",
                .fix_note = "interface MTUs are set by the network configuration, which migcheck does not edit",
        },
        {
                .id = "nova-config-drive",
                .title = "force_config_drive does not make nova refuse live migration",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_NOVA,
                .run = mc_check_nova_config_drive,
                .doc = "With a config drive on every instance, nova up to Mitaka refuses live migration unless "
                       "instances_path is shared (Kilo to Mitaka also accept config_drive_format = vfat); Newton and "
                       "later copy disk.config themselves. The value is read as each release reads it: Icehouse forces "
                       "a config drive for any non-empty value, 'false' included (bug 1319180); Juno takes always or a "
                       "boolean string; Kilo and Liberty only always, True or False; Mitaka and later a boolean, so "
                       "'always' there, or 'true' on Kilo, fails every build that reads it. The fix writes the value as the "
                       "release reads what was meant (True or False; before Juno off is no line at all) and, Kilo to "
                       "Mitaka, config_drive_format = vfat for a forced drive; a drive forced before Kilo is left to "
                       "the operator (shared storage, or off).",
                .fix = mc_fix_nova_config_drive,
        },
        {
                .id = "nova-cpu-mode",
                .title = "cpu_mode is valid and cpu_model(s) is set exactly when cpu_mode is custom",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_NOVA,
                .run = mc_check_nova_cpu_mode,
                .doc = "cpu_mode = custom needs cpu_model (cpu_models from Train), and any other mode refuses one: up "
                       "to Stein every guest build fails, from Train nova-compute will not start (a model with cpu_mode "
                       "= none is ignored before Train). Modes compare case-sensitively. Whether the CPUs of the nodes "
                       "are compatible is cpu-compatible's job.",
                .fix = mc_fix_nova_cpu_mode,
        },
        {
                .id = "nova-instances-path",
                .title = "instances_path exists and is owned by the nova user",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_NOVA,
                .run = mc_check_nova_instances_path,
                .doc = "The destination creates the instance's directory under instances_path (default "
                       "$state_path/instances); when it is missing, the migration fails with 'Unable to pre-create "
                       "chardev file'. The path is resolved as nova does, $state_path included.",
                .fix = mc_fix_nova_instances_path,
        },
        {
                .id = "nova-live-migration-flag",
                .title = "live_migration_flag has LIVE, PEER2PEER, UNDEFINE_SOURCE and nothing harmful",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_NOVA,
                .run = mc_check_nova_live_migration_flag,
                .doc = "Read up to Mitaka, in [libvirt] (and [DEFAULT] up to Icehouse only). Icehouse's default lacks "
                       "VIR_MIGRATE_LIVE, so the guest is paused for the whole copy; without PEER2PEER libvirt refuses "
                       "the migration; NON_SHARED_INC turns every live migration into a block migration. Items are "
                       "split on commas as nova does: before Mitaka an unknown or empty item (a trailing comma) fails "
                       "every migration, while Mitaka ignores it and corrects the flags at startup (a warning). "
                       "PERSIST_DEST is harmless (Mitaka strips it). TUNNELLED in block_migration_flag (Juno's "
                       "default) is a warning: block migrations go without NBD, and Mitaka's fail with libvirt 1.2.17 "
                       "or later. From Newton nova sets the flags itself and the line is a warning that does nothing. The fix "
                       "rewrites both lists in one run, where the release reads them: unknown and empty items out, "
                       "LIVE, PEER2PEER and UNDEFINE_SOURCE in, NON_SHARED_INC in the block flags only, TUNNELLED out "
                       "of them from Juno, what Mitaka corrects corrected; [DEFAULT] lines Juno no longer reads move to "
                       "[libvirt]; from Newton the line goes.",
                .fix = mc_fix_nova_live_migration_flag,
        },
        {
                .id = "nova-migration-uri",
                .title = "live_migration_uri / live_migration_scheme name a transport and port libvirtd serves",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_NOVA | MC_NEED_LIBVIRTD,
                .run = mc_check_nova_migration_uri,
                .doc = "nova connects to the destination's libvirtd with qemu+SCHEME://DEST/system (tcp 16509, tls "
                       "16514, ssh 22). A URI without %s sends every migration to one host; a port that differs from "
                       "libvirtd's tcp_port/tls_port is refused; live_migration_uri is deprecated from Ocata. The fix writes %s for "
                       "the host; when the URI names no port (the peers connect to the scheme's default), sets tcp_port/tls_port "
                       "back to the port every node's URI uses, and declines naming the node whose URI disagrees; a URI that "
                       "names a port is made to use the one this node's libvirt serves; it removes a loopback "
                       "live_migration_inbound_addr, and moves a plain qemu+SCHEME://%s/system to "
                       "live_migration_scheme; which transport to use is left to the operator.",
                .fix = mc_fix_nova_migration_uri,
        },
        {
                .id = "nova-vnc-listen",
                .title = "the VNC listen address is one the destination can bind",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_NOVA,
                .run = mc_check_nova_vnc_listen,
                .doc = "The guest's VNC (and, when enabled, SPICE) listen address travels with it. Up to Icehouse a "
                       "node's own address makes the destination's QEMU fail to bind; Juno to Mitaka rewrite it to the "
                       "destination's when libvirt is 1.0.0 or later and the destination runs Juno or later, and "
                       "otherwise refuse any address but 0.0.0.0, 127.0.0.1, :: or ::1; Newton and later always "
                       "rewrite it. The option moved from [DEFAULT] "
                       "vncserver_listen to [vnc] (Liberty), was renamed server_listen (Queens), and the old names "
                       "went in Yoga. The fix sets VNC's and SPICE's listen address that fails to 0.0.0.0, under the "
                       "name the release reads, and moves one under a name it no longer reads.",
                .fix = mc_fix_nova_vnc_listen,
        },
        {
                .id = "qemu-migration-ports",
                .title = "qemu.conf's migration port range and addresses are usable",
                .scope = MC_SCOPE_NODE,
                .needs = MC_NEED_QEMU,
                .run = mc_check_qemu_migration_ports,
                .doc = "The destination's QEMU listens for the migration stream on a port from migration_port_min to "
                       "migration_port_max (default 49152-49215), one per concurrent incoming migration. The range is "
                       "what the firewall must open; migration_address and migration_host must not be loopback.",
                .fix = mc_fix_qemu_migration_ports,
        },
        {
                .id = "reach-libvirt-port",
                .title = "a TCP connection from this node to each peer's libvirt port succeeds",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_PROBE | MC_NEED_NOVA | MC_NEED_NET, /* net: whether a route exists tells a REJECT from no route */
                .run = mc_check_reach_libvirt_port,
                .doc = "A real, non-blocking connect with a short deadline, from the node itself: refused means nothing listens (see libvirtd-listen and libvirtd-startup); 'no route to host' while a route exists means a REJECT with icmp-host-prohibited on the peer; a timeout means a DROP, where a real migration hangs for minutes.",
                .fix_note = "a probe result: the checks it points to (libvirtd-listen, firewall-libvirt-port) have the fixes",
        },
        {
                .id = "route-peer",
                .title = "a route to every peer exists, leaves through an interface that is up, and is direct",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NET,
                .run = mc_check_route_peer,
                .doc = "The kernel's own route lookup (netlink) for each peer address: no route fails; a route through a down interface fails; a route through a gateway works but is named, since the classic setup expects the nodes on one subnet.",
                .fix_note = "routes belong to the network configuration, which migcheck does not edit",
        },
        {
                .id = "version-skew",
                .title = "no destination is older than a source, and nova releases agree",
                .scope = MC_SCOPE_CLUSTER,
                .needs = MC_NEED_NOVA | MC_NEED_LIBVIRT_API,
                .run = mc_check_version_skew,
                .doc = "nova refuses to migrate to an older hypervisor (\"The instance requires a newer hypervisor version than has been provided\"): a node whose QEMU is older than another's fails, naming the newer nodes. An older libvirt warns (libvirt migrates to older releases, but not guests that use what they lack); nova releases that differ warn. Versions come from the running libvirt, else the package database, compared at the precision both have (Debian's 1:7.2+dfsg-7 is 7.2).",
                .fix_note = "upgrading packages is the operator's work",
        },
};

const size_t mc_n_checks = ELEMENTSOF(mc_checks);
