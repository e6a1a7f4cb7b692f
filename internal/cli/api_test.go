package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/gongsim"
)

// apiSim is the account of the api tests: 130 users (two pages of
// GET /v2/users) and 250 calls (three pages of /v2/calls/extensive).
func apiSim(t *testing.T) (*gongsim.Sim, string) {
	t.Helper()
	sim, base := newSim(t, gongsim.Config{Seed: 11, Users: 130, Calls: 250, Days: 14, Sentences: 6})
	credentials(t)
	return sim, base
}

// runAPI runs `gongload api ARGS --base-url base` and returns the records
// it printed, one JSON line each.
func runAPI(t *testing.T, base string, args ...string) []string {
	t.Helper()
	code, out, errOut := run(t, append(append([]string{"api"}, args...), "--base-url", base, "--rate-limit", "1000")...)
	if code != 0 {
		t.Fatalf("api %v: exit %d\nstderr:\n%s", args, code, errOut)
	}
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("api %v: output does not end with a newline", args)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		if !json.Valid([]byte(l)) || !strings.HasPrefix(l, "{") {
			t.Fatalf("api %v: line %d is not one JSON object: %.200s", args, i+1, l)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(l)); err != nil || buf.String() != l {
			t.Fatalf("api %v: line %d is not compact JSON", args, i+1)
		}
	}
	return lines
}

// simJSON encodes v the way the simulator (and Gong) does: compact, no HTML
// escaping.
func simJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// decoded parses a JSON text into generic values (numbers kept exact).
func decoded(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v: %.200s", err, s)
	}
	return v
}

// sameRecords checks that the printed lines are the simulator's records,
// in order and byte for byte (the simulator encodes like Gong: compact, no
// HTML escaping), so the records are printed exactly as received.
func sameRecords[T any](t *testing.T, what string, lines []string, want []T) {
	t.Helper()
	if len(lines) != len(want) {
		t.Errorf("%s: %d records printed, the simulator serves %d", what, len(lines), len(want))
		return
	}
	if len(want) == 0 {
		t.Errorf("%s: the simulator serves no records: the test exercises nothing", what)
	}
	for i := range want {
		w := simJSON(t, want[i])
		if lines[i] == w {
			continue
		}
		if diff := cmp.Diff(decoded(t, w), decoded(t, lines[i])); diff != "" {
			t.Errorf("%s record %d (-sim +printed):\n%.2000s", what, i, diff)
		} else {
			t.Errorf("%s record %d: the same JSON value, but not the bytes the API sent:\n got %.300s\nwant %.300s", what, i, lines[i], w)
		}
		return
	}
}

// field returns a top-level string member of a JSON line.
func field(t *testing.T, line, name string) string {
	t.Helper()
	m, _ := decoded(t, line).(map[string]any)
	return fmt.Sprint(m[name])
}

