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
// daily quota, and injected faults (faults.go): latency with jitter, 5xx
// answers, truncated and malformed bodies, connection resets, 429 storms,
// refused or expired cursors and access tokens revoked early, each counted
// in Stats (GET /_sim/stats).
//
// Everything served is a pure function of the Config (Seed, sizes, the
// anchor time Now at New) and of the mutations applied since (AddCalls,
// ReleaseTranscripts, DeleteCall, AnswerScorecard, EditAnsweredScorecard,
// EditScorecard) and of the clock: two simulators built from the same
// Config answer the same sequence of requests with the same bytes. Only
// small per-call records are stored; extensive records and transcripts are
// regenerated on demand from (seed, call id), which keeps memory flat for
// millions of sentences and guarantees that a re-read returns identical
// data. Records are mutually consistent: party userIds are users,
// transcript speakerIds are the call's parties' speakerIds, speaker talk
// times, question counts, topics and tracker occurrences are computed from
// the transcript itself, and keyword-tracker phrases appear verbatim in it.
//
// Inspection methods (Users, Workspaces, Calls, Transcript, Scorecards,
// AnsweredScorecards, Trackers, LibraryFolders, FolderContent,
// ActivityAggregate, ActivityDaily, InteractionStats, Coaching,
// CallOutcomes, MediaBytes) return exactly what the API serves, so tests
// can compare loaded tables with them. The admin endpoints under /_sim (add
// calls, release late transcripts, delete a call, answer or edit a
// scorecard, stats) take the same Basic credentials as the API.
//
// Settings, library, stats and coaching (gong-api.md §2.9-§2.17) are
// consistent with the calls:
//
//   - GET /v2/settings/scorecards (envelope scorecards, not paginated):
//     a few scorecards per workspace, some disabled, MANUAL and AUTOMATIC;
//     IDs and minRange/maxRange as JSON strings as in real data,
//     updaterUserId "-1" for the system. EditScorecard (or POST
//     /_sim/scorecards/edit) revises a question: answers reviewed from then
//     on name the new questionRevisionId.
//   - POST /v2/stats/activity/scorecards (answeredScorecards, body cursor):
//     answered scorecards are derived per call like extensive records and
//     become visible once their reviewTime (after the call's end) has
//     passed on the simulator clock, so reviews arrive late. Filter dates
//     are YYYY-MM-DD in the company time zone (from inclusive, to
//     exclusive); reviewMethod defaults to MANUAL; filter must be an
//     object. The int64-typed IDs are bare JSON numbers, some
//     answeredScorecardIds beyond 2^53. AnswerScorecard,
//     EditAnsweredScorecard (POST /_sim/scorecards/answer) add and edit.
//   - GET /v2/settings/trackers (keywordTrackers): the keyword trackers the
//     calls mention (first workspace, same IDs and names), plus, with a
//     second workspace, a few of its own that no call mentions.
//   - GET /v2/library/folders and /v2/library/folder-content: a folder tree
//     per workspace whose calls are existing calls of that workspace; the
//     folder itself is at the top level of folder-content; an empty folder
//     answers 200 with "calls": [].
//   - POST /v2/stats/activity/aggregate, …/day-by-day, /v2/stats/interaction:
//     every call yields activity events (hosting, attending as an internal
//     non-host party, comments, scorecards filled and received, and
//     pseudo-random listening, sharing and feedback); a day's array is the
//     calls of a user's events of that kind on that company-time day, an
//     aggregate the sum of the daily array lengths. toDate may not be after
//     today. Some day-by-day arrays carry bare-number IDs, as the spec's
//     examples do. Interaction stats summarise the processed calls a user
//     hosted.
//   - GET /v2/coaching: the manager's direct reports (managerId) with the
//     simulator's CoachingMetricNames; a user managing nobody gets 200 with
//     no directReportsMetrics, an unknown manager or workspace 404.
//   - GET /v2/call-outcomes: every outcome calls carry, and a few more.
//
// OAuth 2.0 (oauth.go) is served on the simulator's own base URL, like
// Gong's: GET /oauth2/authorize approves at once and redirects with a code
// and the state; POST /oauth2/generate-customer-token takes the app's
// client credentials (OAuthClientID, OAuthClientSecret) as HTTP Basic and
// the grant in the query string or a form body, and answers access and
// single-use refresh tokens (a reused one: 400 invalid_grant), expires_in
// (TokenTTL, on the wall clock) and api_base_url_for_customer. A Bearer
// token carries the scopes granted: a /v2 endpoint whose scope
// (EndpointScopes) it lacks answers 401 "You don't have permission to use
// '<scope>' in your app.". OAuthStats, IssuedTokens and ExpireAccessTokens
// are for tests.
//
// Media URLs (extensive with media: true) are served at /_sim/media/ like
// signed object-storage URLs: no Gong authentication (an Authorization
// header is ignored), deterministic bytes per call and kind (MediaBytes),
// single Range requests (206, Content-Range; 416 when unsatisfiable), and
// 403 with an XML body for a bad signature or once expired (MediaTTL,
// default 8h, on the simulator clock). They get no latency, rate limit or
// faults.
//
// Truncated bodies (TruncateRate) announce the full Content-Length and end
// early; net/http then closes the connection, so clients read
// io.ErrUnexpectedEOF. Rate limiting and storms run on the wall clock;
// cursor expiry on Config.Now and on the wall clock (whichever expires
// first); the daily quota (UTC days) and media URL expiry use Config.Now.
package gongsim
