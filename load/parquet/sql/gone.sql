-- The keys a complete listing no longer returns, per Tx of the commit
-- (_tx): rows of the table's files in one of the Tx's ranges (the whole
-- table for a range without a column) whose key the Tx did not stage.
CREATE TEMP TABLE {{ident .Name}} AS
{{- range $i, $p := .Parts}}
{{if $i}}UNION ALL
{{end}}SELECT DISTINCT {{qualified "o" $.Key}}, {{$p.Tx}} AS _tx
FROM read_parquet([{{lits $p.Files}}], hive_partitioning = false, union_by_name = true) AS o
WHERE ({{range $i, $r := $p.Ranges}}{{if $i}} OR {{end}}
{{- if $r.Column}}(o.{{ident $r.Column}} >= CAST({{lit $r.From}} AS TIMESTAMPTZ) AND o.{{ident $r.Column}} < CAST({{lit $r.To}} AS TIMESTAMPTZ)){{else}}TRUE{{end}}
{{- end}})
{{- if $.Stage}}
  AND NOT COALESCE({{tupleOf "o" $.Key}} IN (SELECT {{idents $.Key}} FROM {{ident $.Stage}} WHERE _tx = {{$p.Tx}}), FALSE)
{{- end}}
{{- end}}