// TestAPIEntities runs every list/get action of `gongload api` against the
// simulator and compares the printed records with what it serves.
func TestAPIEntities(t *testing.T) {
	sim, base := apiSim(t)
	calls := sim.Calls()
	if len(calls) <= 2*gongsim.PageSize {
		t.Fatalf("want more than two pages of calls, got %d", len(calls))
	}
	users := sim.Users()

	t.Run("users list", func(t *testing.T) {
		before := sim.Stats().ByPath["GET /v2/users"]
		sameRecords(t, "users", runAPI(t, base, "users", "list"), users)
		if n := sim.Stats().ByPath["GET /v2/users"] - before; n != 2 {
			t.Errorf("%d requests for %d users, want 2 pages", n, len(users))
		}
	})
	t.Run("users get", func(t *testing.T) {
		sameRecords(t, "user", runAPI(t, base, "users", "get", "--param", "id="+users[7].ID), users[7:8])
	})
	t.Run("calls list", func(t *testing.T) {
		var want []gongsim.CallBasicData
		for _, c := range calls {
			want = append(want, c.MetaData)
		}
		sameRecords(t, "calls", runAPI(t, base, "calls", "list"), want)
	})
	t.Run("calls list in a range", func(t *testing.T) {
		from, to := simNow.AddDate(0, 0, -5), simNow.AddDate(0, 0, -2)
		var want []gongsim.CallBasicData
		for _, c := range calls {
			st, _ := time.Parse(time.RFC3339Nano, c.MetaData.Started)
			if !st.Before(from) && st.Before(to) {
				want = append(want, c.MetaData)
			}
		}
		lines := runAPI(t, base, "calls", "list", "--param", "fromDateTime="+from.Format(time.RFC3339), "-p", "toDateTime="+to.Format(time.RFC3339))
		sameRecords(t, "calls in range", lines, want)
	})
	t.Run("calls get", func(t *testing.T) {
		sameRecords(t, "call", runAPI(t, base, "calls", "get", "--param", "id="+calls[3].MetaData.ID), []gongsim.CallBasicData{calls[3].MetaData})
	})
	t.Run("calls_extensive list", func(t *testing.T) {
		before := sim.Stats().ByPath["POST /v2/calls/extensive"]
		sameRecords(t, "calls_extensive", runAPI(t, base, "calls_extensive", "list"), calls)
		if n := sim.Stats().ByPath["POST /v2/calls/extensive"] - before; n != 3 {
			t.Errorf("%d requests for %d calls, want 3 pages", n, len(calls))
		}
	})
	t.Run("calls_extensive by id", func(t *testing.T) {
		ids := calls[10].MetaData.ID + "," + calls[20].MetaData.ID
		sameRecords(t, "calls_extensive by id", runAPI(t, base, "calls_extensive", "list", "--param", "callIds="+ids),
			[]gongsim.Call{calls[10], calls[20]})
	})
	t.Run("calls_extensive contentSelector", func(t *testing.T) {
		want := gongsim.Call{MetaData: calls[4].MetaData, Media: calls[4].Media}
		sameRecords(t, "calls_extensive media only", runAPI(t, base, "calls_extensive", "list",
			"--param", "callIds="+calls[4].MetaData.ID, "--param", `contentSelector={"exposedFields":{"media":true}}`),
			[]gongsim.Call{want})
	})
	t.Run("workspaces list", func(t *testing.T) {
		sameRecords(t, "workspaces", runAPI(t, base, "workspaces", "list"), sim.Workspaces())
	})
	t.Run("call_transcripts list", func(t *testing.T) {
		var ids []string
		var want []gongsim.CallTranscript
		for _, c := range calls[:40] {
			if tr, ok := sim.Transcript(c.MetaData.ID); ok && len(want) < 3 {
				ids = append(ids, c.MetaData.ID)
				want = append(want, tr)
			}
		}
		sameRecords(t, "call_transcripts", runAPI(t, base, "call_transcripts", "list", "--param", "callIds="+strings.Join(ids, ",")), want)
	})
	from, to := simNow.AddDate(0, 0, -14).Format("2006-01-02"), simNow.Format("2006-01-02")
	t.Run("stats_activity_aggregate list", func(t *testing.T) {
		want := sim.ActivityAggregate(from, to)
		if len(want) <= gongsim.PageSize {
			t.Errorf("only %d users with activity: the cursor is not exercised", len(want))
		}
		sameRecords(t, "stats_activity_aggregate", runAPI(t, base, "stats_activity_aggregate", "list",
			"--param", "fromDate="+from, "--param", "toDate="+to), want)
	})
	t.Run("stats_activity_day_by_day list", func(t *testing.T) {
		sameRecords(t, "stats_activity_day_by_day", runAPI(t, base, "stats_activity_day_by_day", "list",
			"--param", "fromDate="+from, "--param", "toDate="+to), sim.ActivityDaily(from, to))
	})
	t.Run("stats_interaction list", func(t *testing.T) {
		sameRecords(t, "stats_interaction", runAPI(t, base, "stats_interaction", "list",
			"--param", "fromDate="+from, "--param", "toDate="+to), sim.InteractionStats(from, to))
	})
	t.Run("stats with userIds", func(t *testing.T) {
		all := sim.ActivityAggregate(from, to)
		if len(all) < 2 {
			t.Skip("fewer than two active users")
		}
		lines := runAPI(t, base, "stats_activity_aggregate", "list", "--param", "fromDate="+from, "--param", "toDate="+to,
			"--param", "userIds="+all[0].UserID+","+all[1].UserID)
		var got []string
		for _, l := range lines {
			got = append(got, field(t, l, "userId"))
		}
		slices.Sort(got)
		want := []string{all[0].UserID, all[1].UserID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("userIds filter: got users %v, want %v", got, want)
		}
	})
	t.Run("settings_scorecards list", func(t *testing.T) {
		sameRecords(t, "settings_scorecards", runAPI(t, base, "settings_scorecards", "list"), sim.Scorecards())
	})
	t.Run("settings_trackers list", func(t *testing.T) {
		sameRecords(t, "settings_trackers", runAPI(t, base, "settings_trackers", "list"), sim.Trackers())
	})
	t.Run("library_folders list", func(t *testing.T) {
		sameRecords(t, "library_folders", runAPI(t, base, "library_folders", "list"), sim.LibraryFolders())
	})
	t.Run("library_folder_content list", func(t *testing.T) {
		var folder gongsim.FolderContent
		for _, f := range sim.LibraryFolders() {
			if fc, ok := sim.FolderContent(f.ID); ok && len(fc.Calls) > 0 {
				folder = fc
				break
			}
		}
		if folder.ID == "" {
			t.Fatal("the simulator has no folder with calls")
		}
		lines := runAPI(t, base, "library_folder_content", "list", "--param", "folderId="+folder.ID)
		if len(lines) != 1 {
			t.Fatalf("want the folder as one record, got %d lines", len(lines))
		}
		got := decoded(t, lines[0]).(map[string]any)
		if _, ok := got["requestId"]; !ok {
			t.Error("the record is not the whole top-level object: no requestId")
		}
		delete(got, "requestId")
		if diff := cmp.Diff(decoded(t, simJSON(t, folder)), any(got)); diff != "" {
			t.Errorf("folder content (-sim +printed):\n%.2000s", diff)
		}
	})
	t.Run("coaching list", func(t *testing.T) {
		ws := sim.Workspaces()[0].ID
		mgr := ""
		for _, u := range users {
			if u.ManagerID != nil {
				mgr = *u.ManagerID
				break
			}
		}
		cf, ct := simNow.AddDate(0, 0, -14), simNow
		want := sim.Coaching(ws, mgr, cf, ct)
		sameRecords(t, "coaching", runAPI(t, base, "coaching", "list", "--param", "workspace-id="+ws, "--param", "manager-id="+mgr,
			"--param", "from="+cf.Format(time.RFC3339), "--param", "to="+ct.Format(time.RFC3339)), want)
	})
	t.Run("stats_activity_scorecards list", func(t *testing.T) {
		want := sim.AnsweredScorecards()
		if len(want) <= gongsim.PageSize {
			t.Errorf("only %d answered scorecards: the cursor is not exercised", len(want))
		}
		sameRecords(t, "stats_activity_scorecards", runAPI(t, base, "stats_activity_scorecards", "list", "--param", "reviewMethod=BOTH"), want)
	})
	t.Run("empty 404 prints nothing", func(t *testing.T) {
		old := simNow.AddDate(-1, 0, 0)
		code, out, errOut := run(t, "api", "calls", "list", "--base-url", base, "--param", "fromDateTime="+old.Format(time.RFC3339),
			"--param", "toDateTime="+old.AddDate(0, 0, 1).Format(time.RFC3339))
		if code != 0 || out != "" {
			t.Errorf("calls in an empty range: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
	})
	t.Run("get unknown id", func(t *testing.T) {
		code, out, errOut := run(t, "api", "users", "get", "--base-url", base, "--param", "id=123")
		if code != ExitError || out != "" || !strings.Contains(errOut, "User not found") {
			t.Errorf("unknown user: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
	})
}

// TestAPIDownload: call_audio and call_video write the exact bytes of the
// recording to a file or stdout; a call without the recording is an error.
func TestAPIDownload(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 5, Users: 8, Calls: 30, Days: 7, Sentences: 4})
	credentials(t)
	video, audioOnly := videoAndAudioOnly(t, sim)
	dir := t.TempDir()

	file := filepath.Join(dir, "a.mp3")
	if code, out, errOut := run(t, "api", "call_audio", "download", "--param", "id="+audioOnly, "--out", file, "--base-url", base); code != 0 || out != "" {
		t.Fatalf("call_audio download: exit %d, stdout %.100q\n%s", code, out, errOut)
	}
	sameFile(t, file, sim.MediaBytes(audioOnly, "audio"))
	if _, err := os.Stat(file + ".part"); !os.IsNotExist(err) {
		t.Errorf("%s.part left behind", file)
	}

	code, out, errOut := run(t, "api", "call_video", "download", "--param", "id="+video, "--base-url", base)
	if code != 0 {
		t.Fatalf("call_video download to stdout: exit %d\n%s", code, errOut)
	}
	if want := sim.MediaBytes(video, "video"); !bytes.Equal([]byte(out), want) {
		t.Errorf("stdout holds %d bytes, not the %d bytes of the video", len(out), len(want))
	}
	code, out, errOut = run(t, "api", "call_video", "download", "--param", "id="+video, "--out", "-", "--base-url", base)
	if code != 0 || !bytes.Equal([]byte(out), sim.MediaBytes(video, "video")) {
		t.Errorf("--out -: exit %d, %d bytes\n%s", code, len(out), errOut)
	}

	code, out, errOut = run(t, "api", "call_video", "download", "--param", "id="+audioOnly, "--out", filepath.Join(dir, "v.mp4"), "--base-url", base)
	if code != ExitError || out != "" || !strings.Contains(errOut, "has no video recording") {
		t.Errorf("video of an audio-only call: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "v.mp4")); !os.IsNotExist(err) {
		t.Error("a file was written for a call without video")
	}
	code, _, errOut = run(t, "api", "call_audio", "download", "--param", "id=12345", "--base-url", base)
	if code != ExitError || !strings.Contains(errOut, "no such call") {
		t.Errorf("unknown call: exit %d, stderr %s", code, errOut)
	}
}

// TestAPIBadInput: unknown entities and actions and malformed parameters
// exit 1 with a message that lists what is valid, before any request.
func TestAPIBadInput(t *testing.T) {
	credentials(t)
	cases := map[string]struct {
		args []string
		want []string
	}{
		"unknown entity": {[]string{"api", "emails", "list"}, []string{`unknown entity "emails"`, "users (list, get)",
			"calls_extensive (list)", "call_audio (download)", "stats_activity_scorecards (list)"}},
		"unknown action":  {[]string{"api", "users", "delete"}, []string{`unknown action "delete" for users`, "list, get"}},
		"no action":       {[]string{"api", "users"}, []string{"api needs ENTITY and ACTION", "library_folder_content (list)"}},
		"bad param":       {[]string{"api", "users", "list", "--param", "includeAvatars"}, []string{`bad --param "includeAvatars"`, "KEY=VALUE"}},
		"get without id":  {[]string{"api", "calls", "get"}, []string{"calls get needs --param id=ID"}},
		"out on a list":   {[]string{"api", "users", "list", "--out", "x.json"}, []string{"--out is for the download actions"}},
		"download bad id": {[]string{"api", "call_audio", "download", "--param", "id=../x"}, []string{`bad --param id "../x"`}},
		"bad selector":    {[]string{"api", "calls_extensive", "list", "--param", "contentSelector=media"}, []string{"bad --param contentSelector"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, append(tc.args, "--base-url", "http://127.0.0.1:1")...)
			if code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not say %q:\n%s", w, errOut)
				}
			}
			if out != "" || strings.Contains(errOut, "connection refused") {
				t.Errorf("a request was made or something printed: stdout %q stderr %s", out, errOut)
			}
		})
	}
	t.Setenv("GONG_ACCESS_KEY", "")
	if code, _, errOut := run(t, "api", "users", "list"); code != ExitError || !strings.Contains(errOut, "GONG_ACCESS_KEY") {
		t.Errorf("no credentials: exit %d, stderr %s", code, errOut)
	}
}

