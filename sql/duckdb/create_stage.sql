-- A staging table private to one Tx, on the writer connection. TEMP tables
-- live in DuckDB's memory and spill to temp_directory, not to Go's heap.
CREATE TEMP TABLE {{ident .Stage}} (
{{- range $i, $c := .Columns}}{{if $i}},{{end}}
    {{ident $c.Name}} {{duckType $c.Type}}
{{- end}}
)
