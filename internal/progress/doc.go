// Package progress shows a run's progress: one bar per stream on a terminal
// (github.com/vbauerster/mpb), plain log lines otherwise (CI, cron, pipes),
// so long work is never silent.
package progress
