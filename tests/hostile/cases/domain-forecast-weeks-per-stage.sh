# A large weeks_per_stage sized the week-by-week table: 1e9 crashed with SIGSEGV, 1e7 printed
# gigabytes. Weeks per stage are at most 52, checked at the key.
cat >s.yaml <<'YAML'
quota: 240
realized: 60
weeks_remaining: 6
average_deal: 2
weeks_per_stage: 1e9
stages:
  - {name: intent, win_probability: 0.20, count: 120}
YAML
begin
expect 2 --message '^s.yaml:5:18: weeks_per_stage: must be in \(0, 52\], got 1e9' -- funnelsim forecast s.yaml
