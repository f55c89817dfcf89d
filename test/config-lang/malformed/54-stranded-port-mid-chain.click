// expect: 2:27: port [1] is not attached to an element
elementclass A { input -> [1] -> output }
