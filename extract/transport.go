package extract

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/gongload/gongload/internal/secret"
)

// The client's RoundTripper stack, outermost first (like golang.org/x/oauth2's
// Transport, each layer clones the request before changing it):
//
//	auth (Options.Auth)  → sets Authorization
//	throttle             → waits for the shared "not before" gate and a token of the shared rate limiter
//	timeout              → bounds the wait for headers and each body read by Options.Timeout
//	base                 → Options.Transport
//
// Retries happen above the stack (in the pager), so every attempt waits its
// turn at the limiter. Downloads use timeout → base only.

// BasicAuth returns an Options.Auth that sends Gong's access key and secret as
// HTTP Basic credentials on every request.
func BasicAuth(accessKey, secretKey secret.String) func(http.RoundTripper) http.RoundTripper {
	v := secret.String("Basic " + base64.StdEncoding.EncodeToString([]byte(accessKey.Reveal()+":"+secretKey.Reveal())))
	return func(next http.RoundTripper) http.RoundTripper {
		return &headerTransport{next: next, name: "Authorization", value: &v}
	}
}

// headerTransport sets one header, on a clone of the request. The value is
// behind a pointer: fmt prints unexported fields without calling their
// methods, so only a pointer keeps %+v of the transport from showing it.
type headerTransport struct {
	next  http.RoundTripper
	name  string
	value *secret.String
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.Header.Set(t.name, t.value.Reveal())
	return t.next.RoundTrip(r2)
}

// throttle is the client-wide request budget: a token-bucket limiter and a
// "not before" gate that a 429's Retry-After moves for every request.
type throttle struct {
	lim     *rate.Limiter
	maxWait time.Duration

	mu    sync.Mutex
	until time.Time // no request is sent before this instant
}

// pause closes the gate until t (it never moves the gate earlier).
func (th *throttle) pause(t time.Time) {
	th.mu.Lock()
	if t.After(th.until) {
		th.until = t
	}
	th.mu.Unlock()
}

func (th *throttle) gate() time.Time {
	th.mu.Lock()
	defer th.mu.Unlock()
	return th.until
}

// wait blocks until the gate is open and a token is granted. It fails at once
// with *RateLimitError if the gate is closed for longer than maxWait.
func (th *throttle) wait(ctx context.Context) error {
	for {
		if err := th.waitGate(ctx); err != nil {
			return err
		}
		if err := th.lim.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// The next token comes after the context's deadline.
			return fmt.Errorf("waiting for the rate limiter: %w", context.DeadlineExceeded)
		}
		// A 429 may have closed the gate while this request waited for its
		// token: wait again rather than send into the pause.
		if !time.Now().Before(th.gate()) {
			return nil
		}
	}
}

func (th *throttle) waitGate(ctx context.Context) error {
	for {
		until := th.gate()
		d := time.Until(until)
		if d <= 0 {
			return nil
		}
		if d > th.maxWait {
			return &RateLimitError{RetryAfter: d, Until: until}
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// throttleTransport waits its turn at the throttle, counts the request, then
// sends it.
type throttleTransport struct {
	next     http.RoundTripper
	th       *throttle
	requests *atomic.Int64
}

func (t *throttleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.th.wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	t.requests.Add(1)
	return t.next.RoundTrip(req)
}

// timeoutTransport bounds one attempt: the time to get the response headers,
// then each body Read, by d. Time spent by the caller between reads (a slow
// consumer) does not count. A timeout is reported as *timeoutError.
type timeoutTransport struct {
	next http.RoundTripper
	d    time.Duration
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	te := &timeoutError{what: "no answer", d: t.d}
	timer := time.AfterFunc(t.d, func() { cancel(te) })
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		if context.Cause(ctx) == te && req.Context().Err() == nil {
			err = te
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &timeoutBody{rc: resp.Body, ctx: ctx, parent: req.Context(), cancel: cancel, timer: timer, d: t.d}
	return resp, nil
}

type timeoutBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	parent context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	d      time.Duration
	te     *timeoutError
}

func (b *timeoutBody) Read(p []byte) (int, error) {
	if b.te == nil {
		b.te = &timeoutError{what: "the answer stalled: no body bytes", d: b.d}
		b.timer = time.AfterFunc(b.d, func() { b.cancel(b.te) })
	} else {
		b.timer.Reset(b.d)
	}
	n, err := b.rc.Read(p)
	b.timer.Stop()
	var te *timeoutError
	if err != nil && err != io.EOF && b.parent.Err() == nil && errors.As(context.Cause(b.ctx), &te) {
		err = te // this read stalled, or the header timer fired as the headers came
	}
	return n, err
}

func (b *timeoutBody) Close() error {
	if b.timer != nil {
		b.timer.Stop()
	}
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

// defaultTransport is a clone of http.DefaultTransport tuned for a handful of
// long-lived connections to one host.
func defaultTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 32
	t.MaxIdleConnsPerHost = 16
	t.IdleConnTimeout = 90 * time.Second
	t.ExpectContinueTimeout = time.Second
	return t
}

// parseRetryAfter reads a Retry-After header: delay-seconds (Gong's form; a
// decimal fraction is accepted too) or an HTTP-date. ok is false when the
// header is absent or unreadable.
func parseRetryAfter(h string, now time.Time) (d time.Duration, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(h, 64); err == nil {
		if !(secs >= 0 && secs <= 1e9) { // also refuses NaN
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(h); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// backoff returns the wait before retry number attempt (1-based): capped
// exponential with full jitter, uniform in [0, min(max, base·2^(attempt-1))).
func backoff(base, max time.Duration, attempt int) time.Duration {
	ceil := max
	if attempt < 31 {
		if c := base << (attempt - 1); c > 0 && c < max {
			ceil = c
		}
	}
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isLoopback reports whether host (no port) is a loopback name or address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// retryableNetError reports whether a transport error is worth another
// attempt: timeouts, resets, EOFs and other connection trouble are; a
// cancelled context, a certificate problem, a TLS/plain-HTTP mismatch or a
// malformed request are not.
func retryableNetError(err error) bool {
	var te *timeoutError
	if errors.As(err, &te) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// A refused connection or an unknown host means a wrong base URL (or no
	// network), not a passing fault of Gong's: fail at once with a clear
	// message instead of backing off for minutes.
	var dns *net.DNSError
	if errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &dns) && dns.IsNotFound) {
		return false
	}
	var (
		rl *RateLimitError
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
		rh tls.RecordHeaderError
	)
	if errors.As(err, &rl) || errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) ||
		errors.As(err, &ci) || errors.As(err, &rh) {
		return false
	}
	return !strings.Contains(err.Error(), "unsupported protocol scheme")
}
