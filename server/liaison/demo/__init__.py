"""The demo data set beyond places and accounts (``users.demo``): sample opinions in
every stage and the recent weeks of history (``flask demo opinions``). It drives the
real operations of every package, so it sits above them all."""
