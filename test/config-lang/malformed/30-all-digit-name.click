// expect: 2:1: element name 'q/1' has an all-digit component
q/1 :: Counter;
