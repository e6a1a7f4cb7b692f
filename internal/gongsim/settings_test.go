package gongsim

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests of the settings, library, answered-scorecard, stats, coaching,
// call-outcome and media endpoints.

// envelope decodes a body into its top-level members.
func envelope(t *testing.T, r response) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	r.ok(t, &m)
	if rid := string(m["requestId"]); rid == "" || rid != `"`+r.header.Get("x-traceid")+`"` {
		t.Fatalf("requestId %s, x-traceid %q", rid, r.header.Get("x-traceid"))
	}
	return m
}

func keysOf(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func decode[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decoding %.300s: %v", raw, err)
	}
	return v
}

// pages follows the body cursors of a POST endpoint and returns the raw
// records of member key of every page, and the pages' records blocks.
func pages(t *testing.T, c *client, path, key, filter string) ([]json.RawMessage, []Records) {
	t.Helper()
	var items []json.RawMessage
	var recs []Records
	cursor := ""
	for {
		body := `{"filter":` + filter + `}`
		if cursor != "" {
			body = `{"cursor":"` + cursor + `","filter":` + filter + `}`
		}
		m := envelope(t, c.do("POST", path, body))
		rec := decode[Records](t, m["records"])
		page := decode[[]json.RawMessage](t, m[key])
		if rec.CurrentPageSize != len(page) || rec.CurrentPageNumber != len(recs) {
			t.Fatalf("page %d: records %+v with %d items", len(recs), rec, len(page))
		}
		items = append(items, page...)
		recs = append(recs, rec)
		if rec.Cursor == "" {
			return items, recs
		}
		cursor = rec.Cursor
		if len(recs) > 100 {
			t.Fatal("pagination does not end")
		}
	}
}

func decodeAll[T any](t *testing.T, raws []json.RawMessage) []T {
	t.Helper()
	out := make([]T, len(raws))
	for i, r := range raws {
		out[i] = decode[T](t, r)
	}
	return out
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := mustJSON(got), mustJSON(want)
	if g != w {
		t.Errorf("%s differ:\n got %.400s\nwant %.400s", what, g, w)
	}
}

func TestSettingsScorecards(t *testing.T) {
	s, c := newSim(t, Config{Users: 30, Calls: 50})
	r := c.do("GET", "/v2/settings/scorecards", "")
	m := envelope(t, r)
	if !slices.Equal(keysOf(m), []string{"requestId", "scorecards"}) {
		t.Errorf("keys %v", keysOf(m))
	}
	got := decode[[]Scorecard](t, m["scorecards"])
	sameJSON(t, "scorecards", got, s.Scorecards())
	// Real data: IDs and ranges as JSON strings, "-1" for system updates,
	// null ranges and [] options for non-range questions, option IDs as numbers.
	for _, want := range []string{`"scorecardId":"`, `"workspaceId":"`, `"questionId":"`, `"questionRevisionId":"`,
		`"minRange":"1","maxRange":"5"`, `"minRange":null,"maxRange":null`, `"answerOptions":[]`,
		`"answerOptions":[{"id":1,"text":`, `"updaterUserId":"-1"`, `"reviewMethod":"AUTOMATIC"`, `"reviewMethod":"MANUAL"`,
		`"enabled":false`, `"answerGuide":null`} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("scorecards lack %s", want)
		}
	}
	wss := map[string]bool{}
	for _, sc := range got {
		wss[sc.WorkspaceID] = true
		if !idRE.MatchString(sc.ScorecardID) || len(sc.Questions) == 0 {
			t.Errorf("scorecard %+v", sc)
		}
		for _, q := range sc.Questions {
			if (q.QuestionType == "RANGE") != (q.MinRange != nil && q.MaxRange != nil) {
				t.Errorf("question %+v: ranges", q)
			}
			if strings.HasSuffix(q.QuestionType, "_SELECT") != (len(q.AnswerOptions) > 0) {
				t.Errorf("question %+v: options", q)
			}
		}
	}
	if len(wss) != 2 {
		t.Errorf("scorecards in %d workspaces", len(wss))
	}
}

// scorecardIndex maps question IDs to their question and scorecard.
type qInfo struct {
	sc Scorecard
	q  ScorecardQuestion
}

func questionIndex(scs []Scorecard) map[string]qInfo {
	m := map[string]qInfo{}
	for _, sc := range scs {
		for _, q := range sc.Questions {
			m[q.QuestionID] = qInfo{sc, q}
		}
	}
	return m
}

var bigNumberRE = regexp.MustCompile(`"answeredScorecardId":([0-9]+)[,}]`)

