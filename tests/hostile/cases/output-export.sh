# export -o writes a CSV or a workbook through the one output writer: its own input under
# another name, a link, a FIFO and an existing file without --force are refused and left as
# they were; the workbook's scratch directory (under TMPDIR) is gone once it is written.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o r.h5
ln r.h5 r.csv
echo precious >precious.txt
ln -s precious.txt book.xlsx
mkfifo pipe.csv
echo old >old.csv
mkdir scratch
export TMPDIR="$PWD/scratch"
begin
expect 2 --message "^funnelsim: r\.csv: is the same file as 'r\.h5', an input" -- \
  funnelsim export r.h5 -o r.csv --force
expect 2 --message '^funnelsim: book\.xlsx: is a symbolic link' -- \
  funnelsim export r.h5 -o book.xlsx --force
expect 2 --message '^funnelsim: pipe\.csv: is a FIFO \(named pipe\), not a regular file' -- \
  funnelsim export r.h5 -o pipe.csv --force --bom
expect 2 --message '^funnelsim: old\.csv: exists; use --force to replace it' -- \
  funnelsim export r.h5 -o old.csv
output out.xlsx
expect 0 -- funnelsim export r.h5 -o out.xlsx
[ -p pipe.csv ] || fail "the FIFO was replaced"
