package load

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gongload/gongload/models"
)

// Loader is a destination. Its methods are safe for concurrent use: several
// Tx may be open at once (windows are fetched concurrently) and a Loader
// serialises what its storage cannot do in parallel.
type Loader interface {
	// Changes reports the schema changes Migrate would make for tables,
	// without making them (for plan).
	Changes(ctx context.Context, tables []*models.Table) ([]models.Change, error)
	// Migrate creates the state tables and any missing table, and adds
	// missing columns. It never drops anything.
	Migrate(ctx context.Context, tables []*models.Table) error
	// State reads the committed state. An empty destination has a zero State.
	State(ctx context.Context) (State, error)
	// Begin starts a unit of work for a run.
	Begin(ctx context.Context, runID string) (Tx, error)
	// ResetStream forgets every committed window of stream (state rm): the
	// next apply loads that stream's history again. Rows are kept.
	ResetStream(ctx context.Context, stream string) error
	// CountRequests adds n API requests to the count of day (UTC date).
	CountRequests(ctx context.Context, day time.Time, n int64) error
	// RecordRun inserts or replaces the record of a run (by Run.ID).
	RecordRun(ctx context.Context, r Run) error
	// Runs returns the recorded runs, oldest first.
	Runs(ctx context.Context) ([]Run, error)
	// Close releases the destination. Open Tx are rolled back.
	Close() error
}

// Tx is one unit of work. A Tx is used by one goroutine.
type Tx interface {
	// Write stages rows of table t; rec has t.Schema(). Write does not take
	// ownership of rec. An empty batch is allowed and changes nothing.
	Write(ctx context.Context, t *models.Table, rec arrow.RecordBatch) error
	// Scope names parents whose children in child table t are replaced at
	// commit: rows of t whose ParentKey is among keys (t.KeySchema()) are
	// deleted before t's staged rows are inserted.
	Scope(ctx context.Context, t *models.Table, keys arrow.RecordBatch) error
	// Complete declares that the unit's listing of entity table t was
	// complete over r: at commit, rows of t in r that were not staged are
	// deleted, with their rows in every child table of t. A zero Range means
	// the whole table.
	Complete(ctx context.Context, t *models.Table, r Range) error
	// Commit applies everything staged and records w, atomically, then
	// increments the state serial. A w with an empty Stream records no
	// window (a targeted resync moves no watermark). It returns the rows
	// inserted per table.
	Commit(ctx context.Context, w Window) (map[string]int64, error)
	// Rollback discards everything staged. It is a no-op after Commit.
	Rollback() error
}

// Range is a half-open time range on a timestamp column of a table
// (models.Range, so that a Tx satisfies extract's sink interface).
type Range = models.Range

// Window is the state record of one committed unit of work.
type Window struct {
	Stream      string
	From, To    time.Time // zero for full-refresh streams
	RunID       string
	Rows        int64 // rows written by the unit, all tables
	Requests    int64 // API requests the unit made
	CommittedAt time.Time
}

// State is what a destination holds about what has been loaded.
type State struct {
	// Serial increments with every commit and state change; a saved plan
	// records it and apply refuses the plan if it changed.
	Serial int64
	// Lineage identifies the destination; set once at the first Migrate.
	Lineage string
	// Windows are the committed units, by stream then From. A full-refresh
	// stream has at most one (its last complete listing).
	Windows []Window
	// Requests counts API requests per UTC day ("2006-01-02").
	Requests map[string]int64
}

// Run is the record of one apply.
type Run struct {
	ID       string
	Started  time.Time
	Ended    time.Time // zero while running
	Status   string    // running, ok, partial, interrupted, quota, failed
	Requests int64
	Rows     map[string]int64 // rows written per table
	Error    string           // never holds a secret
}
