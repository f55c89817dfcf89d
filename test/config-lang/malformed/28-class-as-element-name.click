// expect: 2:1: 'Counter' is an element class, not an element name
Counter :: Counter;
