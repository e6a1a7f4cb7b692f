// Package models is gongload's schema contract: every warehouse table as a
// plain Go value (name, columns with Arrow types, primary key, parent key,
// grain) and the Gong API record types decoded from JSON.
//
// A Table is all a loader needs to know: Schema gives the Arrow schema of the
// batches a stream produces for it (with the key and parent key carried in the
// schema metadata), and MetaColumns lists the columns a loader adds itself
// (_loaded_at, _run_id). Write semantics follow from the table's kind:
//
//   - an entity table (Parent == "") is upserted by Key and keeps the record as
//     received in _raw;
//   - a child table (Parent != "") is replaced by parent: when a parent is
//     loaded again, all its child rows are replaced, so rows Gong dropped
//     disappear. ParentKey names the child's columns that hold the parent's
//     key, in the order of the parent's Key.
//
// The record types (User, Call, CallTranscript, …) decode leniently: every Gong
// ID accepts a JSON string or a JSON number without going through float64
// (see ID), and unknown fields are ignored here because entity tables keep the
// raw record.
//
// This package imports only Arrow and the standard library.
package models
