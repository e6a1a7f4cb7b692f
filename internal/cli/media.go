package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/urfave/cli/v3"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/gongload/gongload/extract"
)

// This file holds `gongload media download` and the media helpers shared
// with the download actions of `gongload api`: a call's signed media URL
// comes from POST /v2/calls/extensive (exposedFields.media), the recording
// from that URL (gong-api.md §2.6).

// mediaBatch is the number of call IDs asked for in one POST
// /v2/calls/extensive (the practitioners' batch size; Gong documents none).
const mediaBatch = 100

// mediaExt is the file extension of a recording whose URL path has none.
var mediaExt = map[string]string{"audio": "mp3", "video": "mp4"}

// callMedia is what /v2/calls/extensive gave for one call's media.
type callMedia struct {
	AudioURL string `json:"audioUrl"`
	VideoURL string `json:"videoUrl"`
}

// mediaURLs maps call IDs to their media; a call Gong did not return is
// absent.
type mediaURLs map[string]*callMedia

// url returns the URL of the recording of kind, or an error that says why
// there is none.
func (m mediaURLs) url(callID, kind string) (string, error) {
	cm, ok := m[callID]
	switch {
	case !ok:
		return "", userError("call %s: Gong returned no such call (check the ID, and that the credentials may read it)", callID)
	case cm == nil:
		return "", userError("call %s has no recording: Gong returned no media for it "+
			"(an OAuth app also needs the scope api:calls:read:media-url)", callID)
	}
	u := cm.AudioURL
	if kind == "video" {
		u = cm.VideoURL
	}
	if u == "" {
		return "", userError("call %s has no %s recording: Gong returned no %sUrl", callID, kind, kind)
	}
	return u, nil
}

// mediaPage collects the media of the calls of a /v2/calls/extensive
// listing; a page counts once read whole.
type mediaPage struct {
	got  mediaURLs
	page mediaURLs
}

// Record implements extract.PageHandler.
func (p *mediaPage) Record(dec *jsontext.Decoder) error {
	var rec struct {
		MetaData struct {
			ID string `json:"id"`
		} `json:"metaData"`
		Media *callMedia `json:"media"`
	}
	if err := json.UnmarshalDecode(dec, &rec); err != nil {
		return err
	}
	if rec.MetaData.ID != "" {
		p.page[rec.MetaData.ID] = rec.Media
	}
	return nil
}

// Discard implements extract.PageHandler.
func (p *mediaPage) Discard() { clear(p.page) }

// EndPage implements extract.PageHandler.
func (p *mediaPage) EndPage(extract.PageInfo) error {
	for k, v := range p.page {
		p.got[k] = v
	}
	clear(p.page)
	return nil
}

// fetchMediaURLs asks /v2/calls/extensive for the media URLs of the calls,
// mediaBatch IDs a request. Calls Gong does not return are absent from the
// map (a batch of only unknown calls is Gong's "nothing found" 404).
func fetchMediaURLs(ctx context.Context, c *extract.Client, callIDs []string) (mediaURLs, error) {
	h := &mediaPage{got: mediaURLs{}, page: mediaURLs{}}
	for ids := range slicesChunk(callIDs, mediaBatch) {
		req := extract.Request{
			Method: http.MethodPost,
			Path:   "/v2/calls/extensive",
			Body: map[string]any{
				"filter":          map[string]any{"callIds": ids},
				"contentSelector": map[string]any{"exposedFields": map[string]any{"media": true}},
			},
			Envelope: "calls",
		}
		if err := c.List(ctx, req, h); err != nil {
			return nil, err
		}
	}
	return h.got, nil
}

// slicesChunk yields consecutive chunks of at most n elements.
func slicesChunk(s []string, n int) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// urlExpired reports whether a download failed because its signed URL is
// no longer accepted (expired after Gong's 8 hours, or otherwise refused).
func urlExpired(err error) bool {
	var de *extract.DownloadError
	if !errors.As(err, &de) {
		return false
	}
	switch de.Status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusGone:
		return true
	}
	return false
}

