# A small shard that declares 50,000,000 replications of fill value: merge once read it whole
# and ran out of memory. Refused naming the shard and the dataset; no merged file is written.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q --shard 1/1 -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" huge-dims valid.h5 shard.h5 50000000
begin
expect 2 --message '^funnelsim: shard\.h5: variants/baseline/[a-z_/]+: declares [0-9]+ elements' \
  -- funnelsim merge shard.h5 -o merged.h5
