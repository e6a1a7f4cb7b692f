package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// Streams returns every stream, in SPEC §4 order. Each call returns new
// values that allocate with memory.DefaultAllocator.
func Streams() []Stream {
	return []Stream{
		&UsersStream{},
		&WorkspacesStream{},
		&CallsStream{},
		&TranscriptsStream{},
		&AnsweredScorecardsStream{},
		&ScorecardsStream{},
		&TrackersStream{},
		&LibraryFoldersStream{},
		&LibraryFolderContentStream{},
		&ActivityAggregateStream{},
		&ActivityDailyStream{},
		&InteractionStatsStream{},
		&CoachingStream{},
	}
}

// Lookup returns the stream with the given name (SPEC §4).
func Lookup(name string) (Stream, bool) {
	for _, s := range Streams() {
		if s.Name() == name {
			return s, true
		}
	}
	return nil, false
}

// StreamNames returns the names of every stream, in SPEC §4 order.
func StreamNames() []string {
	ss := Streams()
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name()
	}
	return names
}

// The rest of this file holds what the streams' page handlers share.

// orDefault returns mem, or memory.DefaultAllocator when mem is nil.
func orDefault(mem memory.Allocator) memory.Allocator {
	if mem == nil {
		return memory.DefaultAllocator
	}
	return mem
}

// filterTime formats a window bound the way Gong's date filters want it:
// YYYY-MM-DDTHH:MM:SSZ in UTC, without fractional seconds.
func filterTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// MaxCallIDs is the most call IDs sent in one request's filter.callIds:
// Gong documents no limit, and the integrations that batch by ID send at
// most 100. A targeted unit with more is fetched in several listings.
const MaxCallIDs = 100

// windowFilters returns the filters of a unit of a call-windowed endpoint
// (/v2/calls/extensive, /v2/calls/transcript), one per listing: callIds for
// a targeted unit (no dates then; MaxCallIDs a listing), else
// fromDateTime/toDateTime for its non-zero bounds; and workspaceId when the
// unit is restricted to one workspace.
func windowFilters(u Unit) []map[string]any {
	var out []map[string]any
	if len(u.CallIDs) > 0 {
		for ids := range slices.Chunk(u.CallIDs, MaxCallIDs) {
			out = append(out, map[string]any{"callIds": slices.Clone(ids)})
		}
	} else {
		f := map[string]any{}
		if !u.From.IsZero() {
			f["fromDateTime"] = filterTime(u.From)
		}
		if !u.To.IsZero() {
			f["toDateTime"] = filterTime(u.To)
		}
		out = append(out, f)
	}
	if u.WorkspaceID != "" {
		for _, f := range out {
			f["workspaceId"] = u.WorkspaceID
		}
	}
	return out
}

// seenSet is the set of parent keys a unit has staged, so that a record that
// comes again (pages shift while Gong processes calls) is skipped: a Tx must
// not stage a key twice. The keys added since the last endPage are forgotten
// by discard, for a page that is fetched again.
type seenSet struct {
	all  map[string]struct{}
	page []string
}

// add records key and reports whether it is new to the unit.
func (s *seenSet) add(key string) bool {
	if s.all == nil {
		s.all = make(map[string]struct{})
	}
	if _, ok := s.all[key]; ok {
		return false
	}
	s.all[key] = struct{}{}
	s.page = append(s.page, key)
	return true
}

// has reports whether key was added.
func (s *seenSet) has(key string) bool {
	_, ok := s.all[key]
	return ok
}

// discard forgets the keys added since the last endPage.
func (s *seenSet) discard() {
	for _, k := range s.page {
		delete(s.all, k)
	}
	s.page = s.page[:0]
}

// endPage keeps the keys of the page.
func (s *seenSet) endPage() { s.page = s.page[:0] }

// resetBuilder drops every row appended to b since its last batch, column by
// column: after a record failed half-way its columns may differ in length,
// which models.Builder.Reset does not expect.
func resetBuilder(b *models.Builder) {
	for i := range b.Table().Columns {
		if fb := b.Field(i); fb.Len() > 0 {
			fb.NewArray().Release()
		}
	}
}

// readRecord reads one record value from dec and unmarshals it into v. It
// returns the record's bytes exactly as received (invalid UTF-8 aside, see
// validUTF8); they are valid until the next read from dec. A record that
// does not fit v gives an error naming the field and its JSON pointer in the
// page.
func readRecord(dec *jsontext.Decoder, stream string, v any) (jsontext.Value, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, readError(stream, err)
	}
	if k := raw.Kind(); k != '{' {
		return nil, fmt.Errorf("%s: record at %s: want a JSON object, got %s", stream, pointer(dec), kindName(k))
	}
	if err := json.Unmarshal(raw, v, unmarshalOptions); err != nil {
		return nil, fieldError(stream, pointer(dec), err)
	}
	return validUTF8(raw), nil
}

