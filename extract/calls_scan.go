package extract

import (
	"bytes"
	encjson "encoding/json"
	"errors"
	"strconv"
	"time"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// The calls stream's fast decoder: a /v2/calls/extensive record, already
// read (and so checked) by the client's decoder, is scanned byte by byte
// into a fastCall, whose strings are views of the record, then flattened
// with typed appends (appendFast). It only takes the records it decodes
// exactly as the reflective decoder does (models.Call through json.Unmarshal
// with unmarshalOptions, partyContexts, and withoutMember for _raw): on
// anything else (a value of an unexpected kind, a duplicated member name
// anywhere, an escaped member name, invalid UTF-8, an escape sequence that
// is not valid UTF-16, a value the lenient types refuse) it gives up with
// errSlow before it has appended anything, and the record goes the
// reflective way, which gives the same rows or the same error as ever.

// errSlow is the fast decoder giving a record up to the reflective one.
var errSlow = errors.New("extract: record left to the reflective decoder")

// maxScanNames is the most member names an object may have in the fast
// decoder (duplicates are looked for pairwise).
const maxScanNames = 64

// callScanner reads one JSON value whose syntax is known to be valid.
type callScanner struct {
	b     []byte
	i     int
	names [][]byte // member names of the objects being read, innermost last
	arena []byte   // unescaped strings
	tmp   []byte   // scratch for checking escapes
}

func (s *callScanner) reset(b []byte) {
	s.b, s.i = b, 0
	s.names = s.names[:0]
	s.arena = s.arena[:0]
}

// ws skips white space and returns the next byte (0 at the end).
func (s *callScanner) ws() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// strTok reads the string at s.i and returns its span, quotes included,
// and whether it has an escape sequence.
func (s *callScanner) strTok() (lo, hi int, esc bool, err error) {
	b := s.b
	lo = s.i
	start := lo + 1
	if start > len(b) {
		return 0, 0, false, errSlow
	}
	q := bytes.IndexByte(b[start:], '"')
	if q < 0 {
		return 0, 0, false, errSlow
	}
	end := start + q
	if bytes.IndexByte(b[start:end], '\\') < 0 {
		s.i = end + 1
		return lo, end + 1, false, nil
	}
	for j := start; j < len(b); {
		switch b[j] {
		case '\\':
			j += 2
		case '"':
			s.i = j + 1
			return lo, j + 1, true, nil
		default:
			j++
		}
	}
	return 0, 0, false, errSlow
}

// checkEscapes gives up on a string whose escapes are not valid UTF-16
// (the reflective path treats those apart).
func (s *callScanner) checkEscapes(quoted []byte) error {
	var err error
	s.tmp, err = jsontext.AppendUnquote(s.tmp[:0], quoted)
	if err != nil {
		return errSlow
	}
	return nil
}

// checkedTok is strTok, then checkEscapes on a string with escapes.
func (s *callScanner) checkedTok() (lo, hi int, esc bool, err error) {
	lo, hi, esc, err = s.strTok()
	if err == nil && esc {
		err = s.checkEscapes(s.b[lo:hi])
	}
	return lo, hi, esc, err
}

// str reads a string value: its contents, unescaped.
func (s *callScanner) str() ([]byte, error) {
	lo, hi, esc, err := s.strTok()
	if err != nil {
		return nil, err
	}
	if !esc {
		return s.b[lo+1 : hi-1], nil
	}
	n := len(s.arena)
	s.arena, err = jsontext.AppendUnquote(s.arena, s.b[lo:hi])
	if err != nil {
		return nil, errSlow
	}
	return s.arena[n:len(s.arena):len(s.arena)], nil
}

// lit reads the literal word (true, false or null) at s.i.
func (s *callScanner) lit(word string) error {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return errSlow
	}
	s.i += len(word)
	return nil
}

// numTok reads the number at s.i.
func (s *callScanner) numTok() ([]byte, error) {
	lo := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '-', '+', '.', 'e', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			s.i++
			continue
		}
		break
	}
	if s.i == lo {
		return nil, errSlow
	}
	return s.b[lo:s.i], nil
}

// obj starts reading an object; null gives null true. Anything else gives
// up. base is for member.
func (s *callScanner) obj() (null bool, base int, err error) {
	switch s.ws() {
	case '{':
		s.i++
		return false, len(s.names), nil
	case 'n':
		return true, 0, s.lit("null")
	}
	return false, 0, errSlow
}

