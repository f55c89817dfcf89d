// expect: 2:14: compound 'A' uses input 2 but not input 1
elementclass A { input -> [0] output; input [2] -> [1] output }
