# A marketing source's leads are each given to a rep by a rendezvous over the team: leads x reps.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message 'sources.fair.leads_per_week: the run would' -- funnelsim run branch.yaml -o r.h5 --set teams.territory.headcount=100000 --set 'sources=[{name: fair, type: marketing, team: territory, leads_per_week: 1e6}]'
