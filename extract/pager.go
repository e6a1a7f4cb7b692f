package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// PageInfo describes a page that was read completely.
type PageInfo struct {
	Number       int  // 0-based index of the page in this listing
	TotalRecords int  // Gong's records.totalRecords; the page's record count when the answer has no "records"
	Records      int  // records handed to Record for this page
	HasMore      bool // a cursor to a next page came with it
}

// PageHandler receives the records of a listing as they are decoded from the
// answer, without the page ever being held in memory whole.
//
// Calls are sequential for one List or Get: Record for each record of a page,
// then EndPage; or, when the answer breaks off and the page is requested
// again, Discard after some Records, then the page's records again from its
// first. An error returned by a method ends the listing with that error.
type PageHandler interface {
	// Record decodes exactly one JSON value from dec: an element of the
	// envelope array, or the whole top-level object when Request.Envelope
	// is "". It must not keep dec.
	Record(dec *jsontext.Decoder) error
	// Discard drops every record received since the last EndPage: the page
	// is being fetched again.
	Discard()
	// EndPage reports that the page was read completely. A 404 that is Gong's
	// way of saying "nothing found" is one empty page: EndPage with
	// Records == 0 and no Record call.
	EndPage(info PageInfo) error
}

// List makes req and follows records.cursor until an answer has none,
// handing every record to h. It returns nil after the last page, or the
// first error that could not be retried (errors.Is(err, ErrCursorExpired)
// when the cursor expired: restart the listing).
func (c *Client) List(ctx context.Context, req Request, h PageHandler) error {
	if err := req.check(); err != nil {
		return err
	}
	cursor := ""
	for page := 0; ; page++ {
		next, err := c.fetchPage(ctx, req, cursor, page, h)
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		if next == cursor {
			return &DecodeError{Method: req.Method, Path: req.Path, Page: page,
				Err: errors.New("the API returned the same cursor as for the previous page")}
		}
		cursor = next
	}
}

// Get makes req once, without following a cursor, and hands its records to
// h, with the same handling of the envelope and of "nothing found" 404s as
// List.
func (c *Client) Get(ctx context.Context, req Request, h PageHandler) error {
	if err := req.check(); err != nil {
		return err
	}
	_, err := c.fetchPage(ctx, req, "", 0, h)
	return err
}

// fetchPage gets one page, retrying transient failures; it returns the next
// page's cursor ("" when none).
func (c *Client) fetchPage(ctx context.Context, req Request, cursor string, page int, h PageHandler) (string, error) {
	query, body, err := req.encode(cursor)
	if err != nil {
		return "", err
	}
	for attempt := 1; ; attempt++ {
		delivered := 0
		next, err := c.tryPage(ctx, req, query, body, page, attempt, h, &delivered)
		if err == nil {
			return next, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("%s %s page %d: %w", req.Method, req.Path, page, ctx.Err())
		}
		var r *retryable
		if !errors.As(err, &r) {
			return "", err
		}
		if attempt > c.maxRetries {
			return "", &RetryError{Method: req.Method, Path: req.Path, Attempts: attempt, Last: r.err}
		}
		if delivered > 0 {
			h.Discard()
		}
		wait := r.wait
		if wait <= 0 && !r.gated {
			wait = backoff(c.backoff, c.maxBackoff, attempt)
		}
		c.stats.retries.Add(1)
		c.log.Debug("gong request failed, retrying", "method", req.Method, "path", req.Path, "page", page,
			"attempt", attempt, "wait", wait, "error", r.err.Error())
		if err := sleep(ctx, wait); err != nil {
			return "", fmt.Errorf("%s %s page %d: %w", req.Method, req.Path, page, err)
		}
	}
}

