# -o and --trace naming one new file under two spellings (x.h5 and ./x.h5, or through a link
# to the folder) ran the whole replication, published x.h5 and only then refused the trace.
cp "$REPO/scenarios/branch.yaml" .
ln -s . here
begin
output x.h5
expect 2 --message 'named by both -o and --trace' -- funnelsim run branch.yaml -o x.h5 --replication 0 -q --trace ./x.h5
expect 2 --message 'named by both -o and --trace' -- funnelsim run branch.yaml -o x.h5 --replication 0 -q --trace here/x.h5
[ ! -e x.h5 ] || fail "a refused run wrote x.h5"
