# An endless pipe (`validate <(yes)`) is read up to the limit, then refused naming it.
begin
expect 2 --message '^/dev/fd/[0-9]+: too large: more than 16777216' -- funnelsim validate <(yes)
