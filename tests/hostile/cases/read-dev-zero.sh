# A stream has no size to check beforehand: /dev/zero was read until memory ran out. The reader
# stops after 16 MiB and a byte, and names the file.
begin
expect 2 --message '^/dev/zero: too large: more than 16777216' -- funnelsim validate /dev/zero
expect 2 --message '^/dev/zero: too large' -- funnelsim forecast /dev/zero
