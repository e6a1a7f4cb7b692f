package gongsim

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// allSelector is the body fragment selecting every part of an extensive call.
const allSelector = `"contentSelector":{"context":"Extended","contextTiming":["Now","TimeOfCall"],"exposedFields":{"parties":true,"content":{"structure":true,"topics":true,"trackers":true,"trackerOccurrences":true,"brief":true,"outline":true,"highlights":true,"callOutcome":true,"keyPoints":true},"interaction":{"speakers":true,"video":true,"personInteractionStats":true,"questions":true},"collaboration":{"publicComments":true},"media":true}}`

// drain pages through a POST endpoint in-process and returns bytes and pages.
func drain(tb testing.TB, s *Sim, path, bodyRest string) (int64, int) {
	var total int64
	pages := 0
	cursor := ""
	for {
		body := `{"filter":{}` + bodyRest
		if cursor != "" {
			body = `{"cursor":"` + cursor + `","filter":{}` + bodyRest
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewBufferString(body+"}"))
		req.SetBasicAuth("demo", "demo")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			tb.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
		}
		total += int64(w.Body.Len())
		pages++
		cursor = cursorOf(w.Body.Bytes())
		if cursor == "" {
			return total, pages
		}
	}
}

// cursorOf extracts records.cursor from the head of a page without decoding
// the whole page (the records block precedes the records).
func cursorOf(page []byte) string {
	head := page[:min(len(page), 1024)]
	i := bytes.Index(head, []byte(`"cursor":"`))
	if i < 0 {
		return ""
	}
	rest := head[i+len(`"cursor":"`):]
	j := bytes.IndexByte(rest, '"')
	return string(rest[:j])
}

// TestGenerationSpeed reports how long generating and serving a
// benchmark-sized account takes. Run with GONGSIM_PERF=1 -v.
func TestGenerationSpeed(t *testing.T) {
	if os.Getenv("GONGSIM_PERF") == "" {
		t.Skip("set GONGSIM_PERF=1 to measure")
	}
	t0 := time.Now()
	s, err := New(Config{Calls: 20000, Sentences: 250, Days: 365, Users: 200})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("New(20000 calls): %v", time.Since(t0))

	t0 = time.Now()
	var sentences int
	var b []byte
	for _, rec := range s.snapshot() {
		var n int
		b, n = s.appendTranscript(b[:0], s.plan(&rec))
		sentences += n
	}
	d := time.Since(t0)
	t.Logf("transcripts generated: %d sentences in %v (%.2f M sentences/s)", sentences, d, float64(sentences)/d.Seconds()/1e6)

	t0 = time.Now()
	n, pages := drain(t, s, "/v2/calls/transcript", "")
	d = time.Since(t0)
	st := s.Stats()
	t.Logf("transcript pages served: %d pages, %d sentences, %.0f MB in %v (%.0f MB/s, %.2f M sentences/s)",
		pages, st.SentencesSent, float64(n)/1e6, d, float64(n)/1e6/d.Seconds(), float64(st.SentencesSent)/d.Seconds()/1e6)

	t0 = time.Now()
	n, pages = drain(t, s, "/v2/calls/extensive", ","+allSelector)
	d = time.Since(t0)
	t.Logf("extensive pages served (every selector): %d pages, %.0f MB in %v (%.0f MB/s, %.0f calls/s)",
		pages, float64(n)/1e6, d, float64(n)/1e6/d.Seconds(), 20000/d.Seconds())

	t0 = time.Now()
	n, pages = drain(t, s, "/v2/stats/activity/scorecards", "")
	t.Logf("answered scorecards (whole history): %d pages, %.1f MB in %v", pages, float64(n)/1e6, time.Since(t0))
	to := s.Anchor().In(s.loc).Format(time.DateOnly)
	from := s.Anchor().In(s.loc).AddDate(0, -1, 0).Format(time.DateOnly)
	t0 = time.Now()
	agg := s.ActivityAggregate(from, to)
	t.Logf("activity aggregate over a month: %d users in %v", len(agg), time.Since(t0))
	t0 = time.Now()
	inter := s.InteractionStats(from, to)
	t.Logf("interaction stats over a month: %d users in %v", len(inter), time.Since(t0))

	// The same over real HTTP on loopback.
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 = time.Now()
	cursor, total := "", int64(0)
	for {
		body := `{"filter":{}}`
		if cursor != "" {
			body = `{"cursor":"` + cursor + `","filter":{}}`
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/v2/calls/transcript", bytes.NewBufferString(body))
		req.SetBasicAuth("demo", "demo")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		total += int64(len(data))
		if cursor = cursorOf(data); cursor == "" {
			break
		}
	}
	d = time.Since(t0)
	t.Logf("transcripts over loopback HTTP (client reads bodies): %.0f MB in %v (%.0f MB/s)", float64(total)/1e6, d, float64(total)/1e6/d.Seconds())
}

func BenchmarkTranscriptPage(b *testing.B) {
	s, err := New(Config{Calls: 100, Sentences: 250})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var sentences int
	for b.Loop() {
		_, _ = drain(b, s, "/v2/calls/transcript", "")
	}
	sentences = int(s.Stats().SentencesSent)
	b.ReportMetric(float64(sentences)/b.Elapsed().Seconds(), "sentences/s")
}

func BenchmarkExtensivePage(b *testing.B) {
	s, err := New(Config{Calls: 100, Sentences: 250})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = drain(b, s, "/v2/calls/extensive", ","+allSelector)
	}
	b.ReportMetric(float64(s.Stats().CallsServed)/b.Elapsed().Seconds(), "calls/s")
}
