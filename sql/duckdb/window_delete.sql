-- Forget the state record a window replaces: the same window of a windowed
-- stream, or every record of a full-refresh stream ($1).
DELETE FROM _gongload_state
WHERE stream = $1
{{- if not .Full}}
  AND window_from = CAST($2 AS TIMESTAMPTZ)
  AND window_to = CAST($3 AS TIMESTAMPTZ)
{{- end}}
