package gongsim

// The JSON types below mirror the records of the Gong API v2 (see
// /work/shared/gong-api.md §2). Field order is the order Gong documents, and
// the tags decide what is absent, null or empty exactly as the simulator
// serves it: pointer fields are sent as null when nil; fields tagged
// omitzero are absent when nil/empty-string and present (possibly as [])
// otherwise.

// User is one record of GET /v2/users (Gong's UserMetadata).
type User struct {
	ID                    string                 `json:"id"`
	EmailAddress          string                 `json:"emailAddress"`
	Created               string                 `json:"created"`
	Active                bool                   `json:"active"`
	EmailAliases          []string               `json:"emailAliases"`
	TrustedEmailAddress   *string                `json:"trustedEmailAddress"`
	FirstName             string                 `json:"firstName"`
	LastName              string                 `json:"lastName"`
	Title                 *string                `json:"title"`
	PhoneNumber           *string                `json:"phoneNumber"`
	Extension             *string                `json:"extension"`
	PersonalMeetingUrls   []string               `json:"personalMeetingUrls"`
	Settings              UserSettings           `json:"settings"`
	ManagerID             *string                `json:"managerId"`
	MeetingConsentPageURL *string                `json:"meetingConsentPageUrl"`
	ConferencingProviders []ConferencingProvider `json:"conferencingProviders"`
	SpokenLanguages       []SpokenLanguage       `json:"spokenLanguages"`
}

// UserSettings is the settings object of a User.
type UserSettings struct {
	WebConferencesRecorded        bool `json:"webConferencesRecorded"`
	PreventWebConferenceRecording bool `json:"preventWebConferenceRecording"`
	TelephonyCallsImported        bool `json:"telephonyCallsImported"`
	EmailsImported                bool `json:"emailsImported"`
	PreventEmailImport            bool `json:"preventEmailImport"`
	NonRecordedMeetingsImported   bool `json:"nonRecordedMeetingsImported"`
	GongConnectEnabled            bool `json:"gongConnectEnabled"`
}

// ConferencingProvider is one web-conferencing provider of a User.
type ConferencingProvider struct {
	Provider  string `json:"provider"`
	IsDefault bool   `json:"isDefault"`
}

// SpokenLanguage is one language a User speaks (BCP-47).
type SpokenLanguage struct {
	Language string `json:"language"`
	Primary  bool   `json:"primary"`
}

// Workspace is one record of GET /v2/workspaces.
type Workspace struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// CallBasicData is the record of GET /v2/calls and GET /v2/calls/{id}, and
// the metaData of an extensive call. Nullable fields are sent as null.
type CallBasicData struct {
	ID              string  `json:"id"`
	URL             string  `json:"url"`
	Title           string  `json:"title"`
	Scheduled       string  `json:"scheduled"`
	Started         string  `json:"started"`
	Duration        int64   `json:"duration"`
	PrimaryUserID   string  `json:"primaryUserId"`
	Direction       string  `json:"direction"`
	System          string  `json:"system"`
	Scope           string  `json:"scope"`
	Media           string  `json:"media"`
	Language        string  `json:"language"`
	WorkspaceID     string  `json:"workspaceId"`
	SdrDisposition  *string `json:"sdrDisposition"`
	ClientUniqueID  *string `json:"clientUniqueId"`
	CustomData      *string `json:"customData"`
	Purpose         *string `json:"purpose"`
	MeetingURL      *string `json:"meetingUrl"`
	IsPrivate       bool    `json:"isPrivate"`
	CalendarEventID *string `json:"calendarEventId"`
}

// Call is one record of POST /v2/calls/extensive (Gong's CallData). Each
// part other than MetaData is present only when the request's
// contentSelector asks for it; Sim.Calls returns records with every part.
type Call struct {
	MetaData      CallBasicData      `json:"metaData"`
	Context       []CallContext      `json:"context,omitzero"`
	Parties       []Party            `json:"parties,omitzero"`
	Content       *CallContent       `json:"content,omitempty"`
	Interaction   *CallInteraction   `json:"interaction,omitempty"`
	Collaboration *CallCollaboration `json:"collaboration,omitempty"`
	Media         *CallMedia         `json:"media,omitempty"`
}

// CallContext links a call to objects of an external system (CRM).
type CallContext struct {
	System  string          `json:"system"`
	Objects []ContextObject `json:"objects"`
}

// ContextObject is one CRM object (Opportunity, Account, Contact, Lead,
// User). Fields and Timing are present only for context "Extended".
type ContextObject struct {
	ObjectType string         `json:"objectType"`
	ObjectID   string         `json:"objectId"`
	Fields     []ContextField `json:"fields,omitzero"`
	Timing     string         `json:"timing,omitzero"`
}

