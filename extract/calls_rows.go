package extract

import (
	"fmt"
	"iter"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gongload/gongload/models"
)

// rowW appends one row to a builder column by column, with typed appends:
// what models.Builder.Append does for the values appendCall gives it,
// without boxing them.
type rowW struct {
	b *models.Builder
	i int
}

// newRow starts a row of b with id, the call's id, as its first column.
func newRow(b *models.Builder, id []byte) rowW {
	r := rowW{b: b}
	r.text(id)
	return r
}

// str appends a nullable string.
func (r *rowW) str(s jstr) {
	fb := r.b.Field(r.i).(*array.StringBuilder)
	r.i++
	if !s.ok {
		fb.AppendNull()
		return
	}
	fb.BinaryBuilder.Append(s.b)
}

// text appends a string (never NULL).
func (r *rowW) text(b []byte) {
	r.b.Field(r.i).(*array.StringBuilder).BinaryBuilder.Append(b)
	r.i++
}

// id appends an ID: NULL when empty.
func (r *rowW) id(b []byte) { r.str(jstr{b, len(b) > 0}) }

// appender is a column builder that takes T values.
type appender[T any] interface {
	array.Builder
	Append(T)
}

// opt appends v to the next column, a B, or NULL when !ok.
func opt[T any, B appender[T]](r *rowW, v T, ok bool) {
	fb := r.b.Field(r.i).(B)
	r.i++
	if ok {
		fb.Append(v)
	} else {
		fb.AppendNull()
	}
}

// i64 appends a nullable int64.
func (r *rowW) i64(v optInt) { opt[int64, *array.Int64Builder](r, v.v, v.ok) }

// i32 appends an int32 (never NULL).
func (r *rowW) i32(v int) {
	r.b.Field(r.i).(*array.Int32Builder).Append(int32(v))
	r.i++
}

// f64 appends a nullable double.
func (r *rowW) f64(v optFloat) { opt[float64, *array.Float64Builder](r, v.v, v.ok) }

// boolean appends a nullable boolean.
func (r *rowW) boolean(v optBool) { opt[bool, *array.BooleanBuilder](r, v.v, v.ok) }

// ts appends a timestamp: NULL for the zero time.
func (r *rowW) ts(t time.Time) {
	opt[arrow.Timestamp, *array.TimestampBuilder](r, arrow.Timestamp(t.UnixMicro()), !t.IsZero())
}

// strs appends a list of strings: NULL when !ok.
func (r *rowW) strs(ok bool, v []jstr) {
	fb := r.b.Field(r.i).(*array.ListBuilder)
	r.i++
	if !ok {
		fb.AppendNull()
		return
	}
	fb.Append(true)
	vb := fb.ValueBuilder().(*array.StringBuilder)
	for _, s := range v {
		vb.BinaryBuilder.Append(s.b)
	}
}

// floats appends a list of doubles: NULL when !ok.
func (r *rowW) floats(ok bool, v []float64) {
	fb := r.b.Field(r.i).(*array.ListBuilder)
	r.i++
	if !ok {
		fb.AppendNull()
		return
	}
	fb.Append(true)
	fb.ValueBuilder().(*array.Float64Builder).AppendValues(v, nil)
}

// end checks that the row has every column.
func (r *rowW) end() {
	if r.i != len(r.b.Table().Columns) {
		panic(fmt.Sprintf("extract: %s: a row of %d values for %d columns", r.b.Table().Name, r.i, len(r.b.Table().Columns)))
	}
}

// newKeyB is newKey for byte keys: the same key, without building it
// unless it is new.
func (p *callsPage) newKeyB(tag string, k ...[]byte) bool {
	b := append(p.kbuf[:0], tag...)
	b = append(b, 0)
	for i, s := range k {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, s...)
	}
	p.kbuf = b
	if _, ok := p.keys[string(b)]; ok {
		return false
	}
	p.keys[string(b)] = struct{}{}
	return true
}