func TestAnsweredScorecards(t *testing.T) {
	s, c := newSim(t, Config{Users: 30, Calls: 400})
	const path = "/v2/stats/activity/scorecards"
	raws, recs := pages(t, c, path, "answeredScorecards", `{"reviewMethod":"BOTH"}`)
	if len(recs) < 2 || recs[0].TotalRecords != len(raws) {
		t.Fatalf("%d pages, %d records, total %d", len(recs), len(raws), recs[0].TotalRecords)
	}
	all := decodeAll[AnsweredScorecard](t, raws)
	sameJSON(t, "answered scorecards", all, s.AnsweredScorecards())

	// IDs typed int64 by the spec are bare JSON numbers, exact beyond 2^53.
	beyond := 0
	for _, raw := range raws {
		mm := bigNumberRE.FindSubmatch(raw)
		if mm == nil {
			t.Fatalf("answeredScorecardId is not a bare number: %.200s", raw)
		}
		if v, _ := strconv.ParseUint(string(mm[1]), 10, 64); v > 1<<53 {
			beyond++
			var f struct {
				ID float64 `json:"answeredScorecardId"`
			}
			json.Unmarshal(raw, &f)
			if strconv.FormatFloat(f.ID, 'f', 0, 64) == string(mm[1]) {
				t.Logf("%s survives float64 by chance", mm[1])
			}
		}
		for _, k := range []string{"scorecardId", "callId", "reviewedUserId", "questionId", "questionRevisionId"} {
			if !regexp.MustCompile(`"` + k + `":[1-9][0-9]*[,}]`).Match(raw) {
				t.Fatalf("%s is not a bare number: %.300s", k, raw)
			}
		}
		if !regexp.MustCompile(`"reviewerUserId":(null|[1-9][0-9]*),`).Match(raw) ||
			!regexp.MustCompile(`"editorUserId":(null|[1-9][0-9]*),`).Match(raw) {
			t.Fatalf("reviewer/editor: %.300s", raw)
		}
	}
	if beyond == 0 || beyond == len(raws) {
		t.Errorf("%d of %d answeredScorecardIds beyond 2^53", beyond, len(raws))
	}

	// Consistency with calls, users and scorecards.
	calls := map[string]Call{}
	for _, cl := range s.Calls() {
		calls[cl.MetaData.ID] = cl
	}
	users := map[string]User{}
	for _, u := range s.Users() {
		users[u.ID] = u
	}
	qs := questionIndex(s.Scorecards())
	methods, seen := map[string]int{}, map[string]bool{}
	for _, a := range all {
		methods[a.ReviewMethod]++
		if seen[string(a.AnsweredScorecardID)] {
			t.Errorf("duplicate answeredScorecardId %s", a.AnsweredScorecardID)
		}
		seen[string(a.AnsweredScorecardID)] = true
		cl, ok := calls[string(a.CallID)]
		if !ok {
			t.Fatalf("answered scorecard %s: call %s does not exist", a.AnsweredScorecardID, a.CallID)
		}
		if string(a.ReviewedUserID) != cl.MetaData.PrimaryUserID || a.CallStartTime != cl.MetaData.Started {
			t.Errorf("answered %s: reviewed %s start %s, call host %s start %s", a.AnsweredScorecardID, a.ReviewedUserID,
				a.CallStartTime, cl.MetaData.PrimaryUserID, cl.MetaData.Started)
		}
		review, _ := time.Parse(time.RFC3339Nano, a.ReviewTime)
		end := startedOf(t, cl).Add(time.Duration(cl.MetaData.Duration) * time.Second)
		if review.Before(end.Add(-time.Second)) || review.After(testNow) {
			t.Errorf("answered %s reviewed %s, call ended %s", a.AnsweredScorecardID, a.ReviewTime, end)
		}
		switch a.ReviewMethod {
		case "AUTOMATIC":
			if a.ReviewerUserID != nil || a.EditorUserID != nil {
				t.Errorf("automatic review with reviewer %v", a.ReviewerUserID)
			}
		case "MANUAL":
			if a.ReviewerUserID == nil {
				t.Fatal("manual review without reviewer")
			}
			if _, ok := users[string(*a.ReviewerUserID)]; !ok || string(*a.ReviewerUserID) == cl.MetaData.PrimaryUserID {
				t.Errorf("reviewer %s", *a.ReviewerUserID)
			}
		}
		if a.EditorUserID != nil && *a.EditorUserID == *a.ReviewerUserID {
			t.Error("editor is the reviewer")
		}
		for _, ans := range a.Answers {
			qi, ok := qs[string(ans.QuestionID)]
			if !ok || string(a.ScorecardID) != qi.sc.ScorecardID || a.ScorecardName != qi.sc.ScorecardName ||
				string(ans.QuestionRevisionID) != qi.q.QuestionRevisionID || qi.sc.WorkspaceID != cl.MetaData.WorkspaceID {
				t.Fatalf("answer %+v does not match a question of scorecard %s", ans, a.ScorecardID)
			}
			if ans.Score != nil {
				lo, _ := strconv.Atoi(*qi.q.MinRange)
				hi, _ := strconv.Atoi(*qi.q.MaxRange)
				if *ans.Score < lo || *ans.Score > hi || *ans.Score < 1 || *ans.Score > 50 {
					t.Errorf("score %d outside %d-%d", *ans.Score, lo, hi)
				}
			}
			for _, o := range ans.SelectedOptions {
				n, _ := strconv.Atoi(o)
				if !slices.ContainsFunc(qi.q.AnswerOptions, func(x QuestionOption) bool { return int(x.ID) == n }) {
					t.Errorf("selected option %s not an option of %s", o, qi.q.QuestionID)
				}
			}
			if ans.NotApplicable && (ans.Score != nil || ans.AnswerText != nil || ans.SelectedOptions != nil) {
				t.Errorf("not-applicable answer %+v", ans)
			}
		}
	}
	if methods["MANUAL"] == 0 || methods["AUTOMATIC"] == 0 {
		t.Errorf("methods %v", methods)
	}

	// Default review method: MANUAL only.
	manual, _ := pages(t, c, path, "answeredScorecards", `{}`)
	if len(manual) != methods["MANUAL"] {
		t.Errorf("default filter: %d records, want %d MANUAL", len(manual), methods["MANUAL"])
	}
	auto, _ := pages(t, c, path, "answeredScorecards", `{"reviewMethod":"AUTOMATIC"}`)
	if len(auto) != methods["AUTOMATIC"] {
		t.Errorf("AUTOMATIC: %d records, want %d", len(auto), methods["AUTOMATIC"])
	}

	// Date filters: company-time dates, from inclusive, to exclusive.
	loc, _ := time.LoadLocation("America/New_York")
	day := func(ts string) string {
		tt, _ := time.Parse(time.RFC3339Nano, ts)
		return tt.In(loc).Format(time.DateOnly)
	}
	count := func(pred func(a AnsweredScorecard) bool) int {
		n := 0
		for _, a := range all {
			if pred(a) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		filter string
		pred   func(a AnsweredScorecard) bool
	}{
		{`{"reviewMethod":"BOTH","callFromDate":"2026-05-20","callToDate":"2026-05-27"}`, func(a AnsweredScorecard) bool {
			d := day(a.CallStartTime)
			return d >= "2026-05-20" && d < "2026-05-27"
		}},
		{`{"reviewMethod":"BOTH","reviewFromDate":"2026-06-01"}`, func(a AnsweredScorecard) bool { return day(a.ReviewTime) >= "2026-06-01" }},
		{`{"reviewMethod":"BOTH","reviewToDate":"2026-05-25","reviewFromDate":"2026-05-18"}`, func(a AnsweredScorecard) bool {
			d := day(a.ReviewTime)
			return d >= "2026-05-18" && d < "2026-05-25"
		}},
		{`{"reviewMethod":"BOTH","reviewedUserIds":["` + string(all[0].ReviewedUserID) + `"],"scorecardIds":[` + string(all[0].ScorecardID) + `]}`,
			func(a AnsweredScorecard) bool {
				return a.ReviewedUserID == all[0].ReviewedUserID && a.ScorecardID == all[0].ScorecardID
			}},
	} {
		got, _ := pages(t, c, path, "answeredScorecards", tc.filter)
		if want := count(tc.pred); len(got) != want || want == 0 {
			t.Errorf("filter %s: %d records, want %d", tc.filter, len(got), want)
		}
	}

	// Errors.
	c.do("POST", path, `{"filter":{"callFromDate":"2020-01-01","callToDate":"2020-02-01"}}`).wantError(t, 404, "Answered scorecards not found")
	c.do("POST", path, `{"filter":{"scorecardIds":["1234567890123456789"]}}`).wantError(t, 404, "Answered scorecards not found")
	c.do("POST", path, `{"filter":"{\"reviewMethod\":\"BOTH\"}"}`).wantError(t, 400, "filter: must be a JSON object")
	c.do("POST", path, `{}`).wantError(t, 400, "filter")
	c.do("POST", path, `{"filter":{"reviewMethod":"SOMETIMES"}}`).wantError(t, 400, "reviewMethod")
	c.do("POST", path, `{"filter":{"callFromDate":"2026-05-20T00:00:00Z"}}`).wantError(t, 400, "YYYY-MM-DD")
	c.do("POST", path, `{"filter":{"reviewFromDate":"2026-05-20","reviewToDate":"2026-05-20"}}`).wantError(t, 400, "before")
	c.do("POST", path, `{"cursor":"`+recs[0].Cursor+`","filter":{}}`).wantError(t, 400, "cursor")
}

func TestAnsweredScorecardChanges(t *testing.T) {
	clk := &clock{t: testNow}
	s, c := newSim(t, Config{Users: 12, Calls: 120, Now: clk.Now})
	before := s.AnsweredScorecards()
	var manual AnsweredScorecard
	for _, a := range before {
		if a.ReviewMethod == "MANUAL" && a.EditorUserID == nil {
			manual = a
			break
		}
	}
	// Edit through the admin endpoint.
	clk.Advance(time.Hour)
	var edited struct {
		AnsweredScorecard AnsweredScorecard `json:"answeredScorecard"`
	}
	c.do("POST", "/_sim/scorecards/answer", `{"answeredScorecardId":"`+string(manual.AnsweredScorecardID)+`"}`).ok(t, &edited)
	e := edited.AnsweredScorecard
	if e.AnsweredScorecardID != manual.AnsweredScorecardID || e.EditorUserID == nil || *e.EditorUserID == *manual.ReviewerUserID ||
		string(*e.EditorUserID) == string(e.ReviewedUserID) || e.ReviewTime != s.fmtTime(clk.Now(), 3) {
		t.Errorf("edited %+v", e)
	}
	after := s.AnsweredScorecards()
	if len(after) != len(before) {
		t.Fatalf("%d answered scorecards after an edit, %d before", len(after), len(before))
	}
	i := slices.IndexFunc(after, func(a AnsweredScorecard) bool { return a.AnsweredScorecardID == manual.AnsweredScorecardID })
	sameJSON(t, "edited record", after[i], e)
	// A loader windowing on the review date finds it again today.
	today := clk.Now().In(s.loc).Format(time.DateOnly)
	got, _ := pages(t, c, "/v2/stats/activity/scorecards", "answeredScorecards", `{"reviewFromDate":"`+today+`"}`)
	if !slices.ContainsFunc(decodeAll[AnsweredScorecard](t, got), func(a AnsweredScorecard) bool { return a.AnsweredScorecardID == e.AnsweredScorecardID }) {
		t.Error("edited scorecard not in today's reviews")
	}

	// Revise a scorecard: new answers name the new revision, old keep theirs.
	sc := s.Scorecards()[0]
	var rev struct {
		Scorecard Scorecard `json:"scorecard"`
	}
	c.do("POST", "/_sim/scorecards/edit", `{"scorecardId":"`+sc.ScorecardID+`"}`).ok(t, &rev)
	if rev.Scorecard.Questions[0].QuestionRevisionID == sc.Questions[0].QuestionRevisionID ||
		rev.Scorecard.Questions[0].QuestionID != sc.Questions[0].QuestionID || rev.Scorecard.Updated == sc.Updated {
		t.Errorf("revised scorecard %+v", rev.Scorecard.Questions[0])
	}
	sameJSON(t, "revised scorecard", s.Scorecards()[0], rev.Scorecard)
	var callID string
	for _, cl := range s.Calls() {
		if cl.MetaData.WorkspaceID == sc.WorkspaceID && cl.MetaData.Direction == "Conference" && startedOf(t, cl).Before(testNow.Add(-3*time.Hour)) {
			callID = cl.MetaData.ID
		}
	}
	clk.Advance(time.Minute)
	var added struct {
		AnsweredScorecard AnsweredScorecard `json:"answeredScorecard"`
	}
	c.do("POST", "/_sim/scorecards/answer", `{"callId":"`+callID+`","scorecardId":"`+sc.ScorecardID+`"}`).ok(t, &added)
	a := added.AnsweredScorecard
	if string(a.CallID) != callID || a.ReviewerUserID == nil || string(a.Answers[0].QuestionRevisionID) != rev.Scorecard.Questions[0].QuestionRevisionID {
		t.Errorf("added %+v", a)
	}
	if n := len(s.AnsweredScorecards()); n != len(before)+1 {
		t.Errorf("%d answered scorecards after adding one to %d", n, len(before))
	}
	for _, old := range s.AnsweredScorecards() {
		if old.ScorecardID == num(sc.ScorecardID) && old.AnsweredScorecardID != a.AnsweredScorecardID &&
			string(old.Answers[0].QuestionRevisionID) != sc.Questions[0].QuestionRevisionID {
			t.Errorf("old answer %s names revision %s", old.AnsweredScorecardID, old.Answers[0].QuestionRevisionID)
		}
	}
	// Deleting the call removes its answered scorecards.
	s.DeleteCall(callID)
	if slices.ContainsFunc(s.AnsweredScorecards(), func(x AnsweredScorecard) bool { return string(x.CallID) == callID }) {
		t.Error("answered scorecards of a deleted call remain")
	}
	c.do("POST", "/_sim/scorecards/answer", `{"callId":"`+callID+`","scorecardId":"`+sc.ScorecardID+`"}`).wantError(t, 400, "not found")
	c.do("POST", "/_sim/scorecards/edit", `{"scorecardId":"1"}`).wantError(t, 404, "Scorecards not found")
	if _, err := s.AnswerScorecard(s.AddCalls(1, time.Time{}, true)[0], sc.ScorecardID); err == nil {
		t.Error("answered a call that has not ended")
	}
}

func TestSettingsTrackers(t *testing.T) {
	s, c := newSim(t, Config{Users: 30, Calls: 40})
	r := c.do("GET", "/v2/settings/trackers", "")
	m := envelope(t, r)
	if !slices.Equal(keysOf(m), []string{"keywordTrackers", "requestId"}) {
		t.Errorf("keys %v", keysOf(m))
	}
	all := decode[[]KeywordTracker](t, m["keywordTrackers"])
	sameJSON(t, "trackers", all, s.Trackers())
	for _, want := range []string{`"filterQuery":"{}"`, `"creatorUserId":null`, `"updaterUserId":null`, `"saidAtInterval":null`, `"saidInTopics":[]`} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("trackers lack %s", want)
		}
	}
	// The keyword trackers calls mention are listed with the same IDs and
	// names; smart trackers are not.
	byID := map[string]KeywordTracker{}
	for _, kt := range all {
		byID[kt.TrackerID] = kt
		if (kt.CreatorUserID == nil) != (kt.UpdaterUserID == nil) || len(kt.LanguageKeywords) == 0 {
			t.Errorf("tracker %+v", kt)
		}
	}
	ws0 := s.Workspaces()[0].ID
	for _, tr := range s.Calls()[0].Content.Trackers {
		kt, listed := byID[tr.ID]
		if listed != (tr.Type == "KEYWORD") || (listed && (kt.TrackerName != tr.Name || kt.WorkspaceID != ws0)) {
			t.Errorf("call tracker %s %q (%s): listed %v as %+v", tr.ID, tr.Name, tr.Type, listed, kt)
		}
		for _, ph := range tr.Phrases {
			if !slices.Contains(kt.LanguageKeywords[0].Keywords, ph.Phrase) {
				t.Errorf("phrase %q not a keyword of %s", ph.Phrase, kt.TrackerName)
			}
		}
	}
	total := 0
	for _, w := range s.Workspaces() {
		var one struct {
			KeywordTrackers []KeywordTracker `json:"keywordTrackers"`
		}
		c.do("GET", "/v2/settings/trackers?workspaceId="+w.ID, "").ok(t, &one)
		for _, kt := range one.KeywordTrackers {
			if kt.WorkspaceID != w.ID {
				t.Errorf("workspace %s lists tracker of %s", w.ID, kt.WorkspaceID)
			}
		}
		total += len(one.KeywordTrackers)
	}
	if total != len(all) || len(s.Workspaces()) != 2 {
		t.Errorf("%d trackers by workspace, %d in all", total, len(all))
	}
	c.do("GET", "/v2/settings/trackers?workspaceId=1234567890123456789", "").wantError(t, 404, "Workspace not found")
}

