# Replacement hires: a huge attrition rate on a large team made every leave walk the team's reps,
# for days; the estimate must refuse it up front naming the attrition rate.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message 'branch.yaml.*teams.territory.attrition.annual_rate: the run would take' -- funnelsim run branch.yaml -o r.h5 --set teams.territory.headcount=100000 --set 'teams.territory.attrition={annual_rate: 1e6}'
