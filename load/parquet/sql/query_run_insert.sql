-- $6 is the rows per table as a JSON object, stored as a MAP.
INSERT INTO _gongload_runs VALUES ($1, CAST($2 AS TIMESTAMPTZ), CAST($3 AS TIMESTAMPTZ), $4, $5,
    CAST(CAST($6 AS JSON) AS MAP(VARCHAR, BIGINT)), $7)
