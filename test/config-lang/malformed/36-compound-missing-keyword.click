// expect: 3:9: wrong arguments for compound 'A': missing keyword argument 'COUNT'
elementclass A { COUNT $c | input -> Print($c) -> output }
Idle -> A -> Discard;
