(*
Module: Mc_sasl2
  Cyrus SASL's application configuration, /etc/sasl2/libvirt.conf:
  "key: value" lines, comments and blank lines (what libsasl2's
  sasl_config_init() reads: a key, a colon, the rest of the line).
  libvirtd's SASL mechanisms (mech_list), Kerberos keytab (keytab) and
  password database (sasldb_path) are read from it. A key without a value
  means nothing to libsasl2 and is a parse error naming its line here.
*)
module Mc_sasl2 =

let eol = del /[ \t]*\n/ "\n"
let empty = [ del /[ \t]*\n/ "\n" ]
let comment =
     [ label "#comment" . del /[ \t]*#[ \t]*/ "# "
       . store /([^ \t\n][^\n]*)?[^ \t\n]/ . eol ]
   | [ label "#comment" . del /[ \t]*#[ \t]*\n/ "#\n" ]

let entry = [ del /[ \t]*/ "" . key /[A-Za-z_][A-Za-z0-9_.-]*/
              . del /[ \t]*:[ \t]*/ ": " . store /[^ \t\n]([^\n]*[^ \t\n])?/ . eol ]

let lns = (comment | empty | entry)*