func TestLibrary(t *testing.T) {
	s, c := newSim(t, Config{Users: 30, Calls: 300})
	m := envelope(t, c.do("GET", "/v2/library/folders", ""))
	if !slices.Equal(keysOf(m), []string{"folders", "requestId"}) {
		t.Errorf("keys %v", keysOf(m))
	}
	folders := decode[[]LibraryFolder](t, m["folders"])
	want := s.LibraryFolders()
	for i := range want {
		want[i].WorkspaceID = "" // not part of the record
	}
	sameJSON(t, "folders", folders, want)
	if !bytes.Contains(m["folders"], []byte(`"parentFolderId":null,"createdBy":null`)) {
		t.Error("no root folder with null parent and creator")
	}
	calls := map[string]Call{}
	for _, cl := range s.Calls() {
		calls[cl.MetaData.ID] = cl
	}
	wsOf := map[string]string{}
	for _, f := range s.LibraryFolders() {
		wsOf[f.ID] = f.WorkspaceID
	}
	var empty, withCalls int
	for _, w := range s.Workspaces() {
		var one struct {
			Folders []LibraryFolder `json:"folders"`
		}
		c.do("GET", "/v2/library/folders?workspaceId="+w.ID, "").ok(t, &one)
		for _, f := range one.Folders {
			if wsOf[f.ID] != w.ID || (f.ParentFolderID != nil && wsOf[*f.ParentFolderID] != w.ID) {
				t.Errorf("folder %+v in workspace %s", f, w.ID)
			}
			r := c.do("GET", "/v2/library/folder-content?folderId="+f.ID, "")
			fm := envelope(t, r)
			if !slices.Equal(keysOf(fm), []string{"calls", "createdBy", "id", "name", "requestId", "updated"}) {
				t.Fatalf("folder content keys %v", keysOf(fm))
			}
			fc := decode[FolderContent](t, r.body)
			wantFC, _ := s.FolderContent(f.ID)
			sameJSON(t, "folder content", fc, wantFC)
			if fc.ID != f.ID || fc.Name != f.Name || fc.Updated != f.Updated {
				t.Errorf("folder content %+v of %+v", fc, f)
			}
			if len(fc.Calls) == 0 {
				empty++
				if !bytes.Contains(r.body, []byte(`"calls":[]`)) {
					t.Errorf("empty folder: %s", r.body)
				}
			} else {
				withCalls++
			}
			for _, lc := range fc.Calls {
				cl, ok := calls[lc.ID]
				if !ok || cl.MetaData.WorkspaceID != w.ID || lc.Title != cl.MetaData.Title || !strings.HasPrefix(lc.URL, cl.MetaData.URL) {
					t.Errorf("library call %+v", lc)
				}
				added, _ := time.Parse(time.RFC3339Nano, lc.Created)
				if added.Before(startedOf(t, cl)) || added.After(testNow) || lc.Snippet.FromSec < 0 ||
					lc.Snippet.ToSec <= lc.Snippet.FromSec || lc.Snippet.ToSec > int(cl.MetaData.Duration) {
					t.Errorf("library call %+v of call started %s lasting %d", lc, cl.MetaData.Started, cl.MetaData.Duration)
				}
				if _, ok := s.userByID[lc.AddedBy]; !ok {
					t.Errorf("addedBy %s", lc.AddedBy)
				}
			}
		}
	}
	if empty == 0 || withCalls == 0 {
		t.Errorf("%d empty folders, %d with calls", empty, withCalls)
	}
	// A deleted call leaves its folder.
	var f LibraryFolder
	var fc FolderContent
	for _, f = range s.LibraryFolders() {
		if fc, _ = s.FolderContent(f.ID); len(fc.Calls) > 0 {
			break
		}
	}
	s.DeleteCall(fc.Calls[0].ID)
	if fc2, _ := s.FolderContent(f.ID); len(fc2.Calls) != len(fc.Calls)-1 {
		t.Error("deleted call still in its folder")
	}
	c.do("GET", "/v2/library/folder-content?folderId=1234567890123456789", "").wantError(t, 404, "No folders found")
	c.do("GET", "/v2/library/folder-content", "").wantError(t, 400, "folderId")
	c.do("GET", "/v2/library/folders?workspaceId=1234567890123456789", "").wantError(t, 404, "No folders found")
}

