// Variables: defines refer to each other in any order, braces, defaults,
// word indexes, quoting, and undefined variables kept literally.
define($B $A$A, $A x, $LIST one two three);
InfiniteSource($B, ${A}y, ${MISSING-fallback}, "$A", '$A', ${LIST[1]}, $UNDEFINED)
  -> Print("q$A\"") -> Print(// $A in a comment
  $A) -> Discard;
elementclass P { $v | define($w $v-suffix); input -> Print($w, $A) -> output }
Idle -> P(val) -> Discard;
