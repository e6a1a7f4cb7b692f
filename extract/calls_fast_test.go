package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gongload/gongload/internal/gongsim"
)

// The fast decoder of the calls stream is checked against the reflective
// one (callsPage.slow: models.Call through json.Unmarshal, partyContexts,
// withoutMember), which stays as its fallback: for every page, both must
// send the same rows, value by value, the same scopes, and fail with the
// same error.

// decodeOutcome is everything a calls page handler sent for a page, as
// text to compare.
func decodeOutcome(t testing.TB, page []byte, slow bool) string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	sink := newRowSink(t)
	h := newCallsPage(context.Background(), mem, sink)
	h.slow = slow
	var out strings.Builder
	for pass := range 2 { // the second time every call is a duplicate
		err := drivePage(page, "calls", h)
		fmt.Fprintf(&out, "pass %d: error %v\n", pass, err)
		if err != nil {
			h.Discard()
		}
	}
	h.release()
	mem.AssertSize(t, 0)
	tables := make([]string, 0, len(sink.rows))
	for name := range sink.rows {
		tables = append(tables, name)
	}
	sort.Strings(tables)
	for _, name := range tables {
		for i, r := range sink.rows[name] {
			fmt.Fprintf(&out, "%s[%d]: %s\n", name, i, rowText(r))
		}
	}
	fmt.Fprintf(&out, "writes %v\nscopes %v\n", sink.writes, sink.scopes)
	return out.String()
}

// rowText renders a row exactly: columns sorted, floats by their bits.
func rowText(r row) string {
	cols := make([]string, 0, len(r))
	for c := range r {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	var b strings.Builder
	for _, c := range cols {
		fmt.Fprintf(&b, "%s=%s ", c, valueText(r[c]))
	}
	return b.String()
}

func valueText(v any) string {
	switch v := v.(type) {
	case float64:
		return fmt.Sprintf("f%v/%x", v, v)
	case []float64:
		parts := make([]string, len(v))
		for i, f := range v {
			parts[i] = valueText(f)
		}
		return fmt.Sprintf("[]float64%v", parts)
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprintf("%T%#v", v, v)
}

// sameAsReflective checks that the fast and reflective decoders agree on
// page.
func sameAsReflective(t *testing.T, name string, page []byte) {
	t.Helper()
	fast, slow := decodeOutcome(t, page, false), decodeOutcome(t, page, true)
	if fast != slow {
		t.Errorf("%s: the fast decoder differs from the reflective one\npage: %.2000s\nfast:\n%s\nreflective:\n%s", name, page, firstDiff(fast, slow), firstDiff(slow, fast))
	}
}

// firstDiff returns a's lines from the first that b lacks.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return strings.Join(al[i:min(len(al), i+5)], "\n")
		}
	}
	return "(a prefix)"
}

// simPage is a /v2/calls/extensive answer of n calls of the simulator
// seeded with seed.
func simPage(tb testing.TB, seed int64, n int) []byte {
	tb.Helper()
	sim, err := gongsim.New(gongsim.Config{Seed: seed, Calls: n, Sentences: 5})
	if err != nil {
		tb.Fatal(err)
	}
	body := `{"filter":{},"contentSelector":` + wantSelector + `}`
	req := httptest.NewRequest(http.MethodPost, "/v2/calls/extensive", strings.NewReader(body))
	req.SetBasicAuth("demo", "demo")
	w := httptest.NewRecorder()
	sim.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		tb.Fatalf("simulator: %d %s", w.Code, w.Body.String())
	}
	return w.Body.Bytes()
}

// The simulator's calls all go the fast way, and give what the reflective
// decoder gives.
func TestCallsFastMatchesReflectiveSim(t *testing.T) {
	seeds := 6
	if testing.Short() || raceEnabled {
		seeds = 2
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		page := simPage(t, seed, 100)
		recs := envelopeRecords(t, page, "calls")
		var f fastCall
		for i, r := range recs {
			if err := f.decode([]byte(r)); err != nil {
				t.Fatalf("seed %d: call %d: the fast decoder left a simulator call: %v", seed, i, err)
			}
		}
		sameAsReflective(t, fmt.Sprintf("seed %d", seed), page)
		// Indented: white space everywhere, _raw compacted at the top level.
		var ind bytes.Buffer
		if err := json.Indent(&ind, page, "", "  "); err != nil {
			t.Fatal(err)
		}
		sameAsReflective(t, fmt.Sprintf("seed %d indented", seed), ind.Bytes())
	}
}

