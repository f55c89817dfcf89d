// expect: 2:15: unterminated string: missing closing '
Idle -> Print('abc) -> Discard;
