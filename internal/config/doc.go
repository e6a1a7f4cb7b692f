// Package config reads gongload.hcl, the declarative configuration of
// gongload (SPEC §3): one source "gong" block with the settings of the
// extract (base URL, credentials kind, history, rate limits, streams,
// windows) and at most one destination "duckdb" or "parquet" block.
//
// [Load] parses and validates a file and returns what it sets, and only that:
// every attribute is a pointer (or a nil slice or map) in [Source] when the
// file leaves it out, so that the caller can apply its precedence (flag > env
// > file > default) without guessing. The defaults live here as exported
// constants, and [Template] renders them as the commented file that
// `gongload init` writes with [Write].
//
// Every problem is reported, not only the first, as a [Diagnostics] error: a
// terraform-style list of diagnostics, each with a summary, a detail that
// says how to fix it, and the file:line:col of the attribute, value or block
// at fault. Secrets are refused: an attribute named like one (access_key,
// client_secret, password, token…) is an error that points to the
// environment variables and `gongload auth login`, and no diagnostic ever
// contains its value. Paths are used as written (relative paths are relative
// to the working directory), except that a leading ~ expands to the home
// directory.
package config
