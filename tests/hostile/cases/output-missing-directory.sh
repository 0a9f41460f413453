# An output in a folder that does not exist is refused before any work, naming the folder;
# nothing is created (not even the folder).
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o r.h5
begin
expect 2 --message "^funnelsim: missing/r\.h5: directory 'missing' does not exist" -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o missing/r.h5
expect 2 --message "^funnelsim: missing/t\.csv: directory 'missing' does not exist" -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -o r2.h5 --replication 0 --trace missing/t.csv
expect 2 --message "^funnelsim: missing/crm: directory 'missing' does not exist" -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o r2.h5 --crm-export missing/crm
expect 2 --message "^funnelsim: missing/page\.html: directory 'missing' does not exist" -- \
  funnelsim report r.h5 -o missing/page.html
expect 2 --message "^funnelsim: missing/h\.md: directory 'missing' does not exist" -- \
  funnelsim exercise diagnose --seed 4 -o missing/h.md
expect 2 --message "^funnelsim: missing/m\.h5: directory 'missing' does not exist" -- \
  funnelsim merge r.h5 -o missing/m.h5
