INSERT INTO _gongload_requests (day, requests)
SELECT CAST($1 AS DATE), $2
WHERE NOT EXISTS (SELECT 1 FROM _gongload_requests WHERE day = CAST($1 AS DATE))
