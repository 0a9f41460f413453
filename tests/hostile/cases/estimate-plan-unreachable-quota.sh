# A quota no headcount up to the limit can reach made plan headcount climb through every
# candidate to 100,000 reps (140 s at -n 1); --quota took 1e308. The quota's domain is
# (0, 1e12] 万 like every amount, and an unreachable target is answered at once (exit 1, as
# documented for a target not met), by Markov's inequality on the funnel arithmetic.
cp "$REPO/scenarios/branch.yaml" .
begin
expect 2 --message '^funnelsim: --quota: must be a number in \(0, 1e\+12\]' -- funnelsim plan headcount branch.yaml --team territory --quota 1e308 --probability 0.9 -n 1
expect 1 --message 'not reachable with up to 100000 reps: by the funnel arithmetic' -- funnelsim plan headcount branch.yaml --team territory --quota 1e12 --probability 0.9 -n 1 -q
expect 1 --message 'not reachable with up to .* prospects a week per rep' -- funnelsim plan prospecting branch.yaml --team territory --quota 1e12 --probability 0.9 -n 1 -q
