package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what every rendering of a [String] shows instead of its value.
const Redacted = "**redacted**"

// String is a secret value. The zero value is the empty secret.
//
// Its String, GoString, Format, MarshalJSON, MarshalText and LogValue methods
// all render [Redacted], so fmt (every verb, %v, %+v, %#v, %s, %q, %x…),
// encoding/json, text marshalling and log/slog never show the value. Use
// [String.Reveal] where the value must go on the wire.
//
// One hole remains: encoding/json writes map keys of a string kind as they
// are, without calling MarshalText, so never use a String as a map key.
type String string

// Reveal returns the secret value. Call it only to put the value on the wire.
func (s String) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty, without revealing it.
func (s String) IsZero() bool { return s == "" }

// String implements [fmt.Stringer].
func (s String) String() string { return Redacted }

// GoString implements [fmt.GoStringer] (the %#v verb).
func (s String) GoString() string { return `secret.String("` + Redacted + `")` }

// Format implements [fmt.Formatter] so that no verb (not %x, not %q) can
// print the underlying bytes.
func (s String) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", Redacted)
	case 'v':
		if f.Flag('#') {
			_, _ = f.Write([]byte(s.GoString()))
			return
		}
		_, _ = f.Write([]byte(Redacted))
	default:
		_, _ = f.Write([]byte(Redacted))
	}
}

// MarshalJSON implements json.Marshaler: a secret is encoded as "**redacted**".
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (used by text-based encoders).
func (s String) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue implements [slog.LogValuer].
func (s String) LogValue() slog.Value { return slog.StringValue(Redacted) }