func TestCallOutcomes(t *testing.T) {
	s, c := newSim(t, Config{Calls: 300})
	m := envelope(t, c.do("GET", "/v2/call-outcomes", ""))
	got := decode[[]CallOutcomeDto](t, m["outcomes"])
	sameJSON(t, "outcomes", got, s.CallOutcomes())
	if !bytes.Contains(m["outcomes"], []byte(`"automation":null`)) || !bytes.Contains(m["outcomes"], []byte(`"automation":"MARK_AS_OPT_OUT"`)) {
		t.Error("automation values")
	}
	names := map[string]CallOutcomeDto{}
	for _, o := range got {
		names[o.CallOutcome] = o
	}
	used := 0
	for _, cl := range s.Calls() {
		if o := cl.Content.CallOutcome; o != nil {
			used++
			dto, ok := names[o.Name]
			if !ok || (o.Category == "Answered") != (dto.Category == "ANSWERED") {
				t.Errorf("call outcome %+v not listed as %+v", o, dto)
			}
		}
	}
	if used == 0 {
		t.Error("no call has an outcome")
	}
}

// localDay is the company-time date of an RFC 3339 timestamp.
func localDay(t *testing.T, loc *time.Location, ts string) string {
	t.Helper()
	tt, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		t.Fatal(err)
	}
	return tt.In(loc).Format(time.DateOnly)
}

