// Package spill holds what both loaders' staging shares: reading back a
// Tx's staged rows — an Arrow IPC spill file (read into C memory, outside
// Go's heap) followed by the batches still held in Go — as one
// array.RecordReader that DuckDB's Arrow bridge can scan once, and the
// byte-size estimate that decides when to spill.
package spill