// downloadMedia writes a call's recording of kind from byte `from` on into
// w. When the URL is refused as expired it fetches a fresh one once and
// resumes where the bytes stopped. It returns the bytes written and the
// recording's full size (-1 if unknown).
func downloadMedia(ctx context.Context, c *extract.Client, callID, kind, rawURL string, from int64, w io.Writer) (int64, int64, error) {
	n, total, err := c.Download(ctx, rawURL, from, w)
	if err == nil || !urlExpired(err) || ctx.Err() != nil {
		return n, total, err
	}
	urls, ferr := fetchMediaURLs(ctx, c, []string{callID})
	if ferr != nil {
		return n, total, fmt.Errorf("%w; fetching a fresh URL failed: %w", err, ferr)
	}
	fresh, ferr := urls.url(callID, kind)
	if ferr != nil {
		return n, total, fmt.Errorf("%w; fetching a fresh URL failed: %w", err, ferr)
	}
	m, t2, err := c.Download(ctx, fresh, from+n, w)
	if t2 >= 0 {
		total = t2
	}
	return n + m, total, err
}

// downloadToFile downloads a call's recording into final through
// final+".part", renamed once complete. With resume, the bytes of an
// existing .part are kept and the rest is asked for with a Range; without,
// the .part starts empty. progress (may be nil) sees every byte written.
// It returns the file's size and whether a .part was resumed.
func downloadToFile(ctx context.Context, c *extract.Client, callID, kind, rawURL, final string, resume bool, progress io.Writer) (size int64, resumed bool, err error) {
	part := final + ".part"
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !resume {
		flags |= os.O_TRUNC
	}
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(part, flags, 0o644)
		if err != nil {
			return 0, false, fmt.Errorf("call %s: %w", callID, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return 0, false, fmt.Errorf("call %s: %w", callID, err)
		}
		from := st.Size()
		resumed = from > 0
		var w io.Writer = f
		if progress != nil {
			w = io.MultiWriter(f, progress)
		}
		n, total, err := downloadMedia(ctx, c, callID, kind, rawURL, from, w)
		if err == nil && total >= 0 && from+n != total {
			err = fmt.Errorf("call %s: the %s recording is %d bytes, got %d", callID, kind, total, from+n)
		}
		var de *extract.DownloadError
		if err != nil && attempt == 0 && from > 0 && errors.As(err, &de) && de.Status == http.StatusRequestedRangeNotSatisfiable {
			// The .part is longer than the recording: start it over.
			f.Close()
			flags |= os.O_TRUNC
			continue
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			if from+n == 0 {
				os.Remove(part) // nothing kept: leave no empty .part behind
			}
			return from + n, resumed, err
		}
		if err := os.Rename(part, final); err != nil {
			return from + n, resumed, fmt.Errorf("call %s: %w", callID, err)
		}
		return from + n, resumed, nil
	}
}

// mediaFileExt is the extension of a recording's file: the URL path's
// (letters and digits, up to 5), else mp3 for audio and mp4 for video.
func mediaFileExt(rawURL, kind string) string {
	if u, err := url.Parse(rawURL); err == nil {
		ext := strings.ToLower(strings.TrimPrefix(path.Ext(u.Path), "."))
		if ext != "" && len(ext) <= 5 && strings.Trim(ext, "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
			return ext
		}
	}
	return mediaExt[kind]
}

// Statuses of a file of `media download`.
const (
	mediaDone    = "done"
	mediaResumed = "resumed"
	mediaSkipped = "skipped"
	mediaFailed  = "failed"
)

// mediaReporter shows the progress of media download: plain lines, or bars
// on a terminal.
type mediaReporter interface {
	// start announces a download that already holds `from` bytes; the
	// returned writer (nil: none) is handed every byte written.
	start(callID, kind string, from int64) io.Writer
	// end reports a file's outcome (status is one of the media* statuses).
	end(callID, kind string, size int64, status string, err error)
	// wait lets the display finish.
	wait()
}

// mediaLines prints one line per file: "call-id  kind  bytes  status".
type mediaLines struct{ w io.Writer }

func (l mediaLines) start(string, string, int64) io.Writer { return nil }

func (l mediaLines) end(callID, kind string, size int64, status string, err error) {
	if err != nil {
		fmt.Fprintf(l.w, "%s  %s  -  %s: %v\n", callID, kind, status, err)
		return
	}
	fmt.Fprintf(l.w, "%s  %s  %d  %s\n", callID, kind, size, status)
}

