// expect: 2:9: expected an element after '->', found ';'
Idle -> ;