// appendFast flattens a call the fast decoder read into its rows, as
// appendCall does for a models.Call.
func (p *callsPage) appendFast(id []byte, f *fastCall) {
	clear(p.keys)
	md := &f.md
	r := newRow(p.calls, id)
	r.str(md.url)
	r.str(md.title)
	r.ts(md.scheduled)
	r.ts(md.started)
	r.i64(md.duration)
	r.id(md.primaryUser)
	r.str(md.direction)
	r.str(md.system)
	r.str(md.scope)
	r.str(md.media)
	r.str(md.lang)
	r.id(md.workspace)
	r.str(md.sdr)
	r.str(md.clientUnique)
	r.str(md.customData)
	r.str(md.purpose)
	r.str(md.meetingURL)
	r.boolean(md.isPrivate)
	r.str(md.calendarEvent)
	r.str(f.brief)
	r.str(f.outcomeID)
	r.str(f.outcomeCat)
	r.str(f.outcomeName)
	r.i64(f.companyQ)
	r.i64(f.nonCompanyQ)
	r.boolean(optBool{f.audioURL.ok && len(f.audioURL.b) > 0, true})
	r.boolean(optBool{f.videoURL.ok && len(f.videoURL.b) > 0, true})
	f.raw = f.rawWithoutMedia(f.raw[:0])
	r.text(f.raw)
	r.end()

	b := p.child(models.CallParties)
	for _, pt := range f.parties {
		if !p.newKeyB("party", pt.id) {
			continue
		}
		r := newRow(b, id)
		r.id(pt.id)
		r.str(pt.email)
		r.str(pt.name)
		r.str(pt.title)
		r.id(pt.userID)
		r.id(pt.speakerID)
		r.str(pt.affiliation)
		r.str(pt.phone)
		r.strs(pt.hasMethods, f.strs[pt.methods.lo:pt.methods.hi])
		r.str(jstr{pt.context, pt.context != nil})
		r.end()
	}

	b = p.child(models.CallSpeakers)
	for _, sp := range f.speakers {
		if p.newKeyB("speaker", sp.id) {
			r := newRow(b, id)
			r.id(sp.id)
			r.id(sp.userID)
			r.f64(sp.talk)
			r.end()
		}
	}
	p.appendNamed(id, models.CallInteractionStats, "stat", f.stats)
	p.appendNamed(id, models.CallVideoStats, "video", f.video)
	p.appendNamed(id, models.CallTopics, "topic", f.topics)
	b = p.child(models.CallStructure)
	for i, s := range f.structure {
		r := newRow(b, id)
		r.i32(i)
		r.text(s.name)
		r.f64(s.v)
		r.end()
	}

	p.appendFastTrackers(id, f)

	b = p.child(models.CallOutlineItems)
	for si, sec := range f.outline {
		for ii, it := range orEmpty(f.outItems[sec.items.lo:sec.items.hi]) {
			r := newRow(b, id)
			r.i32(si)
			r.i32(ii)
			r.str(sec.section)
			r.f64(sec.start)
			r.f64(sec.duration)
			r.str(it.text)
			r.f64(it.start)
			r.end()
		}
	}
	b = p.child(models.CallHighlights)
	for hi, h := range f.highlights {
		for ii, it := range orEmpty(f.hlItems[h.items.lo:h.items.hi]) {
			r := newRow(b, id)
			r.i32(hi)
			r.i32(ii)
			r.str(h.title)
			r.str(it.text)
			r.floats(it.hasTimes, f.floats[it.times.lo:it.times.hi])
			r.end()
		}
	}
	b = p.child(models.CallKeyPoints)
	for i, k := range f.keyPoints {
		r := newRow(b, id)
		r.i32(i)
		r.str(k)
		r.end()
	}

	if f.hasCollab {
		b = p.child(models.CallComments)
		for _, cm := range f.comments {
			if p.newKeyB("comment", cm.id) {
				r := newRow(b, id)
				r.id(cm.id)
				r.f64(cm.start)
				r.f64(cm.end)
				r.id(cm.commenter)
				r.str(cm.comment)
				r.ts(cm.posted)
				r.id(cm.inReplyTo)
				r.boolean(cm.duringCall)
				r.end()
			}
		}
	}

	b = p.child(models.CallContextFields)
	for _, cx := range f.ctx.ctx {
		for _, o := range f.ctx.objs[cx.objs.lo:cx.objs.hi] {
			for _, fd := range orEmpty(f.ctx.fields[o.fields.lo:o.fields.hi]) {
				if !p.newKeyB("ctx", keyOf(cx.system), keyOf(o.typ), keyOf(o.id), keyOf(o.timing), fd.name) {
					continue
				}
				r := newRow(b, id)
				r.str(cx.system)
				r.str(o.typ)
				r.str(o.id)
				r.str(o.timing)
				r.text(fd.name)
				r.str(fd.val)
				r.end()
			}
		}
	}
}

