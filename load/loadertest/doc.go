// Package loadertest is the conformance suite every load.Loader must pass:
// one set of cases, run by each implementation's tests, so DuckDB and
// Parquet destinations behave the same.
//
// An implementation's test calls Run with a Harness:
//
//	func TestConformance(t *testing.T) {
//		loadertest.Run(t, loadertest.Harness{
//			Open: func(t *testing.T) load.Loader { … a new, empty destination in t.TempDir() … },
//			Rows: func(t *testing.T, l load.Loader, table string) []map[string]any { … every row … },
//		})
//	}
//
// The suite reads data back only through the Loader contract and the Rows
// hook, and builds every batch from the models declarations (models.Calls,
// models.CallParties, models.TranscriptSentences, models.Users) with a checked
// allocator: a Loader that keeps or releases a batch it does not own fails.
//
// Cases: create, upsert idempotence, replace by parent, delete stale (with a
// range, with the zero range, with an empty listing; cascading to child
// tables), add a column, empty batch, cancelled context, rollback, concurrent
// Tx, state round trip, and reopen (when the Harness can reopen a
// destination).
//
// This package has no tests of its own: it runs inside the tests of each
// implementation.
package loadertest
