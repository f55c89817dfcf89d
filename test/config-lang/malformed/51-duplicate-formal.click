// expect: 2:22: parameter '$a' is declared twice
elementclass A { $a, $a | input -> output }
