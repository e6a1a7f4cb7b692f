package models

import (
	"encoding/json"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestTablesAreValid(t *testing.T) {
	names := map[string]bool{}
	for _, tb := range All() {
		if err := tb.Validate(); err != nil {
			t.Error(err)
		}
		if names[tb.Name] {
			t.Errorf("table %s declared twice", tb.Name)
		}
		names[tb.Name] = true
		if tb.Parent != "" {
			p, ok := Lookup(tb.Parent)
			if !ok {
				t.Errorf("%s: parent %s is not a table", tb.Name, tb.Parent)
				continue
			}
			for i, k := range tb.ParentKey {
				pc, _ := p.Column(p.Key[min(i, len(p.Key)-1)])
				cc, _ := tb.Column(k)
				if !arrow.TypeEqual(pc.Type, cc.Type) {
					t.Errorf("%s.%s is %s but %s.%s is %s", tb.Name, k, cc.Type, p.Name, pc.Name, pc.Type)
				}
			}
		}
	}
}

func TestIDKeepsDigits(t *testing.T) {
	cases := map[string]ID{
		`"7782342274025937895"`: "7782342274025937895",
		`9223372036854775807`:   "9223372036854775807", // beyond 2^53: no float64 on the way
		`18446744073709551615`:  "18446744073709551615",
		`null`:                  "",
		`"-1"`:                  "-1",
	}
	for in, want := range cases {
		var got ID
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`1.5`, `{}`, `[1]`, `true`, `1e3`} {
		var got ID
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s: want an error, got %q", bad, got)
		}
	}
}

func TestNumberStringOrNumber(t *testing.T) {
	var q ScorecardQuestion
	if err := json.Unmarshal([]byte(`{"minRange":"1","maxRange":5,"answerGuide":null}`), &q); err != nil {
		t.Fatal(err)
	}
	if lo, ok := q.MinRange.Int(); !ok || lo != 1 {
		t.Errorf("minRange %v", q.MinRange)
	}
	if hi, ok := q.MaxRange.Int(); !ok || hi != 5 {
		t.Errorf("maxRange %v", q.MaxRange)
	}
	var n Number
	if err := json.Unmarshal([]byte(`"abc"`), &n); err == nil {
		t.Error("a non-numeric string must be an error")
	}
}

func TestDailyActivityCounters(t *testing.T) {
	var d DailyActivity
	in := `{"callsAsHost":["1","2"],"callsAttended":[9223372036854775807],"callsGaveFeedback":null,"fromDate":"2026-03-02T00:00:00-05:00","toDate":"2026-03-03T00:00:00-05:00"}`
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Calls["callsAsHost"]) != 2 || d.Calls["callsAttended"][0] != "9223372036854775807" || d.FromDate != "2026-03-02T00:00:00-05:00" {
		t.Fatalf("%+v", d)
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"callsAsHost": "calls_as_host", "speakerID": "speaker_id", "id": "id",
		"callsMarkedAsFeedbackGiven": "calls_marked_as_feedback_given", "URLPath": "url_path",
	} {
		if got := SnakeCase(in); got != want {
			t.Errorf("%s: got %s want %s", in, got, want)
		}
	}
}

func TestBuilderAppendAndNulls(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := NewBuilder(mem, Workspaces)
	defer b.Release()
	name := "Sales"
	b.Append(ID("1"), &name, nil, []byte(`{"id":"1"}`))
	b.Append(ID("2"), (*string)(nil), "desc", nil)
	rec := b.NewBatch()
	defer rec.Release()
	if rec.NumRows() != 2 || rec.Column(1).IsNull(0) || !rec.Column(1).IsNull(1) || !rec.Column(3).IsNull(1) {
		t.Fatalf("unexpected batch: %v", rec)
	}
	kb := KeyBatch(mem, CallParties, []string{"a", "b"})
	defer kb.Release()
	if kb.NumRows() != 2 || kb.Schema().Field(0).Name != "call_id" {
		t.Fatalf("key batch %v", kb)
	}
}

func TestDiff(t *testing.T) {
	if ch := Diff(Workspaces, nil); len(ch) != 1 || ch[0].Action != CreateTable {
		t.Fatalf("missing table: %v", ch)
	}
	ch := Diff(Workspaces, []string{"id", "name", "_raw", "_loaded_at", "_run_id"})
	if len(ch) != 1 || ch[0].Action != AddColumn || ch[0].Column.Name != "description" {
		t.Fatalf("missing column: %v", ch)
	}
	if ch := Diff(Workspaces, []string{"id", "name", "description", "_raw", "_loaded_at", "_run_id", "extra"}); len(ch) != 0 {
		t.Fatalf("nothing to change: %v", ch)
	}
}
