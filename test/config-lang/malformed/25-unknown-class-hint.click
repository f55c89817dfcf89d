// expect: 2:9: unknown element class 'Countr'
Idle -> Countr -> Discard;
