-- The parents whose rows a child table's commit replaces, once per Tx of
-- the commit (_tx): the scoped keys and the parents of the staged rows
-- (implicit scope), with the number of staged rows of each (_rows), so
-- that a partition none of whose parents has rows or staged rows is left
-- alone.
CREATE TEMP TABLE {{ident .Name}} AS
SELECT {{idents .Columns}}, _tx, CAST(sum(n) AS BIGINT) AS _rows FROM (
{{- if .Scoped}}
    SELECT {{idents .Columns}}, _tx, 0 AS n FROM {{ident .Scoped}}
{{- end}}
{{- if and .Scoped .Rows}}
    UNION ALL
{{- end}}
{{- if .Rows}}
    SELECT {{idents .Columns}}, _tx, count(*) AS n FROM {{ident .Rows}} GROUP BY ALL
{{- end}}
)
GROUP BY ALL