func (l mediaLines) wait() {}

// mediaBars shows a bar per file, with its bytes and speed, on a terminal.
type mediaBars struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*mpb.Bar
	note map[string]string
}

func newMediaBars(w io.Writer) *mediaBars {
	return &mediaBars{p: mpb.New(mpb.WithOutput(w), mpb.WithAutoRefresh()), bars: map[string]*mpb.Bar{}, note: map[string]string{}}
}

func (b *mediaBars) start(callID, kind string, from int64) io.Writer {
	key := callID + "." + kind
	bar := b.p.AddBar(0,
		mpb.PrependDecorators(decor.Name(fmt.Sprintf("%-20s %-5s ", callID, kind)), decor.Current(decor.SizeB1024(0), "% .1f")),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			b.mu.Lock()
			defer b.mu.Unlock()
			return b.note[key]
		})),
	)
	bar.SetCurrent(from)
	b.mu.Lock()
	b.bars[key] = bar
	b.mu.Unlock()
	return barWriter{bar}
}

func (b *mediaBars) end(callID, kind string, size int64, status string, err error) {
	key := callID + "." + kind
	b.mu.Lock()
	bar := b.bars[key]
	b.note[key] = status
	if err != nil {
		b.note[key] = status + ": " + err.Error()
	}
	note := b.note[key]
	b.mu.Unlock()
	if bar == nil { // skipped, or failed before the download started
		bar = b.p.AddBar(0, mpb.PrependDecorators(decor.Name(fmt.Sprintf("%-20s %-5s ", callID, kind)),
			decor.Current(decor.SizeB1024(0), "% .1f")), mpb.AppendDecorators(decor.Name(note)))
	}
	if err != nil {
		bar.Abort(false)
		return
	}
	bar.SetCurrent(size)
	bar.SetTotal(-1, true)
}

func (b *mediaBars) wait() { b.p.Wait() }

// barWriter counts written bytes into a bar.
type barWriter struct{ bar *mpb.Bar }

func (w barWriter) Write(p []byte) (int, error) { w.bar.IncrBy(len(p)); return len(p), nil }

// isTerminal reports whether w is a terminal (and not CI).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("CI") == ""
}

func mediaCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "media",
		Usage: "call recordings",
		Commands: []*cli.Command{{
			Name:  "download",
			Usage: "download call recordings into a directory, resumable",
			Description: "Fetches the calls' signed media URLs from POST /v2/calls/extensive (100 calls a request) and\n" +
				"downloads each recording to DIR/<call-id>.<ext>.part, renamed to DIR/<call-id>.<ext> when\n" +
				"complete (ext: the URL's, else mp3 for audio and mp4 for video). A file already there is\n" +
				"skipped; a .part left by an interrupted run is resumed with an HTTP Range. A URL refused as\n" +
				"expired (they last 8 hours) is fetched again once. Exit 3 when some calls failed and others\n" +
				"succeeded, 1 when all failed.",
			OnUsageError: usageError,
			Flags: append(apiClientFlags(),
				&cli.StringSliceFlag{Name: "call-id", Usage: "call IDs (repeatable, or comma-separated)"},
				&cli.StringFlag{Name: "kind", Usage: "audio or video", Value: "audio"},
				&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "directory to write the recordings to (created if missing)"},
			),
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.NArg() > 0 {
					return userError("media download takes no arguments (got %q): give call IDs with --call-id", cmd.Args().First())
				}
				ids, err := idList(cmd.StringSlice("call-id"), "--call-id")
				if err != nil {
					return err
				}
				if len(ids) == 0 {
					return userError("name the calls to download with --call-id ID (repeatable)")
				}
				kind := cmd.String("kind")
				if _, ok := mediaExt[kind]; !ok {
					return userError("bad --kind %q: use audio or video", kind)
				}
				dir := cmd.String("out")
				if dir == "" {
					return userError("name the directory to write the recordings to with --out DIR")
				}
				client, err := apiClient(cmd, g)
				if err != nil {
					return err
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return userError("cannot create --out directory: %v", err)
				}
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
				defer stop()
				w := cmd.Root().Writer
				var rep mediaReporter = mediaLines{w}
				if isTerminal(w) {
					rep = newMediaBars(w)
				}
				res, err := downloadCalls(ctx, client, ids, kind, dir, rep)
				rep.wait()
				res.summary(w, dir)
				return err
			},
		}},
	}
}

