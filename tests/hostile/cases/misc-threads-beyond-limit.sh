# --threads 4096 under the corpus's 4 GiB address-space cap aborted in oneTBB (exit 134).
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message '--threads: must be an integer in 0\.\.256' -- funnelsim run branch.yaml -o r.h5 -n 2 --threads 4096
