package parquet

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

// unit is a Tx to stage and its window.
type unit struct {
	w     load.Window
	stage func(t *testing.T, mem memory.Allocator, tx load.Tx)
}

func (u unit) begin(t *testing.T, mem memory.Allocator, l *Loader) load.Tx {
	t.Helper()
	tx, err := l.Begin(t.Context(), "r2")
	if err != nil {
		t.Fatal(err)
	}
	u.stage(t, mem, tx)
	return tx
}

// commitTogether stages the units and commits them as one group
// (runTogether). It returns each Commit's outcome and the commits made
// (journals written).
func commitTogether(t *testing.T, mem memory.Allocator, l *Loader, units []unit) ([]map[string]int64, []error, int) {
	t.Helper()
	txs := make([]load.Tx, len(units))
	for i, u := range units {
		txs[i] = u.begin(t, mem, l)
	}
	commits := 0
	l.hook = func(s string) error {
		if s == "journal" {
			commits++
		}
		return nil
	}
	defer func() { l.hook = nil }()
	counts, errs := runTogether(l, txs, units)
	return counts, errs, commits
}

// commitInTurn commits the units one after the other.
func commitInTurn(t *testing.T, mem memory.Allocator, l *Loader, units []unit) ([]map[string]int64, []error) {
	t.Helper()
	counts := make([]map[string]int64, len(units))
	errs := make([]error, len(units))
	for i, u := range units {
		tx := u.begin(t, mem, l)
		counts[i], errs[i] = tx.Commit(t.Context(), u.w)
		tx.Rollback()
	}
	return counts, errs
}

func writeUnit(tbl *models.Table, rows ...[]any) func(*testing.T, memory.Allocator, load.Tx) {
	return func(t *testing.T, mem memory.Allocator, tx load.Tx) { write(t, mem, tx, tbl, rows...) }
}

func units(fs ...func(*testing.T, memory.Allocator, load.Tx)) func(*testing.T, memory.Allocator, load.Tx) {
	return func(t *testing.T, mem memory.Allocator, tx load.Tx) {
		for _, f := range fs {
			f(t, mem, tx)
		}
	}
}

func completeUnit(tbl *models.Table, r load.Range) func(*testing.T, memory.Allocator, load.Tx) {
	return func(t *testing.T, mem memory.Allocator, tx load.Tx) {
		if err := tx.Complete(t.Context(), tbl, r); err != nil {
			t.Fatal(err)
		}
	}
}

func monthRange(m time.Time) load.Range {
	from := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
	return load.Range{Column: "started", From: from, To: from.AddDate(0, 1, 0)}
}

func window(stream string, m time.Time, at int) load.Window {
	w := monthWindow(stream, m)
	w.RunID = "r2"
	w.CommittedAt = w.CommittedAt.Add(time.Duration(at) * time.Minute)
	return w
}

