// expect: 2:6: unknown element class 'Tea'
t :: Tea(2);
Idle -> t -> Discard;
