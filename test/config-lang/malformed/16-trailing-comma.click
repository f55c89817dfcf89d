// expect: 2:7: expected an element after ',', found '->'
Idle, -> Discard;
