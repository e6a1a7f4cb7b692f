-- The partition (call_month) of every call the commit touches: the month
-- of its staged calls row's start; else the month its rows are in now (the
-- call index); else the month of the committed window's From (a window's
-- calls all start in that month); else the default partition. old is the
-- month its rows are in now (NULL: it has none). In a group commit the
-- window is that of the first Tx (_tx) touching the call, as committing
-- the Tx one after the other would decide.
CREATE TEMP TABLE {{ident .Name}} AS
WITH touched AS (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}SELECT CAST({{ident $s.Column}} AS VARCHAR) AS call_id, {{if $s.Started}}strftime({{ident $s.Started}}, '%Y-%m'){{else}}CAST(NULL AS VARCHAR){{end}} AS started_month, _tx FROM {{ident $s.Name}}
{{- end}}
), calls AS (
    SELECT call_id, max(started_month) AS started_month, min(_tx) AS first_tx
    FROM touched
    WHERE call_id IS NOT NULL
    GROUP BY call_id
)
SELECT c.call_id,
       COALESCE(c.started_month, i.month, {{if .Windows}}CASE c.first_tx{{range .Windows}} WHEN {{.Tx}} THEN {{lit .Month}}{{end}} END{{else}}NULL{{end}}, {{lit .Default}}) AS month,
       i.month AS old
FROM calls AS c
LEFT JOIN _call_index AS i ON i.call_id = c.call_id