// ContextField is one CRM field; Value is a JSON string, number or null.
type ContextField struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Party is one participant of a call. UserID is absent for people outside
// the company; EmailAddress, Title and PhoneNumber are absent when unknown.
type Party struct {
	ID           string        `json:"id"`
	EmailAddress string        `json:"emailAddress,omitzero"`
	Name         string        `json:"name,omitzero"`
	Title        string        `json:"title,omitzero"`
	UserID       string        `json:"userId,omitzero"`
	SpeakerID    string        `json:"speakerId"`
	Context      []CallContext `json:"context,omitzero"`
	Affiliation  string        `json:"affiliation"`
	PhoneNumber  string        `json:"phoneNumber,omitzero"`
	Methods      []string      `json:"methods"`
}

// CallContent is the content part of an extensive call. The parts Gong
// derives from the transcript (topics, trackers, brief, outline, highlights,
// callOutcome, keyPoints) are absent while the call's transcript is still
// being processed.
type CallContent struct {
	Structure   []StructurePart    `json:"structure,omitzero"`
	Trackers    []Tracker          `json:"trackers,omitzero"`
	Topics      []Topic            `json:"topics,omitzero"`
	Brief       string             `json:"brief,omitzero"`
	Outline     []OutlineSection   `json:"outline,omitzero"`
	Highlights  []HighlightSection `json:"highlights,omitzero"`
	CallOutcome *CallOutcome       `json:"callOutcome,omitempty"`
	KeyPoints   []KeyPoint         `json:"keyPoints,omitzero"`
}

// StructurePart is one agenda part of a call; Duration in seconds.
type StructurePart struct {
	Name     string `json:"name"`
	Duration int64  `json:"duration"`
}

// Tracker is one keyword or smart tracker of a call. Occurrences are
// present only when trackerOccurrences is selected; Phrases only for
// KEYWORD trackers.
type Tracker struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Count       int                 `json:"count"`
	Type        string              `json:"type"`
	Occurrences []TrackerOccurrence `json:"occurrences,omitzero"`
	Phrases     []TrackerPhrase     `json:"phrases,omitzero"`
}

// TrackerOccurrence is when (seconds from call start) and by whom a tracker
// term was said. SpeakerID joins to Party.SpeakerID and the transcript.
type TrackerOccurrence struct {
	StartTime float64 `json:"startTime"`
	SpeakerID string  `json:"speakerId"`
}

// TrackerPhrase is one keyword of a KEYWORD tracker.
type TrackerPhrase struct {
	Count       int                 `json:"count"`
	Occurrences []TrackerOccurrence `json:"occurrences,omitzero"`
	Phrase      string              `json:"phrase"`
}

// Topic is the time (seconds) a call spent on one topic.
type Topic struct {
	Name     string `json:"name"`
	Duration int64  `json:"duration"`
}

// OutlineSection is one section of the call outline (times in seconds).
type OutlineSection struct {
	Section   string        `json:"section"`
	StartTime float64       `json:"startTime"`
	Duration  float64       `json:"duration"`
	Items     []OutlineItem `json:"items"`
}

// OutlineItem is one item of an OutlineSection.
type OutlineItem struct {
	Text      string  `json:"text"`
	StartTime float64 `json:"startTime"`
}

// HighlightSection is one titled group of call highlights.
type HighlightSection struct {
	Title string          `json:"title"`
	Items []HighlightItem `json:"items"`
}

// HighlightItem is one highlight; StartTimes in seconds from call start.
type HighlightItem struct {
	Text       string    `json:"text"`
	StartTimes []float64 `json:"startTimes"`
}

// CallOutcome is the outcome Gong AI set for a call.
type CallOutcome struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Name     string `json:"name"`
}

// KeyPoint is one key point of a call.
type KeyPoint struct {
	Text string `json:"text"`
}

// CallInteraction is the interaction part of an extensive call.
// InteractionStats is filled by the personInteractionStats selector.
type CallInteraction struct {
	Speakers         []Speaker         `json:"speakers,omitzero"`
	InteractionStats []InteractionStat `json:"interactionStats,omitzero"`
	Video            []VideoStat       `json:"video,omitzero"`
	Questions        *Questions        `json:"questions,omitempty"`
}

// Speaker is the talk time (seconds) of one party; ID equals Party.ID.
type Speaker struct {
	ID       string  `json:"id"`
	UserID   *string `json:"userId"`
	TalkTime float64 `json:"talkTime"`
}

// InteractionStat is one interaction statistic of the call's host (Talk
// Ratio as a fraction, Longest Monologue and Longest Customer Story in
// seconds, Interactivity a 0-10 score, Patience in seconds).
type InteractionStat struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// VideoStat is the time (seconds) the video showed one kind of content.
type VideoStat struct {
	Name     string  `json:"name"`
	Duration float64 `json:"duration"`
}

