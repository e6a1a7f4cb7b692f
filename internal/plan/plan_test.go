package plan

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "plan", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/plan -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", name, diff)
	}
}

// fixture is a plan over a destination that has loaded calls up to a week
// ago and nothing else, with a probe answering 1,234 records.
func fixture(t *testing.T, probe bool) *Plan {
	t.Helper()
	now := d("2026-03-20T12:00:00Z")
	var streams []extract.Stream
	for _, n := range []string{"users", "calls", "transcripts"} {
		s, _ := extract.Lookup(n)
		streams = append(streams, s)
	}
	in := Input{
		Dest: "duckdb:gong.duckdb", From: d("2026-02-02T00:00:00Z"), To: now, Now: now,
		Lookback: week, Streams: streams, RateLimit: 3, DailyQuota: 10000,
		State: load.State{Serial: 7, Lineage: "b2f0", Requests: map[string]int64{"2026-03-20": 120},
			Windows: []load.Window{{Stream: "calls", From: d("2026-02-02T00:00:00Z"), To: d("2026-03-16T00:00:00Z")}}},
		Changes: []models.Change{
			{Action: models.CreateTable, Table: models.TranscriptSentences},
			{Action: models.AddColumn, Table: models.Calls, Column: models.Column{Name: "has_video", Type: models.Bool}},
		},
	}
	if probe {
		in.Probe = func(_ context.Context, s extract.Stream, from, to time.Time) (int, error) { return 1234, nil }
	}
	p, err := Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanGolden(t *testing.T) {
	for name, probe := range map[string]bool{"probed": true, "offline": false} {
		p := fixture(t, probe)
		var h, j bytes.Buffer
		if err := p.RenderHuman(&h); err != nil {
			t.Fatal(err)
		}
		if err := p.RenderJSON(&j); err != nil {
			t.Fatal(err)
		}
		golden(t, name+".txt", h.Bytes())
		golden(t, name+".json", j.Bytes())
	}
}

func TestPlanChangesAndEstimate(t *testing.T) {
	p := fixture(t, true)
	if !p.HasChanges() {
		t.Fatal("new windows and table changes are changes")
	}
	calls := p.Streams[1]
	if calls.Name != "calls" || calls.New != 0 || calls.Lookback != 2 {
		t.Fatalf("calls: %+v", calls)
	}
	tr := p.Streams[2]
	if tr.New != 7 || tr.Records != 1234 {
		t.Fatalf("transcripts: %+v", tr)
	}
	// 1,234 records over 7 windows: at least one page each, 13 pages in all
	// when spread evenly.
	if tr.Requests < 13 || tr.Requests > 7+13 {
		t.Fatalf("transcripts requests %d", tr.Requests)
	}
	// Only the lookback re-read left: no change.
	up := &Plan{Streams: []StreamPlan{{Name: "calls", Mode: "incremental", Lookback: 2}}, Total: Total{Lookback: 2}}
	if up.HasChanges() {
		t.Fatal("a lookback re-read alone is not a change")
	}
}

func TestSavedPlanRoundTripAndStale(t *testing.T) {
	p := fixture(t, false)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Fatalf("round trip (-saved +read):\n%s", diff)
	}
	st := load.State{Serial: 7, Lineage: "b2f0"}
	if err := got.CheckFresh("duckdb:gong.duckdb", st); err != nil {
		t.Fatalf("fresh plan refused: %v", err)
	}
	st.Serial = 8
	if err := got.CheckFresh("duckdb:gong.duckdb", st); !errors.Is(err, ErrStale) {
		t.Fatalf("a changed serial must be stale, got %v", err)
	}
	if err := got.CheckFresh("duckdb:other.duckdb", load.State{Serial: 7}); !errors.Is(err, ErrStale) {
		t.Fatalf("another destination must be stale, got %v", err)
	}
	for _, bad := range []string{`{}`, `not json`, `{"format_version":99}`, `{"format_version":1,"destination":"duckdb:x","streams":[{"name":"emails"}]}`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

func TestStreamLookback(t *testing.T) {
	now := d("2026-06-15T12:00:00Z")
	coaching, _ := extract.Lookup("coaching")
	st := load.State{Windows: []load.Window{{Stream: "coaching", From: d("2026-01-01T00:00:00Z"), To: now}}}
	build := func(over map[string]time.Duration) *Plan {
		p, err := Build(context.Background(), Input{Dest: "duckdb:x", From: d("2026-01-01T00:00:00Z"), To: now, Now: now,
			Lookback: week, StreamLookback: over, Streams: []extract.Stream{coaching}, State: st})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Coaching re-reads 3 months by default (March to June), not the week.
	if got := build(nil).Streams[0].Lookback; got != 4 {
		t.Errorf("coaching lookback windows: %d, want 4 (March–June)", got)
	}
	if got := build(map[string]time.Duration{"coaching": week}).Streams[0].Lookback; got != 1 {
		t.Errorf("coaching_lookback = 168h: %d windows, want 1", got)
	}
}
