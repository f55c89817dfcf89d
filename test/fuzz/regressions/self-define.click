define($x $x); Idle -> Print($x) -> Discard;
