# Root counts that size every dataset a reader expects: negative, larger than any run,
# inconsistent with each other, or arrays where one value is read (HDF5 would write the whole
# array into a single integer). Each refused naming the file and the attribute.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 --forecast-samples 0 -q -o valid.h5
make() { /usr/bin/python3 "$REPO/tests/damaged_results/make_hostile.py" counts valid.h5 "$@"; }
make negative.h5 replications=-1
make planned.h5 replications=2 replications_planned=1
make huge-planned.h5 replications_planned=1000000000000
make overflow.h5 first_replication=9223372036854775807
make complete.h5 complete=0
make complete-two.h5 complete=2
make array.h5 replications=2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2
make quarters.h5 quarters=-4
begin
expect 2 --message "^funnelsim: negative\.h5: attribute 'replications' must be >= 0, got -1" \
  -- funnelsim summary negative.h5
expect 2 --message "^funnelsim: planned\.h5: attribute 'replications' \(2\) is more than 'replications_planned' \(1\)" \
  -- funnelsim summary planned.h5
expect 2 --message "^funnelsim: huge-planned\.h5: attribute 'replications_planned' is 1000000000000, more than a run makes" \
  -- funnelsim compare huge-planned.h5
expect 2 --message "^funnelsim: overflow\.h5: attributes 'first_replication' .* overflow" \
  -- funnelsim summary overflow.h5
expect 2 --message "^funnelsim: complete\.h5: attribute 'complete' \(0\) does not match 2 of 2" \
  -- funnelsim summary complete.h5
expect 2 --message "^funnelsim: complete-two\.h5: attribute 'complete' \(2\) does not match" \
  -- funnelsim summary complete-two.h5
expect 2 --message "^funnelsim: array\.h5: attribute 'replications' is not a single value" \
  -- funnelsim summary array.h5
expect 2 --message "^funnelsim: quarters\.h5: attribute 'quarters' must be >= 0, got -4" \
  -- funnelsim summary quarters.h5
