package gongsim

import (
	"bytes"
	"encoding/json"
	"errors"
)

// JSON types of the settings, library, stats, coaching and call-outcome
// endpoints (gong-api.md §2.9-§2.17, §0.7-§0.11). Type names follow Gong's
// OpenAPI schemas; field order is Gong's. Where the spec types an ID as
// int64 the simulator follows real data: settings/scorecards sends strings,
// answered scorecards send JSON numbers (json.Number keeps every digit,
// also beyond 2^53).

// Scorecard is one record of GET /v2/settings/scorecards. IDs and the
// question ranges are JSON strings, as in recorded Gong responses (the spec
// types them as numbers); UpdaterUserID is "-1" for the system.
type Scorecard struct {
	ScorecardID   string              `json:"scorecardId"`
	ScorecardName string              `json:"scorecardName"`
	WorkspaceID   string              `json:"workspaceId"`
	Enabled       bool                `json:"enabled"`
	UpdaterUserID string              `json:"updaterUserId"`
	Created       string              `json:"created"`
	Updated       string              `json:"updated"`
	ReviewMethod  string              `json:"reviewMethod"` // AUTOMATIC or MANUAL
	Questions     []ScorecardQuestion `json:"questions"`
}

// ScorecardQuestion is one question of a Scorecard (Gong's Question).
// QuestionType is RANGE (MinRange/MaxRange set), SINGLE_SELECT or
// MULTIPLE_SELECT (AnswerOptions set, [] otherwise) or OPEN_TEXT; only RANGE
// is attested in real data, the other names are the simulator's.
type ScorecardQuestion struct {
	QuestionID         string           `json:"questionId"`
	QuestionRevisionID string           `json:"questionRevisionId"`
	QuestionText       string           `json:"questionText"`
	IsOverall          bool             `json:"isOverall"`
	UpdaterUserID      string           `json:"updaterUserId"`
	QuestionType       string           `json:"questionType"`
	AnswerGuide        *string          `json:"answerGuide"`
	MinRange           *string          `json:"minRange"`
	MaxRange           *string          `json:"maxRange"`
	AnswerOptions      []QuestionOption `json:"answerOptions"`
	Created            string           `json:"created"`
	Updated            string           `json:"updated"`
}

// QuestionOption is one answer option of a select question; ID is a JSON
// number (int32 in the spec). Answers name options by ID as strings.
type QuestionOption struct {
	ID   int32  `json:"id"`
	Text string `json:"text"`
}

// AnsweredScorecard is one record of POST /v2/stats/activity/scorecards.
// Its int64-typed IDs are JSON numbers written with every digit; some
// AnsweredScorecardIDs exceed 2^53. ReviewerUserID is null for AUTOMATIC
// reviews, EditorUserID null unless someone other than the reviewer edited.
type AnsweredScorecard struct {
	AnsweredScorecardID json.Number  `json:"answeredScorecardId"`
	ScorecardID         json.Number  `json:"scorecardId"`
	ScorecardName       string       `json:"scorecardName"`
	CallID              json.Number  `json:"callId"`
	CallStartTime       string       `json:"callStartTime"`
	ReviewedUserID      json.Number  `json:"reviewedUserId"`
	ReviewerUserID      *json.Number `json:"reviewerUserId"`
	ReviewMethod        string       `json:"reviewMethod"`
	EditorUserID        *json.Number `json:"editorUserId"`
	ReviewTime          string       `json:"reviewTime"`
	VisibilityType      string       `json:"visibilityType"`
	Answers             []Answer     `json:"answers"`
}

// Answer is the answer to one question of an AnsweredScorecard. Score (1-50)
// is null when not answered with a score; SelectedOptions holds option IDs
// as strings for select questions and is null otherwise.
type Answer struct {
	QuestionID         json.Number `json:"questionId"`
	QuestionRevisionID json.Number `json:"questionRevisionId"`
	IsOverall          bool        `json:"isOverall"`
	Score              *int        `json:"score"`
	AnswerText         *string     `json:"answerText"`
	NotApplicable      bool        `json:"notApplicable"`
	SelectedOptions    []string    `json:"selectedOptions"`
}

// KeywordTracker is one record of GET /v2/settings/trackers (envelope
// keywordTrackers). CreatorUserID and UpdaterUserID are null for built-in
// trackers; FilterQuery is JSON text, "{}" when there is no filter.
type KeywordTracker struct {
	TrackerID        string                   `json:"trackerId"`
	TrackerName      string                   `json:"trackerName"`
	WorkspaceID      string                   `json:"workspaceId"`
	LanguageKeywords []TrackerLanguageKeyword `json:"languageKeywords"`
	Affiliation      string                   `json:"affiliation"`
	PartOfQuestion   bool                     `json:"partOfQuestion"`
	SaidAt           string                   `json:"saidAt"`
	SaidAtInterval   *int                     `json:"saidAtInterval"`
	SaidAtUnit       *string                  `json:"saidAtUnit"`
	SaidInTopics     []string                 `json:"saidInTopics"`
	FilterQuery      string                   `json:"filterQuery"`
	Created          string                   `json:"created"`
	CreatorUserID    *string                  `json:"creatorUserId"`
	Updated          string                   `json:"updated"`
	UpdaterUserID    *string                  `json:"updaterUserId"`
}

