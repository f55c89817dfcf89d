// expect: 2:9: unterminated element group: missing ')'
Idle -> ( -> Discard
