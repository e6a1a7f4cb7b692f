-- Insert the staged rows with the commit time ($1) and the run ($2). Columns
-- are named: a column added later sits after the meta columns.
INSERT INTO {{ident .Table}} ({{idents .Columns}}, {{ident .LoadedAt}}, {{ident .RunID}})
SELECT {{idents .Columns}}, CAST($1 AS TIMESTAMPTZ), CAST($2 AS VARCHAR)
FROM {{ident .Stage}}