// TestAPIRequestMapping checks where parameters go: GET query, POST
// filter (list members split on commas), the path of get actions, the
// default and overridden content selector.
func TestAPIRequestMapping(t *testing.T) {
	build := func(entity, action string, params ...string) (string, string) {
		t.Helper()
		e, err := lookupAPI(entity, action)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := parseAPIParams(params)
		if err != nil {
			t.Fatal(err)
		}
		req, err := e.request(ps)
		if err != nil {
			t.Fatal(err)
		}
		line := req.Method + " " + req.Path + " " + req.Envelope
		if req.Query != nil {
			line += " ?" + req.Query.Encode()
		}
		body := ""
		if req.Body != nil {
			b, err := jsonv2.Marshal(req.Body, jsonv2.Deterministic(true))
			if err != nil {
				t.Fatal(err)
			}
			body = string(b)
		}
		return line, body
	}
	cases := []struct {
		entity, action string
		params         []string
		line, body     string
	}{
		{"calls_extensive", "list", []string{"fromDateTime=2026-01-01T00:00:00Z", "callIds=1,2", "contentSelector={\"exposedFields\":{\"media\":true}}"},
			"POST /v2/calls/extensive calls", `{"contentSelector":{"exposedFields":{"media":true}},"filter":{"callIds":["1","2"],"fromDateTime":"2026-01-01T00:00:00Z"}}`},
		{"call_transcripts", "list", []string{"callIds=7", "callIds=8, 9", "workspaceId=3"},
			"POST /v2/calls/transcript callTranscripts", `{"filter":{"callIds":["7","8","9"],"workspaceId":"3"}}`},
		{"stats_activity_scorecards", "list", nil,
			"POST /v2/stats/activity/scorecards answeredScorecards", `{"filter":{}}`},
		{"stats_activity_scorecards", "list", []string{"reviewedUserIds=4,5", "scorecardIds=6", `filter={"reviewMethod":"BOTH","callFromDate":"2026-01-01"}`, "callFromDate=2026-02-01"},
			"POST /v2/stats/activity/scorecards answeredScorecards", `{"filter":{"callFromDate":"2026-02-01","reviewMethod":"BOTH","reviewedUserIds":["4","5"],"scorecardIds":["6"]}}`},
		{"stats_interaction", "list", []string{"fromDate=2026-01-01", "toDate=2026-02-01", "userIds=1,2", "cursor=abc"},
			"POST /v2/stats/interaction peopleInteractionStats", `{"cursor":"abc","filter":{"fromDate":"2026-01-01","toDate":"2026-02-01","userIds":["1","2"]}}`},
		{"users", "get", []string{"id=42"}, "GET /v2/users/42 user", ""},
		{"calls", "list", []string{"fromDateTime=2026-01-01T00:00:00+02:00", "workspaceId=9"},
			"GET /v2/calls calls ?fromDateTime=2026-01-01T00%3A00%3A00%2B02%3A00&workspaceId=9", ""},
		{"coaching", "list", []string{"workspace-id=1", "manager-id=2", "from=a", "to=b"},
			"GET /v2/coaching coachingData ?from=a&manager-id=2&to=b&workspace-id=1", ""},
		{"library_folder_content", "list", []string{"folderId=5"}, "GET /v2/library/folder-content  ?folderId=5", ""},
		{"settings_trackers", "list", nil, "GET /v2/settings/trackers keywordTrackers", ""},
	}
	for _, tc := range cases {
		line, body := build(tc.entity, tc.action, tc.params...)
		if line != tc.line || body != tc.body {
			t.Errorf("%s %s %v:\n got %s %s\nwant %s %s", tc.entity, tc.action, tc.params, line, body, tc.line, tc.body)
		}
	}
	_, body := build("calls_extensive", "list")
	want := `{"contentSelector":{"context":"Extended","contextTiming":["Now","TimeOfCall"],"exposedFields":{"collaboration":{"publicComments":true},` +
		`"content":{"brief":true,"callOutcome":true,"highlights":true,"keyPoints":true,"outline":true,"structure":true,"topics":true,"trackerOccurrences":true,"trackers":true},` +
		`"interaction":{"personInteractionStats":true,"questions":true,"speakers":true,"video":true},"media":true,"parties":true}},"filter":{}}`
	if body != want {
		t.Errorf("calls_extensive default body:\n got %s\nwant %s", body, want)
	}
	// Every entity/action of SPEC §3 is there.
	var got []string
	for _, e := range apiEndpoints {
		got = append(got, e.Entity+" "+e.Action)
	}
	spec := []string{"users list", "users get", "calls list", "calls get", "calls_extensive list", "call_audio download",
		"call_video download", "workspaces list", "call_transcripts list", "stats_activity_aggregate list",
		"stats_activity_day_by_day list", "stats_interaction list", "settings_scorecards list", "settings_trackers list",
		"library_folders list", "library_folder_content list", "coaching list", "stats_activity_scorecards list"}
	if diff := cmp.Diff(spec, got); diff != "" {
		t.Errorf("entity/actions (-spec +table):\n%s", diff)
	}
}