func TestActivityStats(t *testing.T) {
	s, c := newSim(t, Config{Users: 160, Calls: 1200, Days: 20, Sentences: 20})
	const from, to = "2026-05-27", "2026-06-10" // to = today, allowed (exclusive)
	filter := `{"fromDate":"` + from + `","toDate":"` + to + `"}`
	aggRaw, aggRecs := pages(t, c, "/v2/stats/activity/aggregate", "usersAggregateActivityStats", filter)
	dayRaw, dayRecs := pages(t, c, "/v2/stats/activity/day-by-day", "usersDetailedActivities", filter)
	if len(aggRecs) < 2 || len(dayRecs) < 2 {
		t.Fatalf("%d and %d pages: want several", len(aggRecs), len(dayRecs))
	}
	agg := decodeAll[UserAggregateActivity](t, aggRaw)
	daily := decodeAll[UserDailyActivity](t, dayRaw)
	sameJSON(t, "aggregate", agg, s.ActivityAggregate(from, to))
	sameJSON(t, "day-by-day", daily, s.ActivityDaily(from, to))

	// Bare numbers in some arrays, exact digits; day bounds with the offset.
	var bareIDs, quoted int
	for _, raw := range dayRaw {
		bareIDs += len(regexp.MustCompile(`[\[,][1-9][0-9]{18}[,\]]`).FindAll(raw, -1))
		quoted += len(regexp.MustCompile(`[\[,]"[1-9][0-9]{18}"`).FindAll(raw, -1))
	}
	if bareIDs == 0 || quoted == 0 {
		t.Errorf("%d bare and %d quoted call IDs in day-by-day arrays", bareIDs, quoted)
	}
	m := envelope(t, c.do("POST", "/v2/stats/activity/aggregate", `{"filter":`+filter+`}`))
	for k, want := range map[string]string{"fromDateTime": `"2026-05-27T00:00:00-04:00"`, "toDateTime": `"2026-06-10T00:00:00-04:00"`, "timeZone": `"America/New_York"`} {
		if string(m[k]) != want {
			t.Errorf("%s = %s, want %s", k, m[k], want)
		}
	}

	// Aggregate = sum of the daily array lengths; one entry per day.
	if len(agg) != len(daily) {
		t.Fatalf("%d users in aggregate, %d in day-by-day", len(agg), len(daily))
	}
	loc := s.loc
	host, attended := map[string]map[string][]string{}, map[string]map[string][]string{}
	addTo := func(m map[string]map[string][]string, u, d, id string) {
		if m[u] == nil {
			m[u] = map[string][]string{}
		}
		m[u][d] = append(m[u][d], id)
	}
	for _, cl := range s.Calls() {
		d := localDay(t, loc, cl.MetaData.Started)
		if d < from || d >= to {
			continue
		}
		addTo(host, cl.MetaData.PrimaryUserID, d, cl.MetaData.ID)
		for _, p := range cl.Parties {
			if p.UserID != "" && p.UserID != cl.MetaData.PrimaryUserID {
				addTo(attended, p.UserID, d, cl.MetaData.ID)
			}
		}
	}
	hosts := 0
	for i, u := range daily {
		if agg[i].UserID != u.UserID || len(u.UserDailyActivityStats) != 14 {
			t.Fatalf("user %s: %d days", u.UserID, len(u.UserDailyActivityStats))
		}
		var sum AggregateActivity
		active := false
		for k, d := range u.UserDailyActivityStats {
			wantFrom := time.Date(2026, 5, 27+k, 0, 0, 0, 0, loc).Format(time.RFC3339)
			if d.FromDate != wantFrom || d.ToDate != time.Date(2026, 5, 28+k, 0, 0, 0, 0, loc).Format(time.RFC3339) {
				t.Fatalf("day %d: %s - %s", k, d.FromDate, d.ToDate)
			}
			day := wantFrom[:10]
			if !slices.Equal(d.CallsAsHost, host[u.UserID][day]) && len(d.CallsAsHost)+len(host[u.UserID][day]) > 0 {
				t.Errorf("user %s %s: callsAsHost %v, hosted %v", u.UserID, day, d.CallsAsHost, host[u.UserID][day])
			}
			if !slices.Equal(d.CallsAttended, attended[u.UserID][day]) && len(d.CallsAttended)+len(attended[u.UserID][day]) > 0 {
				t.Errorf("user %s %s: callsAttended %v, attended %v", u.UserID, day, d.CallsAttended, attended[u.UserID][day])
			}
			cs := sum.counters()
			for ci, l := range d.lists() {
				*cs[ci] += len(*l)
				active = active || len(*l) > 0
			}
		}
		if !active {
			t.Errorf("user %s without activity listed", u.UserID)
		}
		if sum != agg[i].UserAggregateActivityStats {
			t.Errorf("user %s: aggregate %+v, sum of days %+v", u.UserID, agg[i].UserAggregateActivityStats, sum)
		}
		if sum.CallsAsHost > 0 {
			hosts++
		}
	}
	if hosts < len(host)*9/10 || len(host) == 0 {
		t.Errorf("%d hosts in stats, %d hosted calls", hosts, len(host))
	}
	nonZero := map[string]bool{}
	for _, a := range agg {
		for i, p := range a.UserAggregateActivityStats.counters() {
			if *p > 0 {
				nonZero[activityCounters[i]] = true
			}
		}
	}
	if len(nonZero) != 15 {
		t.Errorf("counters ever non-zero: %v", nonZero)
	}

	// userIds restricts; an aggregate over two halves sums up.
	u0 := agg[3].UserID
	var one struct {
		Users []UserAggregateActivity `json:"usersAggregateActivityStats"`
	}
	c.do("POST", "/v2/stats/activity/aggregate", `{"filter":{"fromDate":"`+from+`","toDate":"`+to+`","userIds":["`+u0+`"]}}`).ok(t, &one)
	sameJSON(t, "one user", one.Users, agg[3:4])
	half := map[string]AggregateActivity{}
	for _, rng := range [][2]string{{from, "2026-06-03"}, {"2026-06-03", to}} {
		for _, a := range s.ActivityAggregate(rng[0], rng[1]) {
			h := half[a.UserID]
			hc := h.counters()
			for i, p := range a.UserAggregateActivityStats.counters() {
				*hc[i] += *p
			}
			half[a.UserID] = h
		}
	}
	for _, a := range agg {
		if half[a.UserID] != a.UserAggregateActivityStats {
			t.Errorf("user %s: halves %+v, whole %+v", a.UserID, half[a.UserID], a.UserAggregateActivityStats)
		}
	}

	// Errors.
	for _, p := range []string{"/v2/stats/activity/aggregate", "/v2/stats/activity/day-by-day", "/v2/stats/interaction"} {
		c.do("POST", p, `{"filter":{"fromDate":"2026-06-01","toDate":"2026-06-11"}}`).wantError(t, 400, "filter.toDate: must not be after the current day (2026-06-10")
		c.do("POST", p, `{"filter":"{\"fromDate\":\"2026-06-01\",\"toDate\":\"2026-06-02\"}"}`).wantError(t, 400, "filter: must be a JSON object")
		c.do("POST", p, `{"filter":{"toDate":"2026-06-02"}}`).wantError(t, 400, "filter.fromDate")
		c.do("POST", p, `{"filter":{"fromDate":"2026/06/01","toDate":"2026-06-02"}}`).wantError(t, 400, "YYYY-MM-DD")
		c.do("POST", p, `{"filter":{"fromDate":"2020-06-01","toDate":"2020-06-02"}}`).wantError(t, 404, "No stats found for the specified period")
		c.do("POST", p, `{"filter":{"fromDate":"2026-06-01","toDate":"2026-06-02","userIds":["1234567890123456789"]}}`).wantError(t, 404, "User not found")
	}
	if s.ActivityAggregate("2026-06-01", "2026-06-11") != nil {
		t.Error("ActivityAggregate past today")
	}
}

