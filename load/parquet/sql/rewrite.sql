-- The new file of a partition: the rows of its current file that stay,
-- the staged rows that belong to it (with the commit time and the run of
-- their Tx),
-- and the rows of calls that move into it. Not sorted: sorting 1 M
-- sentences tripled the time of the write; rows stay grouped by call as the
-- streams write them. Written by DuckDB's Parquet writer, zstd-compressed,
-- to a temporary file the commit renames.
COPY (
{{- $first := true}}
{{- if .Old}}
    SELECT {{template "project" (projection .Columns .OldCols)}}
    FROM read_parquet({{lit .Old}}, hive_partitioning = false) AS o
    WHERE NOT {{template "deleted" .Del}}
{{- $first = false}}
{{- end}}
{{- if .Stage}}
    {{if not $first}}UNION ALL {{end}}SELECT
{{- range $i, $c := .Columns}}{{if $i}},{{end}}
        {{if eq $c.Name $.LoadedAtName}}{{if eq (len $.Txs) 1}}CAST({{lit (index $.Txs 0).LoadedAt}} AS TIMESTAMPTZ){{else}}CASE s._tx{{range $.Txs}} WHEN {{.Tx}} THEN CAST({{lit .LoadedAt}} AS TIMESTAMPTZ){{end}} END{{end}}
        {{- else if eq $c.Name $.RunIDName}}{{if eq (len $.Txs) 1}}CAST({{lit (index $.Txs 0).RunID}} AS VARCHAR){{else}}CASE s._tx{{range $.Txs}} WHEN {{.Tx}} THEN CAST({{lit .RunID}} AS VARCHAR){{end}} END{{end}}
        {{- else if index $.StageCols $c.Name}}CAST(s.{{ident $c.Name}} AS {{$c.Type}})
        {{- else}}CAST(NULL AS {{$c.Type}}){{end}} AS {{ident $c.Name}}
{{- end}}
    FROM {{ident .Stage}} AS s
{{- if .Partitioned}}
    LEFT JOIN {{ident .Months}} AS m ON m.call_id = CAST(s.{{ident .CallKey}} AS VARCHAR)
    WHERE COALESCE(m.month, {{lit .Default}}) = {{lit .Partition}}
{{- end}}
{{- $first = false}}
{{- end}}
{{- if .MovedFiles}}
    {{if not $first}}UNION ALL {{end}}SELECT {{template "project" (projection .Columns .MovedCols)}}
    FROM read_parquet([{{lits .MovedFiles}}], hive_partitioning = false, union_by_name = true) AS o
    JOIN {{ident .Moved}} AS mv ON mv.call_id = CAST(o.{{ident .CallKey}} AS VARCHAR)
    WHERE mv.month = {{lit .Partition}} AND NOT {{template "deleted" .DelNoMove}}
{{- end}}
) TO {{lit .Tmp}} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {{.RowGroupRows}}, ROW_GROUP_SIZE_BYTES '128MB')
