-- Every row of a table (tests and small tables only).
SELECT * FROM {{ident .Table}}
