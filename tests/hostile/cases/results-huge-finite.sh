# A results file whose bookings are 1e300, finite: compare --quarter 1 printed a confidence
# interval of -inf to +inf and 300-digit numbers. Amounts are at most 1e24 in absolute value.
"$FUNNELSIM" run "$REPO/scenarios/prospecting-vs-winrate.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_values.py" valid.h5 bad.h5 set variants/bigger-deals/bookings :,0 1e300
begin
expect 2 --message '^funnelsim: bad\.h5: variants/bigger-deals/bookings: 1e\+300 at replication 0, quarter 1 is out of range' \
  -- funnelsim compare bad.h5 --quarter 1
expect 2 --message '^funnelsim: bad\.h5: variants/bigger-deals/bookings: 1e\+300 at replication 0, quarter 1 is out of range' \
  -- funnelsim compare --csv bad.h5
