package gongsim

import (
	"net/http"
	"slices"
)

// GET /v2/settings/scorecards (no parameters; undocumented ones such as
// workspaceId are ignored, as Gong ignores them)
func (s *Sim) hScorecards(r *http.Request, rq *request) *reply {
	sc := s.Scorecards()
	if len(sc) == 0 {
		return errReply(rq, http.StatusNotFound, "Scorecards not found")
	}
	return okReply(struct {
		RequestID  string      `json:"requestId"`
		Scorecards []Scorecard `json:"scorecards"`
	}{rq.id, sc})
}

// GET /v2/settings/trackers?workspaceId=
func (s *Sim) hTrackers(r *http.Request, rq *request) *reply {
	ws := r.URL.Query().Get("workspaceId")
	trackers := s.Trackers()
	if ws != "" {
		if !slices.ContainsFunc(s.workspaces, func(w Workspace) bool { return w.ID == ws }) {
			return errReply(rq, http.StatusNotFound, "Workspace not found")
		}
		trackers = slices.DeleteFunc(trackers, func(t KeywordTracker) bool { return t.WorkspaceID != ws })
	}
	return okReply(struct {
		RequestID       string           `json:"requestId"`
		KeywordTrackers []KeywordTracker `json:"keywordTrackers"`
	}{rq.id, nonNil(trackers)})
}

// GET /v2/call-outcomes
func (s *Sim) hCallOutcomes(r *http.Request, rq *request) *reply {
	return okReply(struct {
		RequestID string           `json:"requestId"`
		Outcomes  []CallOutcomeDto `json:"outcomes"`
	}{rq.id, s.CallOutcomes()})
}

// POST /_sim/scorecards/answer {"callId","scorecardId"} adds an answered
// scorecard; {"answeredScorecardId"} edits one.
func (s *Sim) hAnswerScorecard(r *http.Request, rq *request) *reply {
	var body struct {
		CallID              string `json:"callId"`
		ScorecardID         string `json:"scorecardId"`
		AnsweredScorecardID string `json:"answeredScorecardId"`
	}
	if rep := readBody(r, rq, &body); rep != nil {
		return rep
	}
	var a AnsweredScorecard
	switch {
	case body.AnsweredScorecardID != "":
		var ok bool
		if a, ok = s.EditAnsweredScorecard(body.AnsweredScorecardID); !ok {
			return errReply(rq, http.StatusNotFound, "Answered scorecard "+body.AnsweredScorecardID+" was not found")
		}
	case body.CallID != "" && body.ScorecardID != "":
		var err error
		if a, err = s.AnswerScorecard(body.CallID, body.ScorecardID); err != nil {
			return errReply(rq, http.StatusBadRequest, err.Error())
		}
	default:
		return errReply(rq, http.StatusBadRequest, "send callId and scorecardId to add, or answeredScorecardId to edit")
	}
	return okReply(struct {
		RequestID         string            `json:"requestId"`
		AnsweredScorecard AnsweredScorecard `json:"answeredScorecard"`
	}{rq.id, a})
}

// POST /_sim/scorecards/edit {"scorecardId"}
func (s *Sim) hEditScorecard(r *http.Request, rq *request) *reply {
	var body struct {
		ScorecardID string `json:"scorecardId"`
	}
	if rep := readBody(r, rq, &body); rep != nil {
		return rep
	}
	sc, ok := s.EditScorecard(body.ScorecardID)
	if !ok {
		return errReply(rq, http.StatusNotFound, "Scorecards not found")
	}
	return okReply(struct {
		RequestID string    `json:"requestId"`
		Scorecard Scorecard `json:"scorecard"`
	}{rq.id, sc})
}
