package extract

import (
	"context"
	"net/url"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// countHandler reads the first page's totalRecords and skips its records.
type countHandler struct{ total int }

func (h *countHandler) Record(dec *jsontext.Decoder) error { return dec.SkipValue() }
func (h *countHandler) Discard()                           {}
func (h *countHandler) EndPage(info PageInfo) error {
	h.total = info.TotalRecords
	return nil
}

// probeCalls counts the calls started in [from, to) with one GET /v2/calls
// (metadata only, the cheapest listing): records.totalRecords.
func probeCalls(ctx context.Context, c *Client, from, to time.Time) (int, error) {
	h := &countHandler{}
	err := c.Get(ctx, Request{
		Method: "GET", Path: "/v2/calls", Envelope: "calls",
		Query: url.Values{"fromDateTime": {filterTime(from)}, "toDateTime": {filterTime(to)}},
	}, h)
	return h.total, err
}

// Probe counts the calls of [from, to) (plan's estimate).
func (s *CallsStream) Probe(ctx context.Context, c *Client, from, to time.Time) (int, error) {
	return probeCalls(ctx, c, from, to)
}

// Probe counts the calls of [from, to): transcripts are listed per call.
func (s *TranscriptsStream) Probe(ctx context.Context, c *Client, from, to time.Time) (int, error) {
	return probeCalls(ctx, c, from, to)
}
