# Names with terminal escapes and newlines: compare printed a variant named
# "\x1b[31mRED\x1b[0m\nfake" and a scenario_name "x\x1b[2J\nline2" raw to the terminal.
# Refused, the name shown with its control characters escaped.
"$FUNNELSIM" run "$REPO/scenarios/prospecting-vs-winrate.yaml" -n 4 --forecast-samples 0 -q -o valid.h5
V="$REPO/tests/damaged_results/make_values.py"
/usr/bin/python3 "$V" valid.h5 variant.h5 move variants/bigger-deals 'variants/\x1b[31mRED\x1b[0m\nfake'
/usr/bin/python3 "$V" valid.h5 scenario.h5 attr scenario_name 'x\x1b[2J\nline2'
/usr/bin/python3 "$V" valid.h5 segment.h5 move variants/baseline/segments/small 'variants/baseline/segments/a\tb'
begin
output report.html
expect 2 --message '^funnelsim: variant\.h5: variants/\\x1b\[31mRED\\x1b\[0m\\x0afake: variant name holds a control character \(0x1b\)$' \
  -- funnelsim compare variant.h5
expect 2 --message "^funnelsim: scenario\.h5: attribute 'scenario_name' \('x\\\\x1b\[2J\\\\x0aline2'\) holds a control character \(0x1b\)$" \
  -- funnelsim compare scenario.h5
expect 2 --message '^funnelsim: segment\.h5: variants/baseline/segments/a\\x09b: segment name holds a control character \(0x09\)$' \
  -- funnelsim report segment.h5 -o report.html
if grep -q $'\x1b' "$HOSTILE_STATE.err"; then fail "an escape reached stderr"; fi
