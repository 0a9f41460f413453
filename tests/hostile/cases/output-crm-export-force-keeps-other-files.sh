# With --force an existing export folder gets new snapshots.csv and outcomes.csv (each replaced
# whole) and nothing else in it is touched: not the user's notes, not a subfolder. One of the
# export's own names being a FIFO is refused before the run.
mkdir -p crm/sub && echo "the user's notes" >crm/notes.txt && echo kept >crm/sub/kept.txt
echo old >crm/snapshots.csv
mkdir piped && mkfifo piped/outcomes.csv
begin
output r.h5 crm/snapshots.csv crm/outcomes.csv
expect 0 -- funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -q -o r.h5 --crm-export crm --force
grep -q '^replication,week,rep' crm/snapshots.csv || fail "snapshots.csv was not replaced"
grep -q '^replication,opportunity' crm/outcomes.csv || fail "outcomes.csv was not written"
expect 2 --message '^funnelsim: piped/outcomes\.csv: is a FIFO' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o r2.h5 --crm-export piped --force
