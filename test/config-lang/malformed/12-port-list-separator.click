// expect: 2:9: expected ',' or ']' in port list, found '1'
Idle [0 1] -> Discard;
