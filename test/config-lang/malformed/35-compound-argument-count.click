// expect: 3:9: wrong arguments for compound 'A': expected 1 argument ($x), got 2
elementclass A { $x | input -> Print($x) -> output }
Idle -> A(1, 2) -> Discard;
