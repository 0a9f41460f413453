# Links a results file never holds: an external link opens another file (any path, a FIFO),
# a soft link can point anywhere or loop. Both refused naming the link, before any is followed.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q -o valid.h5
mkfifo other.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" external-link valid.h5 external.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" soft-link valid.h5 soft.h5
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q --shard 1/1 -o shard.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" external-link shard.h5 shard-link.h5
begin
expect 2 --message '^funnelsim: external\.h5: variants/baseline/bookings is an external link' \
  -- funnelsim summary external.h5
expect 2 --message '^funnelsim: soft\.h5: variants/baseline/bookings is a soft link' \
  -- funnelsim compare soft.h5
expect 2 --message '^funnelsim: shard-link\.h5: variants/baseline/bookings is an external link' \
  -- funnelsim merge shard-link.h5 -o merged.h5