// videoAndAudioOnly returns a call with a video recording and one with
// audio only.
func videoAndAudioOnly(t *testing.T, sim *gongsim.Sim) (video, audioOnly string) {
	t.Helper()
	for _, c := range sim.Calls() {
		switch {
		case c.Media == nil:
		case c.Media.VideoURL != "" && video == "":
			video = c.MetaData.ID
		case c.Media.VideoURL == "" && c.Media.AudioURL != "" && audioOnly == "":
			audioOnly = c.MetaData.ID
		}
	}
	if video == "" || audioOnly == "" {
		t.Fatalf("the simulator has no video call (%q) or no audio-only call (%q)", video, audioOnly)
	}
	return video, audioOnly
}

// sameFile checks a file holds exactly want.
func sameFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	if len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes, not the %d bytes of the recording", filepath.Base(path), len(got), len(want))
	}
}

// TestMediaDownload: several calls into a new directory, one line per
// file; a second run skips them all without an API call; calls without the
// recording are reported, exit 3 when others succeeded, 1 when all failed.
func TestMediaDownload(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 5, Users: 8, Calls: 130, Days: 7, Sentences: 4})
	credentials(t)
	ids := sim.CallIDs()
	dir := filepath.Join(t.TempDir(), "rec", "audio")

	args := []string{"media", "download", "--base-url", base, "--rate-limit", "1000", "--kind", "audio", "--out", dir,
		"--call-id", ids[0], "--call-id", ids[1] + "," + ids[2]}
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("media download: exit %d\n%s\n%s", code, out, errOut)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("--out directory not created: %v", err)
	}
	for _, id := range ids[:3] {
		want := sim.MediaBytes(id, "audio")
		sameFile(t, filepath.Join(dir, id+".mp3"), want)
		if line := fmt.Sprintf("%s  audio  %d  done\n", id, len(want)); !strings.Contains(out, line) {
			t.Errorf("stdout lacks %q:\n%s", line, out)
		}
	}
	if !strings.Contains(out, "3 downloaded, 0 resumed, 0 skipped, 0 failed") {
		t.Errorf("no summary:\n%s", out)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("want 3 files in %s, got %d", dir, len(entries))
	}

	before := sim.Stats()
	code, out, _ = run(t, args...)
	if code != 0 || strings.Count(out, "  skipped\n") != 3 || !strings.Contains(out, "0 downloaded, 0 resumed, 3 skipped") {
		t.Errorf("second run: exit %d, want 3 skipped:\n%s", code, out)
	}
	if n := sim.Stats().Requests - before.Requests; n != 0 {
		t.Errorf("second run made %d requests, want none", n)
	}

	// Video: a video call and an audio-only one (no URL), and an unknown call.
	video, audioOnly := videoAndAudioOnly(t, sim)
	vdir := filepath.Join(t.TempDir(), "video")
	code, out, errOut = run(t, "media", "download", "--base-url", base, "--kind", "video", "--out", vdir,
		"--call-id", video, "--call-id", audioOnly, "--call-id", "999999")
	if code != ExitPartial {
		t.Errorf("some failed: exit %d, want %d\n%s\n%s", code, ExitPartial, out, errOut)
	}
	sameFile(t, filepath.Join(vdir, video+".mp4"), sim.MediaBytes(video, "video"))
	for _, want := range []string{audioOnly + "  video  -  failed: call " + audioOnly + " has no video recording",
		"999999  video  -  failed: call 999999: Gong returned no such call", "1 downloaded, 0 resumed, 0 skipped, 2 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "2 of 3 calls failed") {
		t.Errorf("stderr: %s", errOut)
	}
	if entries, _ := os.ReadDir(vdir); len(entries) != 1 {
		t.Errorf("want only the video call's file in %s (no empty .part for the failed ones), got %d entries", vdir, len(entries))
	}
	code, _, errOut = run(t, "media", "download", "--base-url", base, "--kind", "video", "--out", vdir, "--call-id", audioOnly)
	if code != ExitError || !strings.Contains(errOut, "all 1 calls failed") {
		t.Errorf("all failed: exit %d, want %d\n%s", code, ExitError, errOut)
	}
}

