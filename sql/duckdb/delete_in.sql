-- Delete the rows of a table whose columns match a row of the sources (the
-- staged keys of an upsert, the scoped parents of a replace-by-parent, the
-- keys a complete listing no longer returns). Measured faster than MERGE or
-- INSERT … ON CONFLICT. Sources are TEMP tables or registered Arrow views.
DELETE FROM {{ident .Table}}
WHERE {{tuple .Columns}} IN (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}SELECT {{idents $s.Columns}} FROM {{ident $s.Name}}
{{- end}}
)
