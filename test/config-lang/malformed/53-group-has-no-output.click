// expect: 2:9: element group has no output 0
Idle -> ( -> Discard ) -> Discard;
