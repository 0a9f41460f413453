# A small file (every replication dataset grown to 100,000,000 replications, no chunk written)
# that reads as gigabytes of fill value: summary once allocated about 14 GB for it. Refused
# before any allocation because the declared size is not backed by stored chunks.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" huge-dims valid.h5 huge.h5 100000000
begin
for command in summary compare forecast-accuracy; do
  expect 2 --message '^funnelsim: huge\.h5: variants/baseline/[a-z_/]+: declares [0-9]+ elements' \
    -- funnelsim $command huge.h5
done
expect 2 --message '^funnelsim: huge\.h5: variants/baseline/[a-z_/]+: declares [0-9]+ elements' \
  -- funnelsim report huge.h5 -o report.html
