package extract

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gongload/gongload/models"
)

// Sink receives the batches of one unit of work. load.Tx satisfies it; the
// semantics of each method are those of load.Tx.
type Sink interface {
	// Write stages rows of table t (rec has t.Schema()); the caller keeps
	// ownership of rec.
	Write(ctx context.Context, t *models.Table, rec arrow.RecordBatch) error
	// Scope names parents whose rows in child table t are replaced.
	Scope(ctx context.Context, t *models.Table, keys arrow.RecordBatch) error
	// Complete declares the unit's listing of entity table t complete over r
	// (zero r: the whole table), so rows not staged are deleted at commit.
	Complete(ctx context.Context, t *models.Table, r models.Range) error
}

// Mode is how a stream is synced.
type Mode int

const (
	// FullRefresh streams list everything in one unit; after a complete
	// listing, rows not seen are deleted.
	FullRefresh Mode = iota + 1
	// Incremental streams cut their history into windows; each window is a
	// unit of work, of commit and of resume.
	Incremental
)

// WindowKind says how an incremental stream's history is cut.
type WindowKind int

const (
	// Span windows have a fixed length (7 days by default) on a timestamp.
	Span WindowKind = iota + 1
	// Day windows are calendar days (company time zone dates).
	Day
	// Month windows are calendar months.
	Month
)

// Unit is one unit of work of a stream.
type Unit struct {
	// From and To bound a window of an incremental stream (From inclusive,
	// To exclusive); zero for full-refresh streams and targeted resyncs.
	From, To time.Time
	// CallIDs, when set, asks for exactly those calls (a targeted resync
	// with `apply --call-id`): no date filter, no Complete.
	CallIDs []string
	// WorkspaceID, when set, restricts the listing to one workspace; a
	// restricted listing is not complete for the whole table.
	WorkspaceID string
}

// Stream turns one Gong entity's API pages into Arrow batches.
type Stream interface {
	// Name is the stream's name in config, flags and state (SPEC §4).
	Name() string
	// Tables are the tables the stream fills, parents first.
	Tables() []*models.Table
	// Mode and Window say how the stream is synced; DefaultWindow is the
	// default length of Span windows.
	Mode() Mode
	Window() WindowKind
	DefaultWindow() time.Duration
	// Fetch lists the unit through c and sends its rows to sink. It returns
	// only when every page was read and sent (the listing is complete), or
	// with the first error; on error the caller rolls the unit back.
	Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error
}

// Prober is implemented by incremental streams that can count the records
// of a range with one cheap request; plan uses it to estimate requests.
type Prober interface {
	Probe(ctx context.Context, c *Client, from, to time.Time) (records int, err error)
}

// Lookbacker is implemented by incremental streams whose default lookback
// (the trailing history re-read on every run) differs from the global one;
// config and flags still override it per stream.
type Lookbacker interface {
	DefaultLookback() time.Duration
}