// orEmpty yields each item with its ordinal, or, for no items, a zero
// item with ordinal -1 once: the row that keeps an item-less parent, whose
// item columns a zero item fills with NULL (and an empty name).
func orEmpty[T any](items []T) iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		if len(items) == 0 {
			var zero T
			yield(-1, zero)
			return
		}
		for i, it := range items {
			if !yield(i, it) {
				return
			}
		}
	}
}

// appendNamed appends the rows of a list of named values keyed by name.
func (p *callsPage) appendNamed(id []byte, t *models.Table, tag string, vals []fastNamed) {
	b := p.child(t)
	for _, v := range vals {
		if p.newKeyB(tag, v.name) {
			r := newRow(b, id)
			r.text(v.name)
			r.f64(v.v)
			r.end()
		}
	}
}

// appendFastTrackers is appendTrackers for a call the fast decoder read.
func (p *callsPage) appendFastTrackers(id []byte, f *fastCall) {
	tb := p.child(models.CallTrackers)
	ob := p.child(models.CallTrackerOccurrences)
	occ := func(key []byte, ord int, phrase jstr, o fastOcc) {
		r := newRow(ob, id)
		r.text(key)
		r.i32(ord)
		r.str(phrase)
		r.f64(o.start)
		r.id(o.speaker)
		r.end()
	}
	for _, t := range f.trackers {
		key := t.id
		if len(key) == 0 && t.name.ok {
			key = t.name.b
		}
		if !p.newKeyB("tracker", key) {
			continue
		}
		r := newRow(tb, id)
		r.text(key)
		r.id(t.id)
		r.str(t.name)
		r.i64(t.count)
		r.str(t.typ)
		r.end()
		ord := 0
		for _, o := range f.occs[t.occs.lo:t.occs.hi] {
			occ(key, ord, jstr{}, o)
			ord++
		}
		for _, ph := range f.phrases[t.phrases.lo:t.phrases.hi] {
			for _, o := range f.occs[ph.occs.lo:ph.occs.hi] {
				occ(key, ord, ph.phrase, o)
				ord++
			}
		}
	}
}

// colSize is how much a column of the last batch held: rows, and string
// bytes; for a list column, also its values.
type colSize struct {
	n, data, vn, vdata int
}

// sizes returns the sizes of b's columns before a batch is taken, into dst.
func sizes(b *models.Builder, dst []colSize) []colSize {
	dst = dst[:0]
	for i := range b.Table().Columns {
		fb := b.Field(i)
		c := colSize{n: fb.Len()}
		if sb, ok := fb.(*array.StringBuilder); ok {
			c.data = sb.DataLen()
		}
		if lb, ok := fb.(*array.ListBuilder); ok {
			vb := lb.ValueBuilder()
			c.vn = vb.Len()
			if sb, ok := vb.(*array.StringBuilder); ok {
				c.vdata = sb.DataLen()
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// reserve makes room in b, after a batch was taken, for as much as the last
// batch held, so that the next page's appends seldom grow a buffer.
func reserve(b *models.Builder, cs []colSize) {
	for i, c := range cs {
		fb := b.Field(i)
		fb.Reserve(c.n)
		if sb, ok := fb.(*array.StringBuilder); ok {
			sb.ReserveData(c.data)
		}
		if lb, ok := fb.(*array.ListBuilder); ok {
			vb := lb.ValueBuilder()
			vb.Reserve(c.vn)
			if sb, ok := vb.(*array.StringBuilder); ok {
				sb.ReserveData(c.vdata)
			}
		}
	}
}
