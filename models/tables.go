package models

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// c declares a column.
func c(name string, typ arrow.DataType, doc string) Column {
	return Column{Name: name, Type: typ, Doc: doc}
}

// raw is the _raw column of entity tables.
var raw = c(RawColumn, JSON, "the record as received from Gong (JSON)")

// Users is GET /v2/users.
var Users = &Table{
	Name: "users", Doc: "one row per Gong user", Stream: "users", Key: []string{"id"},
	Columns: []Column{
		c("id", String, "Gong user ID"),
		c("email_address", String, ""),
		c("created", Timestamp, "when the user was created"),
		c("active", Bool, ""),
		c("email_aliases", StringList, ""),
		c("trusted_email_address", String, ""),
		c("first_name", String, ""),
		c("last_name", String, ""),
		c("title", String, "job title"),
		c("phone_number", String, ""),
		c("extension", String, ""),
		c("personal_meeting_urls", StringList, ""),
		c("settings_web_conferences_recorded", Bool, ""),
		c("settings_prevent_web_conference_recording", Bool, ""),
		c("settings_telephony_calls_imported", Bool, ""),
		c("settings_emails_imported", Bool, ""),
		c("settings_prevent_email_import", Bool, ""),
		c("settings_non_recorded_meetings_imported", Bool, ""),
		c("settings_gong_connect_enabled", Bool, ""),
		c("manager_id", String, "the user's manager (users.id)"),
		c("meeting_consent_page_url", String, ""),
		c("spoken_languages", StringList, "BCP-47 languages the user speaks"),
		c("primary_spoken_language", String, "the one marked primary"),
		c("conferencing_providers", StringList, "web-conferencing providers"),
		c("default_conferencing_provider", String, "the one marked default"),
		raw,
	},
}

// Workspaces is GET /v2/workspaces.
var Workspaces = &Table{
	Name: "workspaces", Doc: "one row per workspace", Stream: "workspaces", Key: []string{"id"},
	Columns: []Column{
		c("id", String, "workspace ID"),
		c("name", String, ""),
		c("description", String, ""),
		raw,
	},
}

// Calls is POST /v2/calls/extensive: metaData and the one-per-call parts of
// content and interaction.
var Calls = &Table{
	Name: "calls", Doc: "one row per call", Stream: "calls", Key: []string{"id"}, CallScoped: true,
	Columns: []Column{
		c("id", String, "call ID"),
		c("url", String, "the call in the Gong web app"),
		c("title", String, ""),
		c("scheduled", Timestamp, ""),
		c("started", Timestamp, "when recording started; windows are cut on it"),
		c("duration_s", Int64, "call duration in seconds"),
		c("primary_user_id", String, "host (users.id)"),
		c("direction", String, "Inbound, Outbound, Conference or Unknown"),
		c("system", String, "the system that carried the call (Zoom, Outreach, …)"),
		c("scope", String, "Internal, External or Unknown"),
		c("media", String, "Video or Audio"),
		c("language", String, "ISO-639-2B"),
		c("workspace_id", String, "workspaces.id"),
		c("sdr_disposition", String, ""),
		c("client_unique_id", String, ""),
		c("custom_data", String, ""),
		c("purpose", String, ""),
		c("meeting_url", String, ""),
		c("is_private", Bool, ""),
		c("calendar_event_id", String, ""),
		c("brief", String, "content.brief"),
		c("call_outcome_id", String, "content.callOutcome.id"),
		c("call_outcome_category", String, "content.callOutcome.category"),
		c("call_outcome_name", String, "content.callOutcome.name"),
		c("questions_company_count", Int64, "interaction.questions.companyCount"),
		c("questions_non_company_count", Int64, "interaction.questions.nonCompanyCount"),
		c("has_audio", Bool, "an audio recording URL was offered"),
		c("has_video", Bool, "a video recording URL was offered"),
		raw,
	},
}

// callChild declares a child table of calls.
func callChild(name, doc string, key []string, cols ...Column) *Table {
	return &Table{
		Name: name, Doc: doc, Stream: "calls", Key: key,
		Parent: "calls", ParentKey: []string{"call_id"}, CallScoped: true,
		Columns: append([]Column{c("call_id", String, "calls.id")}, cols...),
	}
}

