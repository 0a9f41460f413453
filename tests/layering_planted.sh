#!/bin/sh
# scripts/check-layering can fail: in a tree with the real table (cmake/Layering.cmake), an
# include of a library above (results including report) is found and named; the same tree
# without it passes. Usage: layering_planted.sh SOURCE_DIR
set -eu
source_dir=$1
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/cmake" "$tree/analysis/results/src"
cp "$source_dir/cmake/Layering.cmake" "$tree/cmake/"
printf '#include "funnelsim/stats/statistics.hpp"\n#include "funnelsim/error.hpp"\n' \
  > "$tree/analysis/results/src/fine.cpp"
"$source_dir/scripts/check-layering" "$tree" > "$tree/clean.log"
printf '#include <vector>\n#include "funnelsim/report/report.hpp"\n' \
  > "$tree/analysis/results/src/planted.cpp"
if "$source_dir/scripts/check-layering" "$tree" > "$tree/planted.log"; then
  echo "a planted include of report in results passed the check" >&2
  exit 1
fi
grep -q "analysis/results/src/planted.cpp:2: results includes report" "$tree/planted.log" ||
  { cat "$tree/planted.log"; exit 1; }
echo "the check names a planted include of a library above"