// member reads the next member name of the object started by obj (and the
// colon after it); ok is false at the end of the object. A duplicated or
// escaped name gives up.
func (s *callScanner) member(base int, first bool) (name []byte, ok bool, err error) {
	c := s.ws()
	if c == '}' {
		s.i++
		s.names = s.names[:base]
		return nil, false, nil
	}
	if !first {
		if c != ',' {
			return nil, false, errSlow
		}
		s.i++
		c = s.ws()
	}
	if c != '"' {
		return nil, false, errSlow
	}
	lo, hi, esc, err := s.strTok()
	if err != nil || esc {
		return nil, false, errSlow
	}
	name = s.b[lo+1 : hi-1]
	seen := s.names[base:]
	if len(seen) >= maxScanNames {
		return nil, false, errSlow
	}
	for _, n := range seen {
		if bytes.Equal(n, name) {
			return nil, false, errSlow
		}
	}
	s.names = append(s.names, name)
	if s.ws() != ':' {
		return nil, false, errSlow
	}
	s.i++
	s.ws()
	return name, true, nil
}

// arr starts reading an array; null gives null true. Anything else gives
// up.
func (s *callScanner) arr() (null bool, err error) {
	switch s.ws() {
	case '[':
		s.i++
		return false, nil
	case 'n':
		return true, s.lit("null")
	}
	return false, errSlow
}

// elem reports whether the array has another element, and moves to it.
func (s *callScanner) elem(first bool) (bool, error) {
	c := s.ws()
	if c == ']' {
		s.i++
		return false, nil
	}
	if !first {
		if c != ',' {
			return false, errSlow
		}
		s.i++
		s.ws()
	}
	return true, nil
}

// members reads an object, as obj and member do: fn is called with each
// member's name and s.i at its value, and must read that value. null reads
// nothing; anything else, or an error from fn, gives up.
func (s *callScanner) members(fn func(name []byte) error) error {
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		if err := fn(name); err != nil {
			return err
		}
	}
}

// elems reads an array, as arr and elem do: each is called with s.i at
// every element, and must read it. null reads nothing and gives null true;
// anything else, or an error from each, gives up.
func (s *callScanner) elems(each func() error) (null bool, err error) {
	if null, err := s.arr(); err != nil || null {
		return null, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return false, err
		}
		if err := each(); err != nil {
			return false, err
		}
	}
}

// objList reads an array of objects onto *dst, one element an object
// (null is the zero T), and returns the span of *dst it appended. Each
// element is appended before its members are read, and set reads the value
// of each member into it; set must not append to *dst itself (nested lists
// go to other slices), since the element is addressed in place.
func objList[T any](s *callScanner, dst *[]T, set func(v *T, name []byte) error) (span, error) {
	lo := len(*dst)
	_, err := s.elems(func() error {
		i := len(*dst)
		var zero T
		*dst = append(*dst, zero)
		return s.members(func(name []byte) error { return set(&(*dst)[i], name) })
	})
	return span{lo, len(*dst)}, err
}

