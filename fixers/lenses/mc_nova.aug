(*
Module: Mc_nova
  Parses nova.conf (and any oslo.config file) the way oslo.config's
  iniparser reads it, which no stock lens does:

  - comment lines start with '#' or ';' in the first column; there are no
    inline comments, so "transport_url = rabbit://u:pa#ss@h" keeps its '#'
  - "key = value" and "key: value", the first '=' or ':' separates
  - a line that starts with blank space continues the previous value; the
    continuation lines are kept verbatim inside the value (the reader joins
    them with newlines after stripping the indentation, as oslo does)
  - a blank line ends a value
  - "key =" with nothing after it is an empty value (a node without a value
    here); continuation lines may still follow it
  - keys before the first section are an error, as in oslo.config

  Tree: /SECTION/KEY = value, with #comment nodes; repeated keys stay
  repeated (the last one wins when read).
*)
module Mc_nova =

let eol = Util.del_str "\n"
let trail = del /[ \t]*\n/ "\n"
let empty = [ del /[ \t]*\n/ "\n" ]

let comment =
     [ label "#comment" . del /[#;][ \t]*/ "# "
       . store /([^ \t\n][^\n]*)?[^ \t\n]/ . trail ]
   | [ label "#comment" . del /[#;][ \t]*\n/ "#\n" ]

(* oslo strips the key: it cannot start with blank space (that would be a
   continuation), '[', '#' or ';', and cannot contain '=' or ':'. *)
let key_re = /[^[ \t\n#;=:]([^\n=:]*[^ \t\n=:])?/
(* the separator keeps its leading blanks; the blanks after it belong to
   the optional value so that "key =" with no value stays unambiguous *)
let sep = del /[ \t]*[=:]/ " ="

let line_re = /[^ \t\n]([^\n]*[^ \t\n])?/
let cont_re = /[ \t]*\n[ \t]+[^ \t\n]([^\n]*[^ \t\n])?/
let value_re = line_re . cont_re*

(* "key =" followed by continuation lines: oslo gives "\nline..." (an empty
   first line), so the stored value then starts with the newline that ends
   the key line *)
let value = del /[ \t]*/ " " . store (value_re | /\n[ \t]+[^ \t\n]([^\n]*[^ \t\n])?/ . cont_re*)

let entry = [ key key_re . sep . value? . trail ]

let section_name = /[^]#\n\/][^]\n\/]*/
let title = Util.del_str "[" . key section_name . Util.del_str "]" . trail

let section = [ title . (entry | comment | empty)* ]

let lns = (comment | empty)* . section*
