-- Update the call index with the months of the calls a commit touched, and
-- forget the calls it deleted.
DELETE FROM _call_index WHERE call_id IN (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}SELECT CAST({{ident $s.Column}} AS VARCHAR) FROM {{ident $s.Name}}
{{- end}}
);
{{- if .Months}}
INSERT INTO _call_index SELECT call_id, month FROM {{ident .Months}};
{{- end}}
