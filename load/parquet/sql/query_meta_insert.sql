INSERT INTO _gongload_meta VALUES ($1, $2)
