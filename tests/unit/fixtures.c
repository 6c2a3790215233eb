/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fixtures.h"

#include "mc_test.h"

void fixture_rhel6_icehouse(const char *root) {
        tree_write(root, "/etc/redhat-release", "CentOS release 6.5 (Final)\n");
        tree_write(root, "/etc/sysconfig/network", "NETWORKING=yes\nHOSTNAME=compute1.example.com\n");
        tree_passwd(root, 162);
        tree_write(root, "/installed-rpms",
                   "libvirt-0.10.2-29.el6.x86_64                                Mon Jun  2 10:11:12 2014\n"
                   "openstack-nova-compute-2014.1.1-1.el6.noarch               Mon Jun  2 10:11:40 2014\n"
                   "qemu-kvm-0.12.1.2-2.415.el6.x86_64                         Mon Jun  2 10:11:13 2014\n");
        tree_write(root, "/usr/lib/python2.6/site-packages/nova-2014.1.1-py2.6.egg-info/PKG-INFO",
                   "Metadata-Version: 1.1\nName: nova\nVersion: 2014.1.1\n");
        tree_write(root, "/etc/sysconfig/libvirtd", SYSCONFIG_LIBVIRTD_RHEL6);
        tree_write(root, "/etc/libvirt/libvirtd.conf", LIBVIRTD_CONF_LISTEN_TCP);
        tree_write(root, "/etc/libvirt/qemu.conf",
                   "# Master configuration file for the QEMU driver.\n"
                   "#vnc_listen = \"0.0.0.0\"\n"
                   "#migration_port_min = 49152\n"
                   "#migration_port_max = 49215\n");
        tree_write(root, "/etc/nova/nova.conf",
                   "[DEFAULT]\n"
                   "# Directory where nova binaries are installed (string value)\n"
                   "state_path=/var/lib/nova\n"
                   "instances_path=$state_path/instances\n"
                   "vncserver_listen=0.0.0.0\n"
                   "vncserver_proxyclient_address=192.168.122.11\n"
                   "compute_driver=libvirt.LibvirtDriver\n"
                   "rabbit_password=guest\n"
                   "\n"
                   "[libvirt]\n"
                   "virt_type=kvm\n"
                   "cpu_mode=host-model\n"
                   "live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n"
                   "\n"
                   "[database]\n"
                   "connection=mysql://nova:NOVA_DBPASS@controller/nova\n");
        tree_mkdir(root, "/var/lib/nova/instances", 162, 162);
}

void fixture_ubuntu1404_icehouse(const char *root) {
        tree_os(root, "NAME=\"Ubuntu\"\nVERSION=\"14.04.5 LTS, Trusty Tahr\"\nID=ubuntu\nID_LIKE=debian\n"
                      "PRETTY_NAME=\"Ubuntu 14.04.5 LTS\"\nVERSION_ID=\"14.04\"\n");
        tree_dpkg(root, (const char *const[]) { "libvirt-bin=1.2.2-0ubuntu13.1.17", "nova-common=1:2014.1.5-0ubuntu1.7",
                                                "qemu-system-x86=2.0.0+dfsg-2ubuntu1.46", NULL });
        tree_write(root, "/etc/default/libvirt-bin",
                   "# Defaults for libvirt-bin initscript (/etc/init.d/libvirt-bin)\n"
                   "# This is a POSIX shell fragment\n"
                   "\n"
                   "# Start libvirtd to handle qemu/kvm:\n"
                   "start_libvirtd=\"yes\"\n"
                   "\n"
                   "# options passed to libvirtd, add \"-l\" to listen on tcp\n"
                   "libvirtd_opts=\"-d -l\"\n");
        tree_write(root, "/etc/libvirt/libvirtd.conf", LIBVIRTD_CONF_LISTEN_TCP);
        tree_write(root, "/etc/libvirt/qemu.conf", "# qemu.conf\n");
        tree_write(root, "/etc/nova/nova.conf",
                   "[DEFAULT]\n"
                   "dhcpbridge_flagfile=/etc/nova/nova.conf\n"
                   "state_path=/var/lib/nova\n"
                   "vncserver_listen = 0.0.0.0\n"
                   "\n"
                   "[libvirt]\n"
                   "live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE\n");
        tree_mkdir(root, "/var/lib/nova/instances", 64060, 64060);
}

void fixture_debian12_zed(const char *root) {
        tree_os(root, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
                      "VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
        tree_dpkg(root, (const char *const[]) { "libvirt-daemon=9.0.0-4+deb12u2", "nova-common=2:26.2.2-1~deb12u5",
                                                "qemu-system-x86=1:7.2+dfsg-7+deb12u18", NULL });
        tree_write(root, "/lib/systemd/systemd", "");
        tree_write(root, "/lib/systemd/system/libvirtd.service", "[Unit]\n");
        tree_write(root, "/lib/systemd/system/libvirtd.socket", "[Socket]\n");
        tree_write(root, "/lib/systemd/system/libvirtd-tcp.socket", "[Socket]\nListenStream=16509\n");
        tree_symlink(root, "/etc/systemd/system/multi-user.target.wants/libvirtd.service",
                     "/lib/systemd/system/libvirtd.service");
        tree_symlink(root, "/etc/systemd/system/sockets.target.wants/libvirtd.socket", "/lib/systemd/system/libvirtd.socket");
        tree_symlink(root, "/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket",
                     "/lib/systemd/system/libvirtd-tcp.socket");
        tree_write(root, "/etc/default/libvirtd",
                   "# Customizations for the libvirtd.service systemd unit\n"
                   "\n"
                   "#LIBVIRTD_ARGS=\"--timeout 120\"\n"
                   "\n"
                   "# If systemd socket activation is disabled, then the following\n"
                   "# can be used to listen on TCP/TLS sockets\n"
                   "#LIBVIRTD_ARGS=\"--listen\"\n");
        tree_write(root, "/etc/libvirt/libvirtd.conf", "#listen_tcp = 1\nauth_tcp = \"sasl\"\n");
        tree_write(root, "/etc/libvirt/qemu.conf", "#migration_port_min = 49152\n");
        tree_write(root, "/etc/nova/nova.conf",
                   "[DEFAULT]\n"
                   "state_path = /var/lib/nova\n"
                   "transport_url = rabbit://openstack:RABBIT_PASS@controller\n"
                   "\n"
                   "[libvirt]\n"
                   "virt_type = kvm\n"
                   "live_migration_scheme = tcp\n"
                   "\n"
                   "[vnc]\n"
                   "enabled = true\n"
                   "server_listen = 0.0.0.0\n");
        tree_mkdir(root, "/var/lib/nova/instances", 64060, 64060);
}
