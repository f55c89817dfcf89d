// expect: 4:9: connection mismatch: 3 outputs connected to 2 inputs
a, b, x :: Idle;
c, d :: Discard;
a, b, x => c, d;
