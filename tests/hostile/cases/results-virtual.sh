# A virtual dataset reads its data from other files (here source.h5, but any path the file
# names). funnelsim reads only data stored in the results file itself.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" virtual valid.h5 virtual.h5 source.h5
begin
expect 2 --message '^funnelsim: virtual\.h5: variants/baseline/bookings: is a virtual dataset' \
  -- funnelsim summary virtual.h5
