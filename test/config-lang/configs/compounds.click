// Compound elements: parameters, keywords, __REST__, overloads, extension,
// synonyms, nested definitions and lexical scoping.
define($COUNT 5, $NET 10.0.0.0/8);

elementclass Meter { $label |
  input -> c :: Counter -> Print($label) -> output;
}

elementclass Limited {
  $n | input -> q :: Queue($n) -> Unqueue -> output;
||
  $n, BURST $b | input -> q :: Queue($n) -> Unqueue(BURST $b) -> output;
||
  input -> Queue -> Unqueue -> output;
}

elementclass Rest { $first, __REST__ $rest |
  input -> Print($first) -> Paint($rest) -> output
}

elementclass Twice {
  input -> a :: Meter("first") -> b :: Meter("second") -> output;
}

elementclass Swap {
  input [0] -> [1] output;
  input [1] -> [0] output;
}

elementclass MyDiscard Discard;

// A class named like a primitive: inside, Queue is still the primitive.
elementclass Queue { $cap |
  input -> Queue($cap) -> output;
}

elementclass Outer { $x |
  elementclass Inner { input -> Print($x) -> output }
  input -> i :: Inner -> output;
}

src :: InfiniteSource(LIMIT $COUNT)
  -> m :: Meter(src)
  -> Limited(10)
  -> Limited(20, BURST 4)
  -> Limited
  -> Rest(a, b, c)
  -> Twice
  -> q :: Queue(30)
  -> Outer(outer)
  -> [0] sw :: Swap [1]
  -> MyDiscard;
Idle -> [1] sw [0] -> Discard;
