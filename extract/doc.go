// Package extract reads a Gong account through the Gong API v2.
//
// It has two halves. The client ([Client], made by [New]) is everything
// between a stream and the wire: authentication as an http.RoundTripper
// ([BasicAuth], or an OAuth token transport), one rate limiter shared by
// every request of the client (3 requests/s by default) with a "not before"
// gate that a 429's Retry-After closes for all requests, retries with capped
// exponential backoff and jitter for 429, 5xx, network errors and answers cut
// short, cursor pagination (the cursor in the query of a GET, at the top
// level of a POST body), Gong's 404-means-nothing-found answers turned into
// empty pages, and streaming decode: a page's records are handed to a
// [PageHandler] one by one as the body arrives, never held whole. Its errors
// ([APIError], [ScopeError], [RateLimitError], [DecodeError], [RetryError],
// [ErrCursorExpired]) say what went wrong and how to fix it, and never carry
// a secret, an Authorization header or a cursor.
//
// The streams (one [Stream] per Gong entity, SPEC §4) turn those records into
// Arrow record batches for a [Sink]: each stream lists one unit of work (a
// window of an incremental stream, or a whole full-refresh listing) through
// the client and sends its rows; the caller commits the unit with its state.
package extract