// The fixture, the fuzz corpus, and the fixture's records with every value
// replaced in turn by values of other kinds, odd numbers, escapes, invalid
// UTF-8, duplicated and escaped names: the fast decoder must give what the
// reflective one gives, rows or error.
func TestCallsFastMatchesReflectiveMutants(t *testing.T) {
	fixture := gongFile(t, "calls-extensive.json")
	sameAsReflective(t, "fixture", fixture)
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzCallsPage", "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 3)
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			t.Fatalf("%s: not a fuzz corpus file", f)
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[1]), "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sameAsReflective(t, f, []byte(s))
	}

	alternatives := []string{
		`null`, `""`, `" 12 "`, `"1.5"`, `"-7"`, `12`, `-3.75e2`, `0.1`, `1e400`, `true`, `false`, `{}`, `[]`,
		`[null]`, `[null,"a",1]`, `[{}]`, `"x\u00e9\"y\n"`, `"\ud800"`, `"\ud83d\ude00"`, "\"bad\xffutf8\"",
		`9007199254740993`, `9223372036854775807`, `"9223372036854775808"`, `18446744073709551616`, `-0`,
		`"2026-03-02T15:01:37.5+01:00"`, `"2026-03-02"`, `"\u0032026-03-02T15:01:37Z"`, `"NaN"`, `"0x10"`, `"1_0"`,
		`{"a":1,"a":2}`, `[{"a":1,"a":2}]`, `{"ID":"5"}`, `"media"`, ` 7 `,
	}
	for ri, rec := range envelopeRecords(t, fixture, "calls") {
		var tree any
		d := json.NewDecoder(strings.NewReader(rec))
		d.UseNumber()
		if err := d.Decode(&tree); err != nil {
			t.Fatal(err)
		}
		n := 0
		// Under the race detector (which the decoder's single-goroutine
		// code gains nothing from) one alternative in 16, rotating.
		step := 1
		if raceEnabled {
			step = 16
		}
		k := 0
		for path := range walkPaths(tree, nil) {
			for _, alt := range alternatives {
				if k++; k%step != 0 {
					continue
				}
				mutant := replaceAt(t, tree, path, alt)
				n++
				sameAsReflective(t, fmt.Sprintf("record %d %v = %s", ri, path, alt), callsAnswer("", mutant))
			}
			if obj, ok := getAt(tree, path).(map[string]any); ok && len(obj) > 0 {
				for _, edit := range objectEdits(t, obj) {
					mutant := replaceAt(t, tree, path, edit)
					n++
					sameAsReflective(t, fmt.Sprintf("record %d %v = %s", ri, path, edit), callsAnswer("", mutant))
				}
			}
		}
		t.Logf("record %d: %d mutants", ri, n)
	}
}

// walkPaths yields the path of every value in v, v's own first.
func walkPaths(v any, path []any) func(func([]any) bool) {
	return func(yield func([]any) bool) {
		var walk func(v any, path []any) bool
		walk = func(v any, path []any) bool {
			if !yield(append([]any(nil), path...)) {
				return false
			}
			switch v := v.(type) {
			case map[string]any:
				keys := make([]string, 0, len(v))
				for k := range v {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					if !walk(v[k], append(path, k)) {
						return false
					}
				}
			case []any:
				for i, e := range v {
					if !walk(e, append(path, i)) {
						return false
					}
				}
			}
			return true
		}
		walk(v, path)
	}
}

func getAt(v any, path []any) any {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
	}
	return v
}

// mutMarker stands for the replaced value in the marshalled record.
const mutMarker = "\x00mutant\x00"

// replaceAt returns the JSON text of tree with the value at path replaced
// by the JSON text alt.
func replaceAt(t *testing.T, tree any, path []any, alt string) string {
	t.Helper()
	var set func(v any, path []any) any
	set = func(v any, path []any) any {
		if len(path) == 0 {
			return mutMarker
		}
		switch p := path[0].(type) {
		case string:
			m := v.(map[string]any)
			c := make(map[string]any, len(m))
			for k, e := range m {
				c[k] = e
			}
			c[p] = set(m[p], path[1:])
			return c
		default:
			a := append([]any(nil), v.([]any)...)
			a[p.(int)] = set(a[p.(int)], path[1:])
			return a
		}
	}
	b, err := json.Marshal(set(tree, path))
	if err != nil {
		t.Fatal(err)
	}
	quoted, _ := json.Marshal(mutMarker)
	return strings.Replace(string(b), string(quoted), alt, 1)
}

// objectEdits are variants of the object obj: a member duplicated, an
// escaped name, a name in another case, an unknown member, and the object
// with white space.
func objectEdits(t *testing.T, obj map[string]any) []string {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	k := keys[0]
	v, _ := json.Marshal(obj[k])
	var ind bytes.Buffer
	_ = json.Indent(&ind, b, " ", "\t")
	return []string{
		s[:len(s)-1] + `,"` + k + `":` + string(v) + `}`,
		`{"\u00` + strconv.FormatInt(int64(k[0]), 16) + k[1:] + `":` + string(v) + `,` + s[1:],
		strings.Replace(s, `"`+k+`"`, `"`+strings.ToUpper(k[:1])+k[1:]+`"`, 1),
		`{"zz":{"y":[1,{"q":"\u00e9"}]},` + s[1:],
		`{"zz":{"y":1,"y":2},` + s[1:],
		ind.String(),
	}
}

// FuzzCallsFastMatchesReflective decodes arbitrary answers both ways.
func FuzzCallsFastMatchesReflective(f *testing.F) {
	f.Add(gongFile(f, "calls-extensive.json"))
	f.Add(callsAnswer("", `{"metaData":{"id":1},"content":{"trackers":[{"name":"a"},{"name":"a"},{}]}}`))
	f.Add(callsAnswer("", `{"metaData":{"id":"2","duration":" 3 "},"parties":[null,{"context":null,"methods":[]}],"media":{"audioUrl":""}}`))
	f.Fuzz(func(t *testing.T, page []byte) {
		if fast, slow := decodeOutcome(t, page, false), decodeOutcome(t, page, true); fast != slow {
			t.Errorf("the fast decoder differs from the reflective one\nfast:\n%s\nreflective:\n%s", fast, slow)
		}
	})
}

// BenchmarkCallsDecodeReflective is BenchmarkCallsDecode the reflective
// way (every record through json.Unmarshal): the reference for the fast
// decoder's speed.
func BenchmarkCallsDecodeReflective(b *testing.B) {
	page := simCallsPage(b)
	h := newCallsPage(context.Background(), memory.DefaultAllocator, &discardSink{})
	h.slow = true
	defer h.release()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		h.seen = seenSet{}
		if err := drivePage(page, "calls", h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}
