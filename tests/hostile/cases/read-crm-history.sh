# A CRM history that is damaged, foreign or hostile: calibrate, snapshot and diagnose refuse it
# with file:line:column and exit code 2, and write nothing; an output onto the history itself
# or through a link is refused.
mkdir crm
printf 'opportunity_id,rep_id,created_date,amount\nA,r,2026-01-01,1\n' >crm/opportunities.csv
printf 'opportunity_id,stage,entered_date\nA,intent,2026-01-01\n' >crm/stage_history.csv
mkdir quote && printf 'opportunity_id,rep_id,created_date,amount\n"A,r,2026-01-01,1\n' >quote/opportunities.csv
cp crm/stage_history.csv quote/
mkdir binary && printf 'PK\003\004\377\376\000\001,\n\000\000\n' >binary/opportunities.csv && cp crm/stage_history.csv binary/
mkdir long && { printf 'opportunity_id,rep_id,created_date,amount\n'; head -c 100000 /dev/zero | tr '\0' x; printf ',r,2026-01-01,1\n'; } >long/opportunities.csv
cp crm/stage_history.csv long/
mkdir nohistory && cp crm/opportunities.csv nohistory/
mkdir dates && printf 'opportunity_id,rep_id,created_date,amount\nA,r,2026-02-30,1\n' >dates/opportunities.csv
cp crm/stage_history.csv dates/
mkdir order && cp crm/opportunities.csv order/ && printf 'opportunity_id,stage,entered_date,left_date\nA,intent,2026-01-05,2026-01-01\n' >order/stage_history.csv
echo precious >precious.txt
ln -s precious.txt link.yaml
begin
expect 2 --message 'opportunities\.csv:2:1: opportunity_id: a quoted field that never ends: the quote opened at line 2 column 1' -- \
  funnelsim calibrate quote -o s.yaml
expect 2 --message 'opportunities\.csv:1:3: a control character' -- \
  funnelsim calibrate binary -o s.yaml
expect 2 --message 'opportunities\.csv:2:1: (opportunity_id: )?a field longer than 4096 bytes' -- \
  funnelsim snapshot long --as-of 2026-01-02 --quota 1
expect 2 --message 'stage_history\.csv: cannot read' -- \
  funnelsim diagnose nohistory --quarter 2026-Q1
expect 2 --message 'opportunities\.csv:2:5: created_date: .*2026-02 has 28 days' -- \
  funnelsim calibrate dates -o s.yaml
expect 2 --message 'stage_history\.csv:2:[0-9]+: left_date: is before the stage was entered' -- \
  funnelsim calibrate order -o s.yaml
expect 2 --message 'cannot support a fit' -- funnelsim calibrate crm -o s.yaml
expect 2 --message 'is a symbolic link' -- funnelsim calibrate crm -o link.yaml --force
expect 2 --message 'opportunities\.csv' -- \
  funnelsim snapshot crm --as-of 2026-01-02 --quota 1 -o crm/opportunities.csv --force
expect 2 --message 'must be a date' -- funnelsim snapshot crm --as-of yesterday --quota 1
