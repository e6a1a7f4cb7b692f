package extract

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// rowSet holds the rows of one page for the tables of a stream (one builder
// each, parents first), the keys the unit has staged, and the page's parent
// keys that scope the child tables. It is what the page handlers of the
// answered-scorecards, settings, library, stats and coaching streams share.
type rowSet struct {
	mem     memory.Allocator
	b       []*models.Builder
	seen    seenSet // table name + key: staged by the unit
	parents [][]any // the page's parents (a child table's ParentKey values)
	key     strings.Builder
}

func newRowSet(mem memory.Allocator, tables ...*models.Table) *rowSet {
	r := &rowSet{mem: mem}
	for _, t := range tables {
		r.b = append(r.b, models.NewBuilder(mem, t))
	}
	return r
}

// builder returns the builder of table t.
func (r *rowSet) builder(t *models.Table) *models.Builder {
	for _, b := range r.b {
		if b.Table() == t {
			return b
		}
	}
	panic("extract: no builder for " + t.Name)
}

// newKey reports whether the key k of table t is new to the unit, and
// records it: a Tx must not stage a key twice.
func (r *rowSet) newKey(t *models.Table, k ...string) bool {
	r.key.Reset()
	r.key.WriteString(t.Name)
	for _, s := range k {
		r.key.WriteByte(0)
		r.key.WriteString(s)
	}
	return r.seen.add(r.key.String())
}

// scope adds a parent (its key in the order of the child tables' ParentKey)
// whose child rows the page replaces.
func (r *rowSet) scope(key ...any) { r.parents = append(r.parents, key) }

// discard drops the page's rows, keys and parents: it is fetched again.
func (r *rowSet) discard() {
	for _, b := range r.b {
		resetBuilder(b)
	}
	r.seen.discard()
	r.parents = r.parents[:0]
}

