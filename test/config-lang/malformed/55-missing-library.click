// expect: 2:9: library 'no-such-library.click' not found
require(library no-such-library.click);
