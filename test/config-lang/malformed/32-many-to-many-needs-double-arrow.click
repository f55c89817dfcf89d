// expect: 4:6: many-to-many connection requires '=>'
a, b :: Idle;
c, d :: Discard;
a, b -> c, d;
