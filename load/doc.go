// Package load is the destination side of gongload: the Loader contract that
// DuckDB (load/duckdb) and Parquet (load/parquet) implement, and the state
// records they keep inside the destination.
//
// A unit of work (one window of a stream, or one complete listing of a
// full-refresh stream) runs in a Tx: the stream stages Arrow batches with
// Write, names the parents whose children it replaces with Scope, declares a
// complete listing with Complete, and Commit applies all of it together with
// the unit's state record (Window) in one transaction. Until Commit nothing is
// visible; a crash at any moment leaves the destination as of the last commit.
//
// Write semantics, decided by the table declaration (models.Table):
//   - entity tables are upserted by key;
//   - child tables are replaced by parent: the rows of every parent named by
//     Scope are deleted before the staged rows are inserted;
//   - Complete deletes, at commit, the rows of an entity table that the unit's
//     listing did not return (within a time range for windowed streams, the
//     whole table for full-refresh streams), and their child rows.
//
// Keys are enforced by the pipeline, not by an index: a Tx must not stage the
// same key twice (streams skip a parent already seen in the unit).
//
// This package imports models; it never imports extract.
package load
