# CLI11 clamped an out-of-range seed to 2^64 - 1 and wrapped -n -1 to 2^64 - 1.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message '--seed: must be an integer in 0\.\.18446744073709551615' -- funnelsim run branch.yaml -o r.h5 --seed 99999999999999999999999
expect 2 --message '--replications: must be an integer in 1\.\.100000000' -- funnelsim run branch.yaml -o r.h5 -n -1
expect 2 --message '--seed: must be an integer' -- funnelsim exercise diagnose --seed -1