func TestInteractionStats(t *testing.T) {
	s, c := newSim(t, Config{Users: 25, Calls: 300, Sentences: 30})
	const from, to = "2026-05-15", "2026-06-05"
	raws, _ := pages(t, c, "/v2/stats/interaction", "peopleInteractionStats", `{"fromDate":"`+from+`","toDate":"`+to+`"}`)
	got := decodeAll[UserInteractionStats](t, raws)
	sameJSON(t, "interaction", got, s.InteractionStats(from, to))
	m := envelope(t, c.do("POST", "/v2/stats/interaction", `{"filter":{"fromDate":"`+from+`","toDate":"`+to+`"}}`))
	if string(m["timeZone"]) != `"America/New_York"` || string(m["fromDateTime"]) != `"2026-05-15T00:00:00-04:00"` {
		t.Errorf("envelope %v", keysOf(m))
	}
	monologue := map[string]float64{}
	for _, cl := range s.Calls() {
		d := localDay(t, s.loc, cl.MetaData.Started)
		if d < from || d >= to || cl.Interaction == nil || len(cl.Interaction.InteractionStats) == 0 {
			continue
		}
		if _, ok := s.Transcript(cl.MetaData.ID); !ok {
			continue
		}
		monologue[cl.MetaData.PrimaryUserID] = max(monologue[cl.MetaData.PrimaryUserID], cl.Interaction.InteractionStats[1].Value)
	}
	if len(got) != len(monologue) {
		t.Errorf("%d users with stats, %d hosts", len(got), len(monologue))
	}
	names := []string{"Longest Monologue", "Longest Customer Story", "Interactivity", "Patience", "Question Rate"}
	for _, u := range got {
		var ns []string
		for _, st := range u.PersonInteractionStats {
			ns = append(ns, st.Name)
		}
		if !slices.Equal(ns, names) {
			t.Fatalf("stat names %v", ns)
		}
		if u.PersonInteractionStats[0].Value != monologue[u.UserID] || u.PersonInteractionStats[0].Value != math.Trunc(u.PersonInteractionStats[0].Value) {
			t.Errorf("user %s: Longest Monologue %v, max of calls %v", u.UserID, u.PersonInteractionStats[0].Value, monologue[u.UserID])
		}
		if v := u.PersonInteractionStats[2].Value; v < 0 || v > 10 {
			t.Errorf("Interactivity %v", v)
		}
	}
}

func TestCoaching(t *testing.T) {
	s, c := newSim(t, Config{Users: 30, Calls: 400})
	ws := s.Workspaces()[0].ID
	users := s.Users()
	mgr := users[1] // a first-line manager
	from, to := "2026-05-01T00:00:00-04:00", "2026-06-01T00:00:00-04:00"
	q := "/v2/coaching?workspace-id=" + ws + "&manager-id=" + mgr.ID + "&from=" + from[:19] + "-04:00&to=" + to[:19] + "-04:00"
	q = strings.ReplaceAll(q, "+", "%2B")
	m := envelope(t, c.do("GET", q, ""))
	if !slices.Equal(keysOf(m), []string{"coachingData", "requestId"}) {
		t.Errorf("keys %v", keysOf(m))
	}
	got := decode[[]CoachingData](t, m["coachingData"])
	f, _ := time.Parse(time.RFC3339, from)
	tt, _ := time.Parse(time.RFC3339, to)
	sameJSON(t, "coaching", got, s.Coaching(ws, mgr.ID, f, tt))
	if len(got) != 1 || got[0].Manager.ID != mgr.ID || got[0].Manager.EmailAddress != mgr.EmailAddress {
		t.Fatalf("coaching %+v", got)
	}
	var reports []string
	for _, u := range users {
		if u.ManagerID != nil && *u.ManagerID == mgr.ID {
			reports = append(reports, u.ID)
		}
	}
	hosted := map[string]int{}
	for _, cl := range s.Calls() {
		st := startedOf(t, cl)
		if cl.MetaData.WorkspaceID == ws && !st.Before(f) && st.Before(tt) {
			hosted[cl.MetaData.PrimaryUserID]++
		}
	}
	var gotReports []string
	nonZero := map[string]bool{}
	for _, r := range got[0].DirectReportsMetrics {
		gotReports = append(gotReports, r.Report.ID)
		var keys []string
		for k, v := range r.Metrics {
			keys = append(keys, k)
			if len(v) != 1 {
				t.Errorf("metric %s = %v", k, v)
			}
			if v[0] != "0" {
				nonZero[k] = true
			}
		}
		slices.Sort(keys)
		if !slices.Equal(keys, CoachingMetricNames) {
			t.Errorf("metric names %v", keys)
		}
		if r.Metrics["callsHosted"][0] != strconv.Itoa(hosted[r.Report.ID]) {
			t.Errorf("report %s: callsHosted %v, hosted %d", r.Report.ID, r.Metrics["callsHosted"], hosted[r.Report.ID])
		}
	}
	if !slices.Equal(gotReports, reports) || len(reports) == 0 {
		t.Errorf("reports %v, want %v", gotReports, reports)
	}
	if len(nonZero) < 4 {
		t.Errorf("metrics ever non-zero: %v", nonZero)
	}
	// A seller manages nobody: 200 with no direct reports.
	seller := users[len(users)-1]
	var none struct {
		CoachingData []CoachingData `json:"coachingData"`
	}
	c.do("GET", strings.Replace(q, mgr.ID, seller.ID, 1), "").ok(t, &none)
	if len(none.CoachingData) != 1 || none.CoachingData[0].DirectReportsMetrics == nil || len(none.CoachingData[0].DirectReportsMetrics) != 0 {
		t.Errorf("non-manager: %+v", none)
	}
	c.do("GET", "/v2/coaching?workspace-id="+ws+"&manager-id="+mgr.ID+"&from=2026-05-01T00:00:00Z", "").wantError(t, 400, "'to'")
	c.do("GET", "/v2/coaching?workspaceId="+ws+"&managerId="+mgr.ID+"&from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z", "").wantError(t, 400, "workspace-id")
	c.do("GET", strings.Replace(q, mgr.ID, "1234567890123456789", 1), "").wantError(t, 404, "User not found")
	c.do("GET", strings.Replace(q, ws, "1234567890123456789", 1), "").wantError(t, 404, "Workspace not found")
	c.do("GET", strings.Replace(q, "2026-05-01", "May%201st", 1), "").wantError(t, 400, "from")
}

