# With --force an existing export folder gets new snapshots.csv, opportunities.csv and
# stage_history.csv (each replaced whole) and nothing else in it is touched: not the user's
# notes, not a subfolder. One of the export's own names being a FIFO is refused before the run.
mkdir -p crm/sub && echo "the user's notes" >crm/notes.txt && echo kept >crm/sub/kept.txt
echo old >crm/snapshots.csv
mkdir piped && mkfifo piped/opportunities.csv
begin
output r.h5 crm/snapshots.csv crm/opportunities.csv crm/stage_history.csv
expect 0 -- funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -q -o r.h5 --crm-export crm --force
grep -q '^variant,replication,measured_week' crm/snapshots.csv || fail "snapshots.csv was not replaced"
grep -q '^variant,replication,opportunity_id' crm/opportunities.csv || fail "opportunities.csv was not written"
grep -q '^variant,replication,opportunity_id,stage' crm/stage_history.csv || fail "stage_history.csv was not written"
expect 2 --message '^funnelsim: piped/opportunities\.csv: is a FIFO' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o r2.h5 --crm-export piped --force
