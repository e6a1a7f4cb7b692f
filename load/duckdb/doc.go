// Package duckdb is the DuckDB destination of gongload: a load.Loader that
// keeps every table, and the state, in one DuckDB database file.
//
// Build with the Arrow bridge of duckdb-go: -tags=duckdb_arrow.
//
// # Connection
//
// Open holds one writer connection to the file and serialises every use of it
// with a mutex: DuckDB runs one statement at a time per connection, and
// several connections upserting the same keys conflict. DuckDB locks the file
// for its process; a second gongload on the same file fails at Open with
// "destination PATH is in use by another process (PID …): wait for the other
// gongload to finish". Within one process a path can be open once.
//
// # Staging
//
// A Tx keeps the batches given to Write and Scope in Go (retained, not
// copied) until a table has 245,760 rows or 32 MB of them, then moves them
// out of Go's heap, so a window of millions of rows does not grow it:
//
//   - the rows of a child table and the parent keys to replace are read once,
//     at commit: they are appended to an Arrow IPC file in Options.TempDir
//     (gongload-stage-*.arrows, removed at Commit or Rollback, and at Open
//     after a crash), which Commit reads back through a registered Arrow view
//     together with what is still in Go;
//   - the rows of an entity table are read several times: they go, by whole
//     row groups, into a TEMP table private to the Tx (_stage_<tx>_<table>),
//     in DuckDB's buffer pool, which spills to Options.TempDir.
//
// Over all open Tx, the batches held in Go are bounded by
// Options.StageMemory (32 MiB): past it, a table's buffer leaves Go at once
// (rows read once to their spill file, entity rows to their TEMP table), so
// the Tx waiting for the one writer do not grow Go's heap with the data.
//
// Buffering and spilling take no lock but the Tx's own: several Tx write at
// once, and keep writing while another commits. Registered views are created
// and dropped inside one transaction (duckdb_arrow_scan creates them in the
// main schema), so none ever reaches the database file.
//
// # Commit
//
// Commit runs one transaction (BEGIN … COMMIT); the tables of the Tx are taken
// parents first:
//
//   - entity table: the rows are staged in the TEMP table (they are read
//     several times), the rows whose key is staged are deleted (DELETE … WHERE
//     key IN (SELECT key FROM stage): faster than MERGE or ON CONFLICT on
//     DuckDB), the staged rows are inserted with _loaded_at (the commit time)
//     and _run_id; then each Complete collects in a TEMP table the keys in its
//     range that were not staged, and deletes their rows in every child table
//     (declared to Migrate or in models.All, and present in the file), then
//     their own rows;
//   - child table: the rows of the scoped parents are deleted, then the rows
//     inserted; keys and rows are each read once, through a view over their
//     spill file and Go buffer. A table that was empty when the Loader first
//     committed to it has only rows of parents the Loader staged since, and
//     it remembers them (up to 262,144 keys): the children of parents it
//     does not know are not looked for, which spares a backfill a DELETE
//     (a scan of the table) per table and window. A Complete that finds
//     nothing gone runs no DELETE either.
//
// Then Commit replaces the Window's row in _gongload_state (a full-refresh
// stream keeps one row, with NULL window_from and window_to; a Window without
// a Stream records nothing), increments the serial in _gongload_meta, and
// drops the staging tables. A failure rolls all of it back.
//
// Group commit: Commits that wait for the writer at the same time (the
// apply runner commits units from goroutines of their own) are applied by
// the first of them to get it, one Tx after the other in the order they
// queued, in one DuckDB transaction (up to 64 Tx, and no further Tx once it
// holds 131,072 rows). The result is the result of committing them in
// turn; the cost of a DuckDB COMMIT (the WAL written and synced, and any
// checkpoint) is paid once per group. A group
// succeeds or fails whole: on a failure every Tx of it gets the error and
// nothing of any of them is applied, so no window is half-visible.
//
// Implicit scope: the parents of the rows written to a child table are
// scoped as well, so a stream that forgot Scope cannot duplicate child rows.
// Scope is still needed for a parent that now has no child rows.
//
// # State tables
//
//	_gongload_meta     (serial, lineage)                      one row
//	_gongload_state    (stream, window_from, window_to, run_id, rows, requests, committed_at)
//	_gongload_requests (day, requests)                        one row per UTC day
//	_gongload_runs     (run_id, started, ended, status, requests, rows MAP(VARCHAR, BIGINT), error)
//
// The serial increments with every commit, every ResetStream, and every
// Migrate that changed a table; CountRequests and RecordRun leave it alone.
// CountRequests costs no transaction of its own: the count is written by
// the next commit, RecordRun, ResetStream or Close (State includes it), so
// a crash forgets at most the requests of the units it interrupted.
//
// # Settings
//
// The database is opened with memory_limit 128MB (Options.MemoryLimit), 2
// threads, preserve_insertion_order false, allocator_flush_threshold 16MB
// (memory is handed back sooner) and checkpoint_threshold 64MB
// (Options.CheckpointThreshold; DuckDB's 16MB makes a backfill checkpoint
// every few windows, at twice the cost overall).
//
// All SQL is in package sql (sql/duckdb/*.sql). Times are stored as
// TIMESTAMPTZ and the connection's TimeZone is UTC.
package duckdb
