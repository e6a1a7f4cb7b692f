package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// answer is one recorded API answer.
type answer struct {
	status int
	ctype  string
	body   []byte
}

// replay serves recorded answers from memory. A request it has no answer
// for goes to the simulator; with recording on, that answer is kept.
type replay struct {
	sim http.Handler

	mu     sync.RWMutex
	store  map[string]*answer
	record bool

	// throttle, for the rate test: latency ± jitter before the limiter,
	// as gongsim applies them.
	latency, jitter time.Duration
	limiter         *rate.Limiter

	counters
	srv  *http.Server
	base string
}

// counters are the replay server's figures since the last reset.
type counters struct {
	requests, misses, bytes, limited, failed atomic.Int64
	spanMu                                   sync.Mutex
	first, last                              time.Time
}

func newReplay(sim http.Handler) (*replay, error) {
	r := &replay{sim: sim, store: map[string]*answer{}, record: true}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.base = "http://" + ln.Addr().String()
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed
	return r, nil
}

func (r *replay) close() { r.srv.Close() }

// reset zeroes the counters and sets the throttle (zero: none).
func (r *replay) reset(record bool, latency, jitter time.Duration, rps float64) {
	r.requests.Store(0)
	r.misses.Store(0)
	r.bytes.Store(0)
	r.limited.Store(0)
	r.failed.Store(0)
	r.spanMu.Lock()
	r.first, r.last = time.Time{}, time.Time{}
	r.spanMu.Unlock()
	r.mu.Lock()
	r.record = record
	r.mu.Unlock()
	r.latency, r.jitter, r.limiter = latency, jitter, nil
	if rps > 0 {
		r.limiter = rate.NewLimiter(rate.Limit(rps), max(1, int(math.Ceil(rps))))
	}
}

// span is the time from the first arrival to the last answer.
func (r *replay) span() time.Duration {
	r.spanMu.Lock()
	defer r.spanMu.Unlock()
	return r.last.Sub(r.first)
}

// answers returns the recorded answers of path with status 200, in no
// particular order.
func (r *replay) answers(method, path string) [][]byte {
	prefix := method + " " + path
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out [][]byte
	for k, a := range r.store {
		if a.status == http.StatusOK && len(k) > len(prefix) && k[:len(prefix)] == prefix && (k[len(prefix)] == '?' || k[len(prefix)] == '\n') {
			out = append(out, a.body)
		}
	}
	return out
}

func (r *replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	arrived := time.Now()
	r.spanMu.Lock()
	if r.first.IsZero() {
		r.first = arrived
	}
	r.spanMu.Unlock()
	body, _ := io.ReadAll(req.Body)
	key := req.Method + " " + req.URL.RequestURI() + "\n" + string(body)
	if r.latency > 0 {
		d := r.latency
		if r.jitter > 0 {
			d += time.Duration(rand.Int64N(int64(2*r.jitter)+1)) - r.jitter
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
		}
	}
	r.requests.Add(1)
	if r.limiter != nil {
		now := time.Now()
		res := r.limiter.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 {
			res.CancelAt(now)
			r.limited.Add(1)
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"requestId":"replay","errors":["API request limit exceeded"]}`)
			r.done()
			return
		}
	}
	r.mu.RLock()
	a, ok := r.store[key]
	record := r.record
	r.mu.RUnlock()
	if !ok {
		r.misses.Add(1)
		a = r.fromSim(req, body)
		if record && (a.status == http.StatusOK || a.status == http.StatusNotFound) {
			r.mu.Lock()
			r.store[key] = a
			r.mu.Unlock()
		}
	}
	if a.status >= 400 && a.status != http.StatusNotFound && a.status != http.StatusTooManyRequests {
		r.failed.Add(1)
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	n, _ := w.Write(a.body)
	r.bytes.Add(int64(n))
	r.done()
}

func (r *replay) done() {
	now := time.Now()
	r.spanMu.Lock()
	if now.After(r.last) {
		r.last = now
	}
	r.spanMu.Unlock()
}

// fromSim asks the simulator, in process.
func (r *replay) fromSim(req *http.Request, body []byte) *answer {
	sreq := req.Clone(context.Background())
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	sreq.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	r.sim.ServeHTTP(rec, sreq)
	ct := rec.Header().Get("Content-Type")
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	return &answer{status: rec.Code, ctype: ct, body: bytes.Clone(rec.Body.Bytes())}
}