// The child tables of calls, replaced whenever their call is loaded again.
var (
	CallParties = callChild("call_parties", "one row per participant of a call",
		[]string{"call_id", "party_id"},
		c("party_id", String, "participant ID within the call"),
		c("email_address", String, ""),
		c("name", String, ""),
		c("title", String, ""),
		c("user_id", String, "users.id for internal participants"),
		c("speaker_id", String, "joins transcript_sentences.speaker_id"),
		c("affiliation", String, "Internal, External or Unknown"),
		c("phone_number", String, ""),
		c("methods", StringList, "Invitee and/or Attendee"),
		c("context", JSON, "the participant's CRM context as received (JSON)"),
	)
	CallSpeakers = callChild("call_speakers", "talk time per participant of a call",
		[]string{"call_id", "party_id"},
		c("party_id", String, "call_parties.party_id"),
		c("user_id", String, "users.id"),
		c("talk_time_s", Float64, "talk duration in seconds"),
	)
	CallInteractionStats = callChild("call_interaction_stats", "one row per interaction statistic of a call",
		[]string{"call_id", "name"},
		c("name", String, "Talk Ratio, Longest Monologue, Interactivity, Patience, …"),
		c("value", Float64, ""),
	)
	CallVideoStats = callChild("call_video_stats", "seconds of each video segment type in a call",
		[]string{"call_id", "name"},
		c("name", String, "Browser, Presentation, WebcamPrimaryUser, WebcamNonCompany or Webcam"),
		c("duration_s", Float64, ""),
	)
	CallTopics = callChild("call_topics", "time spent on each topic in a call",
		[]string{"call_id", "name"},
		c("name", String, ""),
		c("duration_s", Float64, ""),
	)
	CallStructure = callChild("call_structure", "the agenda parts of a call, in order",
		[]string{"call_id", "ordinal"},
		c("ordinal", Int32, "0-based position"),
		c("name", String, ""),
		c("duration_s", Float64, ""),
	)
	CallTrackers = callChild("call_trackers", "one row per tracker mentioned in a call",
		[]string{"call_id", "tracker_key"},
		c("tracker_key", String, "tracker ID, or its name when Gong sends no ID"),
		c("tracker_id", String, "trackers.tracker_id"),
		c("name", String, ""),
		c("count", Int64, "mentions in the call"),
		c("type", String, "KEYWORD or SMART"),
	)
	CallTrackerOccurrences = callChild("call_tracker_occurrences", "one row per tracker mention in a call",
		[]string{"call_id", "tracker_key", "ordinal"},
		c("tracker_key", String, "call_trackers.tracker_key"),
		c("ordinal", Int32, "0-based: the tracker's occurrences, then each phrase's"),
		c("phrase", String, "the keyword phrase, NULL for tracker-level occurrences"),
		c("start_time_s", Float64, "seconds from call start"),
		c("speaker_id", String, "call_parties.speaker_id"),
	)
	CallOutlineItems = callChild("call_outline_items", "one row per item of each outline section of a call",
		[]string{"call_id", "section_ordinal", "item_ordinal"},
		c("section_ordinal", Int32, "0-based section position"),
		c("item_ordinal", Int32, "0-based item position; -1 for a section without items"),
		c("section", String, "section name"),
		c("section_start_time_s", Float64, ""),
		c("section_duration_s", Float64, ""),
		c("text", String, "item text"),
		c("start_time_s", Float64, "item start, seconds from call start"),
	)
	CallHighlights = callChild("call_highlights", "one row per item of each highlights section of a call",
		[]string{"call_id", "highlight_ordinal", "item_ordinal"},
		c("highlight_ordinal", Int32, "0-based section position"),
		c("item_ordinal", Int32, "0-based item position; -1 for a section without items"),
		c("title", String, "section title"),
		c("text", String, "item text"),
		c("start_times_s", Float64List, "seconds from call start"),
	)
	CallKeyPoints = callChild("call_key_points", "the key points of a call, in order",
		[]string{"call_id", "ordinal"},
		c("ordinal", Int32, "0-based position"),
		c("text", String, ""),
	)
	CallComments = callChild("call_comments", "one row per public comment on a call",
		[]string{"call_id", "comment_id"},
		c("comment_id", String, ""),
		c("audio_start_time_s", Float64, ""),
		c("audio_end_time_s", Float64, ""),
		c("commenter_user_id", String, "users.id"),
		c("comment", String, ""),
		c("posted", Timestamp, ""),
		c("in_reply_to", String, "call_comments.comment_id"),
		c("during_call", Bool, ""),
	)
	CallContextFields = callChild("call_context_fields", "one row per CRM field linked to a call",
		[]string{"call_id", "system", "object_type", "object_id", "timing", "field_name"},
		c("system", String, "Salesforce, HubSpot, MicrosoftDynamic or Generic"),
		c("object_type", String, "Opportunity or Account"),
		c("object_id", String, ""),
		c("timing", String, "Now or TimeOfCall"),
		c("field_name", String, "'' for an object linked without fields"),
		c("value", String, "a string value as is; any other JSON value as its JSON text"),
	)
)

