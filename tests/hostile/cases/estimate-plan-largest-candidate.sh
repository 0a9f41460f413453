# A plan search tries up to 2 log2(max) + 2 candidates, the largest at --max-headcount reps.
cp "$REPO/scenarios/branch.yaml" .
begin
expect 2 --message '^--max-headcount: the run would take' -- funnelsim plan headcount branch.yaml --team territory --quota 100 --probability 0.5 --max-headcount 100000 -q
