package gongsim

import (
	"crypto/hmac"
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Call recordings, served the way object storage serves a signed URL: no
// Gong authentication (an Authorization header is ignored), the signature
// and expiry in the query, Range requests, and XML error bodies. The bytes
// are a pure function of (seed, call, kind), generated block by block so
// that a range costs only its own length.

const (
	audioMin, audioMax = 40_000, 400_000
	mp3Frame           = 418 // bytes per fake MPEG frame
)

// mediaExpiry is the expiry (unix seconds) of media URLs issued at now:
// at least MediaTTL ahead, and stable within a step of MediaTTL/8 (at most
// an hour) so that repeated reads give the same URL.
func (s *Sim) mediaExpiry(now time.Time) int64 {
	step := min(time.Hour, s.cfg.MediaTTL/8)
	if step <= 0 {
		step = time.Nanosecond
	}
	exp := now.Truncate(step).Add(s.cfg.MediaTTL + step)
	sec := exp.Unix()
	if exp.Nanosecond() > 0 {
		sec++
	}
	return sec
}

// mediaSize returns the size of a call's recording of kind "audio" or
// "video" (0: no such recording).
func (s *Sim) mediaSize(p *callPlan, kind string) int64 {
	audio := min(max(audioMin, 30_000+p.durMs/1000*320), audioMax)
	switch kind {
	case "audio":
		return audio
	case "video":
		if p.meta.Media != "Video" {
			return 0
		}
		f := 2 + float64(hashKey(s.seed, stMedia, p.rec.key)%2001)/1000 // 2.0-4.0
		return int64(float64(audio) * f)
	}
	return 0
}

// fillMedia writes bytes [off, off+len(dst)) of a recording into dst.
func (s *Sim) fillMedia(dst []byte, off int64, key uint64, kind string, size int64) {
	k := uint64(1)
	if kind == "video" {
		k = 2
	}
	base := hashKey(s.seed, stMedia, key, k)
	var w [8]byte
	for i := range dst {
		pos := off + int64(i)
		if i == 0 || pos%8 == 0 {
			binary.LittleEndian.PutUint64(w[:], mix64(base+uint64(pos/8)*golden))
		}
		dst[i] = w[pos%8]
	}
	// Headers that make the files look like what they claim to be.
	put := func(at int64, b []byte) {
		for j, c := range b {
			if p := at + int64(j); p >= off && p < off+int64(len(dst)) {
				dst[p-off] = c
			}
		}
	}
	if kind == "audio" {
		put(0, []byte("ID3\x04\x00\x00\x00\x00\x00\x00"))
		for f := (off - 10) / mp3Frame; ; f++ {
			at := 10 + max(f, 0)*mp3Frame
			if at >= off+int64(len(dst)) || at >= size {
				break
			}
			put(at, []byte{0xff, 0xfb, 0x90, 0x64})
		}
		return
	}
	put(0, []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"))
	var mdat [8]byte
	binary.BigEndian.PutUint32(mdat[:4], uint32(size-32))
	copy(mdat[4:], "mdat")
	put(32, mdat[:])
}

// MediaBytes returns the recording served at a call's audioUrl (kind
// "audio") or videoUrl (kind "video"); nil if the call does not exist or
// has no such recording.
func (s *Sim) MediaBytes(callID, kind string) []byte {
	rec, ok := s.rec(callID)
	if !ok {
		return nil
	}
	p := s.plan(&rec)
	size := s.mediaSize(p, kind)
	if size == 0 {
		return nil
	}
	b := make([]byte, size)
	s.fillMedia(b, 0, rec.key, kind, size)
	return b
}

// storageError is an object-storage error reply (XML, not Gong's JSON).
func storageError(status int, code, msg string) *reply {
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + code + "</Code><Message>" + msg + "</Message></Error>"
	return &reply{status: status, body: []byte(body), contentType: "application/xml", raw: true}
}

// parseRange parses a single-range Range header against size. ok=false:
// ignore the header (absent, malformed or several ranges: the whole object
// is served); unsat: 416.
func parseRange(h string, size int64) (lo, hi int64, ok, unsat bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if a == "" { // suffix: the last b bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, false
		}
		if n == 0 {
			return 0, 0, false, true
		}
		return max(0, size-n), size - 1, true, false
	}
	lo, err := strconv.ParseInt(a, 10, 64)
	if err != nil || lo < 0 {
		return 0, 0, false, false
	}
	hi = size - 1
	if b != "" {
		if hi, err = strconv.ParseInt(b, 10, 64); err != nil || hi < lo {
			return 0, 0, false, false
		}
		hi = min(hi, size-1)
	}
	if lo >= size {
		return 0, 0, false, true
	}
	return lo, hi, true, false
}

// GET /_sim/media/{file}?expires=&sig= (file: <callId>.mp3 or .mp4)
func (s *Sim) hMedia(r *http.Request, rq *request) *reply {
	file := r.PathValue("file")
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil || !hmac.Equal([]byte(q.Get("sig")), []byte(s.mediaSig(file, exp))) {
		return storageError(http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided.")
	}
	if rq.now.Unix() >= exp {
		return storageError(http.StatusForbidden, "AccessDenied", "Request has expired")
	}
	id, ext, _ := strings.Cut(file, ".")
	kind := map[string]string{"mp3": "audio", "mp4": "video"}[ext]
	rec, ok := s.rec(id)
	if !ok || kind == "" {
		return storageError(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	}
	p := s.plan(&rec)
	size := s.mediaSize(p, kind)
	if size == 0 {
		return storageError(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	}
	h := http.Header{}
	h.Set("Accept-Ranges", "bytes")
	h.Set("ETag", `"`+s.mediaSig(file, 0)+`"`)
	h.Set("Last-Modified", rec.started.Add(time.Duration(p.durMs)*time.Millisecond+time.Hour).UTC().Format(http.TimeFormat))
	ct := "audio/mpeg"
	if kind == "video" {
		ct = "video/mp4"
	}
	lo, hi, ranged, unsat := parseRange(r.Header.Get("Range"), size)
	if unsat {
		rep := storageError(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		rep.header = h
		return rep
	}
	status := http.StatusOK
	if ranged {
		status = http.StatusPartialContent
		h.Set("Content-Range", "bytes "+strconv.FormatInt(lo, 10)+"-"+strconv.FormatInt(hi, 10)+"/"+strconv.FormatInt(size, 10))
	} else {
		lo, hi = 0, size-1
	}
	body := make([]byte, hi-lo+1)
	if r.Method != http.MethodHead {
		s.fillMedia(body, lo, rec.key, kind, size)
	}
	return &reply{status: status, body: body, contentType: ct, raw: true, header: h}
}
