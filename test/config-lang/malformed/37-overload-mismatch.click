// expect: 5:9: no definition of compound 'A' matches 3 arguments, 1 input, 1 output
elementclass A {
  $a | input -> Print($a) -> output
|| $a, $b | input -> Print($a, $b) -> output }
Idle -> A(1, 2, 3) -> Discard;
