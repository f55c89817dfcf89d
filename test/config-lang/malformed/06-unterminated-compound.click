// expect: 2:16: unterminated compound element: missing '}'
elementclass A { input -> output
