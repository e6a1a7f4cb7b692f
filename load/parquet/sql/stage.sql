-- Copy the staged rows of a table, read once from their registered Arrow
-- view (spill files, then Go buffers), into a TEMP table: a commit reads
-- them several times (keys, months, one rewrite per partition). Their
-- column _tx is the position of their Tx in the commit (a group commit
-- stages the rows of several Tx in one table).
CREATE TEMP TABLE {{ident .Name}} AS SELECT * FROM {{ident .View}}
