-- Copy one registered Arrow stream into a staging table. The view can be
-- read once only. duckdb_arrow_scan creates it in the main schema, not in
-- temp: it is registered and dropped inside one transaction, so it never
-- reaches the database file.
INSERT INTO temp.main.{{ident .Stage}}
SELECT * FROM {{ident .View}}
