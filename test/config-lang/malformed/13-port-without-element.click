// expect: 2:9: port [0] is not attached to an element
Idle -> [0];
