-- The calls whose rows change partition (their start moved to another
-- month, or a call first seen without a month got one).
CREATE TEMP TABLE {{ident .Name}} AS
SELECT call_id, month, old FROM {{ident .Months}}
WHERE old IS NOT NULL AND old <> month
