/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Node skeletons for the seed's situations, written as the distros ship
 * their files (comments included), so that the lenses see real shapes. */

#include <sys/types.h>

/* CentOS 6.5, libvirt 0.10.2, nova Icehouse, set up as the classic guides
 * say: --listen in /etc/sysconfig/libvirtd, listen_tcp, auth_tcp none,
 * the recommended live_migration_flag, vncserver_listen 0.0.0.0. */
void fixture_rhel6_icehouse(const char *root);

/* Ubuntu 14.04, libvirt 1.2.2 (upstart, /etc/default/libvirt-bin), nova
 * Icehouse from the Ubuntu archive, configured correctly. */
void fixture_ubuntu1404_icehouse(const char *root);

/* Debian 12 as packaged: libvirt 9.0.0 socket-activated, nova 26 (Zed),
 * libvirtd-tcp.socket enabled, nova.conf with [vnc] server_listen. */
void fixture_debian12_zed(const char *root);

#define SYSCONFIG_LIBVIRTD_RHEL6 \
        "# Override the default config file\n" \
        "#LIBVIRTD_CONFIG=/etc/libvirt/libvirtd.conf\n" \
        "\n" \
        "# Listen for TCP/IP connections\n" \
        "# NB. must setup TLS/SSL keys prior to using this\n" \
        "LIBVIRTD_ARGS=\"--listen\"\n" \
        "\n" \
        "# Override Kerberos service keytab for SASL/GSSAPI\n" \
        "#KRB5_KTNAME=/etc/libvirt/krb5.tab\n"

#define LIBVIRTD_CONF_LISTEN_TCP \
        "# Master libvirt daemon configuration file\n" \
        "#\n" \
        "#listen_tls = 0\n" \
        "listen_tls = 0\n" \
        "\n" \
        "# Listen for unencrypted TCP connections on the public TCP/IP port.\n" \
        "listen_tcp = 1\n" \
        "\n" \
        "#tcp_port = \"16509\"\n" \
        "auth_tcp = \"none\"\n"
