// expect: 2:15: unterminated comment: missing '*/'
a :: Counter; /* never closed
Idle -> a -> Discard;
