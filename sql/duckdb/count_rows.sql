-- The number of rows of a table (a TEMP table of the writer connection).
SELECT count(*) FROM {{ident .Name}}
