// Command bench is gongload's benchmark suite (`make bench`). It measures;
// it never fails on a number (the tests assert behaviour).
//
// Every figure comes from the real binary: bench runs `bin/gongload apply`
// as a child process, so its wall time, CPU seconds (user + system, every
// thread, DuckDB's included) and peak RSS come from the child's rusage.
// The child talks to a loopback replay server in this process. Before the
// clock starts, an untimed warm-up pass of the same apply against
// internal/gongsim records every answer, keyed by method, path, query and
// body; the timed passes are then served from memory, so the simulator's
// page generation is outside every timed section and serving costs next to
// nothing. A request the recording lacks is passed to the simulator and
// counted (replay_misses, printed only when not zero).
//
// It prints one JSON object per line, {"bench": NAME, …figures}:
//
//   - backfill_duckdb, backfill_parquet: users, workspaces, calls with every
//     content selector and ≥ 2 M transcript sentences over 365 days into a
//     new destination, unthrottled. sentences is count(*) of
//     transcript_sentences after the run; json_mb_per_s is the bytes of the
//     API answers (10^6 B) over the wall time; peak_rss_mb is in MiB. The
//     best of -runs runs is shown, with the spread of their wall times.
//   - anchor_read_json: the same transcript pages saved as files and loaded
//     by DuckDB's own read_json + UNNEST into the transcript_sentences shape
//     (in a child process, DuckDB's default settings); ratio is
//     backfill_duckdb's sentences_per_s over the anchor's.
//   - rate_saturation: the replay server limited to 20 requests/s (a token
//     bucket answering 429 + Retry-After, like gongsim) with 300 ms ± 100 ms
//     of latency a request; gongload runs with --rate-limit 20 and its
//     default concurrency. achieved_rps counts the answered requests between
//     the first arrival and the last answer.
//   - memory_scaling: peak RSS of backfills of 1 M and 5 M sentences (same
//     365 days, denser), growth = large / small − 1.
//   - request_efficiency: requests of the backfill and of an incremental
//     apply right after it, against the minimum computed from the
//     simulator's data: per 7-day window (the plan's grid) max(1,
//     ceil(records / 100)) for calls and transcripts, the pages of the
//     full-refresh streams, and for the incremental run the windows that
//     reach into the lookback.
//
// Flags: -bin (the gongload binary, default bin/gongload), -runs, -scale
// (multiplies the dataset sizes, e.g. 0.1 for a smoke run), -only (a
// comma-separated list of bench names), -cpuprofile DIR (sets
// GONGLOAD_CPUPROFILE for the timed backfills), -keep (keep the work
// directory), -vlog (save the timed children's -v logs beside the profiles),
// -streams (the streams of the backfills).
package main
