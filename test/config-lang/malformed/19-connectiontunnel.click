// expect: 2:1: 'connectiontunnel' is not supported
connectiontunnel a -> b;
Idle -> Discard;
