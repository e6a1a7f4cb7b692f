DELETE FROM _gongload_state WHERE stream = $1
