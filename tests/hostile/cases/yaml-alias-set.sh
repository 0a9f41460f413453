# Two stages share one duration through an anchor. `--set` on one stage's duration once
# rewrote the shared node, so both stages changed: a silently wrong comparison. The other
# stage's standard funnel (Little's law, from its duration) must stay as in the baseline.
cat >a.yaml <<'YAML'
name: a
segments:
  - name: small
    stages:
      - {name: intent, win_probability: 0.2, days: &d {dist: gamma, mean: 14, cv: 0.5}}
      - {name: negotiation, win_probability: 0.7, days: *d}
    deal_size: 3
teams:
  - {name: t, segment: small, headcount: 2, prospects_per_week: 5, quota_per_quarter: 25}
YAML
begin
expect 0 -- funnelsim validate a.yaml
baseline=$(last_stdout | grep -E '^  t +intent')
expect 0 -- funnelsim validate a.yaml --set segments.small.stages.intent.days.mean=28
changed=$(last_stdout | grep -E '^  t +intent')
echo "baseline: $baseline"
echo "changed:  $changed"
[ "${baseline#*negotiation}" = "${changed#*negotiation}" ] || fail "the negotiation stage changed"
[ "${baseline%negotiation*}" != "${changed%negotiation*}" ] || fail "the intent stage did not change"
