// expect: 4:1: 'a' has no input 1
// expect: 4:13: input 0 of 'a' is not connected
elementclass A { input -> output }
Idle -> [1] a :: A -> Discard;
