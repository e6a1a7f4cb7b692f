// Package sql holds gongload's SQL as embedded text/template files, so that
// every statement a loader runs can be read, reviewed and diffed as SQL.
//
// The loader templates live in duckdb/*.sql and are rendered by name with
// Render("duckdb/insert_staged.sql", data). Templates never splice raw names
// into SQL: they quote every identifier with the ident function (Ident), and
// they pass every value as a statement parameter ($1, $2, …), never as text.
// Column types come from the duckType function (DuckType), the one mapping
// from Arrow types to DuckDB types.
//
// Functions available to templates:
//
//	ident    quotes an identifier: ident "call id" → "call id"
//	idents   quotes and comma-joins names: idents (list "a" "b") → "a", "b"
//	tuple    a row value of names: tuple (list "a") → "a"; tuple (list "a" "b") → ("a", "b")
//	duckType the DuckDB type of an Arrow type: timestamp[us, tz=UTC] → TIMESTAMPTZ
//
// Templates are parsed when the package is initialised: a template that does
// not parse is a build defect and panics at start-up (the package's tests
// render every one).
//
// This package imports only Arrow and the standard library.
package sql
