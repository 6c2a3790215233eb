(*
Module: Mc_shellvars
  A lean lens for the KEY=value files that init systems source:
  /etc/default/libvirtd, /etc/default/libvirt-bin, /etc/sysconfig/libvirtd
  and os-release. The stock Shellvars lens handles full shell syntax but
  costs ~36 ms to compile, more than migcheck's whole audit; these files
  hold assignments, comments and blank lines only.

  Values are kept as written, quotes included (as Shellvars does); the
  reader unquotes them with shell rules and never runs them: a value such as
  $(cmd) stays text. A line that is neither an assignment, a comment nor
  blank (if, case, a function, a command) is a parse error naming the line.
*)
module Mc_shellvars =

let eol = del /[ \t]*\n/ "\n"
let empty = [ del /[ \t]*\n/ "\n" ]
let comment =
     [ label "#comment" . del /[ \t]*#[ \t]*/ "# "
       . store /([^ \t\n][^\n]*)?[^ \t\n]/ . eol ]
   | [ label "#comment" . del /[ \t]*#[ \t]*\n/ "#\n" ]

let export = [ key "export" . Util.del_ws_spc ]
let value = store /[^ \t\n#]([^\n]*[^ \t\n])?/

let entry = [ del /[ \t]*/ "" . export? . key /[A-Za-z_][A-Za-z0-9_]*/ . Util.del_str "="
              . value? . eol ]

let lns = (comment | empty | entry)*
