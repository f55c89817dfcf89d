elementclass X { $a | input -> Print($a) -> output }
Idle -> X(1, 2, 3) -> Discard;
