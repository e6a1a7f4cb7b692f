-- The keys of a complete listing's table that the listing did not return:
-- rows in the range [$1, $2) (or the whole table) whose key was not staged.
CREATE TEMP TABLE {{ident .Gone}} AS
SELECT {{range $i, $k := .Key}}{{if $i}}, {{end}}t.{{ident $k}}{{end}}
FROM {{ident .Table}} AS t
WHERE {{if .Column}}t.{{ident .Column}} >= CAST($1 AS TIMESTAMPTZ) AND t.{{ident .Column}} < CAST($2 AS TIMESTAMPTZ){{else}}TRUE{{end}}
{{- if .Stage}}
  AND NOT EXISTS (
    SELECT 1 FROM {{ident .Stage}} AS s
    WHERE {{range $i, $k := .Key}}{{if $i}} AND {{end}}s.{{ident $k}} = t.{{ident $k}}{{end}}
  )
{{- end}}