// TrackerLanguageKeyword is a tracker's keywords in one language (ISO
// 639-2/B, or "mul" for every language).
type TrackerLanguageKeyword struct {
	Language            string   `json:"language"`
	Keywords            []string `json:"keywords"`
	IncludeRelatedForms bool     `json:"includeRelatedForms"`
}

// LibraryFolder is one record of GET /v2/library/folders. ParentFolderID is
// null for a root folder, CreatedBy null for built-in folders. WorkspaceID
// is not part of the record: it is the workspace the folder is listed in.
type LibraryFolder struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	ParentFolderID *string `json:"parentFolderId"`
	CreatedBy      *string `json:"createdBy"`
	Updated        string  `json:"updated"`
	WorkspaceID    string  `json:"-"`
}

// FolderContent is the body of GET /v2/library/folder-content (without
// requestId): the folder itself at the top level and its calls.
type FolderContent struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	CreatedBy *string       `json:"createdBy"`
	Updated   string        `json:"updated"`
	Calls     []LibraryCall `json:"calls"`
}

// LibraryCall is one call in a library folder. Note is absent when the
// call has none; Created is when the call was added to the folder.
type LibraryCall struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Note    string  `json:"note,omitzero"`
	AddedBy string  `json:"addedBy"`
	Created string  `json:"created"`
	URL     string  `json:"url"`
	Snippet Snippet `json:"snippet"`
}

// Snippet is the part of a library call, in seconds from the call start.
type Snippet struct {
	FromSec int `json:"fromSec"`
	ToSec   int `json:"toSec"`
}

// AggregateActivity holds the 15 activity counters of one user over a
// period (POST /v2/stats/activity/aggregate). Each equals the sum, over the
// days of the period, of the lengths of the matching call-ID arrays of
// POST /v2/stats/activity/day-by-day.
type AggregateActivity struct {
	CallsAsHost                   int `json:"callsAsHost"`
	CallsGaveFeedback             int `json:"callsGaveFeedback"`
	CallsRequestedFeedback        int `json:"callsRequestedFeedback"`
	CallsReceivedFeedback         int `json:"callsReceivedFeedback"`
	OwnCallsListenedTo            int `json:"ownCallsListenedTo"`
	OthersCallsListenedTo         int `json:"othersCallsListenedTo"`
	CallsSharedInternally         int `json:"callsSharedInternally"`
	CallsSharedExternally         int `json:"callsSharedExternally"`
	CallsScorecardsFilled         int `json:"callsScorecardsFilled"`
	CallsScorecardsReceived       int `json:"callsScorecardsReceived"`
	CallsAttended                 int `json:"callsAttended"`
	CallsCommentsGiven            int `json:"callsCommentsGiven"`
	CallsCommentsReceived         int `json:"callsCommentsReceived"`
	CallsMarkedAsFeedbackGiven    int `json:"callsMarkedAsFeedbackGiven"`
	CallsMarkedAsFeedbackReceived int `json:"callsMarkedAsFeedbackReceived"`
}

// UserAggregateActivity is one record of POST /v2/stats/activity/aggregate
// (envelope usersAggregateActivityStats; Gong's UserActivity).
type UserAggregateActivity struct {
	UserID                     string            `json:"userId"`
	UserEmailAddress           string            `json:"userEmailAddress"`
	UserAggregateActivityStats AggregateActivity `json:"userAggregateActivityStats"`
}

// DailyActivityWithDates is one day of a user in POST
// /v2/stats/activity/day-by-day: per counter the IDs of the calls behind
// it, and the day's bounds (company-time midnights). Like the examples of
// Gong's spec, some arrays are written with the IDs as bare JSON numbers
// (every digit kept); the Go value holds them as strings.
type DailyActivityWithDates struct {
	CallsAsHost                   []string `json:"callsAsHost"`
	CallsGaveFeedback             []string `json:"callsGaveFeedback"`
	CallsRequestedFeedback        []string `json:"callsRequestedFeedback"`
	CallsReceivedFeedback         []string `json:"callsReceivedFeedback"`
	OwnCallsListenedTo            []string `json:"ownCallsListenedTo"`
	OthersCallsListenedTo         []string `json:"othersCallsListenedTo"`
	CallsSharedInternally         []string `json:"callsSharedInternally"`
	CallsSharedExternally         []string `json:"callsSharedExternally"`
	CallsAttended                 []string `json:"callsAttended"`
	CallsCommentsGiven            []string `json:"callsCommentsGiven"`
	CallsCommentsReceived         []string `json:"callsCommentsReceived"`
	CallsMarkedAsFeedbackGiven    []string `json:"callsMarkedAsFeedbackGiven"`
	CallsMarkedAsFeedbackReceived []string `json:"callsMarkedAsFeedbackReceived"`
	CallsScorecardsFilled         []string `json:"callsScorecardsFilled"`
	CallsScorecardsReceived       []string `json:"callsScorecardsReceived"`
	FromDate                      string   `json:"fromDate"`
	ToDate                        string   `json:"toDate"`

	bare uint16 // bit i set: counter i (activityCounters order) is written as numbers
}

