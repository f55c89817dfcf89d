// expect: 2:1: 'input' is not defined outside compound elements and element groups
input -> Discard;
