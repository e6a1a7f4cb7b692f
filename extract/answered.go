package extract

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// DefaultAnsweredScorecardsWindow is the default length of the
// answered_scorecards stream's windows (SPEC §4).
const DefaultAnsweredScorecardsWindow = 7 * 24 * time.Hour

// AnsweredScorecardsStream is the answered_scorecards stream: POST
// /v2/stats/activity/scorecards (paginated, cursor in the body) into
// models.AnsweredScorecards and models.ScorecardAnswers, incrementally in
// windows on the review date. Its IDs arrive as JSON numbers beyond 2^53 and
// keep every digit.
type AnsweredScorecardsStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var (
	_ Stream = (*AnsweredScorecardsStream)(nil)
	_ Prober = (*AnsweredScorecardsStream)(nil)
)

// Name returns "answered_scorecards".
func (s *AnsweredScorecardsStream) Name() string { return "answered_scorecards" }

// Tables returns models.AnsweredScorecards and models.ScorecardAnswers.
func (s *AnsweredScorecardsStream) Tables() []*models.Table {
	return []*models.Table{models.AnsweredScorecards, models.ScorecardAnswers}
}

// Mode returns Incremental.
func (s *AnsweredScorecardsStream) Mode() Mode { return Incremental }

// Window returns Span: windows on the review date.
func (s *AnsweredScorecardsStream) Window() WindowKind { return Span }

// DefaultWindow returns DefaultAnsweredScorecardsWindow (7 days).
func (s *AnsweredScorecardsStream) DefaultWindow() time.Duration {
	return DefaultAnsweredScorecardsWindow
}

// Fetch lists the scorecards reviewed in the unit's window, manual and
// automatic: filter {reviewFromDate, reviewToDate, reviewMethod: BOTH}. The
// dates are the window's UTC dates, a bound not on a day boundary widening
// the range to whole days; an answered scorecard that comes again (in the
// window or on a later page) is staged once. scorecard_answers is scoped to
// the page's answered scorecards. The endpoint has no call or workspace
// filter: u.CallIDs and u.WorkspaceID do not apply.
//
// Nothing is declared complete: Gong reads reviewFromDate/reviewToDate as
// dates in the company's time zone, which a UTC range on review_time does
// not match, so deleting the rows of the window not seen again could
// delete scorecards reviewed near midnight that belong to the next window.
func (s *AnsweredScorecardsStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), appendAnsweredScorecard, s.Tables()...)
	defer h.release()
	return c.List(ctx, answeredRequest(u.From, u.To), h)
}

// Probe counts the scorecards reviewed in [from, to) (plan's estimate) with
// the first page's records.totalRecords.
func (s *AnsweredScorecardsStream) Probe(ctx context.Context, c *Client, from, to time.Time) (int, error) {
	h := &countHandler{}
	err := c.Get(ctx, answeredRequest(from, to), h)
	return h.total, err
}

// answeredRequest is the listing of the scorecards reviewed in [from, to),
// widened to whole UTC days; a zero bound is left open.
func answeredRequest(from, to time.Time) Request {
	f := map[string]any{"reviewMethod": "BOTH"}
	if !from.IsZero() {
		f["reviewFromDate"] = dateText(dayFloor(from))
	}
	if !to.IsZero() {
		f["reviewToDate"] = dateText(dayCeil(to))
	}
	return Request{Method: "POST", Path: "/v2/stats/activity/scorecards", Envelope: "answeredScorecards",
		Body: map[string]any{"filter": f}}
}

// appendAnsweredScorecard appends the rows of one answered scorecard and
// one scorecard_answers row per answered question (an answer without a
// questionId has no key and is left out; a question answered twice keeps
// its first answer).
func appendAnsweredScorecard(r *rowSet, a *models.AnsweredScorecard, raw jsontext.Value, at jsontext.Pointer) error {
	id := string(a.AnsweredScorecardID)
	if id == "" {
		return recordError("answered_scorecards", at, "it has no answeredScorecardId")
	}
	if !r.newKey(models.AnsweredScorecards, id) {
		return nil
	}
	r.builder(models.AnsweredScorecards).Append(
		id, a.ScorecardID, a.ScorecardName, a.CallID, a.CallStartTime, a.ReviewedUserID,
		a.ReviewerUserID, a.ReviewMethod, a.EditorUserID, a.ReviewTime, a.VisibilityType, []byte(raw),
	)
	r.scope(id)
	b := r.builder(models.ScorecardAnswers)
	for _, ans := range a.Answers {
		qid := string(ans.QuestionID)
		if qid == "" || !r.newKey(models.ScorecardAnswers, id, qid) {
			continue
		}
		var selected []string
		if ans.SelectedOptions != nil {
			selected = make([]string, 0, len(ans.SelectedOptions))
			for _, o := range ans.SelectedOptions {
				if o != "" {
					selected = append(selected, string(o))
				}
			}
		}
		b.Append(id, qid, ans.QuestionRevisionID, ans.IsOverall, intOf(ans.Score), ans.AnswerText,
			ans.NotApplicable, selected)
	}
	return nil
}
