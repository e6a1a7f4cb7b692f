-- The call index: the partition (call_month) that holds every row of a
-- call, in every call-scoped table. Loaded from _gongload/call_index.parquet,
-- or rebuilt from the files of the partitioned tables.
CREATE TABLE _call_index (call_id VARCHAR, month VARCHAR);
{{- if .File}}
INSERT INTO _call_index SELECT call_id, month FROM read_parquet({{lit .File}});
{{- else if .Tables}}
INSERT INTO _call_index
SELECT call_id, max(month) FROM (
{{- range $i, $t := .Tables}}
    {{if $i}}UNION ALL {{end}}SELECT CAST({{ident $t.Key}} AS VARCHAR) AS call_id, COALESCE(call_month, {{lit $.Default}}) AS month
    FROM read_parquet({{lit $t.Glob}}, hive_partitioning = true, union_by_name = true, hive_types = {'call_month': VARCHAR})
{{- end}}
)
WHERE call_id IS NOT NULL
GROUP BY call_id;
{{- end}}
