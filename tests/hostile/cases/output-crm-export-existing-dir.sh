# An existing export folder is the user's: without --force it is refused before the run (no
# results file either), and a file or a link where the folder should be is refused even with it.
mkdir crm && echo "the user's notes" >crm/notes.txt && echo old >crm/snapshots.csv
echo "not a folder" >plain
mkdir real && ln -s real linked
begin
expect 2 --message '^funnelsim: crm: exists; use --force' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o r.h5 --crm-export crm
expect 2 --message '^funnelsim: plain: exists and is not a directory' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o r.h5 --crm-export plain --force
expect 2 --message '^funnelsim: linked: is a symbolic link' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o r.h5 --crm-export linked --force