// flush sends the page: each table's batch, parents first, a child table's
// Scope (the page's parents) before its batch. Empty batches are not
// written.
func (r *rowSet) flush(ctx context.Context, sink Sink) error {
	r.seen.endPage()
	parents := r.parents
	r.parents = r.parents[:0]
	batches := make([]arrow.RecordBatch, len(r.b))
	for i, b := range r.b {
		batches[i] = b.NewBatch()
	}
	defer func() {
		for _, rec := range batches {
			rec.Release()
		}
	}()
	for i, b := range r.b {
		t := b.Table()
		if !t.IsEntity() && len(parents) > 0 {
			keys, err := keyBatch(r.mem, t, parents)
			if err != nil {
				return err
			}
			err = sink.Scope(ctx, t, keys)
			keys.Release()
			if err != nil {
				return err
			}
		}
		if batches[i].NumRows() > 0 {
			if err := sink.Write(ctx, t, batches[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *rowSet) release() {
	for _, b := range r.b {
		b.Release()
	}
}

// keyBatch returns a batch of parent keys of child table t (t.KeySchema()):
// one row per key, whose values are strings for string columns and
// time.Time (a UTC midnight) for date columns. The caller releases it.
func keyBatch(mem memory.Allocator, t *models.Table, keys [][]any) (arrow.RecordBatch, error) {
	rb := array.NewRecordBuilder(mem, t.KeySchema())
	defer rb.Release()
	for _, k := range keys {
		if len(k) != len(t.ParentKey) {
			return nil, fmt.Errorf("extract: %s: a parent key of %d values for %d columns", t.Name, len(k), len(t.ParentKey))
		}
		for i, v := range k {
			switch fb := rb.Field(i).(type) {
			case *array.StringBuilder:
				s, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("extract: %s.%s: parent key value %T, want a string", t.Name, t.ParentKey[i], v)
				}
				fb.Append(s)
			case *array.Date32Builder:
				d, ok := v.(time.Time)
				if !ok {
					return nil, fmt.Errorf("extract: %s.%s: parent key value %T, want a time.Time", t.Name, t.ParentKey[i], v)
				}
				fb.Append(arrow.Date32FromTime(d))
			default:
				return nil, fmt.Errorf("extract: %s.%s: no parent key support for %T", t.Name, t.ParentKey[i], fb)
			}
		}
	}
	return rb.NewRecordBatch(), nil
}

// recordPage is the PageHandler of a stream whose records decode whole into
// T and flatten into rows of a rowSet: add appends one record's rows (after
// checking all it needs, so that a failing record appends nothing) and
// names the parents it scopes. EndPage sends the page.
type recordPage[T any] struct {
	*rowSet
	ctx    context.Context
	sink   Sink
	stream string
	add    func(r *rowSet, rec *T, raw jsontext.Value, at jsontext.Pointer) error
}

func newRecordPage[T any](ctx context.Context, mem memory.Allocator, sink Sink, stream string,
	add func(*rowSet, *T, jsontext.Value, jsontext.Pointer) error, tables ...*models.Table) *recordPage[T] {
	return &recordPage[T]{rowSet: newRowSet(mem, tables...), ctx: ctx, sink: sink, stream: stream, add: add}
}

// Record decodes one record and appends its rows.
func (p *recordPage[T]) Record(dec *jsontext.Decoder) error {
	var rec T
	raw, err := readRecord(dec, p.stream, &rec)
	if err != nil {
		return err
	}
	return p.add(p.rowSet, &rec, raw, pointer(dec))
}

// Discard drops the page's rows.
func (p *recordPage[T]) Discard() { p.discard() }

// EndPage sends the page's batches.
func (p *recordPage[T]) EndPage(PageInfo) error { return p.flush(p.ctx, p.sink) }

// collectPage is a PageHandler that keeps every record decoded into T: the
// listings a stream makes for itself (workspaces, users, folders).
type collectPage[T any] struct {
	stream string
	all    []T
	mark   int // len(all) at the last EndPage
}

// Record decodes one record and keeps it.
func (p *collectPage[T]) Record(dec *jsontext.Decoder) error {
	var v T
	if _, err := readRecord(dec, p.stream, &v); err != nil {
		return err
	}
	p.all = append(p.all, v)
	return nil
}

// Discard forgets the records of the page.
func (p *collectPage[T]) Discard() { p.all = p.all[:p.mark] }

// EndPage keeps the records of the page.
func (p *collectPage[T]) EndPage(PageInfo) error {
	p.mark = len(p.all)
	return nil
}

// idRecord is the part of a record these listings need: its ID.
type idRecord struct {
	ID models.ID `json:"id"`
}

// uniqueIDs returns the non-empty IDs of recs, first occurrence first.
func uniqueIDs(recs []idRecord) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range recs {
		if id := string(r.ID); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// workspaceIDs returns the workspaces a unit covers: u.WorkspaceID alone, or
// every workspace, listed with one GET /v2/workspaces.
func workspaceIDs(ctx context.Context, c *Client, u Unit, stream string) ([]string, error) {
	if u.WorkspaceID != "" {
		return []string{u.WorkspaceID}, nil
	}
	h := &collectPage[idRecord]{stream: stream}
	if err := c.Get(ctx, Request{Method: "GET", Path: "/v2/workspaces", Envelope: "workspaces"}, h); err != nil {
		return nil, err
	}
	return uniqueIDs(h.all), nil
}

// folderIDs returns the public library folders of a workspace, listed with
// one GET /v2/library/folders?workspaceId=.
func folderIDs(ctx context.Context, c *Client, workspaceID, stream string) ([]string, error) {
	h := &collectPage[idRecord]{stream: stream}
	req := Request{Method: "GET", Path: "/v2/library/folders", Envelope: "folders",
		Query: url.Values{"workspaceId": {workspaceID}}}
	if err := c.Get(ctx, req, h); err != nil {
		return nil, err
	}
	return uniqueIDs(h.all), nil
}

// recordError reports what is wrong with a record as a whole.
func recordError(stream string, at jsontext.Pointer, format string, args ...any) error {
	return fmt.Errorf("%s: record at %s: %s", stream, at, fmt.Sprintf(format, args...))
}

// fieldErrorf reports a field of a record (a dotted path) that is missing or
// of the wrong type, with its JSON pointer in the page.
func fieldErrorf(stream, field string, at jsontext.Pointer, format string, args ...any) error {
	return fmt.Errorf("%s: field %s at %s: %s", stream, field, at, fmt.Sprintf(format, args...))
}
