# A FIFO given as an output is not a file to replace, with --force or without: -o, --trace and
# the export's files are all refused before the run (no results file is written).
mkfifo pipe
begin
expect 2 --message '^funnelsim: pipe: is a FIFO \(named pipe\), not a regular file' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o pipe --force
expect 2 --message '^funnelsim: pipe: is a FIFO' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -o r.h5 --replication 0 --trace pipe --force
expect 2 --message '^funnelsim: pipe: is a FIFO' -- \
  funnelsim merge "$REPO/scenarios/branch.yaml" -o pipe --force
[ -p pipe ] || fail "the FIFO was replaced"
