// expect: 4:6: at most one expandable port allowed per connection
t :: Tee;
q :: Discard;
t [] -> [] q;
