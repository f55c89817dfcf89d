// expect: 2:6: missing element class after '::', found ';'
a :: ;
