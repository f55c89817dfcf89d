// expect: 3:1: element group has no input 0
// expect: 3:9: element group uses input 1 but not input 0
Idle -> ( [1] -> Discard );
