package extract

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The faults of the simulator (internal/gongsim) as the pager sees them:
// what is retried and what is not.

// garble replaces the byte at the first occurrence of at in page (plus
// offset) with c, keeping the length.
func garble(page, at string, offset int, c byte) string {
	i := strings.Index(page, at) + offset
	b := []byte(page)
	b[i] = c
	return string(b)
}

// TestMalformedBodyRetried: a 200 whose JSON is syntactically broken (one
// byte garbled, the length right) is fetched again like a truncated one:
// the records already handed over are discarded, the page is asked for
// with the same cursor, and the retry is counted.
func TestMalformedBodyRetried(t *testing.T) {
	const (
		page1 = `{"requestId":"a","records":{"totalRecords":5,"cursor":"c1"},"calls":[{"id":"1"},{"id":"2"}]}`
		page2 = `{"requestId":"b","calls":[{"id":"3"},{"id":"4"},{"id":"5","title":"Q3 plan"}],"records":{"totalRecords":5}}`
	)
	for name, bad := range map[string]string{
		"control character in a string": garble(page2, "Q3 plan", 2, 0x01),
		"NUL between members":           garble(page2, `,"title"`, 0, 0x00),
		"closing bracket garbled":       garble(page2, `],"records"`, 0, 0x07),
		"in the records block":          garble(page2, `{"totalRecords":5}`, 1, 0x1f),
		"stray token, not a control":    strings.Replace(page2, `{"id":"4"}`, `{"id":"4"]`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				bodies []string
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, string(b))
				n := len(bodies)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				switch n {
				case 1:
					io.WriteString(w, page1)
				case 2:
					io.WriteString(w, bad)
				default:
					io.WriteString(w, page2)
				}
			}))
			defer srv.Close()
			c := newClientForTest(t, srv, nil)
			col := &pageCollector{}
			req := Request{Method: "POST", Path: "/v2/calls/extensive", Envelope: "calls", Body: map[string]any{"filter": map[string]any{}}}
			if err := c.List(t.Context(), req, col); err != nil {
				t.Fatal(err)
			}
			if !sameStrings(col.ids(), []string{"1", "2", "3", "4", "5"}) {
				t.Errorf("ids %v", col.ids())
			}
			if len(bodies) != 3 || bodies[1] != bodies[2] || !strings.Contains(bodies[2], `"cursor":"c1"`) {
				t.Errorf("the page was not fetched again with the same cursor: %q", bodies)
			}
			if col.calls > 2 && col.discards != 1 {
				t.Errorf("%d Record calls, %d discards: the records of the broken page were not discarded", col.calls, col.discards)
			}
			if st := c.Stats(); st.Retries != 1 || st.Requests != 3 {
				t.Errorf("Stats %+v, want 1 retry of 3 requests", st)
			}
		})
	}
}

// TestMalformedBodyGivesUp: an answer that is never valid JSON ends, after
// MaxRetries, with a *RetryError that says so, not a *DecodeError.
func TestMalformedBodyGivesUp(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "{\"requestId\":\"r7\",\"users\":[{\"id\":\"1\x01\"}]}")
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.MaxRetries = 3 })
	err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
	var re *RetryError
	var de *DecodeError
	if !errors.As(err, &re) || errors.As(err, &de) || re.Attempts != 4 || hits.Load() != 4 {
		t.Fatalf("err %T %v after %d attempts, want *RetryError after 4", err, err, hits.Load())
	}
	for _, s := range []string{"GET /v2/users: giving up after 4 attempts", "not valid JSON", "request id r7"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		t.Errorf("the syntax error is not in the chain: %v", err)
	}
	if st := c.Stats(); st.Retries != 3 {
		t.Errorf("Stats %+v, want 3 retries", st)
	}
}

// TestWrongShapeNotRetried: a valid JSON answer of the wrong shape (a
// number for a string, an envelope that is no array) is asked for once:
// asking again gives the same answer.
func TestWrongShapeNotRetried(t *testing.T) {
	for name, body := range map[string]string{
		"envelope of the wrong kind":      `{"requestId":"r","users":"nope"}`,
		"record of the wrong type":        `{"requestId":"r","users":[{"id":"1","active":"yes"}]}`,
		"records block of the wrong type": `{"requestId":"r","records":{"totalRecords":"many"},"users":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				io.WriteString(w, body)
			}))
			defer srv.Close()
			c := newClientForTest(t, srv, nil)
			err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, recordFunc(func(dec *jsontext.Decoder) error {
				var u struct {
					ID     string `json:"id"`
					Active bool   `json:"active"`
				}
				return json.UnmarshalDecode(dec, &u)
			}))
			wantDecodeError(t, err)
			if hits.Load() != 1 || c.Stats().Retries != 0 {
				t.Errorf("%d attempts, %d retries; want 1 and 0", hits.Load(), c.Stats().Retries)
			}
		})
	}
}

// TestConnectionResetRetried: a connection reset (RST) before any answer,
// and one in the middle of the body, are retried, for GET and for POST
// (which net/http never retries by itself).
func TestConnectionResetRetried(t *testing.T) {
	const page = `{"requestId":"r","records":{"totalRecords":2},"calls":[{"id":"1"},{"id":"2"}]}`
	rst := func(w http.ResponseWriter, partial string) {
		conn, buf := hijackConn(w)
		if partial != "" {
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(page), partial)
			buf.Flush()
		}
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}
	for _, method := range []string{"GET", "POST"} {
		for name, partial := range map[string]string{"before the answer": "", "mid-body": page[:len(page)/2]} {
			t.Run(method+" "+name, func(t *testing.T) {
				var hits atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if hits.Add(1) == 1 {
						rst(w, partial)
						return
					}
					io.WriteString(w, page)
				}))
				defer srv.Close()
				c := newClientForTest(t, srv, nil)
				req := Request{Method: method, Path: "/v2/calls/extensive", Envelope: "calls"}
				if method == "POST" {
					req.Body = map[string]any{"filter": map[string]any{}}
				}
				col := &pageCollector{}
				if err := c.List(t.Context(), req, col); err != nil {
					t.Fatal(err)
				}
				if !sameStrings(col.ids(), []string{"1", "2"}) || hits.Load() != 2 {
					t.Errorf("ids %v after %d attempts", col.ids(), hits.Load())
				}
				if st := c.Stats(); st.Retries != 1 {
					t.Errorf("Stats %+v, want 1 retry", st)
				}
			})
		}
	}
}
