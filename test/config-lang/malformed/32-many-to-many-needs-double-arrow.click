// expect: 4:6: syntax error: many-to-many connections require '=>'
a, b :: Idle;
c, d :: Discard;
a, b -> c, d;