// groupCases are units committed together, each compared with committing
// them one after the other.
var groupCases = []struct {
	name   string
	units  []unit
	groups int // journals written when committed together
}{{
	// The units of a backfill: windows of other calls, and the transcripts
	// of those calls, a complete listing that deletes a call, a call
	// without a calls row, a full refresh.
	name: "disjoint",
	units: []unit{
		{window("calls", may, 1), units(
			writeUnit(models.Calls, callRow("5", "five", may), callRow("6", "six", may.Add(time.Hour))),
			writeUnit(models.CallParties, partyRow("5", "p1"), partyRow("6", "p1")),
			completeUnit(models.Calls, monthRange(may)))},
		{window("transcripts", may, 2), writeUnit(models.TranscriptSentences,
			sentenceRow("5", 0, "hi"), sentenceRow("6", 0, "hey"), sentenceRow("6", 1, "ho"))},
		{window("calls", march, 3), units(
			writeUnit(models.Calls, callRow("1", "one again", march)),
			writeUnit(models.CallParties, partyRow("1", "p3")),
			completeUnit(models.Calls, monthRange(march)))}, // deletes call 2
		{window("transcripts", june, 4), writeUnit(models.TranscriptSentences, sentenceRow("7", 0, "no call row"))},
		{load.Window{Stream: "workspaces", RunID: "r2", CommittedAt: may}, units(
			writeUnit(models.Workspaces, []any{"w1", "main"}),
			completeUnit(models.Workspaces, load.Range{}))},
	},
	groups: 1,
}, {
	// Units that touch the same keys: the later one wins, as in turn.
	name: "overlapping",
	units: []unit{
		{window("calls", march, 1), units(
			writeUnit(models.Calls, callRow("1", "one A", march)),
			writeUnit(models.CallParties, partyRow("1", "p8"), partyRow("1", "p9")))},
		{window("calls", april, 2), units(
			writeUnit(models.Calls, callRow("1", "one B, moved to April", april)),
			func(t *testing.T, mem memory.Allocator, tx load.Tx) { scope(t, mem, tx, models.CallParties, "1") })},
		{window("transcripts", march, 3), writeUnit(models.TranscriptSentences, sentenceRow("1", 0, "late"))},
		{window("calls", march, 4), units( // deletes calls 1 and 2
			writeUnit(models.Calls, callRow("3", "three moved", march)),
			completeUnit(models.Calls, monthRange(march)))},
		{window("transcripts", march, 5), writeUnit(models.TranscriptSentences, sentenceRow("1", 0, "after the delete"))},
		{load.Window{Stream: "users", RunID: "r2", CommittedAt: may}, writeUnit(models.Users, []any{"u3", "c@x"})},
		{load.Window{Stream: "users", RunID: "r2", CommittedAt: june}, units(
			writeUnit(models.Users, []any{"u2", "b@x"}),
			completeUnit(models.Users, load.Range{}))},
	},
}, {
	// Calls that change partition in a group: call 3 moves from April to
	// May after its transcript is rewritten; call 8, first seen by its
	// transcript in June's window, starts in May.
	name: "moves",
	units: []unit{
		{window("transcripts", april, 1), writeUnit(models.TranscriptSentences, sentenceRow("3", 0, "re-read"))},
		{window("transcripts", june, 2), writeUnit(models.TranscriptSentences, sentenceRow("8", 0, "early"))},
		{window("calls", may, 3), units(
			writeUnit(models.Calls, callRow("3", "three in May", may), callRow("8", "eight", may)),
			writeUnit(models.CallParties, partyRow("8", "p1")))},
		{window("transcripts", may, 4), writeUnit(models.TranscriptSentences, sentenceRow("9", 0, "another"))},
	},
	groups: 1,
}, {
	// A call staged by one unit in the complete range of a later one: one
	// by one.
	name: "range",
	units: []unit{
		{window("calls", march, 1), writeUnit(models.Calls, callRow("4", "four", march))},
		{window("calls", march, 2), units(
			writeUnit(models.Calls, callRow("1", "one", march)),
			completeUnit(models.Calls, monthRange(march)))},
	},
	groups: 2,
}, {
	// Sentences of a call that a later unit's complete listing deletes:
	// one by one.
	name: "gone",
	units: []unit{
		{window("transcripts", march, 1), writeUnit(models.TranscriptSentences, sentenceRow("2", 5, "late"))},
		{window("calls", march, 2), units(
			writeUnit(models.Calls, callRow("1", "one", march)),
			completeUnit(models.Calls, monthRange(march)))},
	},
	groups: 2,
}, {
	// A unit rewriting a call another unit of the group wrote: the group
	// is committed one by one.
	name: "same call",
	units: []unit{
		{window("calls", may, 1), writeUnit(models.Calls, callRow("5", "five", may))},
		{window("calls", may, 2), writeUnit(models.Calls, callRow("5", "five again", may))},
	},
	groups: 2,
}}

var (
	may  = time.Date(2025, 5, 5, 8, 0, 0, 0, time.UTC)
	june = time.Date(2025, 6, 20, 8, 0, 0, 0, time.UTC)
)

// Tx committed together end as they would committed one after the other:
// rows, _loaded_at and _run_id, partitions, state and the rows Commit
// returns.
func TestGroupCommitAsInTurn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range groupCases {
		t.Run(tc.name, func(t *testing.T) {
			ref := openTemp(t)
			loadSample(t, mem, ref)
			wantCounts, wantErrs := commitInTurn(t, mem, ref, tc.units)
			for _, err := range wantErrs {
				if err != nil {
					t.Fatal(err)
				}
			}

			l := openTemp(t)
			loadSample(t, mem, l)
			counts, errs, groups := commitTogether(t, mem, l, tc.units)
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("%d Tx, %d commits", len(tc.units), groups)
			if tc.groups > 0 && groups != tc.groups {
				t.Errorf("%d commits for %d Tx, want %d", groups, len(tc.units), tc.groups)
			}
			if d := cmp.Diff(wantCounts, counts); d != "" {
				t.Errorf("rows (-in turn +together):\n%s", d)
			}
			if d := cmp.Diff(snapshot(t, ref.Dir()), snapshot(t, l.Dir())); d != "" {
				t.Errorf("lake (-in turn +together):\n%s", d)
			}
			if d := cmp.Diff(partitions(t, ref.Dir()), partitions(t, l.Dir())); d != "" {
				t.Errorf("files (-in turn +together):\n%s", d)
			}
			noTemps(t, l.Dir())

			// The lake reopens as it was (the call index included).
			l.Close()
			l = openAt(t, l.Dir())
			ref.Close()
			ref = openAt(t, ref.Dir())
			more := []unit{{window("transcripts", may, 9), writeUnit(models.TranscriptSentences, sentenceRow("1", 3, "x"), sentenceRow("5", 3, "y"))}}
			commitInTurn(t, mem, ref, more)
			commitInTurn(t, mem, l, more)
			if d := cmp.Diff(partitions(t, ref.Dir()), partitions(t, l.Dir())); d != "" {
				t.Errorf("files after reopening (-in turn +together):\n%s", d)
			}
		})
	}
}

