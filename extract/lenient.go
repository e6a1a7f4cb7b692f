package extract

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// lenientNumbers make every int64 and float64 of the record types (and
// pointers to them) accept what Gong sends for a number: a JSON number, a
// numeric string ("12", "1.5"), or null and "" (nil for a pointer, zero
// otherwise). An integer field takes a number with a fraction or an exponent
// truncated toward zero. A value of another kind, or a string that is no
// number, is an error naming what it got.
var lenientNumbers = json.WithUnmarshalers(json.JoinUnmarshalers(
	json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v **int64) error {
		n, ok, err := readInt(dec)
		if err == nil {
			*v = nil
			if ok {
				*v = &n
			}
		}
		return err
	}),
	json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *int64) error {
		n, _, err := readInt(dec)
		if err == nil {
			*v = n
		}
		return err
	}),
	json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v **float64) error {
		f, ok, err := readFloat(dec)
		if err == nil {
			*v = nil
			if ok {
				*v = &f
			}
		}
		return err
	}),
	json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *float64) error {
		f, _, err := readFloat(dec)
		if err == nil {
			*v = f
		}
		return err
	}),
))

// numberText reads a number value: the text of a JSON number or of a
// numeric string. ok is false for null and "".
func numberText(dec *jsontext.Decoder) (text string, ok bool, err error) {
	v, err := dec.ReadValue()
	if err != nil {
		return "", false, err
	}
	switch v.Kind() {
	case 'n':
		return "", false, nil
	case '0':
		return string(v), true, nil
	case '"':
		s, _ := unquote(v, nil)
		t := strings.TrimSpace(string(s))
		if t == "" {
			return "", false, nil
		}
		return t, true, nil
	}
	return "", false, fmt.Errorf("want a number, got %s", kindName(v.Kind()))
}

// readFloat reads a lenient float64.
func readFloat(dec *jsontext.Decoder) (float64, bool, error) {
	s, ok, err := numberText(dec)
	if err != nil || !ok {
		return 0, false, err
	}
	f, ok := parseFloat(s)
	if !ok {
		return 0, false, fmt.Errorf("want a number, got %q", clip(s))
	}
	return f, true, nil
}

// readInt reads a lenient int64.
func readInt(dec *jsontext.Decoder) (int64, bool, error) {
	s, ok, err := numberText(dec)
	if err != nil || !ok {
		return 0, false, err
	}
	n, ok := parseInt(s)
	if !ok {
		return 0, false, fmt.Errorf("want an integer, got %q", clip(s))
	}
	return n, true, nil
}

// parseFloat parses a decimal number; NaN, infinities and Go-only syntax
// (hexadecimal, underscores) are refused.
func parseFloat(s string) (float64, bool) {
	if strings.ContainsAny(s, "xXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseInt parses an integer exactly, or a number with a fraction or an
// exponent truncated toward zero when it is within int64's range.
func parseInt(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, ok := parseFloat(s)
	if !ok || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// intOf returns a models.Number for an Int64 column: an integer exactly, a
// number with a fraction truncated toward zero; nil (NULL) for null, "" or
// a value beyond int64.
func intOf(n *models.Number) *int64 {
	if n == nil || !n.Valid {
		return nil
	}
	v, ok := parseInt(n.Text)
	if !ok {
		return nil
	}
	return &v
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// The dates of windows. Windows are cut on UTC boundaries (calendar days and
// months in UTC); Gong's date filters are plain dates.

// dayFloor returns the UTC date of t, as midnight UTC.
func dayFloor(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayCeil returns the first UTC midnight at or after t.
func dayCeil(t time.Time) time.Time {
	f := dayFloor(t)
	if f.Equal(t) {
		return f
	}
	return f.AddDate(0, 0, 1)
}

// dateText formats a date as Gong's date filters want it: YYYY-MM-DD.
func dateText(t time.Time) string { return t.Format(time.DateOnly) }

// westernmost is the time zone whose date is the earliest on Earth (UTC−12):
// its date is never after any company's date.
var westernmost = time.FixedZone("UTC-12", -12*60*60)

// gongToday returns the current date of the company as midnight UTC: the
// date of now in loc, or, when the company's time zone is not known (nil),
// the earliest date anywhere on Earth, so that a toDate clamped to it is
// never after the company's today, whatever its time zone.
func gongToday(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = westernmost
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
