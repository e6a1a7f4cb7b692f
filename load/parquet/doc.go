// Package parquet is the Parquet destination of gongload: a load.Loader that
// keeps every table in a directory of Hive-partitioned Parquet files that
// Spark, Trino, Athena, BigQuery and DuckDB read as they are, and keeps it
// exactly as correct as the DuckDB destination: the same write semantics,
// the same state, checked by the same conformance suite (load/loadertest).
//
// Build with the Arrow bridge of duckdb-go: -tags=duckdb_arrow.
//
// # Layout
//
//	DIR/<table>/data.parquet                          tables not scoped to a call
//	DIR/<table>/call_month=2025-03/data.parquet       call-scoped tables (models.Table.CallScoped)
//	DIR/<table>/call_month=__HIVE_DEFAULT_PARTITION__/data.parquet
//	                                                  rows of a call whose month is not known yet
//	DIR/_gongload/state.json                          serial, lineage, windows, requests per day, table schemas
//	DIR/_gongload/runs.jsonl                          one JSON object per apply run
//	DIR/_gongload/call_index.parquet                  call_id → call_month of every call with rows
//	DIR/_gongload/lock                                flock of the writer, with its PID
//	DIR/_gongload/commit.json                         the journal of a commit being applied (transient)
//	DIR/_gongload/tmp/                                spill files and DuckDB's temp directory (transient)
//
// A partition is one file, data.parquet, so replacing a partition is one
// rename: a reader sees the old file or the new one. Files are written by
// DuckDB's Parquet writer: zstd, row groups of Options.RowGroupRows
// (491,520 by default) cut at 128 MB, timestamps as INT64 microseconds with
// isAdjustedToUTC (TIMESTAMP WITH TIME ZONE), lists as Parquet LISTs. Rows
// are not sorted (sorting 1 M sentences doubled or tripled the write); they
// stay grouped by call as the streams write them. The partition column is in the path only, not in the files.
// Temporary files are named .tmp-*.part: hidden (Spark, Trino and Hive skip
// dot files) and not matched by a *.parquet glob.
//
// The schema of each table (columns in file order and their DuckDB types)
// is recorded in state.json by Migrate. Adding a column only records it:
// files written before keep their columns, readers fill it with NULL
// (union_by_name), and each partition gets it when it is next rewritten.
//
// # Partition of a call's rows
//
// Every row of a call, in every call-scoped table, lives in one partition,
// the call's month, which the call index records. For the calls touched by
// a commit the month is, in order: the month (UTC) of the start of the
// calls row the commit writes; else the month the index holds; else the
// month of the committed Window's From (windows never straddle a month, see
// internal/plan, so a transcripts window's calls all start in it; in a
// group commit, the Window of the first Tx touching the call); else the
// default partition (a targeted resync of a call never loaded). When a
// call's month changes (its start moved, or a call first seen without a
// month got one), its rows in every call-scoped table move with it in the
// same commit. Replace by parent and delete stale find a call's old rows
// through the index. The index is loaded at Open, or rebuilt from the
// files when the lake has none.
//
// # Staging
//
// A Tx keeps the batches given to Write and Scope in Go (retained, not
// copied) until a table has 245,760 rows or 32 MB of them, then appends
// them to an Arrow IPC file in DIR/_gongload/tmp, so a window of millions
// of sentences does not grow Go's heap. Staging takes only the Tx's lock:
// several Tx write at once, and keep writing while another commits.
//
// # Commit
//
// One commit runs at a time, holding the Loader's lock, in one in-memory
// DuckDB (one connection, memory_limit Options.MemoryLimit, spilling to
// DIR/_gongload/tmp), inside a DuckDB transaction. Tx whose Commit is
// called while another commit runs queue, and the next commit takes every
// Tx of the queue (up to 16 Tx and 2 M staged rows; it first waits up to
// 2 ms for Tx still open to join): a group commit. A group is one commit
// as below: the rows of its Tx are staged in the same TEMP tables, told
// apart by their Tx (which gives them their own _loaded_at and _run_id),
// each partition is rewritten once for all of them, and one journal makes
// every file and the state (each Tx's window recorded, the serial
// incremented once per Tx) visible together. The result is that of
// committing the Tx one after the other in queue order; the group checks
// that it is: when two Tx stage the same key or replace the same parent,
// when one stages a row in another's complete range, or writes a key (or
// children of a key) that another's complete listing deletes, or when two
// declare a table differently, the Tx are committed one by one instead.
// They are also committed one by one when the group commit fails before
// its commit point, so one bad Tx fails alone. A Tx's Commit returns as
// soon as its group is committed:
//
//  1. the staged rows and keys are read once, through a registered Arrow
//     view, into TEMP tables (one per table for all the Tx);
//  2. the month of every touched call is decided (above), and the calls
//     that move are found;
//  3. each Complete collects the keys of its range that its Tx did not
//     stage, from the table's files (for calls, only the partitions of the
//     months the range covers);
//  4. for every table the commit may change (those of the Tx, the children
//     of a table with deleted keys, every call-scoped table when calls
//     move), every partition that gets rows or loses some is rewritten:
//     COPY (old rows that stay UNION ALL staged rows UNION ALL rows moving
//     in) TO a temporary file in the partition's directory,
//     which is then synced. A partition that ends up empty is removed;
//     one that does not change is not touched;
//  5. the call index is updated and written to a temporary file, and the
//     new state.json (windows recorded, serial incremented) too.
//
// Nothing is visible yet. Then comes the commit point: the journal
// (_gongload/commit.json: every rename, state.json last, and every file to
// remove) is written atomically and synced. The files are renamed into
// place, the emptied partitions removed, the directories synced, the
// journal removed, and the DuckDB transaction committed.
//
// A failure before the commit point (a cancelled context, a full disk)
// removes the temporary files: the lake and the state are as before, and the
// next apply redoes the window (in a group, the Tx are then committed one
// by one, each in its own context). A crash (kill -9) before it leaves only
// temporary files, which readers do not see and the next Open removes. A
// crash after it leaves the journal, which the next Open (or OpenQuery, when
// no writer holds the lock) applies to the end. Either way the end result
// equals an uninterrupted run. A reader that runs during a commit may see
// some partitions of the commit new and others still old (Parquet has no
// multi-file transaction); it never sees a partial or temporary file.
//
// state.json and runs.jsonl are each rewritten whole, to a temporary file
// renamed over the old one (ResetStream, CountRequests and RecordRun do not
// need a journal: they change one file).
//
// # Writing: DuckDB rather than arrow-go
//
// Measured on this machine (2 cores, shared and noisy) with
// BenchmarkWriteParquet and BenchmarkCommitParquet on 1 M
// transcript_sentences rows (bench_test.go; the pqarrow variants in
// bench_pqarrow_test.go):
//
//	                                       wall/op       rows/cpu-s   Go heap/op
//	write 1 M rows, DuckDB COPY … TO       0.34–0.36 s   2.0–2.6 M    0.4 MB
//	write 1 M rows, pqarrow FileWriter     0.42–0.59 s   1.8–2.4 M    256 MB
//	commit (replace 1 M rows), Loader      1.43–1.58 s   0.77–0.92 M  4 MB
//	commit, hand-written pqarrow merge     0.97–1.46 s   1.0–1.13 M   900 MB
//
// DuckDB writes faster (it encodes on every core) and keeps the rows out of
// Go's heap. The pqarrow commit is a lower bound of what a pqarrow loader
// would cost, not a loader: it keeps the batches in memory (no staging,
// 900 MB allocated per commit), merges one partition with a Go map, and has
// none of the index, moves, deletes or column projection, which DuckDB does
// in the one COPY statement; and arrow-go's parquet packages need modules
// (apache/thrift, andybalholm/brotli, cespare/xxhash) that gongload does not
// otherwise require. The Loader writes with DuckDB. Most of its commit
// beyond the write is staging (spill file, then TEMP table: about 0.25 s per
// 1 M rows) and reading the partition's old file.
//
// # Locking
//
// Open takes an exclusive flock on DIR/_gongload/lock and writes its PID
// there; a second gongload on the same lake fails at Open with "destination
// DIR is in use by another process (PID …): wait for the other gongload to
// finish". Within one process a lake can be open once. Readers (OpenQuery,
// Spark, …) take no lock.
//
// # Queries
//
// OpenQuery opens an in-memory DuckDB with a view per table over its
// Parquet files (hive_partitioning and union_by_name on), the analysis
// views of package sql, and the state as tables: what `gongload sql
// --dest parquet:DIR` runs on.
//
// The SQL is in sql/*.sql beside this file (text/template, identifiers
// quoted by sql.Ident, file paths by a string-literal quoting helper where
// DuckDB takes no parameter).
package parquet
