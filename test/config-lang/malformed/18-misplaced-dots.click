// expect: 2:18: '...' must come last, after '||' and at least one definition
elementclass A { ... }
