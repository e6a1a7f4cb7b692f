DELETE FROM _gongload_runs WHERE run_id = $1
