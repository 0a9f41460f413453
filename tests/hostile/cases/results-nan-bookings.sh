# NaN in a results file: summary failed with "summarize: bookings contain NaN" (exit 1, no file,
# no cell), report with "quantile: values contain NaN", compare with exit 1. Refused (exit 2)
# naming the file, the dataset and the cell; a shard with one is refused by merge.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q --shard 1/2 -o part1.h5
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q --shard 2/2 -o part2.h5
V="$REPO/tests/damaged_results/make_values.py"
/usr/bin/python3 "$V" valid.h5 bookings.h5 set variants/baseline/bookings 3,1 nan
/usr/bin/python3 "$V" valid.h5 rep.h5 set variants/baseline/rep_bookings 1,2,3 nan
/usr/bin/python3 "$V" valid.h5 cost.h5 set variants/baseline/cost 2,0 nan
/usr/bin/python3 "$V" part2.h5 shard.h5 set variants/baseline/bookings 0,0 nan
begin
output report.html merged.h5
expect 2 --message '^funnelsim: bookings\.h5: variants/baseline/bookings: not a finite number: nan at replication 3, quarter 2$' \
  -- funnelsim summary bookings.h5
expect 2 --message '^funnelsim: rep\.h5: variants/baseline/rep_bookings: not a finite number: nan at replication 1, rep 3, quarter 4$' \
  -- funnelsim report rep.h5 -o report.html
expect 2 --message '^funnelsim: cost\.h5: variants/baseline/cost: not a finite number: nan at replication 2, quarter 1$' \
  -- funnelsim compare cost.h5
expect 2 --message '^funnelsim: shard\.h5: variants/baseline/bookings: not a finite number: nan at replication 2, quarter 1$' \
  -- funnelsim merge part1.h5 shard.h5 -o merged.h5