// TestMediaDownloadBatches: more than 100 calls take two requests to
// /v2/calls/extensive.
func TestMediaDownloadBatches(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 9, Users: 8, Calls: 140, Days: 7, Sentences: 4})
	credentials(t)
	ids := sim.CallIDs()[:120]
	dir := t.TempDir()
	before := sim.Stats().ByPath["POST /v2/calls/extensive"]
	code, out, errOut := run(t, "media", "download", "--base-url", base, "--rate-limit", "1000", "--out", dir, "--call-id", strings.Join(ids, ","))
	if code != 0 {
		t.Fatalf("exit %d\n%.2000s\n%s", code, out, errOut)
	}
	if n := sim.Stats().ByPath["POST /v2/calls/extensive"] - before; n != 2 {
		t.Errorf("%d requests for the URLs of 120 calls, want 2", n)
	}
	for _, id := range []string{ids[0], ids[99], ids[100], ids[119]} {
		sameFile(t, filepath.Join(dir, id+".mp3"), sim.MediaBytes(id, "audio"))
	}
	if !strings.Contains(out, "120 downloaded") {
		t.Errorf("summary:\n%s", out[max(0, len(out)-300):])
	}
}

// TestMediaDownloadResume: a .part left by an interrupted run is completed
// with an HTTP Range (the server answers 206) and renamed; a .part longer
// than the recording is started over.
func TestMediaDownloadResume(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 5, Users: 8, Calls: 20, Days: 7, Sentences: 4})
	credentials(t)
	id, id2 := sim.CallIDs()[2], sim.CallIDs()[3]
	want, want2 := sim.MediaBytes(id, "audio"), sim.MediaBytes(id2, "audio")
	dir := t.TempDir()
	held := len(want) / 3
	if err := os.WriteFile(filepath.Join(dir, id+".mp3.part"), want[:held], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, id2+".mp3.part"), append(slices.Clone(want2), "garbage"...), 0o644); err != nil {
		t.Fatal(err)
	}
	before := sim.Stats()
	code, out, errOut := run(t, "media", "download", "--base-url", base, "--out", dir, "--call-id", id, "--call-id", id2)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	sameFile(t, filepath.Join(dir, id+".mp3"), want)
	sameFile(t, filepath.Join(dir, id2+".mp3"), want2)
	if line := fmt.Sprintf("%s  audio  %d  resumed\n", id, len(want)); !strings.Contains(out, line) {
		t.Errorf("stdout lacks %q:\n%s", line, out)
	}
	after := sim.Stats()
	if after.ByStatus["206"]-before.ByStatus["206"] != 1 {
		t.Errorf("want one 206 (the resumed range), status counts went %v → %v", before.ByStatus, after.ByStatus)
	}
	if after.ByStatus["416"]-before.ByStatus["416"] != 1 {
		t.Errorf("want one 416 (the overlong .part), status counts %v", after.ByStatus)
	}
	if got := after.BytesSent - before.BytesSent; got >= int64(len(want)+len(want2)+len(want)) {
		t.Errorf("%d bytes sent: the held part was downloaded again", got)
	}
	for _, p := range []string{id + ".mp3.part", id2 + ".mp3.part"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s left behind", p)
		}
	}
}

