# A results file whose bookings are stored in /etc/passwd: HDF5 would read the system's
# password file as bookings and print its bytes as amounts. Refused naming the dataset.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q -o valid.h5
/usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" external valid.h5 passwd.h5 /etc/passwd
begin
for command in summary compare; do
  expect 2 --message '^funnelsim: passwd\.h5: variants/baseline/bookings: its data are stored in external files' \
    -- funnelsim $command passwd.h5
done
