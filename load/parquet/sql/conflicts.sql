-- The overlaps between the Tx of a group commit that would make their
-- union differ from committing them one after the other (see
-- commitGroup): a key staged by two Tx ("dup" on a staged entity table),
-- a parent replaced by two Tx ("dup" on a child table's parents), a row
-- staged in another Tx's complete range ("range"), a key a Tx deletes
-- that another Tx stages or replaces the children of ("gone"). The group
-- commits only when this counts 0.
SELECT CAST(0
{{- range .Checks}}
  + (SELECT count(*) FROM (
{{- if eq .Kind "dup"}}SELECT {{idents .Columns}} FROM {{ident .Table}} GROUP BY ALL HAVING count(DISTINCT _tx) > 1
{{- else if eq .Kind "range"}}SELECT 1 FROM {{ident .Table}} AS s WHERE s._tx <> {{.Tx}} AND ({{range $i, $r := .Ranges}}{{if $i}} OR {{end}}
{{- if $r.Column}}(s.{{ident $r.Column}} >= CAST({{lit $r.From}} AS TIMESTAMPTZ) AND s.{{ident $r.Column}} < CAST({{lit $r.To}} AS TIMESTAMPTZ)){{else}}TRUE{{end}}
{{- end}})
{{- else}}SELECT 1 FROM {{ident .Gone}} AS g JOIN {{ident .Table}} AS x ON x._tx <> g._tx{{range .On}} AND x.{{ident .X}} = g.{{ident .G}}{{end}}
{{- end}}))
{{- end}} AS BIGINT)
