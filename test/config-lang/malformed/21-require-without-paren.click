// expect: 2:9: expected '(' after 'require', found 'standard'
require standard;
