# --replication K with -n N must leave its last replication number, K + N - 1, within
# 0..2^63-1: a run past it wrote a file that every reader then refused.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message '^funnelsim: --replication: 9223372036854775807 with -n 2 runs past' -- funnelsim run branch.yaml -o r.h5 -q --replication 9223372036854775807 -n 2
expect 2 --message '^funnelsim: --replication: .* runs past' -- funnelsim run branch.yaml -o r.h5 -q --replication 9223372036854775806 -n 4 --shard 2/2
[ ! -e r.h5 ] || fail "a refused run wrote r.h5"
