{{- /* The condition on a row o of a partition's file that drops it from the
new file: its key is upserted or gone, its parent replaced or gone, or its
call moves. A NULL key never matches (as DELETE … WHERE key IN would). */ -}}
{{define "deleted"}}(
{{- range $i, $d := .Deletes}}{{if $i}} OR {{end}}COALESCE({{tupleOf "o" $d.Columns}} IN (SELECT {{idents $d.SourceColumns}} FROM {{ident $d.Source}}), FALSE){{end}}
{{- if .Moved}}{{if .Deletes}} OR {{end}}COALESCE(CAST(o.{{ident .CallKey}} AS VARCHAR) IN (SELECT call_id FROM {{ident .Moved}}), FALSE){{end}}
{{- if not (or .Deletes .Moved)}}FALSE{{end}})
{{- end}}
{{- /* The columns of the table from a file (alias o) that may lack some:
those are NULL. */ -}}
{{define "project"}}
{{- range $i, $c := .Columns}}{{if $i}}, {{end}}
{{- if index $.Have $c.Name}}CAST(o.{{ident $c.Name}} AS {{$c.Type}}){{else}}CAST(NULL AS {{$c.Type}}){{end}} AS {{ident $c.Name}}
{{- end}}
{{- end}}
