# A FIFO that no process writes to once waited for a writer forever; it now reads as empty.
mkfifo scenario.yaml
begin
expect 2 --message '^scenario.yaml: empty scenario' -- funnelsim validate scenario.yaml
