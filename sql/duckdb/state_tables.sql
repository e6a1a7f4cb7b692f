-- The state kept inside the destination (Terraform-style backend).
-- One row: the serial every commit and state change increments, and the
-- lineage that identifies this destination.
CREATE TABLE IF NOT EXISTS _gongload_meta (
    serial  BIGINT  NOT NULL,
    lineage VARCHAR NOT NULL
);
INSERT INTO _gongload_meta (serial, lineage)
SELECT 0, CAST(uuid() AS VARCHAR)
WHERE NOT EXISTS (SELECT 1 FROM _gongload_meta);
-- One row per committed window; a full-refresh stream keeps one row with
-- NULL window_from and window_to.
CREATE TABLE IF NOT EXISTS _gongload_state (
    stream       VARCHAR NOT NULL,
    window_from  TIMESTAMPTZ,
    window_to    TIMESTAMPTZ,
    run_id       VARCHAR,
    "rows"       BIGINT,
    requests     BIGINT,
    committed_at TIMESTAMPTZ
);
-- API requests per UTC day, checked against the daily quota.
CREATE TABLE IF NOT EXISTS _gongload_requests (
    day      DATE   NOT NULL,
    requests BIGINT NOT NULL
);
-- One row per apply.
CREATE TABLE IF NOT EXISTS _gongload_runs (
    run_id   VARCHAR NOT NULL,
    started  TIMESTAMPTZ,
    ended    TIMESTAMPTZ,
    status   VARCHAR,
    requests BIGINT,
    "rows"   MAP(VARCHAR, BIGINT),
    error    VARCHAR
)
