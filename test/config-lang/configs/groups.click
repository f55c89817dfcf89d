// Element groups, implicit ports, many-to-many connections and port lists.
a, b, c, d :: Idle;
a [0,1,2] => c, b, d;
cl :: Classifier(12/0800, 12/0806, -);
Idle -> cl => ( [0] -> Paint(1) -> output;
                [1] -> Paint(2) -> output;
                [2] -> output ) -> x :: Counter -> Discard;
x2 :: Counter;
Idle -> Tee(2) => (->), Paint(3) -> x2 -> Discard;
t :: Tee(3);
Idle -> t;
t [] => [0, 1, 2] rr :: RoundRobinSched -> Discard;
e, f :: Idle;
e, f -> g :: Discard;
y :: { [0] -> Print(in0) -> [0]; [1] -> Print(in1) -> [1] };
Idle, Idle => y => Discard, Discard;
