# `plan funnel --quota 1e300` printed a negative number of reps (an int overflowed). The quota
# is an amount, at most 1e12 万; inside the domains a plan of more than a billion reps is
# refused rather than printed.
begin
expect 2 --message '^funnelsim: --quota: must be a number in \(0, 1e\+12\]' -- funnelsim plan funnel --quota 1e300 --average-deal 2 --weeks-per-stage 1
expect 2 --message 'reps needed: .*more than 1e\+09' -- funnelsim plan funnel --quota 1e12 --average-deal 1e-6 --weeks-per-stage 1
