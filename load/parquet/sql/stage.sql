-- Copy the staged rows of a table, read once from their registered Arrow
-- view (spill file, then Go buffer), into a TEMP table: a commit reads them
-- several times (keys, months, one rewrite per partition).
CREATE TEMP TABLE {{ident .Name}} AS SELECT * FROM {{ident .View}}
