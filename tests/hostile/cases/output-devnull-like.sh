# As root, --force onto a character device (here one like /dev/null) once replaced the device
# node with a regular file. Refused for every command. Only root can make one: skipped otherwise.
if [ "$(id -u)" != 0 ] || ! mknod null c 1 3 2>/dev/null; then
  echo "skipped: making a character device needs root"
  begin
  return 0
fi
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o r.h5
begin
expect 2 --message '^funnelsim: null: is a character device, not a regular file' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o null --force
expect 2 --message '^funnelsim: null: is a character device' -- \
  funnelsim report r.h5 -o null --force
expect 2 --message '^funnelsim: null: is a character device' -- \
  funnelsim exercise forecast --seed 2 -o null --force
expect 2 --message '^funnelsim: null: is a character device' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -o r2.h5 --replication 0 --trace null --force
[ -c null ] || fail "the device node was replaced"