// tryPage makes one attempt at a page. A transient failure comes back as
// *retryable; *delivered counts the records handed to h.
func (c *Client) tryPage(ctx context.Context, req Request, query url.Values, body []byte, page, attempt int, h PageHandler, delivered *int) (string, error) {
	start := time.Now()
	resp, err := c.send(ctx, req.Method, req.Path, query, body)
	if err != nil {
		if retryableNetError(err) && ctx.Err() == nil {
			return "", &retryable{err: err}
		}
		var rl *RateLimitError
		if errors.As(err, &rl) {
			return "", err
		}
		return "", fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	defer resp.Body.Close()
	pb := &pageBody{r: resp.Body, limit: c.maxPageBytes, read: &c.stats.bytesRead}
	c.log.Debug("gong request", "method", req.Method, "path", req.Path, "page", page, "status", resp.StatusCode,
		"headers_after", time.Since(start).Round(time.Millisecond))

	st := resp.StatusCode
	switch {
	case st >= 200 && st < 300:
		return c.decodePage(req, page, resp, pb, h, delivered)
	case st == http.StatusTooManyRequests:
		c.stats.rateLimited.Add(1)
		apiErr := c.readError(req, resp, pb)
		d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			d = backoff(c.backoff, c.maxBackoff, attempt)
		}
		until := time.Now().Add(d)
		c.th.pause(until) // every request of the client waits, not only this one
		if d > c.maxWait {
			return "", &RateLimitError{RetryAfter: d, Until: until}
		}
		c.log.Info("gong rate limit: pausing all requests", "path", req.Path, "retry_after", d)
		return "", &retryable{err: apiErr, gated: true}
	case st >= 500:
		c.stats.serverErrors.Add(1)
		apiErr := c.readError(req, resp, pb)
		if !retryableStatus(st) {
			return "", apiErr
		}
		d, _ := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if d > c.maxWait {
			d = 0
		}
		return "", &retryable{err: apiErr, wait: d}
	}
	apiErr := c.readError(req, resp, pb)
	if st >= 300 && st < 400 {
		apiErr.NotJSON, apiErr.Snippet = true, "a redirect to "+redirectTarget(resp)
	}
	if st == http.StatusNotFound && !apiErr.NotJSON && isEmptyAnswer(req.Path, apiErr.Messages) {
		c.log.Debug("gong answered nothing found", "path", req.Path, "page", page)
		if err := h.EndPage(PageInfo{Number: page}); err != nil {
			return "", fmt.Errorf("%s %s page %d: %w", req.Method, req.Path, page, err)
		}
		return "", nil
	}
	return "", classifyAPIError(apiErr)
}

// errorBodyLimit caps what is read of an error answer.
const errorBodyLimit = 64 << 10

