SELECT run_id, started, ended, status, requests, CAST(to_json("rows") AS VARCHAR), error
FROM _gongload_runs
ORDER BY started NULLS FIRST, run_id
