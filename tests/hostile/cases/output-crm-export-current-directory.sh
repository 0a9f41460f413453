# --crm-export . once emptied the current folder: an existing export folder is refused without
# --force, and with --force only the export's own files are written into it.
mkdir keep && echo "the user's notes" >keep/notes.txt && echo precious >data.txt
cp "$REPO/scenarios/branch.yaml" .
begin
expect 2 --message 'exists.*--force' -- funnelsim run branch.yaml -n 2 -o r.h5 --crm-export .
output r.h5
