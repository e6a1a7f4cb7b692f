-- A warehouse table. No PRIMARY KEY: keys are enforced by the pipeline
-- (an index would halve the load speed).
CREATE TABLE IF NOT EXISTS {{ident .Table}} (
{{- range $i, $c := .Columns}}{{if $i}},{{end}}
    {{ident $c.Name}} {{duckType $c.Type}}
{{- end}}
)
