// expect: 3:9: undeclared element 'cont'
count :: Counter;
Idle -> cont -> Discard;
