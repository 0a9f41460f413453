# A lognormal cv of 1e200 made sigma infinite and every deal size NaN, silently. Extreme
# distribution parameters are refused at their key.
cat >a.yaml <<'YAML'
name: a
segments:
  - name: small
    stages:
      - {name: intent, win_probability: 0.2, days: {dist: gamma, mean: 7, cv: 1e-200}}
    deal_size: {dist: lognormal, mean: 2, cv: 1e200}
teams:
  - {name: t, segment: small, headcount: 2, prospects_per_week: 5, quota_per_quarter: 25}
YAML
begin
expect 2 --message '^a.yaml:5:[0-9]+: segments.small.stages.intent.days.cv: must be in \[0.001, 10\]' -- funnelsim validate a.yaml
expect 2 --message '^a.yaml:6:[0-9]+: segments.small.deal_size.cv: must be in \[0.001, 10\]' -- funnelsim validate a.yaml --set segments.small.stages.intent.days.cv=0.5
expect 2 --message '^--set: segments.small.deal_size: must be in \(0, 1e\+12\]' -- funnelsim validate a.yaml --set segments.small.stages.intent.days.cv=0.5 --set segments.small.deal_size=1.7e308
