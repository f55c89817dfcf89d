// expect: 2:9: bad requirement 'package a b'
require(package a b);
