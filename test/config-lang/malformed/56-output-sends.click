// expect: 3:18: 'input' of compound 'A' cannot receive connections
// expect: 3:18: 'output' of compound 'A' cannot send connections
elementclass A { output -> input }
