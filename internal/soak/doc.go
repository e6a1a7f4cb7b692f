// Command soak is gongload's soak test (`make soak`, not in CI): a longer
// backfill under every simulator fault, with the real binary killed
// (SIGKILL) at random moments and restarted, whose final contents must equal
// a fault-free backfill of the same account.
//
// It starts two simulators in-process on 127.0.0.1, built from the same
// Config and a clock standing still at the start, so both serve the same
// data: a clean one, and one with every fault on (latency with jitter, 5xx,
// truncated and malformed bodies, connection resets, 429 storms, refused
// and expired cursors, and, with -oauth, access tokens revoked early). It
// runs `bin/gongload apply` once against the clean one into ref.duckdb;
// then, against the faulty one into soak.duckdb, starts apply -kills times
// and SIGKILLs it after a random 0.2–3 s (-min-delay, -max-delay); then
// lets one more apply finish. It compares the two files table by table
// (count and sum(hash(row)) of every column but _loaded_at and _run_id, as
// the tests do) and prints one JSON line:
//
//	{"soak":"…","faults_injected":{…per kind…},"kills":10,"restarts":11,"equal":true,"seconds":…}
//
// restarts counts the applies started after a kill (the last one
// included); partial_runs the applies that ended with exit 3 (a stream
// failed, e.g. a window whose cursor expired too often; the next apply redoes
// it); relogins the times the OAuth token file had to be replaced because
// a kill landed between a refresh and the write of its new pair (Gong's
// refresh tokens are single use: that window cannot be closed). The exit
// status is non-zero only when the contents differ or something crashed
// (an apply ended otherwise than 0, 3, or by the kill).
//
// Usage, after `make build`:
//
//	go run -tags=duckdb_arrow ./internal/soak [-kills 10] [-calls 2000] [-days 60] [-oauth=false] [-keep]
//
// Traffic goes to 127.0.0.1 only.
package main
