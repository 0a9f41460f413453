# A results file whose quota for quarter 1 is 0: summary printed P(quota met) 100% with an
# attainment of 113%. Every quota is > 0 (the scenario loader requires it).
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_values.py" valid.h5 bad.h5 set variants/baseline/quota 0 0
begin
for command in summary compare forecast-accuracy; do
  expect 2 --message '^funnelsim: bad\.h5: variants/baseline/quota: 0 at quarter 1 is out of range \(a quota is > 0' \
    -- funnelsim $command bad.h5
done
