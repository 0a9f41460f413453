# The weekly simulation forecast plays --forecast-samples outcomes every week of every replication.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message '^--forecast-samples: the run would take' -- funnelsim run branch.yaml -o r.h5 -n 100000 --forecast-samples 10000000
