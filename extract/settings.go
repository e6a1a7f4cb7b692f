package extract

import (
	"context"
	"net/url"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// ScorecardsStream is the scorecards stream: GET /v2/settings/scorecards
// (one answer, not paginated) into models.Scorecards,
// models.ScorecardQuestions and models.ScorecardQuestionOptions, as a full
// refresh. Gong's spec types the IDs and minRange/maxRange as numbers; real
// answers send strings: both are taken.
type ScorecardsStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*ScorecardsStream)(nil)

// Name returns "scorecards".
func (s *ScorecardsStream) Name() string { return "scorecards" }

// Tables returns models.Scorecards, models.ScorecardQuestions and
// models.ScorecardQuestionOptions.
func (s *ScorecardsStream) Tables() []*models.Table {
	return []*models.Table{models.Scorecards, models.ScorecardQuestions, models.ScorecardQuestionOptions}
}

// Mode returns FullRefresh.
func (s *ScorecardsStream) Mode() Mode { return FullRefresh }

// Window returns 0: a full-refresh stream has no windows.
func (s *ScorecardsStream) Window() WindowKind { return 0 }

// DefaultWindow returns 0: a full-refresh stream has no windows.
func (s *ScorecardsStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists every scorecard with one request. Both child tables are scoped
// to the scorecards listed, so a question or option Gong dropped
// disappears. The endpoint has no workspace filter: a unit restricted to a
// workspace keeps that workspace's scorecards and is not complete;
// otherwise the listing of models.Scorecards is declared complete (a 404
// "Scorecards not found" is an empty, complete listing).
func (s *ScorecardsStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	add := func(r *rowSet, sc *models.Scorecard, raw jsontext.Value, at jsontext.Pointer) error {
		return appendScorecard(r, sc, raw, at, u.WorkspaceID)
	}
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), add, s.Tables()...)
	defer h.release()
	if err := c.Get(ctx, Request{Method: "GET", Path: "/v2/settings/scorecards", Envelope: "scorecards"}, h); err != nil {
		return err
	}
	if u.WorkspaceID != "" {
		return nil
	}
	return sink.Complete(ctx, models.Scorecards, models.Range{})
}

// appendScorecard appends the rows of one scorecard: the scorecard, its
// questions (ordinal = position in questions) and their answer options
// (ordinal = position in answerOptions). A question or option without an
// ID has no key and is left out (it stays in the scorecard's _raw).
func appendScorecard(r *rowSet, sc *models.Scorecard, raw jsontext.Value, at jsontext.Pointer, workspace string) error {
	id := string(sc.ScorecardID)
	if id == "" {
		return recordError("scorecards", at, "it has no scorecardId")
	}
	if workspace != "" && string(sc.WorkspaceID) != workspace {
		return nil
	}
	if !r.newKey(models.Scorecards, id) {
		return nil
	}
	r.builder(models.Scorecards).Append(
		id, sc.ScorecardName, sc.WorkspaceID, sc.Enabled, sc.UpdaterUserID,
		sc.Created, sc.Updated, sc.ReviewMethod, []byte(raw),
	)
	r.scope(id)
	qb := r.builder(models.ScorecardQuestions)
	ob := r.builder(models.ScorecardQuestionOptions)
	for i, q := range sc.Questions {
		qid := string(q.QuestionID)
		if qid == "" || !r.newKey(models.ScorecardQuestions, id, qid) {
			continue
		}
		qb.Append(id, qid, i, q.QuestionRevisionID, q.QuestionText, q.IsOverall, q.QuestionType,
			q.AnswerGuide, intOf(q.MinRange), intOf(q.MaxRange), q.UpdaterUserID, q.Created, q.Updated)
		for j, o := range q.AnswerOptions {
			oid := string(o.ID)
			if oid == "" || !r.newKey(models.ScorecardQuestionOptions, qid, oid) {
				continue
			}
			ob.Append(qid, oid, id, j, o.Text)
		}
	}
	return nil
}

// TrackersStream is the trackers stream: GET /v2/settings/trackers (one
// answer, not paginated, envelope keywordTrackers: keyword trackers only)
// into models.Trackers and models.TrackerKeywords, as a full refresh.
type TrackersStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*TrackersStream)(nil)

// Name returns "trackers".
func (s *TrackersStream) Name() string { return "trackers" }

// Tables returns models.Trackers and models.TrackerKeywords.
func (s *TrackersStream) Tables() []*models.Table {
	return []*models.Table{models.Trackers, models.TrackerKeywords}
}

// Mode returns FullRefresh.
func (s *TrackersStream) Mode() Mode { return FullRefresh }

// Window returns 0: a full-refresh stream has no windows.
func (s *TrackersStream) Window() WindowKind { return 0 }

// DefaultWindow returns 0: a full-refresh stream has no windows.
func (s *TrackersStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists the trackers with one request: of every workspace (no
// workspaceId), then the listing of models.Trackers is declared complete; or
// of u.WorkspaceID only (workspaceId=), which is not complete.
// tracker_keywords is scoped to the trackers listed.
func (s *TrackersStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), appendTracker, s.Tables()...)
	defer h.release()
	req := Request{Method: "GET", Path: "/v2/settings/trackers", Envelope: "keywordTrackers"}
	if u.WorkspaceID != "" {
		req.Query = url.Values{"workspaceId": {u.WorkspaceID}}
	}
	if err := c.Get(ctx, req, h); err != nil {
		return err
	}
	if u.WorkspaceID != "" {
		return nil
	}
	return sink.Complete(ctx, models.Trackers, models.Range{})
}

// appendTracker appends the rows of one tracker: the tracker and one
// tracker_keywords row per keyword of each language (an empty keyword is
// left out; a keyword listed twice in a language once).
func appendTracker(r *rowSet, t *models.KeywordTracker, raw jsontext.Value, at jsontext.Pointer) error {
	id := string(t.TrackerID)
	if id == "" {
		return recordError("trackers", at, "it has no trackerId")
	}
	if !r.newKey(models.Trackers, id) {
		return nil
	}
	r.builder(models.Trackers).Append(
		id, t.TrackerName, t.WorkspaceID, t.Affiliation, t.PartOfQuestion, t.SaidAt,
		intOf(t.SaidAtInterval), t.SaidAtUnit, t.SaidInTopics, t.FilterQuery,
		t.Created, t.CreatorUserID, t.Updated, t.UpdaterUserID, []byte(raw),
	)
	r.scope(id)
	kb := r.builder(models.TrackerKeywords)
	for _, lk := range t.LanguageKeywords {
		for _, k := range lk.Keywords {
			if k == "" || !r.newKey(models.TrackerKeywords, id, lk.Language, k) {
				continue
			}
			kb.Append(id, lk.Language, k, lk.IncludeRelatedForms)
		}
	}
	return nil
}
