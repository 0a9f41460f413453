# report --force onto a FIFO once replaced it with an HTML page: refused, the FIFO stays.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o r.h5
mkfifo page.html
begin
expect 2 --message '^funnelsim: page\.html: is a FIFO \(named pipe\), not a regular file' -- \
  funnelsim report r.h5 -o page.html --force
[ -p page.html ] || fail "the FIFO was replaced"
