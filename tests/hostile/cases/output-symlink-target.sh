# A symbolic link at an output's name is refused (funnelsim does not write through links, nor
# replace them), with or without --force, for every command, dangling or not.
"$FUNNELSIM" run "$REPO/scenarios/branch.yaml" -n 2 -q --forecast-samples 0 -o r.h5
echo precious >precious.txt
ln -s precious.txt page.html
ln -s nowhere.h5 dangling.h5
ln -s precious.txt handout.md
begin
expect 2 --message '^funnelsim: page\.html: is a symbolic link; funnelsim does not write through links' -- \
  funnelsim report r.h5 -o page.html --force
expect 2 --message '^funnelsim: dangling\.h5: is a symbolic link' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o dangling.h5
expect 2 --message '^funnelsim: page\.html: is a symbolic link' -- \
  funnelsim run "$REPO/scenarios/branch.yaml" -n 2 -o page.html --force
expect 2 --message '^funnelsim: handout\.md: is a symbolic link' -- \
  funnelsim exercise gap --seed 1 -o handout.md --force
expect 2 --message '^funnelsim: dangling\.h5: is a symbolic link' -- \
  funnelsim merge r.h5 -o dangling.h5 --force
