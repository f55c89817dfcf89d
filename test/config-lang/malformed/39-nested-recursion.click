// expect: 3:29: compound element class 'A' cannot be used inside its own definition
elementclass A {
  elementclass B { input -> A -> output }
  input -> B -> output
}
