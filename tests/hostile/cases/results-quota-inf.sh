# A results file whose quota for quarter 1 is inf: summary printed quota inf and attainment
# 0.0%, compare and report printed inf (exit 0). Refused naming the dataset and the quarter.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_values.py" valid.h5 bad.h5 set variants/baseline/quota 0 inf
begin
output report.html
for command in summary compare forecast-accuracy; do
  expect 2 --message '^funnelsim: bad\.h5: variants/baseline/quota: not a finite number: inf at quarter 1$' \
    -- funnelsim $command bad.h5
done
expect 2 --message '^funnelsim: bad\.h5: variants/baseline/quota: not a finite number: inf at quarter 1$' \
  -- funnelsim report bad.h5 -o report.html
