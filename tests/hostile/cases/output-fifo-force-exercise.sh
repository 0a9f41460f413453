# exercise --force onto a FIFO once replaced it with the handout: refused, the FIFO stays.
mkfifo handout.md
begin
expect 2 --message '^funnelsim: handout\.md: is a FIFO \(named pipe\), not a regular file' -- \
  funnelsim exercise diagnose --seed 4 -o handout.md --force
[ -p handout.md ] || fail "the FIFO was replaced"
