// expect: 2:21: expected ',' or '|' after a compound parameter, found '$b'
elementclass A { $a $b | input -> output }
