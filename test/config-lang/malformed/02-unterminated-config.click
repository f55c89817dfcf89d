// expect: 2:14: unterminated configuration string: missing ')'
Idle -> Print(hello -> Discard;
