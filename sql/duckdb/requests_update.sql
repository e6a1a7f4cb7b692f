-- Add $2 requests to the count of day $1 (requests_insert.sql creates it).
UPDATE _gongload_requests SET requests = requests + $2 WHERE day = CAST($1 AS DATE)
