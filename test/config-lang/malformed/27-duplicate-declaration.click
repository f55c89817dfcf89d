// expect: 3:1: redeclaration of element 'c'
c :: Counter;
c :: Counter;
Idle -> c -> Discard;