// TranscriptSentences is POST /v2/calls/transcript, one row per sentence.
var TranscriptSentences = &Table{
	Name: "transcript_sentences", Doc: "one row per transcript sentence", Stream: "transcripts",
	Key: []string{"call_id", "sentence_index"}, Parent: "calls", ParentKey: []string{"call_id"}, CallScoped: true,
	Columns: []Column{
		c("call_id", String, "calls.id"),
		c("sentence_index", Int32, "0-based position in the call's whole transcript"),
		c("monologue_index", Int32, "0-based monologue position"),
		c("speaker_id", String, "call_parties.speaker_id"),
		c("topic", String, "topic of the monologue"),
		c("start_ms", Int64, "milliseconds from call start"),
		c("end_ms", Int64, "milliseconds from call start"),
		c("text", String, ""),
	},
}

// Scorecards is GET /v2/settings/scorecards.
var Scorecards = &Table{
	Name: "scorecards", Doc: "one row per scorecard", Stream: "scorecards", Key: []string{"scorecard_id"},
	Columns: []Column{
		c("scorecard_id", String, ""),
		c("scorecard_name", String, ""),
		c("workspace_id", String, "workspaces.id"),
		c("enabled", Bool, ""),
		c("updater_user_id", String, "users.id; -1 for the system"),
		c("created", Timestamp, ""),
		c("updated", Timestamp, ""),
		c("review_method", String, "AUTOMATIC or MANUAL"),
		raw,
	},
}

// ScorecardQuestions are the questions of each scorecard.
var ScorecardQuestions = &Table{
	Name: "scorecard_questions", Doc: "one row per question of a scorecard", Stream: "scorecards",
	Key: []string{"scorecard_id", "question_id"}, Parent: "scorecards", ParentKey: []string{"scorecard_id"},
	Columns: []Column{
		c("scorecard_id", String, "scorecards.scorecard_id"),
		c("question_id", String, ""),
		c("ordinal", Int32, "0-based position in the scorecard"),
		c("question_revision_id", String, ""),
		c("question_text", String, ""),
		c("is_overall", Bool, "the main overall question"),
		c("question_type", String, "e.g. RANGE"),
		c("answer_guide", String, ""),
		c("min_range", Int64, "lowest score, NULL for questions without a range"),
		c("max_range", Int64, "highest score"),
		c("updater_user_id", String, ""),
		c("created", Timestamp, ""),
		c("updated", Timestamp, ""),
	},
}

// ScorecardQuestionOptions are the answer options of select questions.
var ScorecardQuestionOptions = &Table{
	Name: "scorecard_question_options", Doc: "one row per answer option of a select question", Stream: "scorecards",
	Key: []string{"question_id", "option_id"}, Parent: "scorecards", ParentKey: []string{"scorecard_id"},
	Columns: []Column{
		c("question_id", String, "scorecard_questions.question_id"),
		c("option_id", String, "what scorecard_answers.selected_options holds"),
		c("scorecard_id", String, "scorecards.scorecard_id"),
		c("ordinal", Int32, "0-based position"),
		c("text", String, ""),
	},
}

// AnsweredScorecards is POST /v2/stats/activity/scorecards.
var AnsweredScorecards = &Table{
	Name: "answered_scorecards", Doc: "one row per answered scorecard", Stream: "answered_scorecards",
	Key: []string{"answered_scorecard_id"},
	Columns: []Column{
		c("answered_scorecard_id", String, "exact digits, even beyond 2^53"),
		c("scorecard_id", String, "scorecards.scorecard_id"),
		c("scorecard_name", String, ""),
		c("call_id", String, "calls.id"),
		c("call_start_time", Timestamp, ""),
		c("reviewed_user_id", String, "the host being reviewed (users.id)"),
		c("reviewer_user_id", String, "who answered; NULL for AUTOMATIC reviews"),
		c("review_method", String, "AUTOMATIC or MANUAL"),
		c("editor_user_id", String, "last editor"),
		c("review_time", Timestamp, "when the review was published; windows are cut on it"),
		c("visibility_type", String, ""),
		raw,
	},
}