func TestMedia(t *testing.T) {
	clk := &clock{t: testNow}
	s, c := newSim(t, Config{Calls: 30, Now: clk.Now, MediaTTL: 10 * time.Minute})
	var video Call
	for _, cl := range s.Calls() {
		if cl.MetaData.Media == "Video" {
			video = cl
			break
		}
	}
	var p page[Call]
	c.do("POST", "/v2/calls/extensive", `{"filter":{"callIds":["`+video.MetaData.ID+`"]},"contentSelector":{"exposedFields":{"media":true}}}`).ok(t, &p)
	media := p.Calls[0].Media
	audio, vid := s.MediaBytes(video.MetaData.ID, "audio"), s.MediaBytes(video.MetaData.ID, "video")
	if len(audio) < audioMin || len(audio) > audioMax || len(vid) < 2*len(audio) || len(vid) > 4*len(audio) {
		t.Fatalf("sizes: audio %d, video %d", len(audio), len(vid))
	}
	if !bytes.HasPrefix(audio, []byte("ID3")) || !bytes.Equal(vid[4:8], []byte("ftyp")) {
		t.Error("media headers")
	}
	get := func(u string, hdr map[string]string) response {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return response{resp.StatusCode, resp.Header, b.Bytes()}
	}
	// No Gong credentials needed, and sending some does not matter.
	for _, hdr := range []map[string]string{nil, {"Authorization": "Basic ZGVtbzpkZW1v"}, {"Authorization": "Bearer nonsense"}} {
		r := get(media.AudioURL, hdr)
		if r.status != 200 || !bytes.Equal(r.body, audio) || r.header.Get("Accept-Ranges") != "bytes" ||
			r.header.Get("Content-Length") != strconv.Itoa(len(audio)) || r.header.Get("Content-Type") != "audio/mpeg" {
			t.Fatalf("audio %v: status %d, %d bytes, headers %v", hdr, r.status, len(r.body), r.header)
		}
	}
	r := get(media.VideoURL, nil)
	if r.status != 200 || !bytes.Equal(r.body, vid) || r.header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("video: status %d", r.status)
	}
	size := int64(len(vid))
	for _, tc := range []struct {
		rng    string
		lo, hi int64
	}{
		{"bytes=1000-", 1000, size - 1},
		{"bytes=5-4099", 5, 4099},
		{"bytes=0-0", 0, 0},
		{"bytes=-500", size - 500, size - 1},
		{"bytes=" + strconv.FormatInt(size-10, 10) + "-" + strconv.FormatInt(size+1000, 10), size - 10, size - 1},
	} {
		r := get(media.VideoURL, map[string]string{"Range": tc.rng})
		want := "bytes " + strconv.FormatInt(tc.lo, 10) + "-" + strconv.FormatInt(tc.hi, 10) + "/" + strconv.FormatInt(size, 10)
		if r.status != 206 || r.header.Get("Content-Range") != want || !bytes.Equal(r.body, vid[tc.lo:tc.hi+1]) ||
			r.header.Get("Content-Length") != strconv.FormatInt(tc.hi-tc.lo+1, 10) {
			t.Errorf("Range %s: status %d, Content-Range %q (want %q), %d bytes", tc.rng, r.status, r.header.Get("Content-Range"), want, len(r.body))
		}
	}
	// Several ranges or garbage: the whole object.
	if r := get(media.VideoURL, map[string]string{"Range": "bytes=0-1,5-6"}); r.status != 200 || len(r.body) != len(vid) {
		t.Errorf("multi-range: %d", r.status)
	}
	r = get(media.VideoURL, map[string]string{"Range": "bytes=" + strconv.FormatInt(size, 10) + "-"})
	if r.status != 416 || r.header.Get("Content-Range") != "bytes */"+strconv.FormatInt(size, 10) || !bytes.Contains(r.body, []byte("InvalidRange")) {
		t.Errorf("unsatisfiable: %d %q %s", r.status, r.header.Get("Content-Range"), r.body)
	}
	// Tampered signature, missing signature: 403 with an XML body.
	for _, u := range []string{strings.Replace(media.AudioURL, "sig=", "sig=0", 1), strings.Split(media.AudioURL, "?")[0],
		strings.Replace(media.AudioURL, ".mp3", ".mp4", 1)} {
		r := get(u, nil)
		if r.status != 403 || !bytes.Contains(r.body, []byte("<Code>SignatureDoesNotMatch</Code>")) || r.header.Get("Content-Type") != "application/xml" {
			t.Errorf("%s: %d %s", u, r.status, r.body)
		}
	}
	// Expiry: valid for at least MediaTTL, then 403.
	clk.Advance(10 * time.Minute)
	if r := get(media.AudioURL, nil); r.status != 200 {
		t.Errorf("after MediaTTL-: %d", r.status)
	}
	clk.Advance(3 * time.Minute)
	r = get(media.AudioURL, nil)
	if r.status != 403 || !bytes.Contains(r.body, []byte("Request has expired")) {
		t.Errorf("expired URL: %d %s", r.status, r.body)
	}
	// A fresh URL works again; a deleted call's recording is gone.
	fresh, _ := s.Call(video.MetaData.ID)
	if r := get(fresh.Media.AudioURL, nil); r.status != 200 {
		t.Errorf("fresh URL: %d", r.status)
	}
	s.DeleteCall(video.MetaData.ID)
	if r := get(fresh.Media.AudioURL, nil); r.status != 404 || !bytes.Contains(r.body, []byte("NoSuchKey")) {
		t.Errorf("deleted call: %d %s", r.status, r.body)
	}
	if s.MediaBytes(video.MetaData.ID, "audio") != nil {
		t.Error("MediaBytes of a deleted call")
	}
	if st := s.Stats(); st.ByPath["GET /_sim/media/{file}"] < 10 || st.APIRequests != 1 {
		t.Errorf("stats: media %d, api %d", st.ByPath["GET /_sim/media/{file}"], st.APIRequests)
	}
	// Audio-only calls have no video.
	for _, cl := range s.Calls() {
		if cl.MetaData.Media == "Audio" && s.MediaBytes(cl.MetaData.ID, "video") != nil {
			t.Error("video bytes for an audio call")
		}
	}
}

