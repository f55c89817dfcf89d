// expect: 2:30: compound element class 'Loop' cannot be used inside its own definition
elementclass Loop { input -> Loop -> output }
Idle -> Loop -> Discard;
