# Variant names become results file groups: '.', '/' and control characters failed only when
# the file was written, without a location. They are refused at the name.
cp "$REPO/scenarios/branch.yaml" .
cat >>branch.yaml <<'YAML'
variants:
  - name: .hidden
    set: {teams.territory.headcount: 3}
YAML
begin
expect 2 --message '^branch.yaml:[0-9]+:[0-9]+: variants.0.name: a variant name must not start with' -- funnelsim run branch.yaml -n 2 -o r.h5
output r.h5
