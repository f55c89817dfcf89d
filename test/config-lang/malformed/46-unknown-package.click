// expect: 2:9: unknown package 'fastclassifier'
require(fastclassifier);
