package cli

import (
	"errors"
	"fmt"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/apply"
)

// Exit codes (SPEC §3).
const (
	ExitOK          = 0
	ExitError       = 1
	ExitChanges     = 2 // plan --detailed-exitcode found changes
	ExitPartial     = 3 // some streams failed, the others committed
	ExitQuota       = 4 // daily quota or a long Retry-After: checkpointed
	ExitInterrupted = 130
)

// exitError carries an exit code with the message to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that ExitCode returns code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// userError is an error whose message is meant for the user as it is.
func userError(format string, args ...any) error { return fmt.Errorf(format, args...) }

// ExitCode decides the process exit code for err, in one place.
func ExitCode(err error) int {
	var ee *exitError
	var rl *extract.RateLimitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, apply.ErrInterrupted):
		return ExitInterrupted
	case errors.As(err, &rl):
		return ExitQuota
	default:
		return ExitError
	}
}