// Questions counts the questions asked by company and non-company speakers.
type Questions struct {
	CompanyCount    int `json:"companyCount"`
	NonCompanyCount int `json:"nonCompanyCount"`
}

// CallCollaboration is the collaboration part of an extensive call.
type CallCollaboration struct {
	PublicComments []Comment `json:"publicComments"`
}

// Comment is one public comment on a call (times in seconds).
type Comment struct {
	ID              string  `json:"id"`
	AudioStartTime  float64 `json:"audioStartTime"`
	AudioEndTime    float64 `json:"audioEndTime"`
	CommenterUserID string  `json:"commenterUserId"`
	Comment         string  `json:"comment"`
	Posted          string  `json:"posted"`
	InReplyTo       *string `json:"inReplyTo"`
	DuringCall      bool    `json:"duringCall"`
}

// CallMedia holds signed download URLs of a call's recording. VideoURL is
// absent for audio-only calls.
type CallMedia struct {
	AudioURL string `json:"audioUrl,omitzero"`
	VideoURL string `json:"videoUrl,omitzero"`
}

// CallTranscript is one record of POST /v2/calls/transcript.
type CallTranscript struct {
	CallID     string      `json:"callId"`
	Transcript []Monologue `json:"transcript"`
}

// Monologue is a stretch of one speaker on one topic. SpeakerID joins to
// Party.SpeakerID; Topic is null for stretches Gong could not label.
type Monologue struct {
	SpeakerID string     `json:"speakerId"`
	Topic     *string    `json:"topic"`
	Sentences []Sentence `json:"sentences"`
}

// Sentence is one transcribed sentence; Start and End are milliseconds from
// the start of the call.
type Sentence struct {
	Start int64  `json:"start"`
	End   int64  `json:"end"`
	Text  string `json:"text"`
}

// Records is the pagination block of Gong's list responses. Cursor is
// absent on the last page.
type Records struct {
	TotalRecords      int    `json:"totalRecords"`
	CurrentPageSize   int    `json:"currentPageSize"`
	CurrentPageNumber int    `json:"currentPageNumber"`
	Cursor            string `json:"cursor,omitzero"`
}

// Stats counts what the simulator served since New. Paths are route
// patterns such as "POST /v2/calls/extensive" or "GET /v2/users/{id}".
type Stats struct {
	Requests        int64            `json:"requests"`        // every request answered, API and admin
	APIRequests     int64            `json:"apiRequests"`     // requests to /v2 paths
	ByPath          map[string]int64 `json:"byPath"`          // per route pattern ("other" for unknown paths)
	ByStatus        map[string]int64 `json:"byStatus"`        // per HTTP status code, e.g. "200", "429"
	Unauthorized    int64            `json:"unauthorized"`    // 401s
	RateLimited     int64            `json:"rateLimited"`     // 429s of any cause (rate and daily quota)
	QuotaExceeded   int64            `json:"quotaExceeded"`   // of RateLimited: daily quota spent
	Faults          int64            `json:"faults"`          // injected faults: Faults5xx + Truncated + Malformed + Resets + StormRejected + TokensExpired + CursorFaults
	Faults5xx       int64            `json:"faults5xx"`       // injected 500/502/503 answers
	Truncated       int64            `json:"truncated"`       // 200 bodies cut short on purpose
	Malformed       int64            `json:"malformed"`       // 200 bodies made invalid JSON on purpose (MalformedRate)
	Resets          int64            `json:"resets"`          // connections reset instead of answered (ResetRate; not in ByStatus)
	Storms          int64            `json:"storms"`          // 429 storms started (StormRate)
	StormRejected   int64            `json:"stormRejected"`   // of RateLimited: 429s answered during storms
	TokensExpired   int64            `json:"tokensExpired"`   // Bearer requests answered 401 by revoking their token early (TokenExpireRate)
	Delayed         int64            `json:"delayed"`         // API requests held back by Latency / LatencyJitter
	DelayMs         int64            `json:"delayMs"`         // their total delay, milliseconds
	CursorsExpired  int64            `json:"cursorsExpired"`  // 400 "cursor has expired"
	CursorFaults    int64            `json:"cursorFaults"`    // of CursorsExpired: refused by CursorExpireRate
	CallsServed     int64            `json:"callsServed"`     // call records in 200 pages (list, get, extensive)
	TranscriptsSent int64            `json:"transcriptsSent"` // transcript records in 200 pages
	SentencesSent   int64            `json:"sentencesSent"`   // sentences in those transcripts
	BytesSent       int64            `json:"bytesSent"`       // response body bytes written
}
