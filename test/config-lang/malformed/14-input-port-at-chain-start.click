// expect: 2:1: input port at the start of a chain connects to nothing
[1] Idle -> Discard;
