// Package apply runs a sync: it turns the plan's windows into units of work,
// runs them concurrently (bounded by the configured concurrency; the shared
// rate limiter of the extract.Client spreads requests across streams), and
// commits each unit's rows with its state record in one destination
// transaction. The state only ever moves after a commit, like a source that
// advances its position only after the sink acknowledged. A unit's commit
// runs apart from the worker that fetched it (at most as many commits
// pending as workers), so units waiting for the destination's one writer
// do not keep the rate limit idle: the workers are the requests in flight.
//
// Failures are isolated per stream: a stream whose unit fails (a missing
// OAuth scope, a plan-gated endpoint) stops scheduling its remaining units
// while the other streams go on; the result reports it and the command exits
// 3. A spent quota (or a Retry-After beyond max_wait) and a first interrupt
// stop scheduling new units, let the units in flight commit, and return; a
// cancelled context (the second interrupt) abandons them (rolled back).
package apply
