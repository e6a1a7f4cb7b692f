package parquet

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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/load/internal/commitq"
	"github.com/gongload/gongload/models"
)

var _ load.Loader = (*Loader)(nil)

// Defaults of Options.
const (
	DefaultMemoryLimit  = "512MB"
	DefaultThreads      = 2
	DefaultRowGroupRows = 491_520 // 4 × DuckDB's 122,880
)

// Names inside the lake.
const (
	metaDir      = "_gongload"          // state, runs, index, journal, lock, tmp
	stateFile    = "state.json"         // in metaDir
	runsFile     = "runs.jsonl"         // in metaDir
	indexFile    = "call_index.parquet" // in metaDir
	journalFile  = "commit.json"        // in metaDir
	lockFile     = "lock"               // in metaDir
	tmpDir       = "tmp"                // in metaDir: spills, DuckDB's temp directory
	dataFile     = "data.parquet"       // the one file of a partition
	partitionCol = "call_month"         // the Hive partition column of call-scoped tables
	// defaultPartition holds the rows of a call whose month is unknown (Hive's
	// name for a NULL partition value; DuckDB, Spark and Trino read it as NULL).
	defaultPartition = "__HIVE_DEFAULT_PARTITION__"
	tmpPrefix        = ".tmp-" // temporary files: .tmp-*.part, hidden from readers
	tmpSuffix        = ".part"
)

// Options tune a Loader.
type Options struct {
	// MemoryLimit caps the memory of the Loader's in-memory DuckDB (DuckDB
	// syntax: "512MB", "2GB"); beyond it, DuckDB spills to DIR/_gongload/tmp.
	// Default DefaultMemoryLimit.
	MemoryLimit string
	// Threads is the number of DuckDB worker threads. Default DefaultThreads.
	Threads int
	// RowGroupRows is the number of rows of a Parquet row group (at most; a
	// row group is also cut at 128 MB). Default DefaultRowGroupRows.
	RowGroupRows int
	// Logger receives a debug record per commit and, at debug level, per
	// statement with its duration. Default: discard.
	Logger *slog.Logger
}

// ErrClosed is returned by a Loader or Tx used after Close.
var ErrClosed = errors.New("parquet: destination is closed")

// open lakes of this process: a second Loader on a lake would take the
// flock again (flock locks belong to an open file, not to a process) and
// fail with a confusing message.
var (
	openMu   sync.Mutex
	openDirs = map[string]bool{}
)

// Loader is the Parquet destination: a directory of Parquet files, and one
// in-memory DuckDB that merges and writes them. Every use of the DuckDB
// connection and of the files is serialised by a mutex.
type Loader struct {
	dir  string // absolute
	opts Options
	log  *slog.Logger
	lock *os.File // holds the flock

	connector *duckdb.Connector
	conn      driver.Conn
	arrow     *duckdb.Arrow

	mu     sync.Mutex // serialises every use of conn, the files and the fields below
	closed atomic.Bool
	broken error                      // a commit failed after its commit point: reopen to recover
	state  *stateData                 // the committed state; nil before anything was written (set with setState)
	runs   []runJSON                  // the recorded runs, oldest first
	parts  map[string]map[string]bool // partitions holding a data file, by table ("" for an unpartitioned table)
	// fileCols caches the columns of data files (absolute path → columns):
	// those a commit wrote, and those read once. A file is replaced only
	// by a commit, which updates it.
	fileCols map[string]map[string]bool

	snapshot atomic.Pointer[stateData] // l.state, readable without l.mu (never changed in place)

	commits commitq.Queue[*member] // Tx whose Commit waits for l.mu (group commit)

	regMu  sync.RWMutex             // guards the fields below; taken last
	txs    map[uint64]*Tx           // open Tx
	nextTx uint64                   // id of the last Tx
	tables map[string]*models.Table // declarations by name: models.All, then what Migrate was given

	// hook, when set (tests), is called at each step of a commit; an error
	// stops the commit there as a crash would, leaving the files as they are.
	hook func(step string) error

	// staging thresholds (the constants; tests lower them)
	flushRows, flushBytes int64
}

