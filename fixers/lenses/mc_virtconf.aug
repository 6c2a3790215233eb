(*
Module: Mc_virtconf
  libvirt's configuration grammar, as its own reader (src/util/virconf.c,
  virConfParse) reads libvirtd.conf, virtqemud.conf, virtproxyd.conf, the
  other daemons' files and qemu.conf. The stock Libvirtd and Libvirtd_qemu
  lenses list the keys of one libvirt release and refuse trailing comments
  and trailing commas; libvirt does not (docs/architecture.md).

  What virconf.c accepts, and so this lens:
  - a statement is NAME = VALUE, or a comment from '#' to the end of line;
    NAME is an ASCII letter then letters, digits and '_'; blanks (space,
    tab) may stand before the name and around '='
  - VALUE is a string in "double" or 'single' quotes on one line (no
    escapes), a """triple-quoted""" string that may span lines, an integer
    with an optional sign, or a list: '[' values separated by ',' with an
    optional trailing ',', blanks and line ends anywhere between, ']';
    lists nest (two levels are read here: no libvirt key takes a nested
    list); a '#' inside a list is refused (virConfParseValue)
  - after a value, blanks and an optional '#' comment to the end of line
  - statements end at a line end (\n or \r) or a ';'; blank lines
    anywhere
  Refused as libvirt refuses them: a name without value, a bare word, a
  number with a fraction, an unterminated string, "a = 1;;".
  Two rules are left to the reader (src/virtconf.c): the last line needs
  no line end in libvirt (the reader adds one before the lens sees the
  text: a lens that told a last statement from the others could not put a
  tree back unambiguously), and a file of blanks and line ends only is
  refused by virconf.c ("expecting a name").

  Tree: one node per statement, labelled with its name; a scalar is stored
  as written, quotes included, so that a value keeps its quotes and a new
  one is written as the caller spells it ("\"none\"" or "1"); a list is a
  node without value whose children "1", "2"... are its items (a nested
  list an item without value, with children of its own). A comment after a
  value is a "#comment" child of its statement, after any items. Blank lines are
  "#empty" nodes. Layout (indentation, spacing around '=', line ends) is
  kept byte for byte; new statements are written "NAME = VALUE\n".
*)
module Mc_virtconf =

let blanks = /[ \t]*/

let name = /[A-Za-z][A-Za-z0-9_]*/

let str_dq = /"[^"\r\n]*"/
let str_sq = /'[^'\r\n]*'/
let str_tq = /"""([^"]|"[^"]|""[^"])*"""/
let int_re = /[-+]?[0-9]+/
let scalar = store (str_dq | str_sq | str_tq | int_re)

(* libvirt nests lists without limit; two levels are read here *)
let list_of (item:lens) =
    del /\[[ \t\r\n]*/ "[ "
  . ( item . ( del /[ \t\r\n]*,[ \t\r\n]*/ ", " . item )*
      . del /[ \t\r\n]*(,[ \t\r\n]*)?/ " " )?
  . del /\]/ "]"

let inner = list_of [ seq "inner" . scalar ]
let list = list_of ( [ seq "item" . scalar ] | [ seq "item" . counter "inner" . inner ] )

let comment_text = [ label "#comment" . del /#/ "#" . store /[^\r\n]*/ ]

let sep = del /[ \t]*=[ \t]*/ " = "

(* a comment runs to the line end, so after one only the line end can follow *)
let tail = del /[ \t]*[;\r\n]/ "\n"
         | del /[ \t]*/ " " . comment_text . del /[\r\n]/ "\n"

let comment = [ del blanks "" . label "#comment" . del /#/ "#" . store /[^\r\n]*/ . del /[\r\n]/ "\n" ]

let line = [ del blanks "" . key name . sep . scalar . tail ]
         | [ del blanks "" . key name . sep . counter "item" . list . tail ]
         | comment
let empty = [ label "#empty" . del /[ \t]*[\r\n]/ "\n" ]

let lns = (line | empty)*
