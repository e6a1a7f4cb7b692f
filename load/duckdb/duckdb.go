package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/load/internal/commitq"
	"github.com/gongload/gongload/models"
	"github.com/gongload/gongload/sql"
)

var _ load.Loader = (*Loader)(nil)

// Defaults of Options.
const (
	// DefaultMemoryLimit caps DuckDB's buffer pool. What a commit needs is
	// small (a window's rows, streamed), so the rest would only cache
	// blocks already written: measured, 128MB keeps a 5 M sentence
	// backfill under 512 MiB of RSS at the same speed as 512MB.
	DefaultMemoryLimit = "128MB"
	DefaultThreads     = 2
	// DefaultCheckpointThreshold is the WAL size at which DuckDB writes
	// the committed rows into the database file. Its own default, 16MB, is
	// reached every few windows of a backfill, and each checkpoint costs
	// far more than its share. Measured on 2.1 M sentences in 60 commits:
	// 7.2 s at 16MB, 3.3 s at 64MB, 3.0 s with one checkpoint at the end
	// (which holds every row uncompressed in memory until then).
	DefaultCheckpointThreshold = "64MB"
)

// Options tune the DuckDB database a Loader opens.
type Options struct {
	// MemoryLimit caps DuckDB's buffer memory (DuckDB syntax: "512MB",
	// "2GB"); beyond it, staging spills to TempDir. Default DefaultMemoryLimit.
	MemoryLimit string
	// Threads is the number of DuckDB worker threads. Default DefaultThreads.
	Threads int
	// CheckpointThreshold is the WAL size at which DuckDB checkpoints
	// (DuckDB syntax). Default DefaultCheckpointThreshold.
	CheckpointThreshold string
	// TempDir is where DuckDB spills, and where a Tx spills the batches it
	// stages. Default: PATH.tmp beside the file.
	TempDir string
	// StageMemory bounds the Go memory that the batches staged by all open
	// Tx hold: beyond it, the rows read once at commit (child tables,
	// parent keys) are spilled to TempDir at once. Default
	// DefaultStageMemory.
	StageMemory int64
	// Logger receives a debug record per commit and, at debug level, per
	// statement with its duration. Default: discard.
	Logger *slog.Logger
}

// ErrClosed is returned by a Loader or Tx used after Close.
var ErrClosed = errors.New("duckdb: destination is closed")

// open paths of this process: DuckDB shares one database instance per path
// within a process, so a second writer connection would bypass the file lock
// and conflict with the first.
var (
	openMu    sync.Mutex
	openPaths = map[string]bool{}
)

// Loader is the DuckDB destination: one database file, one writer
// connection whose use is serialised by a mutex.
type Loader struct {
	path      string
	tempDir   string // DuckDB's spill directory, and the stagers'
	madeTemp  bool   // Open created tempDir
	log       *slog.Logger
	debug     bool // log every statement
	connector *duckdb.Connector
	arrow     *duckdb.Arrow

	mu      sync.Mutex                    // serialises every use of conn
	commits commitq.Queue[*pendingCommit] // Commits waiting for mu (group commit)
	conn    driver.Conn                   // the writer connection
	closed  atomic.Bool

	regMu  sync.RWMutex             // guards the fields below; taken last
	txs    map[uint64]*Tx           // open Tx
	nextTx uint64                   // id of the last Tx
	tables map[string]*models.Table // declarations by name: models.All, then what Migrate was given
	exists map[string]bool          // tables of the destination, as last read or migrated

	pending map[time.Time]int64 // requests counted per UTC day, not yet written; guarded by mu
	fresh   fresh               // parents of the child tables filled by this Loader; guarded by mu

	// staging thresholds (the constants; tests lower them)
	rowGroupRows, flushRows, flushBytes int64
	stageMemory                         int64        // Options.StageMemory
	held                                atomic.Int64 // bytes in the Go buffers of every stager
}

