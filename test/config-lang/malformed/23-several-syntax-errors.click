// expect: 4:9: expected an element after '->', found ';'
// expect: 6:6: missing element class after '::', found ';'
// expect: 7:6: missing element class after '::', found '::'
Idle -> ;
a :: Counter
b :: ;
c :: :: Counter;
Idle -> a -> Discard;
