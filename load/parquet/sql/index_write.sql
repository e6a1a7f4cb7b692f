-- Persist the call index beside the state (a temporary file the commit
-- renames to _gongload/call_index.parquet).
COPY (SELECT call_id, month FROM _call_index ORDER BY call_id)
TO {{lit .File}} (FORMAT parquet, COMPRESSION zstd)
