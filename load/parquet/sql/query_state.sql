-- The state of the lake as tables of the query database, named and typed
-- as in a DuckDB destination.
CREATE TABLE _gongload_meta (serial BIGINT NOT NULL, lineage VARCHAR NOT NULL);
CREATE TABLE _gongload_state (
    stream       VARCHAR NOT NULL,
    window_from  TIMESTAMPTZ,
    window_to    TIMESTAMPTZ,
    run_id       VARCHAR,
    "rows"       BIGINT,
    requests     BIGINT,
    committed_at TIMESTAMPTZ
);
CREATE TABLE _gongload_requests (day DATE NOT NULL, requests BIGINT NOT NULL);
CREATE TABLE _gongload_runs (
    run_id   VARCHAR NOT NULL,
    started  TIMESTAMPTZ,
    ended    TIMESTAMPTZ,
    status   VARCHAR,
    requests BIGINT,
    "rows"   MAP(VARCHAR, BIGINT),
    error    VARCHAR
)
