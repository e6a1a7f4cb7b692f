package models

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// ID is a Gong identifier. Gong documents IDs as numeric strings of up to 20
// digits and sends most of them as JSON strings, but some endpoints send JSON
// numbers, beyond 2^53. ID accepts both and keeps the digits exactly: it never
// goes through float64. JSON null gives the empty ID.
type ID string

// UnmarshalJSON accepts a JSON string, a JSON number or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return fmt.Errorf("models: empty ID")
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	case string(b) == "null":
		*id = ""
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		if !isInteger(b) {
			return fmt.Errorf("models: ID %s is not an integer", b)
		}
		*id = ID(b)
	default:
		return fmt.Errorf("models: ID must be a string or a number, got %.40s", b)
	}
	return nil
}

func isInteger(b []byte) bool {
	if b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Number is a JSON number that Gong sometimes sends as a string ("1") or
// null: minRange/maxRange of scorecard questions, stat values. It keeps the
// text so nothing is rounded; Valid is false for null or "".
type Number struct {
	Text  string
	Valid bool
}

// UnmarshalJSON accepts a number, a numeric string or null.
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = Number{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = Number{}
			return nil
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("models: %q is not a number", s)
	}
	*n = Number{Text: s, Valid: true}
	return nil
}

// Float returns the number as a float64 (0 when not Valid).
func (n Number) Float() float64 {
	f, _ := strconv.ParseFloat(n.Text, 64)
	return f
}

// Int returns the number as an int64 and whether it is a valid integer.
func (n Number) Int() (int64, bool) {
	i, err := strconv.ParseInt(n.Text, 10, 64)
	return i, n.Valid && err == nil
}

// Time is a Gong timestamp: ISO-8601 with the company's offset and 0 to 9
// fractional digits ("2026-06-10T21:50:07.428+02:00"). Null or "" is the zero
// Time. Loaders store it in UTC.
type Time struct{ time.Time }

// UnmarshalJSON parses RFC 3339 with any fraction; null and "" give zero.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("models: timestamp must be a string, got %.40s", b)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// ParseTime parses a Gong timestamp (RFC 3339 with any fractional digits).
func ParseTime(s string) (time.Time, error) {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("models: %q is not an ISO-8601 timestamp", s)
	}
	return v, nil
}

// Any is a JSON value of no fixed type (CRM field values mix strings and
// numbers). It keeps the raw JSON text.
type Any struct{ json.RawMessage }

// UnmarshalJSON keeps a copy of the value.
func (a *Any) UnmarshalJSON(b []byte) error {
	a.RawMessage = append(a.RawMessage[:0], b...)
	return nil
}

// Text returns a string value as itself and any other value as its JSON text;
// null and absent give ok == false.
func (a Any) Text() (string, bool) {
	b := bytes.TrimSpace(a.RawMessage)
	if len(b) == 0 || string(b) == "null" {
		return "", false
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s, true
		}
	}
	return string(b), true
}

// UnmarshalJSON reads fromDate and toDate, and every other key as a
// counter: an array of call IDs (strings or numbers) or null.
func (d *DailyActivity) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("models: daily activity must be an object: %w", err)
	}
	*d = DailyActivity{Calls: map[string][]ID{}}
	for k, v := range m {
		switch k {
		case "fromDate", "toDate":
			var s *string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("models: daily activity %s must be a string", k)
			}
			if s != nil {
				if k == "fromDate" {
					d.FromDate = *s
				} else {
					d.ToDate = *s
				}
			}
		default:
			var ids []ID
			if err := json.Unmarshal(v, &ids); err != nil {
				return fmt.Errorf("models: daily activity %s must be a list of call IDs: %w", k, err)
			}
			d.Calls[k] = ids
		}
	}
	return nil
}
