# --crm-export . once emptied the current folder. Without --force it is refused; with --force
# only the export's own files (snapshots.csv, opportunities.csv, stage_history.csv) are written
# there, every other file stays as it was.
mkdir keep && echo "the user's notes" >keep/notes.txt && echo precious >data.txt
cp "$REPO/scenarios/branch.yaml" .
begin
expect 2 --message '^funnelsim: \.: exists; use --force' -- \
  funnelsim run branch.yaml -n 2 -o r.h5 --crm-export .
output r.h5 snapshots.csv opportunities.csv stage_history.csv
expect 0 -- funnelsim run branch.yaml -n 2 -q -o r.h5 --crm-export . --force
[ -s snapshots.csv ] && [ -s opportunities.csv ] && [ -s stage_history.csv ] ||
  fail "the export's files were not written"
