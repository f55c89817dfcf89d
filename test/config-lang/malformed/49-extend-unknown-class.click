// expect: 2:45: cannot extend unknown element class 'Nope'
elementclass Nope { $a | input -> output || ... }
