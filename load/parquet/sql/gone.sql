-- The keys a complete listing no longer returns: rows of the table's files
-- in one of the ranges (the whole table for a range without a column) whose
-- key was not staged.
CREATE TEMP TABLE {{ident .Name}} AS
SELECT DISTINCT {{qualified "o" .Key}}
FROM read_parquet([{{lits .Files}}], hive_partitioning = false, union_by_name = true) AS o
WHERE ({{range $i, $r := .Ranges}}{{if $i}} OR {{end}}
{{- if $r.Column}}(o.{{ident $r.Column}} >= CAST({{lit $r.From}} AS TIMESTAMPTZ) AND o.{{ident $r.Column}} < CAST({{lit $r.To}} AS TIMESTAMPTZ)){{else}}TRUE{{end}}
{{- end}})
{{- if .Stage}}
  AND NOT COALESCE({{tupleOf "o" .Key}} IN (SELECT {{idents .Key}} FROM {{ident .Stage}}), FALSE)
{{- end}}
