# `plan funnel --quota 1e300` printed a negative number of reps (an int overflowed).
begin
expect 2 --message 'reps needed: .*more than 1e\+09' -- funnelsim plan funnel --quota 1e300 --average-deal 2 --weeks-per-stage 1
