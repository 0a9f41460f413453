# Every value inside its domain, but together past what the engine sums exactly: 10 million
# open deals of 1e6 万 overflowed the 64-bit fixed-point funnel sums and the run died halfway
# (exit 1, 'stages.a.amount: must be >= 0'). Refused up front at the stage's key.
cat >ovf.yaml <<'YAML'
name: ovf
calendar: {weeks_per_quarter: 10, quarters: 1, warmup_weeks: 0}
segments:
  - name: s
    stages:
      - {name: a, win_probability: 1, days: 1e12}
    deal_size: 1e6
teams:
  - {name: t, segment: s, headcount: 1, prospects_per_week: 1e6, quota_per_quarter: 1}
YAML
begin
output o.h5
expect 2 --message '^ovf\.yaml:6:[0-9]+: segments\.s\.stages\.a\.days: the segment.s open opportunities' -- funnelsim run ovf.yaml -o o.h5 -n 1 --forecast-samples 0 --threads 1 -q
