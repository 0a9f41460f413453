# The writers once wrote through `.<target>.tmp-<pid>`, so a link planted there redirected the
# write. Links at that name for the next 3000 pids, and at the results file's, all pointing at
# a victim file: it must stay as it was, and so must the links.
echo "the victim's data" >victim.txt
mkdir out
python3 - "$BASHPID" <<'PY'
import os, sys
for pid in range(int(sys.argv[1]), int(sys.argv[1]) + 3000):
    for name in ("trace.csv", "r.h5", "page.html"):
        os.symlink("../victim.txt", f"out/.{name}.tmp-{pid}")
PY
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o out/r.h5
begin
output out/r.h5 out/r2.h5 out/trace.csv out/page.html
# New names first, then replacing existing ones with --force.
expect 0 -- funnelsim run "$REPO/scenarios/branch.yaml" -q -o out/r2.h5 --replication 1 \
  --trace out/trace.csv
[ -f out/trace.csv ] && [ ! -L out/trace.csv ] || fail "the trace is not a regular file"
expect 0 -- funnelsim run "$REPO/scenarios/branch.yaml" -q -o out/r.h5 --replication 1 \
  --trace out/trace.csv --force
grep -q '^day,measured_week' out/trace.csv || fail "the trace was not written"
expect 0 -- funnelsim report out/r.h5 -o out/page.html
