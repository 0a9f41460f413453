# A results file whose bookings are stored in an external file that is a FIFO: HDF5 would open
# the FIFO to read them and wait forever for a writer. Refused before any data is read.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q -o valid.h5
mkfifo pipe
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" external valid.h5 fifo.h5 pipe
begin
for command in summary compare forecast-accuracy; do
  expect 2 --message '^funnelsim: fifo\.h5: variants/baseline/bookings: its data are stored in external files' \
    -- funnelsim $command fifo.h5
done
expect 2 --message '^funnelsim: fifo\.h5: variants/baseline/bookings: its data are stored in external files' \
  -- funnelsim report fifo.h5 -o report.html
