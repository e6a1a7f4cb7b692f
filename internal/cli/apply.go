package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/apply"
	"github.com/gongload/gongload/internal/auth"
	"github.com/gongload/gongload/internal/config"
	"github.com/gongload/gongload/internal/plan"
	"github.com/gongload/gongload/internal/progress"
	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/load/duckdb"
	"github.com/gongload/gongload/load/parquet"
)

func applyCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "load the configured streams into the destination",
		ArgsUsage: "[plan.json]",
		Flags: append(syncFlags(),
			&cli.DurationFlag{Name: "every", Usage: "repeat apply at this interval until interrupted (e.g. 1h, 24h)"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.NArg() > 1 {
				return userError("apply takes at most one argument, a saved plan (got %d)", cmd.NArg())
			}
			s, err := settingsFrom(cmd, time.Now())
			if err != nil {
				return err
			}
			var saved *plan.Plan
			if cmd.NArg() == 1 {
				if saved, err = plan.Read(cmd.Args().First()); err != nil {
					return err
				}
				if s.Dest, err = ParseDest(saved.Dest); err != nil {
					return err
				}
			}
			every := cmd.Duration("every")
			if every <= 0 {
				_, err = runApply(ctx, g, s, saved, cmd.Root().Writer)
				return err
			}
			if saved != nil {
				return userError("--every does not go with a saved plan: a plan is for one apply")
			}
			return applyEvery(ctx, g, s, every, cmd, cmd.Root().Writer)
		},
	}
}

// applyEvery repeats apply every interval until interrupted. A failed run is
// reported and the next one still happens; an interrupt ends the loop.
func applyEvery(ctx context.Context, g *globals, s Settings, every time.Duration, cmd *cli.Command, out io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	for {
		now := time.Now()
		s, err := settingsFrom(cmd, now)
		if err != nil {
			return err
		}
		_, err = runApply(ctx, g, s, nil, out)
		if ExitCode(err) == ExitInterrupted || ctx.Err() != nil {
			return withCode(ExitInterrupted, userError("interrupted: committed windows are kept"))
		}
		if err != nil {
			fmt.Fprintf(g.errw, "gongload: %v\n", err)
		}
		next := now.Add(every)
		fmt.Fprintf(out, "next apply at %s (every %s; Ctrl-C to stop)\n", next.UTC().Format(time.RFC3339), every)
		select {
		case <-ctx.Done():
			return withCode(ExitInterrupted, userError("interrupted between runs"))
		case <-time.After(time.Until(next)):
		}
	}
}

