package extract

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/gongload/gongload/models"
)

func TestLenientNumbers(t *testing.T) {
	type rec struct {
		I  int64     `json:"i"`
		PI *int64    `json:"pi"`
		F  float64   `json:"f"`
		PF *float64  `json:"pf"`
		FS []float64 `json:"fs"`
	}
	i64 := func(v int64) *int64 { return &v }
	f64 := func(v float64) *float64 { return &v }
	tests := map[string]struct {
		in      string
		want    rec
		wantErr string
	}{
		"numbers":            {`{"i":3,"pi":4,"f":1.5,"pf":2,"fs":[1,2.5]}`, rec{3, i64(4), 1.5, f64(2), []float64{1, 2.5}}, ""},
		"numeric strings":    {`{"i":"3","pi":" 4 ","f":"1.5","pf":"2e1","fs":["1","2.5"]}`, rec{3, i64(4), 1.5, f64(20), []float64{1, 2.5}}, ""},
		"null and empty":     {`{"i":null,"pi":"","f":"","pf":null,"fs":[null,""]}`, rec{FS: []float64{0, 0}}, ""},
		"fraction truncated": {`{"i":3.9,"pi":"-4.5","f":0}`, rec{I: 3, PI: i64(-4)}, ""},
		"big integer exact":  {`{"i":"9223372036854775807","pi":9223372036854775806}`, rec{I: 9223372036854775807, PI: i64(9223372036854775806)}, ""},
		"out of range":       {`{"i":1e19}`, rec{}, `want an integer, got "1e19"`},
		"text":               {`{"pf":"fast"}`, rec{}, `want a number, got "fast"`},
		"NaN":                {`{"f":"NaN"}`, rec{}, `want a number, got "NaN"`},
		"hex":                {`{"i":"0x10"}`, rec{}, `want an integer, got "0x10"`},
		"boolean":            {`{"pi":true}`, rec{}, "want a number, got a boolean"},
		"object":             {`{"fs":[{}]}`, rec{}, "want a number, got an object"},
	}
	for name, tc := range tests {
		var got rec
		err := json.Unmarshal([]byte(tc.in), &got, unmarshalOptions)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		default:
			if d := diffRows([]row{{"v": tc.want}}, []row{{"v": got}}); d != "" {
				t.Errorf("%s: %s", name, d)
			}
		}
	}
}

func TestIntOf(t *testing.T) {
	tests := map[string]any{"5": int64(5), "5.0": int64(5), "-2.7": int64(-2), "1e3": int64(1000), "NaN": nil, "1e30": nil}
	for text, want := range tests {
		var got any
		if p := intOf(&models.Number{Text: text, Valid: true}); p != nil {
			got = *p
		}
		if got != want {
			t.Errorf("intOf(%s) = %v, want %v", text, got, want)
		}
	}
	if intOf(nil) != nil || intOf(&models.Number{}) != nil {
		t.Error("intOf of null is not nil")
	}
}

// The number fields of a call (metaData.duration, tracker and phrase
// counts, question counts, occurrence startTime, talkTime, …) take numeric
// strings: the rows are those of the same call with JSON numbers.
func TestCallsNumericStrings(t *testing.T) {
	page := gongFile(t, "calls-extensive.json")
	quoted := string(page)
	for _, n := range []string{`"duration":3187`, `"talkTime":1500.5`, `"companyCount":14`, `"count":3`, `"startTime":12.5`} {
		name, num, _ := strings.Cut(n, ":")
		if !strings.Contains(quoted, n) {
			t.Fatalf("the page has no %s", n)
		}
		quoted = strings.Replace(quoted, n, name+`:"`+num+`"`, 1)
	}
	rows := func(body []byte) map[string][]row {
		srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, body) })
		sink := newRowSink(t)
		if err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink); err != nil {
			t.Fatal(err)
		}
		for _, r := range sink.rows["calls"] {
			delete(r, "_raw")
		}
		return sink.rows
	}
	want, got := rows(page), rows([]byte(quoted))
	if len(want["calls"]) == 0 {
		t.Fatal("no calls")
	}
	for table, w := range want {
		if d := diffRows(w, got[table]); d != "" {
			t.Errorf("%s rows with numeric strings:\n%s", table, d)
		}
	}

	bad := strings.Replace(string(page), `"duration":3187`, `"duration":"long"`, 1)
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(bad)) })
	err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, newRowSink(t))
	if want := `calls: field metaData.duration at /calls/0/metaData/duration: want an integer, got "long"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
