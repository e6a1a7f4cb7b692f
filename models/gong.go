package models

// The Gong API v2 record types, as /work/shared/reference/gong-endpoints.txt
// lists their fields. Nullable strings are pointers; IDs are ID; timestamps
// are Time. Fields Gong adds later are kept in the entity tables' _raw.

// Records is the pagination block of list responses.
type Records struct {
	TotalRecords      int    `json:"totalRecords"`
	CurrentPageSize   int    `json:"currentPageSize"`
	CurrentPageNumber int    `json:"currentPageNumber"`
	Cursor            string `json:"cursor,omitempty"`
}

// User is UserMetadata (GET /v2/users, /v2/users/{id}).
type User struct {
	ID                    ID                     `json:"id"`
	EmailAddress          *string                `json:"emailAddress"`
	Created               Time                   `json:"created"`
	Active                *bool                  `json:"active"`
	EmailAliases          []string               `json:"emailAliases"`
	TrustedEmailAddress   *string                `json:"trustedEmailAddress"`
	FirstName             *string                `json:"firstName"`
	LastName              *string                `json:"lastName"`
	Title                 *string                `json:"title"`
	PhoneNumber           *string                `json:"phoneNumber"`
	Extension             *string                `json:"extension"`
	PersonalMeetingURLs   []string               `json:"personalMeetingUrls"`
	Settings              *UserSettings          `json:"settings"`
	ManagerID             ID                     `json:"managerId"`
	MeetingConsentPageURL *string                `json:"meetingConsentPageUrl"`
	SpokenLanguages       []SpokenLanguage       `json:"spokenLanguages"`
	ConferencingProviders []ConferencingProvider `json:"conferencingProviders"`
}

// UserSettings is a user's recording and import settings.
type UserSettings struct {
	WebConferencesRecorded        *bool `json:"webConferencesRecorded"`
	PreventWebConferenceRecording *bool `json:"preventWebConferenceRecording"`
	TelephonyCallsImported        *bool `json:"telephonyCallsImported"`
	EmailsImported                *bool `json:"emailsImported"`
	PreventEmailImport            *bool `json:"preventEmailImport"`
	NonRecordedMeetingsImported   *bool `json:"nonRecordedMeetingsImported"`
	GongConnectEnabled            *bool `json:"gongConnectEnabled"`
}

// SpokenLanguage is one language a user speaks (BCP-47).
type SpokenLanguage struct {
	Language string `json:"language"`
	Primary  bool   `json:"primary"`
}

// ConferencingProvider is a web-conferencing provider of a user.
type ConferencingProvider struct {
	Provider  string `json:"provider"`
	IsDefault bool   `json:"isDefault"`
}