// readError wraps an error of the decoder itself (I/O, truncation, syntax)
// so that errors.Is still finds its cause: the client retries a truncated
// page.
func readError(stream string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s: reading a record: %w", stream, err)
}

// fieldError turns an unmarshal error of the record at recPtr into an error
// naming the field (as a dotted path) and its JSON pointer in the page.
func fieldError(stream string, recPtr jsontext.Pointer, err error) error {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: record at %s: %w", stream, recPtr, err)
	}
	field := dottedField(se.JSONPointer)
	where := string(recPtr) + string(se.JSONPointer)
	var what string
	switch {
	case se.Err != nil && se.JSONKind != 0:
		what = fmt.Sprintf("got %s: %v", kindName(se.JSONKind), trimModels(se.Err))
	case se.Err != nil:
		what = trimModels(se.Err)
	case se.GoType != nil && se.JSONKind != 0:
		what = fmt.Sprintf("want %s, got %s", goKindName(se.GoType), kindName(se.JSONKind))
	default:
		what = err.Error()
	}
	if field == "" {
		return fmt.Errorf("%s: record at %s: %s", stream, where, what)
	}
	return fmt.Errorf("%s: field %s at %s: %s", stream, field, where, what)
}

// dottedField renders a JSON pointer inside a record as a field path with
// array positions left out: /parties/2/methods/0 → parties.methods.
func dottedField(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			continue
		}
		parts = append(parts, tok)
	}
	return strings.Join(parts, ".")
}

// trimModels drops the "models: " prefix of the record types' errors.
func trimModels(err error) string {
	return strings.TrimPrefix(err.Error(), "models: ")
}

// goKindName names what a Go type wants in JSON terms.
func goKindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// kindName names a JSON kind for an error message.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 0:
		return "nothing"
	}
	return k.String()
}

// pointer returns the JSON pointer of the value dec read last.
func pointer(dec *jsontext.Decoder) jsontext.Pointer {
	p := dec.StackPointer()
	if p == "" {
		return "/"
	}
	return p
}

// more reports whether the object or array being read (ending with end) has
// another member; at its end it consumes the end token.
func more(dec *jsontext.Decoder, end jsontext.Kind) (bool, error) {
	switch dec.PeekKind() {
	case end:
		_, err := dec.ReadToken()
		return false, err
	case 0: // an error: ReadToken reports it
		_, err := dec.ReadToken()
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return false, err
	}
	return true, nil
}

// idText returns the text of an ID value (a JSON string, or a JSON integer
// whose digits are kept: never through float64) and whether it was null. It
// also returns scratch, grown, as unquote does.
func idText(v jsontext.Value, scratch []byte) (id []byte, null bool, grown []byte, err error) {
	switch v.Kind() {
	case 'n':
		return nil, true, scratch, nil
	case '"':
		s, grown := unquote(v, scratch)
		return s, false, grown, nil
	case '0':
		b := []byte(v)
		digits := b
		if len(digits) > 0 && digits[0] == '-' {
			digits = digits[1:]
		}
		if len(digits) == 0 || bytes.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return nil, false, scratch, fmt.Errorf("the ID %s is not an integer", v)
		}
		return b, false, scratch, nil
	}
	return nil, false, scratch, fmt.Errorf("want a string or a number (an ID), got %s", kindName(v.Kind()))
}

// unquote returns the contents of a JSON string value that a Decoder read
// (so its syntax is valid): the bytes inside the quotes when it has no escape
// and is valid UTF-8, else its unescaped text, with invalid UTF-8 replaced by
// U+FFFD, appended to scratch[:0]. It also returns scratch, grown, for reuse.
func unquote(v jsontext.Value, scratch []byte) (s, grown []byte) {
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner, scratch
	}
	b, _ := jsontext.AppendUnquote(scratch[:0], v) // only invalid UTF-8 can fail, and it is replaced
	return b, b
}

// validUTF8 returns b, or a copy with invalid UTF-8 replaced by U+FFFD: the
// client's decoder lets a stray invalid byte through, a warehouse string
// column must not.
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

// unmarshalOptions match the client's decoder: a duplicated member name or a
// stray invalid UTF-8 byte (replaced by U+FFFD) does not fail a record. And
// numbers are lenient (lenientNumbers): "12" or null where Gong documents a
// number does not fail a page.
var unmarshalOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true), lenientNumbers)
