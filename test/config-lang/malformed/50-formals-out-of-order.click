// expect: 2:26: compound element parameters out of order
elementclass A { KEY $k, $p | input -> output }
