-- Drop a commit's TEMP tables.
{{- range .Names}}
DROP TABLE IF EXISTS {{ident .}};
{{- end}}
