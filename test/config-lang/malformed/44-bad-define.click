// expect: 2:8: bad 'define': 'X' is not a variable
define(X 1);
