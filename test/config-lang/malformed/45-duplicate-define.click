// expect: 2:14: '$X' is defined twice in the same scope
define($X 1, $X 2);
