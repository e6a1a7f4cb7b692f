INSERT INTO _gongload_state (stream, window_from, window_to, run_id, "rows", requests, committed_at)
VALUES ($1, CAST($2 AS TIMESTAMPTZ), CAST($3 AS TIMESTAMPTZ), $4, $5, $6, CAST($7 AS TIMESTAMPTZ))
