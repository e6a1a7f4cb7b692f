-- A table of the lake as a view for queries: every Parquet file of the
-- table (the glob is read at each query, so files written later are seen),
-- Hive partitions as the call_month column, files with fewer columns (a
-- column added later) read by name, their missing columns NULL. A table
-- without files is an empty view with the table's columns.
CREATE OR REPLACE VIEW {{ident .Name}} AS
SELECT {{range $i, $c := .Columns}}{{if $i}}, {{end}}
{{- if index $.Have $c.Name}}CAST({{ident $c.Name}} AS {{$c.Type}}){{else}}CAST(NULL AS {{$c.Type}}){{end}} AS {{ident $c.Name}}
{{- end}}
{{- if .Partitioned}}, {{if .Glob}}CAST(call_month AS VARCHAR){{else}}CAST(NULL AS VARCHAR){{end}} AS call_month{{end}}
{{- if .Glob}}
FROM read_parquet({{lit .Glob}}, hive_partitioning = true, union_by_name = true{{if .Partitioned}}, hive_types = {'call_month': VARCHAR}{{end}})
{{- else}}
WHERE FALSE
{{- end}}
