package apply

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/plan"
	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

// Task is one unit of work of a stream, as the plan scheduled it.
type Task struct {
	Stream extract.Stream
	Unit   extract.Unit
	Reason plan.Reason
}

// Config is what a run needs.
type Config struct {
	Client   *extract.Client
	Loader   load.Loader
	Tasks    []Task // in the order to start them
	RunID    string
	Workers  int // units in flight at once (default 8)
	Progress Progress
	Logger   *slog.Logger
	Now      func() time.Time
	// CursorRetries is how often a unit whose cursor expired is restarted
	// (default 3).
	CursorRetries int
	// DailyQuota stops the run (QuotaError) before a unit starts once
	// QuotaUsed plus the run's requests reach it; 0 means no quota.
	DailyQuota int64
	QuotaUsed  int64
}

// QuotaError is Result.Stopped when the daily quota is spent.
type QuotaError struct{ Used, Quota int64 }

func (e *QuotaError) Error() string {
	return fmt.Sprintf("daily API quota spent: %d of %d requests today", e.Used, e.Quota)
}

// Progress receives progress events. Implementations are safe for concurrent
// use.
type Progress interface {
	Start(stream string, units int)
	UnitDone(stream string, rows int64)
	Done(stream string, err error)
}

// StreamResult is the outcome of one stream.
type StreamResult struct {
	Stream    string
	Units     int              // units scheduled
	Committed int              // units committed
	Rows      map[string]int64 // rows written per table
	Err       error            // the stream's first failure
}

// Result is the outcome of a run.
type Result struct {
	RunID    string
	Streams  []StreamResult // in task order
	Requests int64
	Retries  int64 // requests sent again (429, 5xx, resets, truncated bodies)
	Limited  int64 // 429 answers
	Elapsed  time.Duration
	// Stopped is set when the run ended early: ErrInterrupted, a
	// *extract.RateLimitError (quota), or a fatal error such as rejected
	// credentials that stops every stream.
	Stopped error
}

// ErrInterrupted is Result.Stopped after a graceful stop.
var ErrInterrupted = errors.New("interrupted")

// Rows returns the rows written per table over all streams.
func (r Result) Rows() map[string]int64 {
	out := map[string]int64{}
	for _, s := range r.Streams {
		for t, n := range s.Rows {
			out[t] += n
		}
	}
	return out
}

// Failed returns the streams that failed.
func (r Result) Failed() []StreamResult {
	var out []StreamResult
	for _, s := range r.Streams {
		if s.Err != nil {
			out = append(out, s)
		}
	}
	return out
}

type runner struct {
	cfg     Config
	mu      sync.Mutex
	results map[string]*StreamResult
	stopErr error
	fatal   error // the first destination failure
	counted int64 // client requests already added to the destination's daily count
	start   int64 // client requests when the run started

	// Commits run apart from the workers, so that a unit waiting for the
	// destination's one writer does not keep its worker from requests:
	// slots bounds the commits pending (as many as workers), commits
	// counts them.
	slots   chan struct{}
	commits sync.WaitGroup
}

// Run executes the tasks. stop is closed for a graceful stop (no new units;
// units in flight commit); cancelling ctx abandons units in flight. Run
// returns an error only when the destination itself fails; stream failures
// and early stops are in the Result.
func Run(ctx context.Context, stop <-chan struct{}, cfg Config) (Result, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.CursorRetries <= 0 {
		cfg.CursorRetries = 3
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Progress == nil {
		cfg.Progress = nopProgress{}
	}
	r := &runner{cfg: cfg, results: map[string]*StreamResult{}, slots: make(chan struct{}, cfg.Workers)}
	var order []string
	for _, t := range cfg.Tasks {
		name := t.Stream.Name()
		sr, ok := r.results[name]
		if !ok {
			sr = &StreamResult{Stream: name, Rows: map[string]int64{}}
			r.results[name] = sr
			order = append(order, name)
		}
		sr.Units++
	}
	for _, name := range order {
		cfg.Progress.Start(name, r.results[name].Units)
	}
	start := time.Now()
	startStats := cfg.Client.Stats()
	before := startStats.Requests
	r.counted = before
	r.start = before

	tasks := make(chan Task)
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tasks {
				r.runTask(ctx, t)
			}
		}()
	}
feed:
	for _, t := range cfg.Tasks {
		if r.skip(t.Stream.Name()) {
			continue
		}
		select {
		case tasks <- t:
		case <-stop:
			r.setStop(ErrInterrupted)
			break feed
		case <-ctx.Done():
			r.setStop(ErrInterrupted)
			break feed
		}
	}
	close(tasks)
	wg.Wait()
	r.commits.Wait()
	r.countRequests(context.WithoutCancel(ctx))

	st := cfg.Client.Stats()
	res := Result{RunID: cfg.RunID, Requests: st.Requests - before, Elapsed: time.Since(start),
		Retries: st.Retries - startStats.Retries, Limited: st.RateLimited - startStats.RateLimited}
	r.mu.Lock()
	res.Stopped = r.stopErr
	for _, name := range order {
		sr := r.results[name]
		if sr.Err == nil && sr.Committed < sr.Units && res.Stopped == nil {
			sr.Err = errors.New("not all units ran")
		}
		res.Streams = append(res.Streams, *sr)
		cfg.Progress.Done(name, sr.Err)
	}
	fatal := r.fatal
	r.mu.Unlock()
	return res, fatal
}

