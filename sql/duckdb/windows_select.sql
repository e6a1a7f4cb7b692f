SELECT stream, window_from, window_to, run_id, "rows", requests, committed_at
FROM _gongload_state
ORDER BY stream, window_from NULLS FIRST, window_to NULLS FIRST
