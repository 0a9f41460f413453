#!/bin/sh
# The MPI build end to end: `mpirun -np 2 funnelsim run` writes the file that one process
# writes (h5diff finds no difference) and no shard is left beside it; bad input fails every
# rank with exit code 2 and leaves nothing. Run by ctest in an MPI build (.ci/mpi).
# Usage: mpi_run_matches.sh FUNNELSIM SOURCE_DIR MPIEXEC
set -eu
funnelsim=$1
scenario=$2/scenarios/prospecting-vs-winrate.yaml
mpirun="$3 --allow-run-as-root --oversubscribe -np 2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$funnelsim" run "$scenario" -n 60 --forecast-samples 5 --quiet -o "$dir/single.h5"
$mpirun "$funnelsim" run "$scenario" -n 60 --forecast-samples 5 -o "$dir/mpi.h5"
h5diff "$dir/single.h5" "$dir/mpi.h5"
test "$(ls -A "$dir" | wc -l)" -eq 2 || { ls -A "$dir"; echo "stray files" >&2; exit 1; }

status=0
$mpirun "$funnelsim" run "$scenario" -n 60 --set teams.territory.headcount=-1 \
  -o "$dir/bad.h5" > "$dir/bad.log" 2>&1 || status=$?
grep -q "teams.territory.headcount: must be in" "$dir/bad.log" || { cat "$dir/bad.log"; exit 1; }
rm "$dir/bad.log"
test "$status" -eq 2 || { echo "bad input: exit code $status, expected 2" >&2; exit 1; }
test "$(ls -A "$dir" | wc -l)" -eq 2 || { ls -A "$dir"; echo "bad input left files" >&2; exit 1; }
echo "mpirun -np 2 matches the single-process run"
