# forecast-accuracy --external reads an outside model's CSV: a FIFO with no writer once would
# have blocked the open, /dev/zero would have been read forever, and a file far larger than the
# results' rows was read whole; each is refused at once with exit 2. A malformed row names its
# line and column.
cp "$REPO/scenarios/branch.yaml" .
mkfifo fifo.csv
head -c 2000000 /dev/zero | tr '\0' 'x' >big.csv
printf 'replication,quarter,week,forecast\n0,0,0,1e999\n' >inf.csv
begin
output r.h5
expect 0 -- funnelsim run branch.yaml -n 2 -o r.h5 -q
expect 2 --message 'fifo.csv: not a regular file' -- funnelsim forecast-accuracy r.h5 --external mine=fifo.csv
expect 2 --message '/dev/zero: not a regular file' -- funnelsim forecast-accuracy r.h5 --external mine=/dev/zero
expect 2 --message 'big.csv: 2000000 bytes, more than' -- funnelsim forecast-accuracy r.h5 --external mine=big.csv
expect 2 --message '^inf.csv:2:7: forecast: must be a finite number' -- funnelsim forecast-accuracy r.h5 --external mine=inf.csv
