//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package auth

// lockFile is a no-op where flock is not available: refreshes are still
// serialised within the process, and the token file is still re-read
// before each refresh.
func lockFile(string) (func(), error) { return func() {}, nil }
