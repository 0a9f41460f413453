# An infinite forecast: report said "The file holds no forecasts". Forecasts are finite or NaN
# ("no figure that week"); inf is refused naming the model and the cell.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_values.py" valid.h5 bad.h5 set variants/baseline/forecast/funnel 0,0,0 inf
begin
output report.html
expect 2 --message '^funnelsim: bad\.h5: variants/baseline/forecast/funnel: not a finite number: inf at replication 0, quarter 1, week 1$' \
  -- funnelsim report bad.h5 -o report.html
expect 2 --message '^funnelsim: bad\.h5: variants/baseline/forecast/funnel: not a finite number: inf' \
  -- funnelsim forecast-accuracy bad.h5