// ScorecardAnswers are the answers of each answered scorecard.
var ScorecardAnswers = &Table{
	Name: "scorecard_answers", Doc: "one row per answered question", Stream: "answered_scorecards",
	Key: []string{"answered_scorecard_id", "question_id"}, Parent: "answered_scorecards", ParentKey: []string{"answered_scorecard_id"},
	Columns: []Column{
		c("answered_scorecard_id", String, "answered_scorecards.answered_scorecard_id"),
		c("question_id", String, "scorecard_questions.question_id"),
		c("question_revision_id", String, ""),
		c("is_overall", Bool, ""),
		c("score", Int64, "1–50 when answered"),
		c("answer_text", String, ""),
		c("not_applicable", Bool, ""),
		c("selected_options", StringList, "scorecard_question_options.option_id"),
	},
}

// Trackers is GET /v2/settings/trackers (keyword trackers).
var Trackers = &Table{
	Name: "trackers", Doc: "one row per keyword tracker", Stream: "trackers", Key: []string{"tracker_id"},
	Columns: []Column{
		c("tracker_id", String, ""),
		c("tracker_name", String, ""),
		c("workspace_id", String, ""),
		c("affiliation", String, "Anyone, Company or NonCompany"),
		c("part_of_question", Bool, ""),
		c("said_at", String, "Anytime, First or Last"),
		c("said_at_interval", Int64, ""),
		c("said_at_unit", String, ""),
		c("said_in_topics", StringList, ""),
		c("filter_query", JSON, "JSON text"),
		c("created", Timestamp, ""),
		c("creator_user_id", String, "NULL for built-in trackers"),
		c("updated", Timestamp, ""),
		c("updater_user_id", String, ""),
		raw,
	},
}

// TrackerKeywords are the keywords of each tracker, per language.
var TrackerKeywords = &Table{
	Name: "tracker_keywords", Doc: "one row per keyword of a tracker in a language", Stream: "trackers",
	Key: []string{"tracker_id", "language", "keyword"}, Parent: "trackers", ParentKey: []string{"tracker_id"},
	Columns: []Column{
		c("tracker_id", String, "trackers.tracker_id"),
		c("language", String, "ISO 639-2/B, or mul"),
		c("keyword", String, ""),
		c("include_related_forms", Bool, ""),
	},
}

// LibraryFolders is GET /v2/library/folders, per workspace.
var LibraryFolders = &Table{
	Name: "library_folders", Doc: "one row per public library folder", Stream: "library_folders", Key: []string{"folder_id"},
	Columns: []Column{
		c("folder_id", String, ""),
		c("name", String, ""),
		c("parent_folder_id", String, "NULL for a root folder"),
		c("created_by", String, "users.id"),
		c("updated", Timestamp, ""),
		c("workspace_id", String, "the workspace the folder was listed in"),
		raw,
	},
}

// LibraryFolderCalls is GET /v2/library/folder-content, per folder.
var LibraryFolderCalls = &Table{
	Name: "library_folder_calls", Doc: "one row per call in a library folder", Stream: "library_folder_content",
	Key: []string{"folder_id", "call_id"}, Parent: "library_folders", ParentKey: []string{"folder_id"},
	Columns: []Column{
		c("folder_id", String, "library_folders.folder_id"),
		c("call_id", String, "calls.id"),
		c("title", String, ""),
		c("note", String, ""),
		c("added_by", String, "users.id"),
		c("created", Timestamp, "when the call was added to the folder"),
		c("url", String, ""),
		c("snippet_from_s", Int64, "snippet start, seconds from call start"),
		c("snippet_to_s", Int64, "snippet end"),
	},
}

// activityColumns are one column per activity counter.
func activityColumns(typ arrow.DataType, doc string) []Column {
	out := make([]Column, len(ActivityCounters))
	for i, n := range ActivityCounters {
		out[i] = c(SnakeCase(n), typ, doc)
	}
	return out
}

