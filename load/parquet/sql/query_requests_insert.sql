INSERT INTO _gongload_requests VALUES (CAST($1 AS DATE), $2)
