# The simulation forecast model's pilot: --forecast-samples traced replications before the run.
# More than 10,000 sharpen nothing a run reports: refused by its domain, before any work.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message '^funnelsim: --forecast-samples: must be an integer in 0\.\.10000, got' -- funnelsim run branch.yaml -o r.h5 -n 100000 --forecast-samples 10000000