// readError reads an error answer into an *APIError: Gong's
// {"requestId","errors":[…]} body, or a sanitized snippet when it is not JSON.
func (c *Client) readError(req Request, resp *http.Response, pb *pageBody) *APIError {
	e := &APIError{Status: resp.StatusCode, Method: req.Method, Path: req.Path, BaseURL: c.base,
		ContentType: mediaType(resp.Header.Get("Content-Type"))}
	b, _ := io.ReadAll(io.LimitReader(pb, errorBodyLimit))
	if len(bytes.TrimSpace(b)) == 0 {
		// Gong always says something; silence on a 3xx or 404 is another host.
		st := resp.StatusCode
		e.NotJSON = st < 400 || st == http.StatusNotFound || st == http.StatusMethodNotAllowed
		return e
	}
	var body struct {
		RequestID        string `json:"requestId"`
		Errors           []any  `json:"errors"`
		Message          string `json:"message"`
		Error            any    `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		if jsontext.Value(b).IsValid() { // JSON, but not an object of that shape
			e.Messages = []string{sanitize(b, 200)}
			return e
		}
		e.NotJSON = true
		e.Snippet = sanitize(b, 200)
		return e
	}
	e.RequestID = body.RequestID
	for _, m := range body.Errors {
		if s, ok := m.(string); ok {
			e.Messages = append(e.Messages, s)
		} else if bs, err := json.Marshal(m); err == nil {
			e.Messages = append(e.Messages, string(bs))
		}
	}
	if len(e.Messages) == 0 {
		if s, ok := body.Error.(string); ok && s != "" {
			e.Messages = append(e.Messages, s)
		}
		for _, s := range []string{body.Message, body.ErrorDescription} {
			if s != "" {
				e.Messages = append(e.Messages, s)
			}
		}
	}
	return e
}

// redirectTarget is a redirect's Location without its query.
func redirectTarget(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		return "nowhere"
	}
	return safeURL(loc)
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// records is Gong's pagination block.
type records struct {
	TotalRecords      int    `json:"totalRecords"`
	CurrentPageSize   int    `json:"currentPageSize"`
	CurrentPageNumber int    `json:"currentPageNumber"`
	Cursor            string `json:"cursor"`
}

// decodeOptions are lenient where Gong's data might be sloppy without being
// wrong: a duplicated member name or a stray invalid UTF-8 byte must not fail
// a whole window.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decodePage walks a 2xx answer as it arrives. The top-level members are read
// in any order: requestId and records are kept, the envelope's elements go to
// h one by one, the rest is skipped. The Content-Type is not trusted (servers
// label JSON text/plain); an answer that does not start like JSON is reported
// as NotJSON.
func (c *Client) decodePage(req Request, page int, resp *http.Response, pb *pageBody, h PageHandler, delivered *int) (string, error) {
	dec := jsontext.NewDecoder(pb, decodeOptions...)
	var requestID string
	info, next, err := walkPage(dec, req.Envelope, h, delivered, &requestID)
	if err != nil {
		err = c.bodyError(err, req, page, resp, pb)
		var de *DecodeError
		if errors.As(err, &de) {
			de.RequestID = requestID
		}
		var me *malformedError
		if errors.As(err, &me) {
			me.requestID = requestID
		}
		return "", err
	}
	c.log.Debug("gong page read", "path", req.Path, "page", page, "request_id", requestID, "records", info.Records, "has_more", next != "")
	info.Number = page
	if err := h.EndPage(info); err != nil {
		return "", fmt.Errorf("%s %s page %d: %w", req.Method, req.Path, page, err)
	}
	return next, nil
}

// bodyError classifies a failure while walking an answer's body.
func (c *Client) bodyError(err error, req Request, page int, resp *http.Response, pb *pageBody) error {
	var tooLarge *BodyTooLargeError
	switch {
	case errors.As(pb.err, &tooLarge):
		tooLarge.Method, tooLarge.Path = req.Method, req.Path
		return tooLarge
	case pb.err != nil:
		if retryableNetError(pb.err) || errors.Is(pb.err, io.ErrUnexpectedEOF) {
			return &retryable{err: &truncatedError{err: pb.err}}
		}
		return fmt.Errorf("%s %s page %d: reading the answer: %w", req.Method, req.Path, page, pb.err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &retryable{err: &truncatedError{err: err}}
	case !pb.looksLikeJSON():
		return &APIError{Status: resp.StatusCode, Method: req.Method, Path: req.Path, BaseURL: c.base,
			NotJSON: true, ContentType: mediaType(resp.Header.Get("Content-Type")), Snippet: sanitize(pb.prefix, 200)}
	}
	var (
		syn  *jsontext.SyntacticError
		sem  *json.SemanticError
		shap *shapeError
		he   *handlerError
	)
	if errors.As(err, &syn) {
		// Not JSON text although it began like it: a byte garbled on the
		// way. Fetched again, like a truncated answer; a body of the wrong
		// shape (below) is not, since asking again gives the same.
		return &retryable{err: &malformedError{page: page, err: err}}
	}
	if errors.As(err, &sem) || errors.As(err, &shap) {
		return &DecodeError{Method: req.Method, Path: req.Path, Page: page, Err: err}
	}
	if errors.As(err, &he) {
		return fmt.Errorf("%s %s page %d: %w", req.Method, req.Path, page, he.err)
	}
	return &DecodeError{Method: req.Method, Path: req.Path, Page: page, Err: err}
}

// walkPage reads one answer from dec. It returns the page's info (without
// Number) and the next cursor, and sets *requestID as soon as it is read.
func walkPage(dec *jsontext.Decoder, envelope string, h PageHandler, delivered *int, requestID *string) (PageInfo, string, error) {
	if envelope == "" {
		switch k := dec.PeekKind(); k {
		case '{':
		case 0:
			_, err := dec.ReadToken()
			return PageInfo{}, "", err
		default:
			return PageInfo{}, "", &shapeError{fmt.Sprintf("the answer is a JSON %v, want an object", k)}
		}
		if err := handOver(dec, h, delivered); err != nil {
			return PageInfo{}, "", err
		}
		return PageInfo{TotalRecords: 1, Records: 1}, "", nil
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return PageInfo{}, "", err
	}
	if tok.Kind() != '{' {
		return PageInfo{}, "", &shapeError{fmt.Sprintf("the answer is a JSON %v, want an object", tok.Kind())}
	}
	var (
		recs    *records
		found   bool
		n       int
		envKind jsontext.Kind
	)
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return PageInfo{}, "", err
		}
		switch key := name.String(); {
		case key == envelope:
			found = true
			switch envKind = dec.PeekKind(); envKind {
			case '[':
				if _, err := dec.ReadToken(); err != nil {
					return PageInfo{}, "", err
				}
				for dec.PeekKind() != ']' {
					if err := handOver(dec, h, delivered); err != nil {
						return PageInfo{}, "", err
					}
					n++
				}
				if _, err := dec.ReadToken(); err != nil {
					return PageInfo{}, "", err
				}
			case '{':
				if err := handOver(dec, h, delivered); err != nil {
					return PageInfo{}, "", err
				}
				n++
			case 'n':
				if _, err := dec.ReadToken(); err != nil {
					return PageInfo{}, "", err
				}
			case 0:
				_, err := dec.ReadToken()
				return PageInfo{}, "", err
			default:
				return PageInfo{}, "", &shapeError{fmt.Sprintf("%q is a JSON %v, want an array of records", envelope, envKind)}
			}
		case key == "requestId" && dec.PeekKind() == '"':
			tok, err := dec.ReadToken()
			if err != nil {
				return PageInfo{}, "", err
			}
			*requestID = tok.String()
		case key == "records":
			recs = new(records)
			if err := json.UnmarshalDecode(dec, recs); err != nil {
				return PageInfo{}, "", err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return PageInfo{}, "", err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return PageInfo{}, "", err
	}
	if !found && (recs == nil || recs.TotalRecords != 0) {
		return PageInfo{}, "", &shapeError{fmt.Sprintf("the answer has no %q member", envelope)}
	}
	info := PageInfo{Records: n, TotalRecords: n}
	next := ""
	if recs != nil {
		info.TotalRecords = recs.TotalRecords
		next = recs.Cursor
		info.HasMore = next != ""
	}
	return info, next, nil
}

// handOver gives the next value of dec to h.Record and checks that exactly
// one value was read.
func handOver(dec *jsontext.Decoder, h PageHandler, delivered *int) error {
	depth := dec.StackDepth()
	_, before := dec.StackIndex(depth)
	if err := h.Record(dec); err != nil {
		return &handlerError{err: err}
	}
	_, after := dec.StackIndex(depth)
	if dec.StackDepth() != depth || after != before+1 {
		return &handlerError{err: errors.New("extract: PageHandler.Record must read exactly one JSON value")}
	}
	*delivered++
	return nil
}

// pageBody reads an answer's body: it counts bytes into the client's stats,
// enforces the size cap, keeps the first bytes for error messages and
// remembers the first read error.
type pageBody struct {
	r      io.Reader
	limit  int64
	n      int64
	read   *atomic.Int64
	prefix []byte
	err    error
}

const prefixLen = 512

func (b *pageBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if rem := b.limit + 1 - b.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	b.read.Add(int64(n))
	if len(b.prefix) < prefixLen {
		b.prefix = append(b.prefix, p[:min(n, prefixLen-len(b.prefix))]...)
	}
	if b.n > b.limit {
		b.err = &BodyTooLargeError{Limit: b.limit}
		return n, b.err
	}
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// looksLikeJSON reports whether the answer starts like a JSON object or array.
func (b *pageBody) looksLikeJSON() bool {
	s := strings.TrimLeft(string(b.prefix), " \t\r\n\ufeff")
	return s == "" || s[0] == '{' || s[0] == '['
}

// marshalBody encodes a POST body with sorted keys.
func marshalBody(m map[string]any) ([]byte, error) {
	return json.Marshal(m, json.Deterministic(true))
}
