# Referral chains that grow each cycle (50 referrals a win, a day's delay): refused, not run out
# of memory.
cp "$REPO/scenarios/branch.yaml" .
begin
output r.h5
expect 2 --message 'sources.word.per_win: the run would' -- funnelsim run branch.yaml -o r.h5 --set 'sources=[{name: word, type: referral, team: territory, per_win: 50, delay_days: {dist: exponential, mean: 1}}]'