// mediaResult counts the outcomes of a media download.
type mediaResult struct {
	done, resumed, skipped, failed int
	bytes                          int64 // size of the files downloaded or resumed
	firstErr                       error
}

// summary prints the closing line.
func (r mediaResult) summary(w io.Writer, dir string) {
	fmt.Fprintf(w, "%d downloaded, %d resumed, %d skipped, %d failed; %d bytes written to %s\n",
		r.done, r.resumed, r.skipped, r.failed, r.bytes, absPath(dir))
}

// downloadCalls downloads the recordings of kind of the calls into dir and
// returns the counts, with an error: interrupted (130), some failed (3) or
// all failed (1).
func downloadCalls(ctx context.Context, c *extract.Client, ids []string, kind, dir string, rep mediaReporter) (mediaResult, error) {
	var res mediaResult
	fail := func(id string, err error) {
		res.failed++
		if res.firstErr == nil {
			res.firstErr = err
		}
		rep.end(id, kind, 0, mediaFailed, err)
	}
	// A file already complete under the default name needs no API call.
	var todo []string
	for _, id := range ids {
		final := filepath.Join(dir, id+"."+mediaExt[kind])
		if st, err := os.Stat(final); err == nil && st.Mode().IsRegular() {
			res.skipped++
			rep.end(id, kind, st.Size(), mediaSkipped, nil)
			continue
		}
		todo = append(todo, id)
	}
	for batch := range slicesChunk(todo, mediaBatch) {
		urls, err := fetchMediaURLs(ctx, c, batch)
		if err != nil {
			if ctx.Err() != nil {
				return res, interrupted(dir)
			}
			return res, res.outcome(fmt.Errorf("fetching media URLs: %w", err), len(ids))
		}
		for _, id := range batch {
			if ctx.Err() != nil {
				return res, interrupted(dir)
			}
			u, err := urls.url(id, kind)
			if err != nil {
				fail(id, err)
				continue
			}
			final := filepath.Join(dir, id+"."+mediaFileExt(u, kind))
			if st, err := os.Stat(final); err == nil && st.Mode().IsRegular() {
				res.skipped++
				rep.end(id, kind, st.Size(), mediaSkipped, nil)
				continue
			}
			var from int64
			if st, err := os.Stat(final + ".part"); err == nil {
				from = st.Size()
			}
			size, resumed, err := downloadToFile(ctx, c, id, kind, u, final, true, rep.start(id, kind, from))
			switch {
			case err != nil && ctx.Err() != nil:
				rep.end(id, kind, size, mediaFailed, errors.New("interrupted"))
				return res, interrupted(dir)
			case err != nil:
				fail(id, err)
			case resumed:
				res.resumed++
				res.bytes += size
				rep.end(id, kind, size, mediaResumed, nil)
			default:
				res.done++
				res.bytes += size
				rep.end(id, kind, size, mediaDone, nil)
			}
		}
	}
	return res, res.outcome(nil, len(ids))
}

// outcome is the command's error: nil when nothing failed, exit 3 when
// some calls failed and others succeeded, exit 1 when all failed. fatal is
// an error that stopped the run.
func (r mediaResult) outcome(fatal error, total int) error {
	ok := r.done + r.resumed + r.skipped
	var rl *extract.RateLimitError
	switch {
	case errors.As(fatal, &rl):
		return fatal // exit 4: the files done are kept, a later run goes on
	case fatal != nil && ok > 0:
		return withCode(ExitPartial, fatal)
	case fatal != nil:
		return fatal
	case r.failed == 0:
		return nil
	case ok > 0:
		return withCode(ExitPartial, fmt.Errorf("%d of %d calls failed (first: %w)", r.failed, total, r.firstErr))
	}
	return fmt.Errorf("all %d calls failed (first: %w)", total, r.firstErr)
}

// interrupted is the error of a media download stopped by a signal.
func interrupted(dir string) error {
	return withCode(ExitInterrupted, userError("interrupted: partial files are kept as .part in %s; run the same command again to resume", absPath(dir)))
}