// Open opens (creating it, and its directory, if needed) the DuckDB database
// at path and its one writer connection. A database held by another process,
// or a directory that cannot be written, is an error that says so and names
// the path. The file is not migrated: call Migrate before the first Begin.
func Open(ctx context.Context, path string, opts Options) (_ *Loader, err error) {
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.Threads <= 0 {
		opts.Threads = DefaultThreads
	}
	if opts.CheckpointThreshold == "" {
		opts.CheckpointThreshold = DefaultCheckpointThreshold
	}
	if opts.StageMemory <= 0 {
		opts.StageMemory = DefaultStageMemory
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("duckdb: destination needs a file path")
	}
	if strings.ContainsAny(path, "?#%") {
		return nil, fmt.Errorf("duckdb: destination %s: a path with ?, # or %% is not supported", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("duckdb: destination %s: %w", path, err)
	}
	if opts.TempDir == "" {
		opts.TempDir = abs + ".tmp"
	}
	if err := checkWritable(abs); err != nil {
		return nil, err
	}
	// Created here, DuckDB does not remove the directory when it closes
	// (it would with one it created), so the stagers' spill files can live
	// there too. Close removes it if Open created it and it is empty.
	_, statErr := os.Stat(opts.TempDir)
	madeTemp := os.IsNotExist(statErr)
	if err := os.MkdirAll(opts.TempDir, 0o755); err != nil {
		return nil, fmt.Errorf("destination temp directory %s cannot be created: %w", opts.TempDir, unwrapPath(err))
	}
	defer func() {
		if err != nil && madeTemp {
			os.Remove(opts.TempDir)
		}
	}()

	openMu.Lock()
	defer openMu.Unlock()
	if openPaths[abs] {
		return nil, fmt.Errorf("destination %s is already open in this process", path)
	}

	cfg := url.Values{}
	cfg.Set("memory_limit", opts.MemoryLimit)
	cfg.Set("threads", strconv.Itoa(opts.Threads))
	cfg.Set("temp_directory", opts.TempDir)
	cfg.Set("preserve_insertion_order", "false")
	// Hand memory back to the system once a task peaked past this, rather
	// than at DuckDB's 128MB: measured, 15% less peak RSS on a backfill.
	cfg.Set("allocator_flush_threshold", "16MB")
	cfg.Set("checkpoint_threshold", opts.CheckpointThreshold)
	connector, err := duckdb.NewConnector(abs+"?"+cfg.Encode(), nil)
	if err != nil {
		return nil, openError(path, err)
	}
	conn, err := connector.Connect(ctx)
	if err != nil {
		connector.Close()
		return nil, fmt.Errorf("duckdb: destination %s: %w", path, err)
	}
	ar, err := duckdb.NewArrowFromConn(conn)
	if err != nil {
		conn.Close()
		connector.Close()
		return nil, fmt.Errorf("duckdb: destination %s: %w", path, err)
	}
	cleanSpills(opts.TempDir) // left by a crash: the lock is ours now
	l := &Loader{
		path:      path,
		tempDir:   opts.TempDir,
		madeTemp:  madeTemp,
		log:       opts.Logger,
		debug:     opts.Logger.Enabled(ctx, slog.LevelDebug),
		connector: connector,
		arrow:     ar,
		conn:      conn,
		txs:       map[uint64]*Tx{},
		tables:    map[string]*models.Table{},

		rowGroupRows: rowGroupRows,
		flushRows:    flushRows,
		flushBytes:   flushBytes,
		stageMemory:  opts.StageMemory,
	}
	for _, t := range models.All() {
		l.tables[t.Name] = t
	}
	if _, err := l.exec(ctx, "duckdb/settings.sql", nil); err != nil {
		l.closeConn()
		return nil, fmt.Errorf("duckdb: destination %s: %w", path, err)
	}
	if _, err := l.readColumns(ctx); err != nil {
		l.closeConn()
		return nil, fmt.Errorf("duckdb: destination %s: %w", path, err)
	}
	openPaths[abs] = true
	l.path = abs
	return l, nil
}

// Path returns the absolute path of the database file.
func (l *Loader) Path() string { return l.path }

// Close rolls back the open Tx and closes the database. A second Close is a
// no-op.
func (l *Loader) Close() error {
	l.mu.Lock()
	if l.closed.Swap(true) {
		l.mu.Unlock()
		return nil
	}
	l.regMu.Lock()
	txs := l.txs
	l.txs = map[uint64]*Tx{}
	l.regMu.Unlock()
	err := l.writeRequests(context.Background())
	err = errors.Join(err, l.closeConn()) // the staging tables go with the connection
	l.mu.Unlock()
	if l.madeTemp {
		defer os.Remove(l.tempDir) // fails unless empty
	}
	openMu.Lock()
	delete(openPaths, l.path)
	openMu.Unlock()
	// Release the batches the open Tx buffered. A Tx busy in a method
	// holds tx.mu and will find the Loader closed.
	for _, tx := range txs {
		tx.mu.Lock()
		tx.discard()
		tx.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("duckdb: close %s: %w", l.path, err)
	}
	return nil
}

func (l *Loader) closeConn() error {
	return errors.Join(l.conn.Close(), l.connector.Close())
}

// checkWritable turns the usual reasons a database cannot be created into
// errors that name the path: a missing or read-only directory, a read-only
// file.
func checkWritable(abs string) error {
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("destination directory %s cannot be created: %w", dir, err)
	}
	if fi, err := os.Stat(abs); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("destination %s is a directory, not a DuckDB file", abs)
		}
		f, err := os.OpenFile(abs, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("destination %s is not writable: %w", abs, err)
		}
		return f.Close()
	}
	f, err := os.CreateTemp(dir, ".gongload-probe-*")
	if err != nil {
		return fmt.Errorf("destination directory %s is not writable: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// lockHolder finds the holder DuckDB names in a lock error: "Conflicting
// lock is held in /usr/bin/gongload (PID 4242) by user x".
var lockHolder = regexp.MustCompile(`held in (.*?) \(PID (\d+)\)`)

// openError explains a failure to open the database. DuckDB reports a lock
// held by another process as an IO error (*duckdb.Error, ErrorTypeIO) whose
// text says "Could not set lock on file".
func openError(path string, err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeIO && strings.Contains(de.Msg, "Could not set lock") {
		who := "lock held"
		if m := lockHolder.FindStringSubmatch(de.Msg); m != nil {
			who = "PID " + m[2] + ", " + m[1]
		}
		return fmt.Errorf("destination %s is in use by another process (%s): wait for the other gongload to finish", path, who)
	}
	return fmt.Errorf("duckdb: open destination %s: %w", path, err)
}

// exec renders a template and executes it with args; it returns the rows
// changed. The caller holds l.mu.
func (l *Loader) exec(ctx context.Context, name string, data any, args ...any) (int64, error) {
	q, err := sql.Render(name, data)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := l.conn.(driver.ExecerContext).ExecContext(ctx, q, namedArgs(args))
	if l.debug {
		l.log.Debug("duckdb exec", "sql", name, "table", tableOf(data), "elapsed", time.Since(start), "err", err)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return res.RowsAffected()
}

// query renders a template, runs it with args and calls fn for every row.
// The values of a row are only valid during fn. The caller holds l.mu.
func (l *Loader) query(ctx context.Context, name string, data any, fn func([]driver.Value) error, args ...any) error {
	q, err := sql.Render(name, data)
	if err != nil {
		return err
	}
	rows, err := l.conn.(driver.QueryerContext).QueryContext(ctx, q, namedArgs(args))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	vals := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(vals); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
}

func namedArgs(args []any) []driver.NamedValue {
	if len(args) == 0 {
		return nil
	}
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// inTx runs fn inside BEGIN … COMMIT; any failure rolls back. Once fn has
// succeeded the COMMIT is not interrupted by ctx: a cancelled run either
// stops before it or has committed. The caller holds l.mu.
func (l *Loader) inTx(ctx context.Context, fn func() error) error {
	if _, err := l.exec(ctx, "duckdb/begin.sql", nil); err != nil {
		return err
	}
	err := fn()
	if err == nil {
		_, err = l.exec(context.WithoutCancel(ctx), "duckdb/commit.sql", nil)
	}
	if err != nil {
		// A failed statement or COMMIT may leave the transaction open or
		// already aborted; ROLLBACK ends it either way (its own error, "no
		// transaction is active", is of no interest).
		_, _ = l.exec(context.Background(), "duckdb/rollback.sql", nil)
		return err
	}
	return nil
}

// tableOf names the table a statement's template data is about, for the
// debug log ("" when it has none).
func tableOf(data any) string {
	switch d := data.(type) {
	case insertData:
		return d.Table
	case deleteData:
		return d.Table
	case goneData:
		return d.Table
	}
	return ""
}
