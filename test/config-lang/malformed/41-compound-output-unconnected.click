// expect: 5:9: output 1 of 's' is not connected
elementclass Split {
  input -> t :: Tee(2); t [0] -> [0] output; t [1] -> [1] output
}
Idle -> s :: Split -> Discard;
