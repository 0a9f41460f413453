# Replacement hires: a high attrition rate on a large team made every leave walk the team's reps,
# for days; the estimate must refuse it up front naming the attrition rate, at its line and
# column in the file (and against --set when an override set it). Without the simulation
# forecast model, whose pilot would need the memory of 100,000 reps' open funnels at every
# week first (and is refused for it, naming the headcount).
sed -e 's/^\( *\)headcount: 10$/\1headcount: 100000\n\1attrition: {annual_rate: 100}/' \
  "$REPO/scenarios/branch.yaml" >churn.yaml
grep -q 'annual_rate: 100' churn.yaml || fail "churn.yaml was not made"
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message '^churn\.yaml:[0-9]+:[0-9]+: teams\.territory\.attrition\.annual_rate: the run would take' -- funnelsim run churn.yaml -o r.h5 --forecast-samples 0
expect 2 --message '^--set: teams\.territory\.attrition\.annual_rate: the run would take' -- funnelsim run branch.yaml -o r.h5 --set teams.territory.headcount=100000 --set 'teams.territory.attrition={annual_rate: 100}' --forecast-samples 0
