-- The partitions of a partitioned table a commit may change, with the
-- staged rows each receives: where staged rows go (counted from the staged
-- rows of an entity table, from the parent keys' _rows of a child table), where the rows to delete
-- are (the call index), and where moving calls come from and go to.
SELECT month, CAST(sum(staged) AS BIGINT) AS staged FROM (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}
    {{- if eq $s.Kind "stage"}}SELECT COALESCE(m.month, {{lit $.Default}}) AS month, {{if $s.Rows}}s.{{ident $s.Rows}}{{else}}1{{end}} AS staged FROM {{ident $s.Name}} AS s LEFT JOIN {{ident $.Months}} AS m ON m.call_id = CAST(s.{{ident $s.Column}} AS VARCHAR)
    {{- else if eq $s.Kind "index"}}SELECT i.month AS month, 0 AS staged FROM _call_index AS i WHERE i.call_id IN (SELECT {{ident $s.Column}} FROM {{ident $s.Name}})
    {{- else}}SELECT old AS month, 0 AS staged FROM {{ident $s.Name}} UNION ALL SELECT month, 0 FROM {{ident $s.Name}}{{end}}
{{- end}}
)
WHERE month IS NOT NULL
GROUP BY month
ORDER BY month
