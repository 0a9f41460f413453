# A results file whose attainment is 12345 everywhere: summary printed 1234500%. Attainment is
# bookings / quota, as the writer computes it; any other value is refused.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_values.py" valid.h5 bad.h5 set variants/baseline/attainment : 12345
begin
for command in summary compare; do
  expect 2 --message '^funnelsim: bad\.h5: variants/baseline/attainment: 12345 at replication 0, quarter 1 is not bookings / quota' \
    -- funnelsim $command bad.h5
done