// skip reads any value, with the checks of member and checkEscapes.
func (s *callScanner) skip() error {
	switch c := s.ws(); c {
	case '"':
		_, _, _, err := s.checkedTok()
		return err
	case '{':
		return s.members(func([]byte) error { return s.skip() })
	case '[':
		_, err := s.elems(s.skip)
		return err
	case 't':
		return s.lit("true")
	case 'f':
		return s.lit("false")
	case 'n':
		return s.lit("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		_, err := s.numTok()
		return err
	}
	return errSlow
}

// The values of the record types, as the fast decoder keeps them.
type (
	// jstr is a nullable string (*string): its bytes, and ok false for
	// null or absent.
	jstr struct {
		b  []byte
		ok bool
	}
	optInt struct {
		v  int64
		ok bool
	}
	optFloat struct {
		v  float64
		ok bool
	}
	optBool struct {
		v, ok bool
	}
	// span is a range of a fastCall's flat slice.
	span struct{ lo, hi int }
)

// optStr reads a *string.
func (s *callScanner) optStr() (jstr, error) {
	switch s.ws() {
	case 'n':
		return jstr{}, s.lit("null")
	case '"':
		b, err := s.str()
		return jstr{b, true}, err
	}
	return jstr{}, errSlow
}

// plainStr reads a string (null is "").
func (s *callScanner) plainStr() ([]byte, error) {
	switch s.ws() {
	case 'n':
		return nil, s.lit("null")
	case '"':
		return s.str()
	}
	return nil, errSlow
}

// optBool reads a *bool.
func (s *callScanner) optBool() (optBool, error) {
	switch s.ws() {
	case 'n':
		return optBool{}, s.lit("null")
	case 't':
		return optBool{true, true}, s.lit("true")
	case 'f':
		return optBool{false, true}, s.lit("false")
	}
	return optBool{}, errSlow
}

// id reads a models.ID: "" for null.
func (s *callScanner) id() ([]byte, error) {
	switch c := s.ws(); c {
	case 'n':
		return nil, s.lit("null")
	case '"':
		lo, hi, esc, err := s.checkedTok()
		if err != nil {
			return nil, err
		}
		if !esc {
			return s.b[lo+1 : hi-1], nil
		}
		var id models.ID
		if err := id.UnmarshalJSON(s.b[lo:hi]); err != nil {
			return nil, errSlow
		}
		return []byte(id), nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		t, err := s.numTok()
		if err != nil {
			return nil, err
		}
		d := t
		if d[0] == '-' {
			d = d[1:]
		}
		if len(d) == 0 {
			return nil, errSlow
		}
		for _, c := range d {
			if c < '0' || c > '9' {
				return nil, errSlow
			}
		}
		return t, nil
	}
	return nil, errSlow
}

// numText reads a lenient number's text, as numberText does; ok is false
// for null and "".
func (s *callScanner) numText() (text []byte, ok bool, err error) {
	switch c := s.ws(); c {
	case 'n':
		return nil, false, s.lit("null")
	case '"':
		lo, hi, _, err := s.checkedTok()
		if err != nil {
			return nil, false, err
		}
		u, grown := unquote(jsontext.Value(s.b[lo:hi]), s.tmp)
		s.tmp = grown
		t := bytes.TrimSpace(u)
		return t, len(t) > 0, nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		t, err := s.numTok()
		return t, err == nil, err
	}
	return nil, false, errSlow
}

// view returns b as a string without copying, for parsing only: the
// string must not outlive the call it is passed to.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// lenient reads a lenient number (lenientNumbers) with parse: ok is false
// for null and "".
func lenient[T int64 | float64](s *callScanner, parse func(string) (T, bool)) (v T, ok bool, err error) {
	t, ok, err := s.numText()
	if err != nil || !ok {
		return 0, false, err
	}
	if v, ok = parse(view(t)); !ok {
		return 0, false, errSlow
	}
	return v, true, nil
}

// lenInt reads a lenient int64 (lenientNumbers): nil for null and "".
func (s *callScanner) lenInt() (optInt, error) {
	v, ok, err := lenient(s, parseInt)
	return optInt{v, ok}, err
}

// lenFloat reads a lenient float64 (lenientNumbers): nil for null and "".
func (s *callScanner) lenFloat() (optFloat, error) {
	v, ok, err := lenient(s, parseFloat)
	return optFloat{v, ok}, err
}

// number reads a *models.Number as its Float64 column takes it: its value,
// or not ok for null and "".
func (s *callScanner) number() (optFloat, error) {
	switch c := s.ws(); c {
	case 'n':
		return optFloat{}, s.lit("null")
	case '"':
		lo, hi, esc, err := s.checkedTok()
		if err != nil {
			return optFloat{}, err
		}
		if esc {
			var n models.Number
			if err := n.UnmarshalJSON(s.b[lo:hi]); err != nil {
				return optFloat{}, errSlow
			}
			return optFloat{n.Float(), n.Valid}, nil
		}
		t := s.b[lo+1 : hi-1]
		if len(t) == 0 {
			return optFloat{}, nil
		}
		f, err := strconv.ParseFloat(view(t), 64)
		if err != nil {
			return optFloat{}, errSlow
		}
		return optFloat{f, true}, nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		t, err := s.numTok()
		if err != nil {
			return optFloat{}, err
		}
		f, err := strconv.ParseFloat(view(t), 64)
		if err != nil {
			return optFloat{}, errSlow
		}
		return optFloat{f, true}, nil
	}
	return optFloat{}, errSlow
}

// time reads a models.Time: zero for null and "".
func (s *callScanner) time() (time.Time, error) {
	switch s.ws() {
	case 'n':
		return time.Time{}, s.lit("null")
	case '"':
		lo, hi, esc, err := s.checkedTok()
		if err != nil {
			return time.Time{}, err
		}
		if esc {
			var t models.Time
			if err := t.UnmarshalJSON(s.b[lo:hi]); err != nil {
				return time.Time{}, errSlow
			}
			return t.Time, nil
		}
		t := s.b[lo+1 : hi-1]
		if len(t) == 0 {
			return time.Time{}, nil
		}
		v, err := models.ParseTime(string(t))
		if err != nil {
			return time.Time{}, errSlow
		}
		return v, nil
	}
	return time.Time{}, errSlow
}

// anyText reads a models.Any as its Text gives it: a string as itself, any
// other value as its JSON text, null as not ok.
func (s *callScanner) anyText() (jstr, error) {
	switch s.ws() {
	case 'n':
		return jstr{}, s.lit("null")
	case '"':
		lo, hi, esc, err := s.checkedTok()
		if err != nil {
			return jstr{}, err
		}
		if !esc {
			return jstr{s.b[lo+1 : hi-1], true}, nil
		}
		var v string
		if encjson.Unmarshal(s.b[lo:hi], &v) != nil {
			return jstr{s.b[lo:hi], true}, nil
		}
		return jstr{[]byte(v), true}, nil
	}
	lo := s.i
	if err := s.skip(); err != nil {
		return jstr{}, err
	}
	return jstr{bytes.TrimSpace(s.b[lo:s.i]), true}, nil
}

// nullKey stands for NULL in a child key, as str does.
var nullKey = []byte{1}

// keyOf is str for a jstr: the string, or "\x01" for null.
func keyOf(s jstr) []byte {
	if !s.ok {
		return nullKey
	}
	return s.b
}
