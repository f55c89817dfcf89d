#line 1 "lexical.click"
// Lexical details: comments everywhere, quotes and hex data protecting
// parentheses, identifiers with slashes and at-signs, semicolons optional.
/* a block comment
   over lines */ src/a :: InfiniteSource(DATA "a (paren", LIMIT 1 /* ) */, STOP true) // (
  -> Print("x)y", 10)
  -> Print('z)', 5) -> StoreData(0, \<41 29 /* ) */ 42>)
  -> Print(a (b) c) ->
  n@1 :: Counter
  -> Discard
w :: Message("a\"b)")
Idle->Discard;Idle->Discard
require(standard, package ip)
provide(mypkg)
require(mypkg)
Print(
# 12 "elsewhere.click"
hello) -> Discard;
define($X 1)