// cuttingFront is a loopback front server before the simulator: API
// requests pass through (the simulator then puts the front's address in
// the media URLs it hands out); the first media answer is cut after half
// its body, and the simulator's clock jumps past the URL's expiry, so the
// retry is refused as expired.
type cuttingFront struct {
	sim    string
	clock  *atomic.Int64 // the simulator's Now, unix nanoseconds
	api    http.Handler
	mu     sync.Mutex
	ranges []string // Range headers of the media requests, in order
	media  int
}

func (f *cuttingFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/_sim/media/") {
		f.api.ServeHTTP(w, r)
		return
	}
	f.mu.Lock()
	f.ranges = append(f.ranges, r.Header.Get("Range"))
	f.media++
	first := f.media == 1
	f.mu.Unlock()
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, f.sim+r.URL.RequestURI(), nil)
	if rg := r.Header.Get("Range"); rg != "" {
		req.Header.Set("Range", rg)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	if !first {
		io.Copy(w, resp.Body)
		return
	}
	io.CopyN(w, resp.Body, resp.ContentLength/2)
	w.(http.Flusher).Flush()
	f.clock.Add(int64(10 * time.Hour)) // the URL has expired by the retry
	panic(http.ErrAbortHandler)        // cut the connection mid-body
}

// TestMediaDownloadCutAndExpired: a transfer cut mid-body is resumed with a
// Range; when the URL has expired meanwhile (403), a fresh one is fetched
// once and the download resumes where it stopped.
func TestMediaDownloadCutAndExpired(t *testing.T) {
	clock := new(atomic.Int64)
	clock.Store(simNow.UnixNano())
	sim, simBase := newSim(t, gongsim.Config{Seed: 5, Users: 8, Calls: 20, Days: 7, Sentences: 4,
		Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	credentials(t)
	target, _ := url.Parse(simBase)
	front := &cuttingFront{sim: simBase, clock: clock, api: httputil.NewSingleHostReverseProxy(target)}
	srv := httptest.NewServer(front)
	defer srv.Close()

	id := sim.CallIDs()[5]
	want := sim.MediaBytes(id, "audio")
	dir := t.TempDir()
	before := sim.Stats()
	code, out, errOut := run(t, "media", "download", "--base-url", srv.URL, "--out", dir, "--call-id", id)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	sameFile(t, filepath.Join(dir, id+".mp3"), want)
	after := sim.Stats()
	if n := after.ByPath["POST /v2/calls/extensive"] - before.ByPath["POST /v2/calls/extensive"]; n != 2 {
		t.Errorf("%d requests for the media URL, want 2 (the first, and a fresh one after the 403)", n)
	}
	if after.ByStatus["403"]-before.ByStatus["403"] != 1 {
		t.Errorf("want one 403 (expired URL), got status counts %v", after.ByStatus)
	}
	front.mu.Lock()
	defer front.mu.Unlock()
	half := fmt.Sprintf("bytes=%d-", len(want)/2)
	if len(front.ranges) != 3 || front.ranges[0] != "" || front.ranges[1] != half || front.ranges[2] != half {
		t.Errorf("media requests' Range headers %q, want [\"\" %q %q]", front.ranges, half, half)
	}
}

// TestMediaDownloadBadInput: call IDs that are not Gong IDs (and could
// name a path outside DIR) are refused before anything is written.
func TestMediaDownloadBadInput(t *testing.T) {
	credentials(t)
	dir := filepath.Join(t.TempDir(), "out")
	cases := map[string]struct {
		args []string
		want string
	}{
		"dot dot":      {[]string{"--call-id", "../x"}, `bad --call-id "../x"`},
		"slash":        {[]string{"--call-id", "123/../../etc"}, `bad --call-id "123/../../etc"`},
		"too long":     {[]string{"--call-id", strings.Repeat("1", 21)}, "up to 20 digits"},
		"no calls":     {nil, "--call-id"},
		"bad kind":     {[]string{"--call-id", "1", "--kind", "screen"}, `bad --kind "screen"`},
		"no directory": {[]string{"--call-id", "1", "--out", ""}, "--out DIR"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"media", "download", "--base-url", "http://127.0.0.1:1", "--out", dir}, tc.args...)
			code, out, errOut := run(t, args...)
			if code != ExitError || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr does not say %q:\n%s", code, tc.want, errOut)
			}
			if out != "" {
				t.Errorf("stdout: %q", out)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Error("the output directory was created")
			}
		})
	}
}
