// expect: 2:14: expected element class name after 'elementclass', found '{'
elementclass { input -> output }