// UserActivityAggregate is POST /v2/stats/activity/aggregate per month.
var UserActivityAggregate = &Table{
	Name: "user_activity_aggregate", Doc: "one row per user and period", Stream: "activity_aggregate",
	Key: []string{"user_id", "from_date", "to_date"},
	Columns: append(append([]Column{
		c("user_id", String, "users.id"),
		c("from_date", Date, "first day (company time zone)"),
		c("to_date", Date, "day after the last (exclusive)"),
		c("user_email_address", String, ""),
	}, activityColumns(Int64, "count over the period")...), raw),
}

// UserActivityDaily is POST /v2/stats/activity/day-by-day.
var UserActivityDaily = &Table{
	Name: "user_activity_daily", Doc: "one row per user and day with activity", Stream: "activity_daily",
	Key: []string{"user_id", "day"},
	Columns: append(append([]Column{
		c("user_id", String, "users.id"),
		c("day", Date, "the day (company time zone)"),
		c("user_email_address", String, ""),
	}, activityColumns(Int64, "number of calls")...), raw),
}

// UserActivityDailyCalls are the call IDs behind each daily count.
var UserActivityDailyCalls = &Table{
	Name: "user_activity_daily_calls", Doc: "one row per call behind a daily activity count", Stream: "activity_daily",
	Key: []string{"user_id", "day", "activity", "call_id"}, Parent: "user_activity_daily", ParentKey: []string{"user_id", "day"},
	Columns: []Column{
		c("user_id", String, "users.id"),
		c("day", Date, ""),
		c("activity", String, "the counter: calls_as_host, calls_attended, …"),
		c("call_id", String, "calls.id"),
	},
}

// UserInteractionStats is POST /v2/stats/interaction per month.
var UserInteractionStats = &Table{
	Name: "user_interaction_stats", Doc: "one row per user, period and statistic", Stream: "interaction_stats",
	Key: []string{"user_id", "from_date", "to_date", "name"},
	Columns: []Column{
		c("user_id", String, "users.id"),
		c("from_date", Date, ""),
		c("to_date", Date, "exclusive"),
		c("name", String, "Longest Monologue, Interactivity, Patience, Question Rate, …"),
		c("value", Float64, ""),
		c("user_email_address", String, ""),
		raw,
	},
}

// CoachingMetrics is GET /v2/coaching per workspace, manager and month.
var CoachingMetrics = &Table{
	Name: "coaching_metrics", Doc: "one row per metric of a manager's direct report and period", Stream: "coaching",
	Key: []string{"workspace_id", "manager_id", "report_user_id", "from_date", "to_date", "metric"},
	Columns: []Column{
		c("workspace_id", String, ""),
		c("manager_id", String, "users.id"),
		c("report_user_id", String, "users.id of the direct report"),
		c("from_date", Date, ""),
		c("to_date", Date, "exclusive"),
		c("metric", String, "Gong's metric name (undocumented, e.g. callsReviewed)"),
		c("metric_values", StringList, "the values as Gong sends them"),
		c("manager_email_address", String, ""),
		c("report_email_address", String, ""),
		c("report_first_name", String, ""),
		c("report_last_name", String, ""),
		c("report_title", String, ""),
		raw,
	},
}

// CallChildren are the child tables the calls stream replaces per call.
var CallChildren = []*Table{
	CallParties, CallSpeakers, CallInteractionStats, CallVideoStats, CallTopics, CallStructure,
	CallTrackers, CallTrackerOccurrences, CallOutlineItems, CallHighlights, CallKeyPoints,
	CallComments, CallContextFields,
}

// All returns every table, parents before children.
func All() []*Table {
	out := []*Table{Users, Workspaces, Calls}
	out = append(out, CallChildren...)
	return append(out, TranscriptSentences,
		Scorecards, ScorecardQuestions, ScorecardQuestionOptions,
		AnsweredScorecards, ScorecardAnswers,
		Trackers, TrackerKeywords,
		LibraryFolders, LibraryFolderCalls,
		UserActivityAggregate, UserActivityDaily, UserActivityDailyCalls,
		UserInteractionStats, CoachingMetrics)
}

// Lookup returns the table with the given name.
func Lookup(name string) (*Table, bool) {
	i := slices.IndexFunc(All(), func(t *Table) bool { return t.Name == name })
	if i < 0 {
		return nil, false
	}
	return All()[i], true
}
