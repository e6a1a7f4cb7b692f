// Package gongsim is a deterministic, in-process stand-in for the Gong
// REST API v2, used by tests, benchmarks, `gongload sim` and `gongload demo`.
//
// A Sim generates a company from a Config (users with a manager hierarchy,
// one or two workspaces, calls spread over the last Days with parties, CRM
// context, content, interaction stats, comments and transcripts) and serves
// it over HTTP the way Gong does: the envelopes of §0/§2 of gong-api.md,
// 100-record pages with cursors (query parameter on GET, top-level body
// field on POST; query parameters are ignored on POST), JWT-looking signed
// cursors that expire CursorTTL after the first request of a pagination
// sequence, from-inclusive/to-exclusive date filters on the call start,
// HTTP 404 with "No calls found corresponding to the provided filters" for
// empty results, a requestId in every body echoed in the x-traceid header,
// Basic authentication, a rate limit answered with 429 and Retry-After, a
// daily quota, and injected latency, 5xx answers and truncated bodies.
//
// Everything served is a pure function of the Config (Seed, sizes, the
// anchor time Now at New) and of the mutations applied since (AddCalls,
// ReleaseTranscripts, DeleteCall): two simulators built from the same
// Config answer the same sequence of requests with the same bytes. Only
// small per-call records are stored; extensive records and transcripts are
// regenerated on demand from (seed, call id), which keeps memory flat for
// millions of sentences and guarantees that a re-read returns identical
// data. Records are mutually consistent: party userIds are users,
// transcript speakerIds are the call's parties' speakerIds, speaker talk
// times, question counts, topics and tracker occurrences are computed from
// the transcript itself, and keyword-tracker phrases appear verbatim in it.
//
// Inspection methods (Users, Workspaces, Calls, Transcript) return exactly
// what the API serves, so tests can compare loaded tables with them. The
// admin endpoints under /_sim (add calls, release late transcripts, delete
// a call, stats) take the same Basic credentials as the API.
//
// Truncated bodies (TruncateRate) announce the full Content-Length and end
// early; net/http then closes the connection, so clients read
// io.ErrUnexpectedEOF. Rate limiting runs on the wall clock; cursor expiry,
// the daily quota (UTC days) and media URL expiry use Config.Now.
package gongsim
