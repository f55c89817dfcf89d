// expect: 2:22: unterminated '\<' data: missing '>'
Idle -> StoreData(0, \<41 42);
