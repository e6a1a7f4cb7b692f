// Package cli is gongload's command line (github.com/urfave/cli/v3): it
// parses flags and environment into settings, wires extract, load and the
// apply engine together, renders results, and decides the exit code in one
// place (ExitCode).
package cli