// Workspace is WorkspaceMetadata (GET /v2/workspaces).
type Workspace struct {
	ID          ID      `json:"id"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// CallBasicData is a call's metadata (GET /v2/calls, metaData of extensive).
type CallBasicData struct {
	ID              ID      `json:"id"`
	URL             *string `json:"url"`
	Title           *string `json:"title"`
	Scheduled       Time    `json:"scheduled"`
	Started         Time    `json:"started"`
	Duration        *int64  `json:"duration"`
	PrimaryUserID   ID      `json:"primaryUserId"`
	Direction       *string `json:"direction"`
	System          *string `json:"system"`
	Scope           *string `json:"scope"`
	Media           *string `json:"media"`
	Language        *string `json:"language"`
	WorkspaceID     ID      `json:"workspaceId"`
	SDRDisposition  *string `json:"sdrDisposition"`
	ClientUniqueID  *string `json:"clientUniqueId"`
	CustomData      *string `json:"customData"`
	Purpose         *string `json:"purpose"`
	MeetingURL      *string `json:"meetingUrl"`
	IsPrivate       *bool   `json:"isPrivate"`
	CalendarEventID *string `json:"calendarEventId"`
}

// Call is CallData (POST /v2/calls/extensive); parts are present only when
// the content selector asked for them.
type Call struct {
	MetaData      CallBasicData  `json:"metaData"`
	Context       []CallContext  `json:"context"`
	Parties       []Party        `json:"parties"`
	Content       *Content       `json:"content"`
	Interaction   *Interaction   `json:"interaction"`
	Collaboration *Collaboration `json:"collaboration"`
	Media         *Media         `json:"media"`
}

// CallContext links a call or party to objects of an external system (CRM).
type CallContext struct {
	System  *string         `json:"system"`
	Objects []ContextObject `json:"objects"`
}

// ContextObject is one CRM object with its fields.
type ContextObject struct {
	ObjectType *string        `json:"objectType"`
	ObjectID   *string        `json:"objectId"`
	Fields     []ContextField `json:"fields"`
	Timing     *string        `json:"timing"`
}

// ContextField is a CRM field; its value is any JSON.
type ContextField struct {
	Name  string `json:"name"`
	Value Any    `json:"value"`
}

// Party is a participant of a call.
type Party struct {
	ID           ID            `json:"id"`
	EmailAddress *string       `json:"emailAddress"`
	Name         *string       `json:"name"`
	Title        *string       `json:"title"`
	UserID       ID            `json:"userId"`
	SpeakerID    ID            `json:"speakerId"`
	Context      []CallContext `json:"context"`
	Affiliation  *string       `json:"affiliation"`
	PhoneNumber  *string       `json:"phoneNumber"`
	Methods      []string      `json:"methods"`
}

// Content is the call's AI content.
type Content struct {
	Structure   []Structure        `json:"structure"`
	Trackers    []CallTracker      `json:"trackers"`
	Topics      []Topic            `json:"topics"`
	Brief       *string            `json:"brief"`
	Outline     []OutlineSection   `json:"outline"`
	Highlights  []HighlightSection `json:"highlights"`
	CallOutcome *CallOutcome       `json:"callOutcome"`
	KeyPoints   []KeyPoint         `json:"keyPoints"`
}

// Structure is one agenda part of a call.
type Structure struct {
	Name     string  `json:"name"`
	Duration *Number `json:"duration"`
}

// CallTracker is a tracker's mentions in one call.
type CallTracker struct {
	ID          ID              `json:"id"`
	Name        *string         `json:"name"`
	Count       *int64          `json:"count"`
	Type        *string         `json:"type"`
	Occurrences []Occurrence    `json:"occurrences"`
	Phrases     []TrackerPhrase `json:"phrases"`
}

// TrackerPhrase is one keyword phrase of a tracker and its mentions.
type TrackerPhrase struct {
	Phrase      *string      `json:"phrase"`
	Count       *int64       `json:"count"`
	Occurrences []Occurrence `json:"occurrences"`
}

// Occurrence is one mention: seconds from call start, and who said it.
type Occurrence struct {
	StartTime *float64 `json:"startTime"`
	SpeakerID ID       `json:"speakerId"`
}

// Topic is time spent on a topic (seconds).
type Topic struct {
	Name     string  `json:"name"`
	Duration *Number `json:"duration"`
}

// OutlineSection is one section of the call outline.
type OutlineSection struct {
	Section   *string       `json:"section"`
	StartTime *float64      `json:"startTime"`
	Duration  *float64      `json:"duration"`
	Items     []OutlineItem `json:"items"`
}

// OutlineItem is one item of an outline section.
type OutlineItem struct {
	Text      *string  `json:"text"`
	StartTime *float64 `json:"startTime"`
}

// HighlightSection is one highlights section.
type HighlightSection struct {
	Title *string         `json:"title"`
	Items []HighlightItem `json:"items"`
}

// HighlightItem is one highlight with its start times (seconds).
type HighlightItem struct {
	Text       *string   `json:"text"`
	StartTimes []float64 `json:"startTimes"`
}

// CallOutcome is the outcome Gong AI set for the call.
type CallOutcome struct {
	ID       *string `json:"id"`
	Category *string `json:"category"`
	Name     *string `json:"name"`
}

// KeyPoint is one key point of the call.
type KeyPoint struct {
	Text *string `json:"text"`
}

// Interaction holds the call's interaction measures.
type Interaction struct {
	Speakers         []Speaker       `json:"speakers"`
	InteractionStats []NamedValue    `json:"interactionStats"`
	Video            []NamedDuration `json:"video"`
	Questions        *Questions      `json:"questions"`
}

// Speaker is talk time per participant (id = parties[].id).
type Speaker struct {
	ID       ID       `json:"id"`
	UserID   ID       `json:"userId"`
	TalkTime *float64 `json:"talkTime"`
}

// NamedValue is a named statistic.
type NamedValue struct {
	Name  string  `json:"name"`
	Value *Number `json:"value"`
}

// NamedDuration is a named duration in seconds (video segments).
type NamedDuration struct {
	Name     string   `json:"name"`
	Duration *float64 `json:"duration"`
}

// Questions counts the questions asked in a call.
type Questions struct {
	CompanyCount    *int64 `json:"companyCount"`
	NonCompanyCount *int64 `json:"nonCompanyCount"`
}

// Collaboration holds the call's public comments.
type Collaboration struct {
	PublicComments []Comment `json:"publicComments"`
}

// Comment is a public comment on a call.
type Comment struct {
	ID              ID       `json:"id"`
	AudioStartTime  *float64 `json:"audioStartTime"`
	AudioEndTime    *float64 `json:"audioEndTime"`
	CommenterUserID ID       `json:"commenterUserId"`
	Comment         *string  `json:"comment"`
	Posted          Time     `json:"posted"`
	InReplyTo       ID       `json:"inReplyTo"`
	DuringCall      *bool    `json:"duringCall"`
}

// Media holds a call's signed recording URLs (valid for 8 hours).
type Media struct {
	AudioURL *string `json:"audioUrl"`
	VideoURL *string `json:"videoUrl"`
}

// CallTranscript is one call's transcript (POST /v2/calls/transcript).
type CallTranscript struct {
	CallID     ID          `json:"callId"`
	Transcript []Monologue `json:"transcript"`
}

// Monologue is a stretch of one speaker.
type Monologue struct {
	SpeakerID ID         `json:"speakerId"`
	Topic     *string    `json:"topic"`
	Sentences []Sentence `json:"sentences"`
}

// Sentence is one sentence; start and end are milliseconds from call start.
type Sentence struct {
	Start int64  `json:"start"`
	End   int64  `json:"end"`
	Text  string `json:"text"`
}

// Scorecard is a scorecard's settings (GET /v2/settings/scorecards). The
// spec types its IDs as numbers; real data sends strings: ID takes both.
type Scorecard struct {
	ScorecardID   ID                  `json:"scorecardId"`
	ScorecardName *string             `json:"scorecardName"`
	WorkspaceID   ID                  `json:"workspaceId"`
	Enabled       *bool               `json:"enabled"`
	UpdaterUserID ID                  `json:"updaterUserId"`
	Created       Time                `json:"created"`
	Updated       Time                `json:"updated"`
	ReviewMethod  *string             `json:"reviewMethod"`
	Questions     []ScorecardQuestion `json:"questions"`
}

// ScorecardQuestion is one question of a scorecard.
type ScorecardQuestion struct {
	QuestionID         ID               `json:"questionId"`
	QuestionRevisionID ID               `json:"questionRevisionId"`
	QuestionText       *string          `json:"questionText"`
	IsOverall          *bool            `json:"isOverall"`
	QuestionType       *string          `json:"questionType"`
	AnswerGuide        *string          `json:"answerGuide"`
	MinRange           *Number          `json:"minRange"`
	MaxRange           *Number          `json:"maxRange"`
	AnswerOptions      []QuestionOption `json:"answerOptions"`
	UpdaterUserID      ID               `json:"updaterUserId"`
	Created            Time             `json:"created"`
	Updated            Time             `json:"updated"`
}

// QuestionOption is an answer option of a select question.
type QuestionOption struct {
	ID   ID      `json:"id"`
	Text *string `json:"text"`
}

// AnsweredScorecard is one answered scorecard (POST
// /v2/stats/activity/scorecards); its IDs may be JSON numbers beyond 2^53.
type AnsweredScorecard struct {
	AnsweredScorecardID ID       `json:"answeredScorecardId"`
	ScorecardID         ID       `json:"scorecardId"`
	ScorecardName       *string  `json:"scorecardName"`
	CallID              ID       `json:"callId"`
	CallStartTime       Time     `json:"callStartTime"`
	ReviewedUserID      ID       `json:"reviewedUserId"`
	ReviewerUserID      ID       `json:"reviewerUserId"`
	ReviewMethod        *string  `json:"reviewMethod"`
	EditorUserID        ID       `json:"editorUserId"`
	ReviewTime          Time     `json:"reviewTime"`
	VisibilityType      *string  `json:"visibilityType"`
	Answers             []Answer `json:"answers"`
}

// Answer is the answer to one question of an answered scorecard.
type Answer struct {
	QuestionID         ID      `json:"questionId"`
	QuestionRevisionID ID      `json:"questionRevisionId"`
	IsOverall          *bool   `json:"isOverall"`
	Score              *Number `json:"score"`
	AnswerText         *string `json:"answerText"`
	NotApplicable      *bool   `json:"notApplicable"`
	SelectedOptions    []ID    `json:"selectedOptions"`
}

// KeywordTracker is a keyword tracker's settings (GET /v2/settings/trackers,
// envelope keywordTrackers).
type KeywordTracker struct {
	TrackerID        ID                `json:"trackerId"`
	TrackerName      *string           `json:"trackerName"`
	WorkspaceID      ID                `json:"workspaceId"`
	LanguageKeywords []LanguageKeyword `json:"languageKeywords"`
	Affiliation      *string           `json:"affiliation"`
	PartOfQuestion   *bool             `json:"partOfQuestion"`
	SaidAt           *string           `json:"saidAt"`
	SaidAtInterval   *Number           `json:"saidAtInterval"`
	SaidAtUnit       *string           `json:"saidAtUnit"`
	SaidInTopics     []string          `json:"saidInTopics"`
	FilterQuery      *string           `json:"filterQuery"`
	Created          Time              `json:"created"`
	CreatorUserID    ID                `json:"creatorUserId"`
	Updated          Time              `json:"updated"`
	UpdaterUserID    ID                `json:"updaterUserId"`
}

// LanguageKeyword is a tracker's keywords in one language.
type LanguageKeyword struct {
	Language            string   `json:"language"`
	Keywords            []string `json:"keywords"`
	IncludeRelatedForms *bool    `json:"includeRelatedForms"`
}

// LibraryFolder is a public library folder (GET /v2/library/folders).
type LibraryFolder struct {
	ID             ID      `json:"id"`
	Name           *string `json:"name"`
	ParentFolderID ID      `json:"parentFolderId"`
	CreatedBy      ID      `json:"createdBy"`
	Updated        Time    `json:"updated"`
}

// FolderContent is GET /v2/library/folder-content: the folder at the top
// level with its calls.
type FolderContent struct {
	ID        ID            `json:"id"`
	Name      *string       `json:"name"`
	CreatedBy ID            `json:"createdBy"`
	Updated   Time          `json:"updated"`
	Calls     []LibraryCall `json:"calls"`
}

// LibraryCall is a call in a library folder.
type LibraryCall struct {
	ID      ID       `json:"id"`
	Title   *string  `json:"title"`
	Note    *string  `json:"note"`
	AddedBy ID       `json:"addedBy"`
	Created Time     `json:"created"`
	URL     *string  `json:"url"`
	Snippet *Snippet `json:"snippet"`
}

// Snippet is the part of a library call, in seconds from call start.
type Snippet struct {
	FromSec *Number `json:"fromSec"`
	ToSec   *Number `json:"toSec"`
}

// ActivityCounters are the 15 activity counters of the stats endpoints, in
// Gong's JSON names, in the order of the tables' columns.
var ActivityCounters = []string{
	"callsAsHost", "callsGaveFeedback", "callsRequestedFeedback", "callsReceivedFeedback",
	"ownCallsListenedTo", "othersCallsListenedTo", "callsSharedInternally", "callsSharedExternally",
	"callsScorecardsFilled", "callsScorecardsReceived", "callsAttended", "callsCommentsGiven",
	"callsCommentsReceived", "callsMarkedAsFeedbackGiven", "callsMarkedAsFeedbackReceived",
}

// UserAggregateActivity is one user's record of POST
// /v2/stats/activity/aggregate (envelope usersAggregateActivityStats).
type UserAggregateActivity struct {
	UserID           ID                 `json:"userId"`
	UserEmailAddress *string            `json:"userEmailAddress"`
	Stats            map[string]*Number `json:"userAggregateActivityStats"`
}

// UserDailyActivity is one user's record of POST
// /v2/stats/activity/day-by-day (envelope usersDetailedActivities).
type UserDailyActivity struct {
	UserID           ID              `json:"userId"`
	UserEmailAddress *string         `json:"userEmailAddress"`
	Days             []DailyActivity `json:"userDailyActivityStats"`
}

// DailyActivity is one day of a user: per counter the IDs of the calls
// behind it (the spec's examples show bare numbers: IDs take both), and the
// day's bounds as company-time ISO datetimes.
type DailyActivity struct {
	Calls    map[string][]ID `json:"-"`
	FromDate string          `json:"fromDate"`
	ToDate   string          `json:"toDate"`
}

// UserInteractionStatsRecord is one user's record of POST /v2/stats/interaction
// (envelope peopleInteractionStats).
type UserInteractionStatsRecord struct {
	UserID           ID           `json:"userId"`
	UserEmailAddress *string      `json:"userEmailAddress"`
	Stats            []NamedValue `json:"personInteractionStats"`
}

// CoachingData is one manager's record of GET /v2/coaching (envelope
// coachingData).
type CoachingData struct {
	Manager              CoachingUser  `json:"manager"`
	DirectReportsMetrics []CoachingRep `json:"directReportsMetrics"`
}

// CoachingUser is a manager or a direct report.
type CoachingUser struct {
	ID           ID      `json:"id"`
	EmailAddress *string `json:"emailAddress"`
	FirstName    *string `json:"firstName"`
	LastName     *string `json:"lastName"`
	Title        *string `json:"title"`
}

// CoachingRep is one direct report's metrics: metric name → values (Gong
// documents no metric names; values are strings such as "12").
type CoachingRep struct {
	Report  CoachingUser        `json:"report"`
	Metrics map[string][]string `json:"metrics"`
}
