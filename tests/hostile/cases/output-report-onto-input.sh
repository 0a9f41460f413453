# An output that is one of the command's own inputs (under any name) is refused, --force or
# not: report x.h5 -o x.h5 --force once destroyed the results; so would run -o scenario.yaml.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o r.h5
ln r.h5 alias.h5
cp "$REPO/scenarios/branch.yaml" .
begin
expect 2 --message '^funnelsim: r\.h5: is also an input of this command' -- \
  funnelsim report r.h5 -o r.h5 --force
expect 2 --message "^funnelsim: alias\.h5: is the same file as 'r\.h5', an input" -- \
  funnelsim report r.h5 -o alias.h5 --force
expect 2 --message '^funnelsim: r\.h5: is also an input' -- \
  funnelsim merge r.h5 -o r.h5 --force
expect 2 --message '^funnelsim: branch\.yaml: is also an input' -- \
  funnelsim run branch.yaml -n 2 -o branch.yaml --force
expect 2 --message '^funnelsim: branch\.yaml: is also an input' -- \
  funnelsim run branch.yaml -n 1 -o out.h5 --replication 0 --trace branch.yaml --force
expect 2 --message '^funnelsim: r\.h5: named by both -o and --trace' -- \
  funnelsim run branch.yaml -n 1 -o r.h5 --replication 0 --trace r.h5 --force