// partitions lists the data files of the lake (without _gongload).
func partitions(t *testing.T, dir string) []string {
	return slices.DeleteFunc(dataFiles(t, dir), func(f string) bool { return strings.HasPrefix(f, metaDir+"/") })
}

// A group commit that fails (here a Tx whose rows DuckDB cannot convert)
// is committed one by one: the bad Tx fails alone, the others commit.
func TestGroupCommitFallsBack(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bad := *models.Users
	bad.Columns = slices.Clone(models.Users.Columns)
	bad.Columns[bad.ColumnIndex("created")].Type = models.String
	good := []unit{
		{window("calls", may, 1), writeUnit(models.Calls, callRow("5", "five", may))},
		{window("transcripts", may, 2), writeUnit(models.TranscriptSentences, sentenceRow("5", 0, "hi"))},
	}
	all := []unit{good[0], {load.Window{Stream: "users", RunID: "r2", CommittedAt: may},
		writeUnit(&bad, []any{"u9", "z@x", "not a time"})}, good[1]}

	ref := openTemp(t)
	loadSample(t, mem, ref)
	commitInTurn(t, mem, ref, good)

	l := openTemp(t)
	loadSample(t, mem, l)
	_, errs, commits := commitTogether(t, mem, l, all)
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("good Tx failed: %v, %v", errs[0], errs[2])
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "not a time") {
		t.Errorf("bad Tx: %v, want a conversion error", errs[1])
	}
	if commits != 2 {
		t.Errorf("%d commits, want the 2 good Tx one by one", commits)
	}
	if d := cmp.Diff(snapshot(t, ref.Dir()), snapshot(t, l.Dir())); d != "" {
		t.Errorf("lake (-good Tx in turn +group with a bad one):\n%s", d)
	}
	noTemps(t, l.Dir())
}

// A crash at any step of a group commit leaves the lake as before the
// group or with every Tx of it, once reopened.
func TestCrashGroupCommit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	group := groupCases[0].units

	ref := openTemp(t)
	loadSample(t, mem, ref)
	before := snapshot(t, ref.Dir())
	var steps []string
	commitTogether(t, mem, ref, group) // counts journals through the hook; take the steps apart
	want := snapshot(t, ref.Dir())

	probe := openTemp(t)
	loadSample(t, mem, probe)
	txs := make([]load.Tx, len(group))
	for i, u := range group {
		txs[i] = u.begin(t, mem, probe)
	}
	probe.hook = func(s string) error { steps = append(steps, s); return nil }
	runTogether(probe, txs, group)
	probe.hook = nil
	if len(steps) < 3 || steps[0] != "files" {
		t.Fatalf("steps %v", steps)
	}

	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			l := openTemp(t)
			loadSample(t, mem, l)
			dir := l.Dir()
			txs := make([]load.Tx, len(group))
			for i, u := range group {
				txs[i] = u.begin(t, mem, l)
			}
			l.hook = func(s string) error {
				if s == step {
					return errors.New("crash")
				}
				return nil
			}
			_, errs := runTogether(l, txs, group)
			for i, err := range errs {
				if !errors.Is(err, errCrash) {
					t.Errorf("Tx %d: %v, want the simulated crash", i, err)
				}
			}
			l.Close()
			openAt(t, dir) // recovers the lake
			noTemps(t, dir)
			got := snapshot(t, dir)
			if step == "files" {
				if d := cmp.Diff(before, got); d != "" {
					t.Errorf("a crash before the journal changed the lake (-before +after):\n%s", d)
				}
				return
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("after the crash at %s and recovery (-uninterrupted +got):\n%s", step, d)
			}
		})
	}
}

// runTogether commits staged Tx as one group: it holds the Loader while
// their Commit calls queue, in order, so that the first to get it commits
// them all. It returns each Commit's outcome.
func runTogether(l *Loader, txs []load.Tx, us []unit) ([]map[string]int64, []error) {
	counts := make([]map[string]int64, len(txs))
	errs := make([]error, len(txs))
	var wg sync.WaitGroup
	l.mu.Lock()
	for i, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = tx.Commit(context.Background(), us[i].w)
		}()
		for queued := 0; queued <= i; {
			time.Sleep(time.Millisecond)
			queued = len(l.commits.Waiting())
		}
	}
	l.mu.Unlock()
	wg.Wait()
	return counts, errs
}
