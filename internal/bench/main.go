package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gongload/gongload/internal/gongsim"
)

// The streams of the backfills: every call with full content and its
// transcript, with the two full-refresh streams they refer to.
var backfillStreams = []string{"users", "workspaces", "calls", "transcripts"}

// Sizes of the datasets (before -scale). Calls with a transcript carry
// about 250 sentences each on average, a few calls have none yet.
const (
	days        = 365
	users       = 100
	sentences   = 250
	callsMain   = 9_000  // ≥ 2 M sentences
	callsSmall  = 4_500  // ≥ 1 M
	callsLarge  = 22_000 // ≥ 5 M
	callsRate   = 30_000 // ≥ 600 requests of light pages
	sentRate    = 4
	rateLimit   = 20.0
	rateLatency = 300 * time.Millisecond
	rateJitter  = 100 * time.Millisecond
)

// allBenches are the bench names, in the order they are printed.
var allBenches = []string{"backfill_duckdb", "backfill_parquet", "anchor_read_json", "request_efficiency", "rate_saturation", "memory_scaling"}

type bench struct {
	bin     string // absolute path of bin/gongload
	work    string // scratch directory
	runs    int
	scale   float64
	profile string // directory for CPU profiles (and -vlog logs), or ""
	vlog    bool   // children run with -v; their logs go to the profile directory
	keep    bool   // keep the work directory and what is in it
	only    map[string]bool
	ctx     context.Context
	launch  *launcher // runs the measured children
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-launcher" {
		launcherMain()
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "-anchor-child" {
		if err := anchorChild(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	bin := flag.String("bin", "bin/gongload", "the gongload binary to measure")
	runs := flag.Int("runs", 3, "timed runs of the backfills and the anchor (the best is shown)")
	scale := flag.Float64("scale", 1, "multiplies the dataset sizes (0.1 for a smoke run)")
	only := flag.String("only", "", "comma-separated bench names to run (default all): "+strings.Join(allBenches, ","))
	profile := flag.String("cpuprofile", "", "directory to write the timed backfills' CPU profiles to")
	keep := flag.Bool("keep", false, "keep the work directory")
	vlog := flag.Bool("vlog", false, "run the timed backfills with -v and save their logs beside the CPU profiles")
	streams := flag.String("streams", strings.Join(backfillStreams, ","), "the streams of the backfills (request_efficiency counts only users, workspaces, calls and transcripts)")
	flag.Parse()
	backfillStreams = strings.Split(*streams, ",")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	b := &bench{runs: max(1, *runs), scale: *scale, ctx: ctx, only: map[string]bool{}, vlog: *vlog, keep: *keep}
	var err error
	if b.bin, err = filepath.Abs(*bin); err == nil {
		_, err = os.Stat(b.bin)
	}
	if err != nil {
		fatal(fmt.Errorf("%s: %w (run make build first)", *bin, err))
	}
	if *profile != "" {
		if b.profile, err = filepath.Abs(*profile); err == nil {
			err = os.MkdirAll(b.profile, 0o755)
		}
		if err != nil {
			fatal(err)
		}
	}
	for name := range strings.SplitSeq(*only, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !slices.Contains(allBenches, name) {
			fatal(fmt.Errorf("unknown bench %q: the benches are %s", name, strings.Join(allBenches, ", ")))
		}
		b.only[name] = true
	}
	if b.launch, err = startLauncher(); err != nil {
		fatal(fmt.Errorf("starting the launcher: %w", err))
	}
	defer b.launch.close()
	if b.work, err = os.MkdirTemp("", "gongload-bench-"); err != nil {
		fatal(err)
	}
	if !*keep {
		defer os.RemoveAll(b.work)
	} else {
		defer fmt.Fprintf(os.Stderr, "bench: work directory kept: %s\n", b.work)
	}
	b.logf("work directory %s, %d runs, scale %g", b.work, b.runs, b.scale)
	b.all()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func (b *bench) want(name string) bool { return len(b.only) == 0 || b.only[name] }

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func (b *bench) calls(n int) int { return max(10, int(float64(n)*b.scale)) }

// all runs the selected benches, a dataset at a time (so that one
// recording at most is held in memory).
func (b *bench) all() {
	if b.want("backfill_duckdb") || b.want("backfill_parquet") || b.want("anchor_read_json") || b.want("request_efficiency") {
		b.mainBenches()
	}
	if b.want("rate_saturation") && b.ctx.Err() == nil {
		b.rateSaturation()
	}
	if b.want("memory_scaling") && b.ctx.Err() == nil {
		b.memoryScaling()
	}
}

// dataset is a simulated account, its recording and its time range.
type dataset struct {
	name     string
	sim      *gongsim.Sim
	rp       *replay
	from, to time.Time
	streams  []string
	expected int64 // sentences the warm-up pass was sent
}

// prepare generates an account and records every answer of a backfill of
// it (the untimed warm-up pass).
func (b *bench) prepare(name string, cfg gongsim.Config, streams []string) (*dataset, error) {
	cfg.Seed, cfg.Users, cfg.Days = 1, users, days
	cfg.CursorTTL = 24 * time.Hour // misses may replay recorded cursors later
	sim, err := gongsim.New(cfg)
	if err != nil {
		return nil, err
	}
	rp, err := newReplay(sim)
	if err != nil {
		return nil, err
	}
	anchor := sim.Anchor().UTC()
	ds := &dataset{name: name, sim: sim, rp: rp, streams: streams,
		from: anchor.AddDate(0, 0, -days-1).Truncate(24 * time.Hour),
		to:   anchor.Truncate(time.Second).Add(time.Second),
	}
	b.logf("%s: %d calls over %d days; warm-up pass (recording)", name, cfg.Calls, days)
	rp.reset(true, 0, 0, 0)
	start := time.Now()
	u, err := b.apply(ds, "duckdb", filepath.Join(b.work, name+"-warmup.duckdb"), 1e6, "")
	os.RemoveAll(filepath.Join(b.work, name+"-warmup.duckdb"))
	os.RemoveAll(filepath.Join(b.work, name+"-warmup.duckdb.wal"))
	if err != nil {
		return nil, err
	}
	if f := u.failure(); f != "" {
		return nil, fmt.Errorf("%s: warm-up apply failed: %s", name, f)
	}
	ds.expected = sim.Stats().SentencesSent
	b.logf("%s: recorded %d requests, %.0f MB, %d sentences in %.1fs", name, rp.requests.Load(),
		float64(rp.bytes.Load())/1e6, ds.expected, time.Since(start).Seconds())
	return ds, nil
}

func (ds *dataset) close() { ds.rp.close() }

// apply runs `gongload apply` of the dataset's range into dest.
func (b *bench) apply(ds *dataset, kind, dest string, rps float64, profile string, env ...string) (u usage, err error) {
	env = append(env, "GONG_ACCESS_KEY=demo", "GONG_ACCESS_KEY_SECRET=demo")
	var verbose []string
	if profile != "" && b.profile != "" {
		env = append(env, "GONGLOAD_CPUPROFILE="+filepath.Join(b.profile, profile+".prof"))
		if b.vlog {
			verbose = []string{"-v"}
			defer func() { os.WriteFile(filepath.Join(b.profile, profile+".log"), []byte(u.stderr), 0o644) }()
		}
	}
	return b.launch.run(b.work, env, b.bin, append(verbose, "apply",
		"--base-url", ds.rp.base,
		"--dest", kind+":"+dest,
		"--streams", strings.Join(ds.streams, ","),
		"--from", ds.from.Format(time.RFC3339),
		"--to", ds.to.Format(time.RFC3339),
		"--rate-limit", fmt.Sprint(rps),
	)...)
}

// timed is one timed backfill.
type timed struct {
	u         usage
	sentences int64
	bytes     int64
	requests  int64
	misses    int64
	err       string
}

// backfill runs a timed backfill of ds into a new destination.
func (b *bench) backfill(ds *dataset, kind, dest, profile string) timed {
	os.RemoveAll(dest)
	os.RemoveAll(dest + ".wal")
	ds.rp.reset(false, 0, 0, 0)
	u, err := b.apply(ds, kind, dest, 1e6, profile)
	t := timed{u: u, bytes: ds.rp.bytes.Load(), requests: ds.rp.requests.Load(), misses: ds.rp.misses.Load()}
	switch {
	case err != nil:
		t.err = err.Error()
		return t
	case u.exit != 0:
		t.err = u.failure()
		return t
	}
	if kind == "duckdb" {
		t.sentences, err = countDuckDB(dest, "transcript_sentences")
	} else {
		t.sentences, err = countParquet(dest, "transcript_sentences")
	}
	if err != nil {
		t.err = "counting sentences: " + err.Error()
	} else if t.sentences != ds.expected {
		b.logf("%s %s: %d sentences loaded, the simulator sent %d", ds.name, kind, t.sentences, ds.expected)
	}
	return t
}

// best runs f runs times and returns the fastest run and the spread of
// the wall times ((slowest − fastest) / fastest).
func (b *bench) best(name string, f func(i int) timed) (timed, []float64) {
	var all []timed
	var secs []float64
	for i := range b.runs {
		if b.ctx.Err() != nil {
			break
		}
		t := f(i)
		b.logf("%s run %d: %.2fs wall, %.2fs cpu, %.0f MiB peak RSS %s", name, i+1, t.u.wall.Seconds(), t.u.cpu.Seconds(), t.u.rssMiB, t.err)
		if t.err != "" {
			return t, nil
		}
		all = append(all, t)
		secs = append(secs, t.u.wall.Seconds())
	}
	if len(all) == 0 {
		return timed{err: "interrupted"}, nil
	}
	i := slices.Index(secs, slices.Min(secs))
	return all[i], secs
}

// backfillLine is the line of a backfill bench.
func backfillLine(name string, t timed, secs []float64) *line {
	l := newLine(name)
	if t.err != "" {
		return l.set("error", t.err)
	}
	s := t.u.wall.Seconds()
	l.set("sentences", t.sentences).
		set("seconds", round(s, 2)).
		set("sentences_per_s", math.Round(float64(t.sentences)/s)).
		set("json_mb_per_s", round(float64(t.bytes)/1e6/s, 1)).
		set("cpu_s", round(t.u.cpu.Seconds(), 2)).
		set("peak_rss_mb", math.Round(t.u.rssMiB)).
		set("requests", t.requests).
		set("runs", len(secs)).
		set("spread", round((slices.Max(secs)-slices.Min(secs))/slices.Min(secs), 3))
	if t.misses > 0 {
		l.set("replay_misses", t.misses)
	}
	return l
}

// mainBenches runs the benches over the 2 M sentence dataset.
func (b *bench) mainBenches() {
	ds, err := b.prepare("main", gongsim.Config{Calls: b.calls(callsMain), Sentences: sentences}, backfillStreams)
	if err != nil {
		for _, n := range []string{"backfill_duckdb", "backfill_parquet", "anchor_read_json", "request_efficiency"} {
			if b.want(n) {
				newLine(n).set("error", err.Error()).print()
			}
		}
		return
	}
	defer ds.close()

	duckPath := filepath.Join(b.work, "main.duckdb")
	var duck timed
	if b.want("backfill_duckdb") || b.want("anchor_read_json") || b.want("request_efficiency") {
		var secs []float64
		duck, secs = b.best("backfill_duckdb", func(i int) timed {
			return b.backfill(ds, "duckdb", duckPath, fmt.Sprintf("backfill_duckdb-%d", i+1))
		})
		if b.want("backfill_duckdb") {
			backfillLine("backfill_duckdb", duck, secs).print()
		}
	}
	if b.want("backfill_parquet") && b.ctx.Err() == nil {
		dir := filepath.Join(b.work, "main-parquet")
		pq, secs := b.best("backfill_parquet", func(i int) timed {
			return b.backfill(ds, "parquet", dir, fmt.Sprintf("backfill_parquet-%d", i+1))
		})
		l := backfillLine("backfill_parquet", pq, secs)
		if pq.err == "" && duck.err == "" && duck.u.wall > 0 {
			l.set("vs_duckdb", round(pq.u.wall.Seconds()/duck.u.wall.Seconds(), 2))
		}
		if strings.Contains(pq.err, "not available") {
			l = newLine("backfill_parquet").set("pending", "the parquet destination is not wired yet: "+pq.err)
		}
		l.print()
		os.RemoveAll(dir)
	}
	if b.want("request_efficiency") && b.ctx.Err() == nil {
		b.requestEfficiency(ds, duckPath, duck)
	}
	if b.want("anchor_read_json") && b.ctx.Err() == nil {
		b.anchor(ds, duck)
	}
}

// requestEfficiency compares the requests of the last timed backfill, and
// of an incremental apply right after it, with the minimum.
func (b *bench) requestEfficiency(ds *dataset, dest string, duck timed) {
	l := newLine("request_efficiency")
	if duck.err != "" {
		l.set("error", "the backfill failed: "+duck.err).print()
		return
	}
	ds.rp.reset(true, 0, 0, 0)
	u, err := b.apply(ds, "duckdb", dest, 1e6, "")
	now := time.Now()
	switch {
	case err != nil:
		l.set("error", err.Error()).print()
		return
	case u.exit != 0:
		l.set("error", "incremental run: "+u.failure()).print()
		return
	}
	inc := ds.rp.requests.Load()
	if !countable(ds.streams) {
		l.set("error", "cannot count the minimum of these streams").print()
		return
	}
	m := minimalRequests(ds.sim, ds.streams, ds.from, ds.to, now, 168*time.Hour)
	l.set("backfill_requests", duck.requests).
		set("backfill_minimal_requests", m.backfill).
		set("incremental_requests", inc).
		set("incremental_minimal_requests", m.incremental).
		print()
}

// anchor saves the recorded transcript pages as files and loads them with
// DuckDB's read_json in a child process.
func (b *bench) anchor(ds *dataset, duck timed) {
	l := newLine("anchor_read_json")
	dir := filepath.Join(b.work, "pages")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		l.set("error", err.Error()).print()
		return
	}
	if !b.keep {
		defer os.RemoveAll(dir)
	}
	var size int64
	for i, page := range ds.rp.answers("POST", "/v2/calls/transcript") {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%05d.json", i)), page, 0o644); err != nil {
			l.set("error", err.Error()).print()
			return
		}
		size += int64(len(page))
	}
	self, err := os.Executable()
	if err != nil {
		l.set("error", err.Error()).print()
		return
	}
	db := filepath.Join(b.work, "anchor.duckdb")
	t, secs := b.best("anchor_read_json", func(int) timed {
		os.RemoveAll(db)
		os.RemoveAll(db + ".wal")
		u, err := b.launch.run(b.work, nil, self, "-anchor-child", filepath.Join(dir, "*.json"), db)
		t := timed{u: u, bytes: size}
		switch {
		case err != nil:
			t.err = err.Error()
		case u.exit != 0:
			t.err = strings.TrimSpace(u.stderr)
		default:
			t.sentences, err = countDuckDB(db, "transcript_sentences")
			if err != nil {
				t.err = err.Error()
			}
		}
		return t
	})
	if !b.keep {
		os.RemoveAll(db)
	}
	if t.err != "" {
		l.set("error", t.err).print()
		return
	}
	s := t.u.wall.Seconds()
	rate := float64(t.sentences) / s
	l.set("sentences", t.sentences).
		set("seconds", round(s, 2)).
		set("sentences_per_s", math.Round(rate)).
		set("json_mb_per_s", round(float64(size)/1e6/s, 1)).
		set("cpu_s", round(t.u.cpu.Seconds(), 2)).
		set("peak_rss_mb", math.Round(t.u.rssMiB)).
		set("runs", len(secs)).
		set("spread", round((slices.Max(secs)-slices.Min(secs))/slices.Min(secs), 3))
	if duck.err == "" && duck.u.wall > 0 {
		l.set("ratio", round(float64(duck.sentences)/duck.u.wall.Seconds()/rate, 2))
	}
	l.print()
}

// rateSaturation runs a throttled backfill against a slow, rate-limited
// server.
func (b *bench) rateSaturation() {
	l := newLine("rate_saturation")
	ds, err := b.prepare("rate", gongsim.Config{Calls: b.calls(callsRate), Sentences: sentRate}, backfillStreams)
	if err != nil {
		l.set("error", err.Error()).print()
		return
	}
	defer ds.close()
	dest := filepath.Join(b.work, "rate.duckdb")
	ds.rp.reset(false, rateLatency, rateJitter, rateLimit)
	b.logf("rate: backfill at %g requests/s, %s ± %s latency", rateLimit, rateLatency, rateJitter)
	u, err := b.apply(ds, "duckdb", dest, rateLimit, "rate_saturation")
	os.RemoveAll(dest)
	os.RemoveAll(dest + ".wal")
	switch {
	case err != nil:
		l.set("error", err.Error()).print()
		return
	case u.exit != 0:
		l.set("error", u.failure())
	}
	requests, limited := ds.rp.requests.Load(), ds.rp.limited.Load()
	achieved := float64(requests-limited) / ds.rp.span().Seconds()
	l.set("limit_rps", rateLimit).
		set("achieved_rps", round(achieved, 2)).
		set("ratio", round(achieved/rateLimit, 3)).
		set("http_429", limited).
		set("failed_requests", ds.rp.failed.Load()).
		set("requests", requests).
		set("seconds", round(u.wall.Seconds(), 2)).
		set("cpu_s", round(u.cpu.Seconds(), 2))
	if m := ds.rp.misses.Load(); m > 0 {
		l.set("replay_misses", m)
	}
	l.print()
}

// memoryScaling measures the peak RSS of backfills of 1 M and 5 M sentences.
func (b *bench) memoryScaling() {
	l := newLine("memory_scaling")
	var rss [2]float64
	var sent [2]int64
	for i, n := range []int{callsSmall, callsLarge} {
		name := [2]string{"small", "large"}[i]
		ds, err := b.prepare(name, gongsim.Config{Calls: b.calls(n), Sentences: sentences}, backfillStreams)
		if err != nil {
			l.set("error", err.Error()).print()
			return
		}
		dest := filepath.Join(b.work, name+".duckdb")
		t := b.backfill(ds, "duckdb", dest, "memory_"+name)
		ds.close()
		os.RemoveAll(dest)
		os.RemoveAll(dest + ".wal")
		b.logf("memory %s: %d sentences, %.2fs wall, %.2fs cpu, %.0f MiB peak RSS %s", name, t.sentences, t.u.wall.Seconds(), t.u.cpu.Seconds(), t.u.rssMiB, t.err)
		if t.err != "" {
			l.set("error", name+": "+t.err).print()
			return
		}
		rss[i], sent[i] = t.u.rssMiB, t.sentences
	}
	l.set("sentences_small", sent[0]).
		set("sentences_large", sent[1]).
		set("rss_small_mb", math.Round(rss[0])).
		set("rss_large_mb", math.Round(rss[1])).
		set("growth", round(rss[1]/rss[0]-1, 3)).
		print()
}

// line is one output line: a JSON object whose members keep their order.
type line struct {
	keys []string
	vals []any
}

func newLine(name string) *line { return (&line{}).set("bench", name) }

func (l *line) set(k string, v any) *line {
	if i := slices.Index(l.keys, k); i >= 0 {
		l.vals[i] = v
		return l
	}
	l.keys = append(l.keys, k)
	l.vals = append(l.vals, v)
	return l
}

func (l *line) print() {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, k := range l.keys {
		if i > 0 {
			sb.WriteString(", ")
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(l.vals[i])
		if err != nil {
			vb, _ = json.Marshal(fmt.Sprint(l.vals[i]))
		}
		sb.Write(kb)
		sb.WriteString(": ")
		sb.Write(vb)
	}
	sb.WriteByte('}')
	fmt.Println(sb.String())
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
