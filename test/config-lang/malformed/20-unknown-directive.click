// expect: 2:1: unknown preprocessor directive
#include "other.click"
Idle -> Discard;
