// expect: 2:35: 'input' of compound 'A' cannot receive connections
elementclass A { input -> output; Idle -> input }
