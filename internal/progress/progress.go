package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// Reporter receives the progress of the streams of a run. It is safe for
// concurrent use. Call Wait when the run is over.
type Reporter interface {
	Start(stream string, units int)
	UnitDone(stream string, rows int64)
	Done(stream string, err error)
	Wait()
}

// New returns bars when w is a terminal and plain lines otherwise.
func New(w io.Writer) Reporter {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && os.Getenv("CI") == "" {
		return newBars(w)
	}
	return NewLines(w)
}

// Lines prints one line per committed unit and per finished stream.
type Lines struct {
	mu    sync.Mutex
	w     io.Writer
	state map[string]*count
}

type count struct {
	done, total int
	rows        int64
	start, last time.Time
}

// lineEvery is the least time between two progress lines of one stream.
const lineEvery = 2 * time.Second

// NewLines returns a Reporter that writes plain lines to w.
func NewLines(w io.Writer) *Lines { return &Lines{w: w, state: map[string]*count{}} }

// Start registers a stream with its number of units.
func (l *Lines) Start(stream string, units int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state[stream] = &count{total: units, start: time.Now()}
}

// UnitDone prints the stream's progress after a committed unit.
func (l *Lines) UnitDone(stream string, rows int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.state[stream]
	if c == nil {
		return
	}
	c.done++
	c.rows += rows
	if now := time.Now(); c.done == c.total || now.Sub(c.last) >= lineEvery {
		c.last = now
		fmt.Fprintf(l.w, "%-22s %d/%d units  %d rows  %s\n", stream, c.done, c.total, c.rows, now.Sub(c.start).Round(100*time.Millisecond))
	}
}

// Done prints the stream's outcome.
func (l *Lines) Done(stream string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.state[stream]
	if c == nil || c.total == 0 {
		return
	}
	if err != nil {
		fmt.Fprintf(l.w, "%-22s failed after %d/%d units: %v\n", stream, c.done, c.total, err)
	}
}

// Wait does nothing: lines are written as they come.
func (l *Lines) Wait() {}

type bars struct {
	mu   sync.Mutex
	p    *mpb.Progress
	bars map[string]*mpb.Bar
	rows map[string]*int64
}

func newBars(w io.Writer) *bars {
	return &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(32)), bars: map[string]*mpb.Bar{}, rows: map[string]*int64{}}
}

func (b *bars) Start(stream string, units int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rows := new(int64)
	b.rows[stream] = rows
	b.bars[stream] = b.p.AddBar(int64(units),
		mpb.PrependDecorators(decor.Name(fmt.Sprintf("%-22s", stream)), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			b.mu.Lock()
			defer b.mu.Unlock()
			return fmt.Sprintf("%d rows", *rows)
		}), decor.OnComplete(decor.Name(""), " ✓")),
	)
}

func (b *bars) UnitDone(stream string, rows int64) {
	b.mu.Lock()
	bar := b.bars[stream]
	if r := b.rows[stream]; r != nil {
		*r += rows
	}
	b.mu.Unlock()
	if bar != nil {
		bar.Increment()
	}
}

func (b *bars) Done(stream string, err error) {
	b.mu.Lock()
	bar := b.bars[stream]
	b.mu.Unlock()
	if bar != nil {
		bar.Abort(false)
	}
}

func (b *bars) Wait() { b.p.Wait() }
