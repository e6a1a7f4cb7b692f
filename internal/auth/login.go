package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Defaults of LoginOptions.
const (
	DefaultRedirectPort = 53682
	DefaultLoginTimeout = 5 * time.Minute
	CallbackPath        = "/callback"
)

// LoginOptions configure Login.
type LoginOptions struct {
	App App
	// RedirectPort is the loopback port of the redirect listener, on
	// 127.0.0.1; the redirect URI is http://127.0.0.1:PORT/callback, which
	// must be among the OAuth app's redirect URIs in Gong. 0 picks a free
	// port (for tests and the simulator).
	RedirectPort int
	// Timeout bounds the wait for the redirect (default
	// DefaultLoginTimeout).
	Timeout time.Duration
	// Out receives the instructions and the authorize URL, alone on a line.
	Out io.Writer
	// OpenBrowser, when set, is called with the authorize URL; its failure
	// is only reported (the URL is printed anyway).
	OpenBrowser func(url string) error
}

// Login runs the authorization-code flow: it listens on the loopback
// redirect port, prints the authorize URL (and opens it in a browser if
// asked), waits for Gong's redirect, checks its state, and exchanges the
// code for a token. It does not write the token file: see WriteFile.
//
// Errors: *LoginError for a denied consent, a wrong state, a redirect
// without a code or no redirect in time; *GrantError when the token
// endpoint refuses the code.
func Login(ctx context.Context, o LoginOptions) (*Token, error) {
	if err := o.App.Check(); err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultLoginTimeout
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.RedirectPort < 0 || o.RedirectPort > 65535 {
		return nil, fmt.Errorf("--redirect-port %d is not a TCP port", o.RedirectPort)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.RedirectPort)))
	if err != nil {
		return nil, fmt.Errorf("cannot listen for the OAuth redirect on 127.0.0.1:%d (%v): free the port or pick another with --redirect-port (and add its redirect URI to the Gong app)", o.RedirectPort, err)
	}
	defer ln.Close()
	redirect := "http://" + ln.Addr().String() + CallbackPath
	state, err := randomState()
	if err != nil {
		return nil, err
	}

	type outcome struct {
		code string
		err  error
	}
	got := make(chan outcome, 1)
	var once bool
	mux := http.NewServeMux()
	mux.HandleFunc(CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res outcome
		switch {
		case q.Get("error") != "":
			reason := q.Get("error")
			if d := q.Get("error_description"); d != "" {
				reason += ": " + sanitize([]byte(d), 200)
			}
			if q.Get("error") == "access_denied" {
				res.err = &LoginError{Reason: fmt.Sprintf("consent was denied in Gong (%s): approve the app's access (a Gong technical administrator must approve it), then run gongload auth login again", sanitize([]byte(reason), 250))}
			} else {
				res.err = &LoginError{Reason: fmt.Sprintf("Gong refused the authorization (%s): check --client-id, --scopes and the app's redirect URI %s, then run gongload auth login again", sanitize([]byte(reason), 250), redirect)}
			}
		case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
			res.err = &LoginError{Reason: "the redirect's state does not match the one gongload sent: it did not come from this login (a stale browser tab, or a forged request); no token was requested; run gongload auth login again"}
		case q.Get("code") == "":
			res.err = &LoginError{Reason: "the redirect carries no authorization code: run gongload auth login again"}
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<!doctype html><title>gongload</title><p>gongload: login failed: %s</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<!doctype html><title>gongload</title><p>gongload got Gong's authorization. You can close this tab and go back to the terminal.</p>")
		}
		if !once { // the first redirect decides; later ones (a reload) are answered but ignored
			once = true
			got <- res
		}
	})
	srv := &http.Server{Handler: serialized(mux), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	authURL := o.App.AuthCodeURL(state, redirect)
	fmt.Fprintf(o.Out, "Open this URL in a browser and approve gongload's access to Gong (a Gong technical administrator must approve):\n\n%s\n\n", authURL)
	if o.OpenBrowser != nil {
		if err := o.OpenBrowser(authURL); err != nil {
			fmt.Fprintf(o.Out, "(could not open a browser: %v; open the URL yourself)\n", err)
		}
	}
	fmt.Fprintf(o.Out, "Waiting for Gong's redirect to %s (up to %s)…\n", redirect, o.Timeout)

	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	var res outcome
	select {
	case res = <-got:
	case <-timer.C:
		return nil, &LoginError{Reason: fmt.Sprintf("no redirect from Gong arrived within %s (--timeout): open the URL above in a browser on this machine "+
			"(the redirect goes to %s), approve, and check that it is among the app's redirect URIs in Gong", o.Timeout, redirect)}
	case <-ctx.Done():
		return nil, fmt.Errorf("gongload auth login: %w", ctx.Err())
	}
	if res.err != nil {
		return nil, res.err
	}
	tok, err := o.App.Exchange(ctx, res.code, redirect)
	if err != nil {
		var te *transientError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%w: run gongload auth login again", err)
		}
		return nil, err
	}
	if len(tok.Scopes) == 0 {
		tok.Scopes = o.App.scopes() // Gong did not say: what was asked for
	}
	return tok, nil
}

// serialized runs one request of h at a time (the callback's once flag).
func serialized(h http.Handler) http.Handler {
	ch := make(chan struct{}, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch <- struct{}{}
		defer func() { <-ch }()
		h.ServeHTTP(w, r)
	})
}

func randomState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("gongload auth login: no randomness for the state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
