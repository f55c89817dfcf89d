// expect: 2:26: 'require(library ...)' may only be used at file scope, not inside a compound element
elementclass A { require(library x.click) input -> output }
