// expect: 2:7: port number 'x' is not an integer
Idle [x] -> Discard;
