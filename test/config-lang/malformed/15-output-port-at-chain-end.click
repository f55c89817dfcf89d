// expect: 2:17: output port at the end of a chain connects to nothing
Idle -> Discard [1];