// newRunID returns a run ID: UTC time plus random suffix, sortable.
func newRunID(now time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// openLoader opens (or creates) the destination.
func openLoader(ctx context.Context, d Dest, logger *slog.Logger) (load.Loader, error) {
	switch d.Kind {
	case "parquet":
		return parquet.Open(ctx, d.Path, parquet.Options{Logger: logger})
	default:
		return duckdb.Open(ctx, d.Path, duckdb.Options{Logger: logger})
	}
}

// destExists reports whether the destination has been created.
func destExists(d Dest) bool {
	p := d.Path
	if d.Kind == "parquet" {
		p = filepath.Join(d.Path, "_gongload", "state.json")
	}
	_, err := os.Stat(p)
	return err == nil
}

// newClient builds the Gong client from the settings, with the access key
// (Basic) or the OAuth token file (Bearer, refreshed as needed; see
// Settings.authMode). With OAuth, requests go to the token's
// api_base_url_for_customer unless a base URL was given explicitly, and a
// token that needs refreshing is refreshed here, so that a refused refresh
// token ends the command before any work starts.
func newClient(s Settings, logger *slog.Logger) (*extract.Client, error) {
	mode, err := s.authMode()
	if err != nil {
		return nil, err
	}
	opts := extract.Options{
		BaseURL:   s.BaseURL,
		RateLimit: s.RateLimit,
		MaxWait:   s.MaxWait,
		UserAgent: "gongload/" + Version,
		Logger:    logger,
	}
	switch mode {
	case config.AuthOAuth:
		src, err := auth.Open(auth.Options{Path: s.tokenFile(), ClientID: s.clientID(), ClientSecret: s.clientSecret(), Logger: logger})
		if err != nil {
			return nil, err
		}
		if _, err := src.Token(); err != nil {
			return nil, err
		}
		explicit := s.BaseURLSet || (s.BaseURL != "" && s.BaseURL != DefaultBaseURL)
		if b := src.BaseURL(); b != "" && !explicit {
			opts.BaseURL = b
		}
		if opts.BaseURL == "" {
			opts.BaseURL = DefaultBaseURL
		}
		// The token goes on below the client's rate limiter and Retry-After
		// gate (as its base transport, for API requests only), so that it is
		// taken when the request leaves: a wait for the limiter may outlast
		// a short-lived token.
		base := http.DefaultTransport.(*http.Transport).Clone()
		base.MaxIdleConns, base.MaxIdleConnsPerHost, base.IdleConnTimeout = 32, 16, 90*time.Second
		if opts.Transport, err = src.APITransport(opts.BaseURL, base); err != nil {
			return nil, err
		}
	default:
		opts.Auth = extract.BasicAuth(s.AccessKey, s.AccessKeyS)
	}
	return extract.New(opts)
}

// streamsOf looks the settings' streams up.
func streamsOf(names []string) []extract.Stream {
	var out []extract.Stream
	for _, name := range names {
		st, _ := extract.Lookup(name)
		out = append(out, st)
	}
	return out
}

// planInput is the plan input of settings against a state.
func planInput(s Settings, st load.State, now time.Time) plan.Input {
	return plan.Input{
		Dest: s.Dest.String(), From: s.From, To: s.To, Now: now, Lookback: s.Lookback, StreamLookback: s.StreamLookback,
		Streams: streamsOf(s.Streams), Windows: s.Windows, CallIDs: s.CallIDs, Workspaces: s.Workspaces,
		Reconcile: s.Reconcile, RateLimit: s.RateLimit, DailyQuota: s.DailyQuota, State: st,
	}
}

// tasksOf turns a plan into the units to run: full-refresh streams first,
// then windows interleaved across streams, oldest first. Units restricted to
// a workspace, and targeted ones, record no window in the state.
func tasksOf(p *plan.Plan) []apply.Task {
	var full []apply.Task
	var perStream [][]apply.Task
	for _, sp := range p.Streams {
		st, _ := extract.Lookup(sp.Name)
		switch sp.Mode {
		case "targeted":
			full = append(full, apply.Task{Stream: st, Unit: extract.Unit{CallIDs: sp.CallIDs}, Reason: plan.Targeted})
			continue
		case "full refresh":
			if len(sp.Workspaces) == 0 || !perWorkspace(sp.Name) {
				full = append(full, apply.Task{Stream: st, Reason: plan.Refresh})
				continue
			}
			for _, ws := range sp.Workspaces { // restricted: not complete, no state
				full = append(full, apply.Task{Stream: st, Unit: extract.Unit{WorkspaceID: ws}, Reason: plan.Targeted})
			}
			continue
		}
		var ts []apply.Task
		for _, w := range sp.Windows {
			u := extract.Unit{From: w.From, To: w.To}
			if len(sp.Workspaces) == 0 || !perWorkspace(sp.Name) {
				ts = append(ts, apply.Task{Stream: st, Unit: u, Reason: w.Reason})
				continue
			}
			for _, ws := range sp.Workspaces {
				u.WorkspaceID = ws
				ts = append(ts, apply.Task{Stream: st, Unit: u, Reason: plan.Targeted})
			}
		}
		perStream = append(perStream, ts)
	}
	out := full
	for i := 0; ; i++ {
		added := false
		for _, ts := range perStream {
			if i < len(ts) {
				out = append(out, ts[i])
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// perWorkspace reports whether a stream's listing can be restricted to a
// workspace (--workspace). The others (users, workspaces, the user stats,
// answered scorecards) are company-wide in Gong's API and run unrestricted.
func perWorkspace(stream string) bool {
	switch stream {
	case "calls", "transcripts", "scorecards", "trackers", "library_folders", "library_folder_content", "coaching":
		return true
	}
	return false
}

// runApply runs one apply (of a saved plan when saved is set) and prints
// its summary to out.
func runApply(ctx context.Context, g *globals, s Settings, saved *plan.Plan, out io.Writer) (apply.Result, error) {
	logger := g.logger
	client, err := newClient(s, logger)
	if err != nil {
		return apply.Result{}, err
	}
	defer client.Close()
	loader, err := openLoader(ctx, s.Dest, logger)
	if err != nil {
		return apply.Result{}, err
	}
	defer loader.Close()

	state, err := loader.State(ctx)
	if err != nil {
		return apply.Result{}, fmt.Errorf("destination %s: reading state: %w", s.Dest, err)
	}
	now := time.Now()
	p := saved
	if p != nil {
		if err := p.CheckFresh(s.Dest.String(), state); err != nil {
			return apply.Result{}, err
		}
	} else if p, err = plan.Build(ctx, planInput(s, state, now)); err != nil {
		return apply.Result{}, err
	}
	var streams []extract.Stream
	for _, sp := range p.Streams {
		st, _ := extract.Lookup(sp.Name)
		streams = append(streams, st)
	}
	if err := loader.Migrate(ctx, apply.TablesOf(streams)); err != nil {
		return apply.Result{}, fmt.Errorf("destination %s: %w", s.Dest, err)
	}
	if used := state.Requests[now.UTC().Format("2006-01-02")]; s.DailyQuota > 0 && used >= s.DailyQuota {
		return apply.Result{}, withCode(ExitQuota, userError("the daily API quota is spent (%d of %d requests today): resume after %s",
			used, s.DailyQuota, nextMidnight(now).Format(time.RFC3339)))
	}
	ts := tasksOf(p)
	runID := newRunID(now)
	run := load.Run{ID: runID, Started: now.UTC(), Status: "running"}
	if err := loader.RecordRun(ctx, run); err != nil {
		return apply.Result{}, fmt.Errorf("destination %s: %w", s.Dest, err)
	}
	fmt.Fprintf(out, "apply %s: %d units over %d streams into %s\n", runID, len(ts), len(streams), s.Dest)

	stop := make(chan struct{})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		n := 0
		for {
			select {
			case <-sigs:
				n++
				if n == 1 {
					fmt.Fprintln(g.errw, "interrupt: finishing the windows in flight and committing (Ctrl-C again to abort now)")
					close(stop)
				} else {
					fmt.Fprintln(g.errw, "interrupt: aborting; uncommitted windows are rolled back")
					cancel()
					return
				}
			case <-runCtx.Done():
				return
			}
		}
	}()

	prog := progress.New(g.progressOut)
	res, runErr := apply.Run(runCtx, stop, apply.Config{
		Client: client, Loader: loader, Tasks: ts, RunID: runID,
		Workers: s.Concurrency, Progress: prog, Logger: logger,
		DailyQuota: s.DailyQuota, QuotaUsed: state.Requests[now.UTC().Format("2006-01-02")],
	})
	prog.Wait()

	run.Ended = time.Now().UTC()
	run.Requests = res.Requests
	run.Rows = res.Rows()
	err = outcome(res, runErr)
	run.Status = status(err)
	if err != nil {
		run.Error = err.Error()
	}
	if rerr := loader.RecordRun(context.WithoutCancel(ctx), run); rerr != nil && err == nil {
		err = fmt.Errorf("destination %s: recording the run: %w", s.Dest, rerr)
	}
	printSummary(out, res)
	return res, err
}

// outcome turns a run result into the command's error (and so exit code).
func outcome(res apply.Result, runErr error) error {
	if runErr != nil {
		return runErr
	}
	var rl *extract.RateLimitError
	var q *apply.QuotaError
	switch {
	case errors.Is(res.Stopped, apply.ErrInterrupted):
		return withCode(ExitInterrupted, userError("interrupted: committed windows are kept; run apply again to continue"))
	case errors.As(res.Stopped, &q):
		return withCode(ExitQuota, userError("the daily API quota is spent (%d requests today): committed windows are kept; resume after %s",
			q.Used, nextMidnight(time.Now()).Format(time.RFC3339)))
	case errors.As(res.Stopped, &rl):
		return withCode(ExitQuota, userError("Gong asks to wait %s (Retry-After), longer than max_wait: committed windows are kept; resume after %s",
			rl.RetryAfter.Round(time.Second), rl.Until.UTC().Format(time.RFC3339)))
	case res.Stopped != nil:
		return res.Stopped
	}
	failed := res.Failed()
	if len(failed) == 0 {
		return nil
	}
	var b strings.Builder
	for _, f := range failed {
		fmt.Fprintf(&b, "\n  %s: %v", f.Stream, f.Err)
	}
	if len(failed) == len(res.Streams) {
		return fmt.Errorf("every stream failed:%s", b.String())
	}
	return withCode(ExitPartial, fmt.Errorf("%d of %d streams failed (the others committed):%s", len(failed), len(res.Streams), b.String()))
}

func status(err error) string {
	switch ExitCode(err) {
	case ExitOK:
		return "ok"
	case ExitPartial:
		return "partial"
	case ExitQuota:
		return "quota"
	case ExitInterrupted:
		return "interrupted"
	default:
		return "failed"
	}
}

func nextMidnight(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
}

// printSummary prints per-stream results and totals.
func printSummary(w io.Writer, res apply.Result) {
	tw := newTable(w, "STREAM", "UNITS", "ROWS", "STATUS")
	for _, s := range res.Streams {
		var rows int64
		for _, n := range s.Rows {
			rows += n
		}
		st := "ok"
		if s.Err != nil {
			st = "failed"
		} else if s.Committed < s.Units {
			st = "stopped"
		}
		tw.row(s.Stream, fmt.Sprintf("%d/%d", s.Committed, s.Units), fmt.Sprint(rows), st)
	}
	tw.flush()
	rows := res.Rows()
	names := make([]string, 0, len(rows))
	var total int64
	for t, n := range rows {
		names = append(names, t)
		total += n
	}
	sort.Strings(names)
	secs := res.Elapsed.Seconds()
	retries := ""
	if res.Retries > 0 {
		retries = fmt.Sprintf(", %d retried (%d rate-limited by Gong)", res.Retries, res.Limited)
	}
	fmt.Fprintf(w, "%d rows into %d tables, %d API requests in %.1fs (%.1f requests/s%s)\n",
		total, len(names), res.Requests, secs, float64(res.Requests)/max(secs, 0.001), retries)
}