// MarshalJSON writes the day as the simulator serves it, some call-ID
// arrays as bare numbers.
func (d DailyActivityWithDates) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	lists := d.lists()
	for _, i := range dailyOrder {
		b.WriteByte('"')
		b.WriteString(activityCounters[i])
		b.WriteString(`":[`)
		for k, id := range *lists[i] {
			if k > 0 {
				b.WriteByte(',')
			}
			if d.bare&(1<<i) != 0 {
				b.WriteString(id)
			} else {
				b.WriteByte('"')
				b.WriteString(id)
				b.WriteByte('"')
			}
		}
		b.WriteString("],")
	}
	b.WriteString(`"fromDate":"`)
	b.WriteString(d.FromDate)
	b.WriteString(`","toDate":"`)
	b.WriteString(d.ToDate)
	b.WriteString(`"}`)
	return b.Bytes(), nil
}

// UnmarshalJSON reads a day with call IDs as JSON strings or numbers
// (remembering which arrays held numbers, so that it marshals back to the
// same bytes).
func (d *DailyActivityWithDates) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*d = DailyActivityWithDates{}
	for i, l := range d.lists() {
		v, ok := raw[activityCounters[i]]
		if !ok {
			continue
		}
		var ids idList
		if err := ids.UnmarshalJSON(v); err != nil {
			return errors.New(activityCounters[i] + ": " + err.Error())
		}
		*l = ids
		if t := bytes.TrimLeft(v, " \t\r\n["); len(t) > 0 && t[0] >= '0' && t[0] <= '9' {
			d.bare |= 1 << i
		}
	}
	for i, p := range []*string{&d.FromDate, &d.ToDate} {
		k := []string{"fromDate", "toDate"}[i]
		if v, ok := raw[k]; ok {
			if err := json.Unmarshal(v, p); err != nil {
				return errors.New(k + ": " + err.Error())
			}
		}
	}
	return nil
}

// UserDailyActivity is one record of POST /v2/stats/activity/day-by-day
// (envelope usersDetailedActivities; Gong's UserDayByDayActivity), with one
// entry per day of the requested range.
type UserDailyActivity struct {
	UserID                 string                   `json:"userId"`
	UserEmailAddress       string                   `json:"userEmailAddress"`
	UserDailyActivityStats []DailyActivityWithDates `json:"userDailyActivityStats"`
}

// UserInteractionStats is one record of POST /v2/stats/interaction
// (envelope peopleInteractionStats; Gong's InteractionStats): Longest
// Monologue and Longest Customer Story (seconds, integers), Interactivity
// (0-10), Patience (seconds) and Question Rate (questions per hour), over
// the processed calls the user hosted in the period.
type UserInteractionStats struct {
	UserID                 string            `json:"userId"`
	UserEmailAddress       string            `json:"userEmailAddress"`
	PersonInteractionStats []InteractionStat `json:"personInteractionStats"`
}

// CoachingData is one record of GET /v2/coaching (envelope coachingData;
// Gong's CoachingMetricsData).
type CoachingData struct {
	Manager              CoachingUser      `json:"manager"`
	DirectReportsMetrics []CoachingRepData `json:"directReportsMetrics"`
}

// CoachingUser is a manager or a direct report in CoachingData.
type CoachingUser struct {
	ID           string  `json:"id"`
	EmailAddress string  `json:"emailAddress"`
	FirstName    string  `json:"firstName"`
	LastName     string  `json:"lastName"`
	Title        *string `json:"title"`
}

// CoachingRepData is one direct report and the manager's coaching metrics
// on the report's calls. Gong documents no metric names; the simulator
// sends CoachingMetricNames, each as a one-element list such as ["12"].
type CoachingRepData struct {
	Report  CoachingUser        `json:"report"`
	Metrics map[string][]string `json:"metrics"`
}

// CallOutcomeDto is one record of GET /v2/call-outcomes (envelope
// outcomes). CallOutcome is the name calls carry in
// content.callOutcome.name.
type CallOutcomeDto struct {
	CallOutcome   string  `json:"callOutcome"`
	DisplayOrder  int     `json:"displayOrder"`
	ConnectStatus string  `json:"connectStatus"` // CONNECTED or NOT_CONNECTED
	Sentiment     string  `json:"sentiment"`     // POSITIVE, NEGATIVE or NEUTRAL
	TodoAction    string  `json:"todoAction"`    // COMPLETE or COMPLETE_AND_REMOVE
	Automation    *string `json:"automation"`    // MARK_AS_OPT_OUT or null
	Category      string  `json:"category"`      // ANSWERED or NOT_ANSWERED
}