// skip reports whether a stream's tasks must no longer start: it failed, or
// the run is stopping.
func (r *runner) skip(stream string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopErr != nil || r.results[stream].Err != nil
}

func (r *runner) setStop(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopErr == nil {
		r.stopErr = err
	}
}

// runTask fetches one unit, restarting it when its cursor expired, and
// hands it to a commit of its own; a failure is recorded in the results (a
// destination failure in r.fatal).
func (r *runner) runTask(ctx context.Context, t Task) {
	name := t.Stream.Name()
	if r.skip(name) {
		return
	}
	if q := r.cfg.DailyQuota; q > 0 {
		if used := r.cfg.QuotaUsed + r.cfg.Client.Stats().Requests - r.start; used >= q {
			r.setStop(&QuotaError{Used: used, Quota: q})
			return
		}
	}
	var err error
	for attempt := 0; ; attempt++ {
		var tx load.Tx
		tx, err = r.fetch(ctx, t)
		if err == nil {
			r.slots <- struct{}{} // at most Workers commits pending
			r.commits.Add(1)
			go r.commit(ctx, t, tx)
			return
		}
		if errors.Is(err, extract.ErrCursorExpired) && attempt < r.cfg.CursorRetries {
			r.cfg.Logger.Warn("cursor expired: restarting the window", "stream", name, "from", t.Unit.From, "to", t.Unit.To)
			continue
		}
		break
	}
	r.failed(ctx, t, err)
}

// failed records the failure of a unit.
func (r *runner) failed(ctx context.Context, t Task, err error) {
	name := t.Stream.Name()
	var dest *destError
	switch {
	case errors.As(err, &dest):
		r.setStop(err)
		r.mu.Lock()
		if r.fatal == nil {
			r.fatal = dest.err
		}
		r.mu.Unlock()
		return
	case ctx.Err() != nil:
		r.setStop(ErrInterrupted)
		return
	}
	var rl *extract.RateLimitError
	var api *extract.APIError
	switch {
	case errors.As(err, &rl):
		r.setStop(rl)
	case errors.As(err, &api) && api.Status == 401 && !isScope(err):
		r.setStop(err) // credentials rejected: every stream would fail the same way
	}
	r.mu.Lock()
	if sr := r.results[name]; sr.Err == nil {
		sr.Err = err
	}
	r.mu.Unlock()
	r.cfg.Logger.Debug("stream failed", "stream", name, "from", t.Unit.From, "to", t.Unit.To, "err", err)
}

func isScope(err error) bool {
	var se *extract.ScopeError
	return errors.As(err, &se)
}

// destError marks a failure of the destination (not of the API).
type destError struct{ err error }

func (e *destError) Error() string { return e.err.Error() }
func (e *destError) Unwrap() error { return e.err }

// fetch fetches one unit into a new destination transaction; on error the
// transaction is rolled back.
func (r *runner) fetch(ctx context.Context, t Task) (load.Tx, error) {
	tx, err := r.cfg.Loader.Begin(ctx, r.cfg.RunID)
	if err != nil {
		return nil, &destError{fmt.Errorf("destination: %w", err)}
	}
	if err := t.Stream.Fetch(ctx, r.cfg.Client, t.Unit, tx); err != nil {
		tx.Rollback() //nolint:errcheck // nothing to do about it
		return nil, err
	}
	return tx, nil
}

// commit commits a fetched unit with its window and records the outcome.
// It runs in a goroutine of its own, holding a slot.
func (r *runner) commit(ctx context.Context, t Task, tx load.Tx) {
	defer r.commits.Done()
	defer func() { <-r.slots }()
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	name := t.Stream.Name()
	w := load.Window{Stream: name, RunID: r.cfg.RunID, CommittedAt: r.cfg.Now().UTC()}
	if t.Reason != plan.Targeted {
		w.From, w.To = t.Unit.From, t.Unit.To
	} else {
		w.Stream = "" // a targeted resync moves no watermark
	}
	rows, err := commit(ctx, tx, w)
	if err != nil {
		r.failed(ctx, t, &destError{fmt.Errorf("destination: commit %s: %w", name, err)})
		return
	}
	r.mu.Lock()
	sr := r.results[name]
	sr.Committed++
	var total int64
	for tbl, n := range rows {
		sr.Rows[tbl] += n
		total += n
	}
	r.mu.Unlock()
	r.cfg.Progress.UnitDone(name, total)
	r.countRequests(ctx)
}

func commit(ctx context.Context, tx load.Tx, w load.Window) (map[string]int64, error) {
	rows, err := tx.Commit(ctx, w)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = map[string]int64{}
	}
	return maps.Clone(rows), nil
}

// countRequests adds the client's requests since the last count to the
// destination's daily count (the quota is checked against it).
func (r *runner) countRequests(ctx context.Context) {
	r.mu.Lock()
	now := r.cfg.Client.Stats().Requests
	n := now - r.counted
	r.counted = now
	r.mu.Unlock()
	if n > 0 {
		if err := r.cfg.Loader.CountRequests(ctx, r.cfg.Now().UTC(), n); err != nil {
			r.cfg.Logger.Warn("could not count requests", "err", err)
		}
	}
}

type nopProgress struct{}

func (nopProgress) Start(string, int)      {}
func (nopProgress) UnitDone(string, int64) {}
func (nopProgress) Done(string, error)     {}

// TablesOf returns the tables of streams, parents first, without repeats.
func TablesOf(streams []extract.Stream) []*models.Table {
	var out []*models.Table
	for _, s := range streams {
		for _, t := range s.Tables() {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}
