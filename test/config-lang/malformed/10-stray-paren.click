// expect: 2:17: syntax error near ')'
Idle -> Discard );
