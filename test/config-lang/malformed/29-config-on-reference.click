// expect: 3:11: configuration string on a reference to element 'c'
c :: Counter;
Idle -> c(5) -> Discard;