// Open opens the Parquet lake in dir (creating the directory if needed),
// takes its lock, and finishes or discards a commit a crash interrupted. A
// lake held by another process, or a directory that cannot be written, is an
// error that says so and names the directory. The lake is not migrated: call
// Migrate before the first Begin.
func Open(ctx context.Context, dir string, opts Options) (_ *Loader, err error) {
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.Threads <= 0 {
		opts.Threads = DefaultThreads
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	abs, err := checkDir(dir)
	if err != nil {
		return nil, err
	}

	openMu.Lock()
	defer openMu.Unlock()
	if openDirs[abs] {
		return nil, fmt.Errorf("destination %s is already open in this process", dir)
	}
	lock, err := takeLock(abs, dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			releaseLock(lock)
		}
	}()

	// The lock is ours: finish an interrupted commit, then remove what
	// crashed commits and stagers left.
	if err := recoverLake(abs); err != nil {
		return nil, fmt.Errorf("parquet: destination %s: recover an interrupted commit: %w", dir, err)
	}
	tmp := filepath.Join(abs, metaDir, tmpDir)
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}

	cfg := url.Values{}
	cfg.Set("memory_limit", opts.MemoryLimit)
	cfg.Set("threads", strconv.Itoa(opts.Threads))
	cfg.Set("temp_directory", tmp)
	cfg.Set("preserve_insertion_order", "false")
	connector, err := duckdb.NewConnector("?"+cfg.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("parquet: destination %s: in-memory DuckDB: %w", dir, err)
	}
	conn, err := connector.Connect(ctx)
	if err != nil {
		connector.Close()
		return nil, fmt.Errorf("parquet: destination %s: in-memory DuckDB: %w", dir, err)
	}
	ar, err := duckdb.NewArrowFromConn(conn)
	if err != nil {
		conn.Close()
		connector.Close()
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	l := &Loader{
		dir:        abs,
		opts:       opts,
		log:        opts.Logger,
		lock:       lock,
		connector:  connector,
		conn:       conn,
		arrow:      ar,
		txs:        map[uint64]*Tx{},
		fileCols:   map[string]map[string]bool{},
		tables:     map[string]*models.Table{},
		flushRows:  flushRows,
		flushBytes: flushBytes,
	}
	for _, t := range models.All() {
		l.tables[t.Name] = t
	}
	if err := l.load(ctx); err != nil {
		l.closeConn()
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	openDirs[abs] = true
	return l, nil
}

// load reads the state, the runs, the partitions and the call index. The
// caller holds openMu (Open).
func (l *Loader) load(ctx context.Context) error {
	if _, err := l.exec(ctx, "settings.sql", nil); err != nil {
		return err
	}
	st, err := readState(l.dir)
	if err != nil {
		return err
	}
	l.setState(st)
	if l.runs, err = readRuns(l.dir); err != nil {
		return err
	}
	l.parts = scanPartitions(l.dir, st)
	return l.loadIndex(ctx)
}

// Dir returns the absolute path of the lake.
func (l *Loader) Dir() string { return l.dir }

// Close rolls back the open Tx, closes the in-memory DuckDB and releases the
// lock. A second Close is a no-op.
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
	err := l.closeConn()
	l.mu.Unlock()
	for _, tx := range txs {
		tx.mu.Lock()
		tx.discard()
		tx.mu.Unlock()
	}
	// Spill files of the Tx just discarded are gone; the directory stays
	// for the next Open, which empties it.
	openMu.Lock()
	releaseLock(l.lock)
	delete(openDirs, l.dir)
	openMu.Unlock()
	if err != nil {
		return fmt.Errorf("parquet: close %s: %w", l.dir, err)
	}
	return nil
}

func (l *Loader) closeConn() error {
	return errors.Join(l.conn.Close(), l.connector.Close())
}

// usable reports why the Loader cannot work. The caller holds l.mu.
func (l *Loader) usable() error {
	if l.closed.Load() {
		return ErrClosed
	}
	if l.broken != nil {
		return fmt.Errorf("parquet: destination %s needs recovery (close and open it again): %w", l.dir, l.broken)
	}
	return nil
}

// checkDir makes dir (and its _gongload directory) and checks that it can
// be written; it returns the absolute path.
func checkDir(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("parquet: destination needs a directory")
	}
	if strings.ContainsAny(dir, "*?[]{}'\"") {
		return "", fmt.Errorf("parquet: destination %s: a directory with *, ?, [, ], {, } or quotes is not supported (Parquet readers take them for globs)", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return "", fmt.Errorf("destination %s is a file, not a directory for Parquet files", abs)
	}
	if err := os.MkdirAll(filepath.Join(abs, metaDir), 0o755); err != nil {
		return "", fmt.Errorf("destination directory %s cannot be created: %w", abs, unwrapPath(err))
	}
	f, err := os.CreateTemp(filepath.Join(abs, metaDir), tmpPrefix+"probe-*"+tmpSuffix)
	if err != nil {
		return "", fmt.Errorf("destination directory %s is not writable: %w", abs, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return abs, os.Remove(name)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// exec renders a template and executes it; it returns the rows changed
// (for COPY, the rows written). The caller holds l.mu.
func (l *Loader) exec(ctx context.Context, name string, data any, args ...any) (int64, error) {
	q, err := render(name, data)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := l.conn.(driver.ExecerContext).ExecContext(ctx, q, namedArgs(args))
	l.log.Debug("parquet exec", "sql", name, "elapsed", time.Since(start), "err", err)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return res.RowsAffected()
}

// query renders a template, runs it and calls fn for every row. The values
// are only valid during fn. The caller holds l.mu.
func (l *Loader) query(ctx context.Context, name string, data any, fn func([]driver.Value) error, args ...any) error {
	q, err := render(name, data)
	if err != nil {
		return err
	}
	start := time.Now()
	rows, err := l.conn.(driver.QueryerContext).QueryContext(ctx, q, namedArgs(args))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	defer func() { l.log.Debug("parquet query", "sql", name, "elapsed", time.Since(start)) }()
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

// asInt reads an integer a query returned.
func asInt(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case uint64:
		return int64(v)
	}
	return 0
}

func asString(v driver.Value) string {
	s, _ := v.(string)
	return s
}