// newEndpoints is one request per endpoint added for these entities.
func newEndpoints(s *Sim) []struct{ method, path, body string } {
	ws, mgr := s.Workspaces()[0].ID, s.Users()[min(1, len(s.Users())-1)].ID
	folder := s.LibraryFolders()[1].ID
	return []struct{ method, path, body string }{
		{"GET", "/v2/settings/scorecards", ""},
		{"GET", "/v2/settings/trackers", ""},
		{"GET", "/v2/call-outcomes", ""},
		{"GET", "/v2/library/folders?workspaceId=" + ws, ""},
		{"GET", "/v2/library/folder-content?folderId=" + folder, ""},
		{"POST", "/v2/stats/activity/scorecards", `{"filter":{"reviewMethod":"BOTH"}}`},
		{"POST", "/v2/stats/activity/aggregate", `{"filter":{"fromDate":"2026-05-20","toDate":"2026-06-03"}}`},
		{"POST", "/v2/stats/activity/day-by-day", `{"filter":{"fromDate":"2026-05-20","toDate":"2026-05-27"}}`},
		{"POST", "/v2/stats/interaction", `{"filter":{"fromDate":"2026-05-20","toDate":"2026-06-03"}}`},
		{"GET", "/v2/coaching?workspace-id=" + ws + "&manager-id=" + mgr + "&from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z", ""},
	}
}

func TestNewEndpointsMiddlewareAndDeterminism(t *testing.T) {
	mk := func(seed int64, cfg Config) *Sim {
		cfg.Seed, cfg.Users, cfg.Calls = seed, 24, 150
		cfg.Now = func() time.Time { return testNow }
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(s *Sim, user string) []*httptest.ResponseRecorder {
		var out []*httptest.ResponseRecorder
		for _, st := range newEndpoints(s) {
			req := httptest.NewRequest(st.method, "http://gong.test"+st.path, strings.NewReader(st.body))
			if user != "" {
				req.SetBasicAuth(user, "demo")
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			out = append(out, w)
		}
		return out
	}
	a, b, other := mk(7, Config{}), mk(7, Config{}), mk(8, Config{})
	ra, rb, ro := run(a, "demo"), run(b, "demo"), run(other, "demo")
	eps := newEndpoints(a)
	for i := range ra {
		if ra[i].Code != 200 {
			t.Fatalf("%s: %d %s", eps[i].path, ra[i].Code, ra[i].Body)
		}
		if !bytes.Equal(ra[i].Body.Bytes(), rb[i].Body.Bytes()) {
			t.Errorf("%s: same seed, different bytes", eps[i].path)
		}
		if bytes.Equal(ra[i].Body.Bytes(), ro[i].Body.Bytes()) {
			t.Errorf("%s: different seeds, same bytes", eps[i].path)
		}
		var e struct {
			RequestID string `json:"requestId"`
		}
		json.Unmarshal(ra[i].Body.Bytes(), &e)
		if e.RequestID == "" || ra[i].Header().Get("X-Traceid") != e.RequestID {
			t.Errorf("%s: requestId %q, x-traceid %q", eps[i].path, e.RequestID, ra[i].Header().Get("X-Traceid"))
		}
	}
	st := a.Stats()
	for _, ep := range eps {
		pattern := ep.method + " " + strings.Split(ep.path, "?")[0]
		if st.ByPath[pattern] != 1 {
			t.Errorf("ByPath[%s] = %d", pattern, st.ByPath[pattern])
		}
	}
	if st.APIRequests != int64(len(eps)) {
		t.Errorf("APIRequests %d", st.APIRequests)
	}
	// Authentication, faults and the rate limit apply as to every /v2 path.
	for i, w := range run(a, "intruder") {
		if w.Code != 401 {
			t.Errorf("%s without credentials: %d", eps[i].path, w.Code)
		}
	}
	for i, w := range run(mk(7, Config{FailRate: 1}), "demo") {
		if w.Code < 500 {
			t.Errorf("%s with FailRate 1: %d", eps[i].path, w.Code)
		}
	}
	limited := 0
	for _, w := range run(mk(7, Config{RateLimit: 1}), "demo") {
		if w.Code == 429 && w.Header().Get("Retry-After") != "" {
			limited++
		}
	}
	if limited < len(eps)-2 {
		t.Errorf("%d of %d requests rate limited", limited, len(eps))
	}
}

func TestNewEndpointsSmallCompanies(t *testing.T) {
	for _, cfg := range []Config{{Users: 1, Calls: 30}, {Users: 2, Calls: 30}, {Users: 3, Calls: 30}, {Users: 9, Calls: 60},
		{Users: 10, Calls: 60}, {Users: 5, Calls: -1}, {Users: 4, Calls: 40, TimeZone: "Asia/Kolkata"}} {
		cfg.Now = func() time.Time { return testNow }
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range newEndpoints(s) {
			req := httptest.NewRequest(st.method, "http://gong.test"+st.path, strings.NewReader(st.body))
			req.SetBasicAuth("demo", "demo")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != 200 && w.Code != 404 {
				t.Errorf("%+v %s: %d %s", cfg, st.path, w.Code, w.Body)
			}
			if w.Code == 404 && cfg.Calls > 0 && !strings.Contains(st.path, "scorecards") {
				t.Errorf("%+v %s: 404 %s", cfg, st.path, w.Body)
			}
		}
		for _, a := range s.AnsweredScorecards() {
			if a.ReviewerUserID != nil && *a.ReviewerUserID == a.ReviewedUserID {
				t.Errorf("%+v: self review", cfg)
			}
		}
	}
}

func TestClockAdvance(t *testing.T) {
	clk := &clock{t: testNow}
	s, c := newSim(t, Config{Users: 20, Calls: 300, Now: clk.Now})
	const from, to = "2026-05-18", "2026-06-01"
	agg, daily, answered := s.ActivityAggregate(from, to), s.ActivityDaily(from, to), s.AnsweredScorecards()
	clk.Advance(6 * 24 * time.Hour)
	// A past period's stats do not change as time passes.
	sameJSON(t, "aggregate after a week", s.ActivityAggregate(from, to), agg)
	sameJSON(t, "day-by-day after a week", s.ActivityDaily(from, to), daily)
	// Reviews of the last calls arrive late: the old ones stay as they were.
	later := s.AnsweredScorecards()
	if len(later) <= len(answered) {
		t.Errorf("%d answered scorecards a week later, %d before", len(later), len(answered))
	}
	byID := map[json.Number]AnsweredScorecard{}
	for _, a := range later {
		byID[a.AnsweredScorecardID] = a
	}
	for _, a := range answered {
		sameJSON(t, "answered scorecard a week later", byID[a.AnsweredScorecardID], a)
	}
	old := map[json.Number]bool{}
	for _, a := range answered {
		old[a.AnsweredScorecardID] = true
	}
	for _, a := range later {
		if rt, _ := time.Parse(time.RFC3339Nano, a.ReviewTime); !old[a.AnsweredScorecardID] && !rt.After(testNow) {
			t.Errorf("answered scorecard %s reviewed %s was not visible at %s", a.AnsweredScorecardID, a.ReviewTime, testNow)
		}
	}
	c.do("POST", "/v2/stats/activity/day-by-day", `{"filter":{"fromDate":"2026-06-10","toDate":"2026-06-16"}}`).ok(t, nil)
}
