package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/models"
)

// generic turns a simulator value into plain JSON values.
func generic(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber() // IDs beyond 2^53 keep every digit
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedSet(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

func column(t *testing.T, rs [][]string) []string {
	t.Helper()
	var out []string
	for _, r := range rs {
		out = append(out, strings.Join(r, "|"))
	}
	return sortedSet(out)
}

// TestApplyEveryStream: apply with no --streams fills every table of SPEC §5
// with what the simulator serves for the range, and the views join them.
func TestApplyEveryStream(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 13, Users: 25, Calls: 160, Days: 40, Sentences: 8})
	credentials(t)
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	from := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC) // before the account's first call
	mustApply(t, "apply", "--base-url", base, "--dest", "duckdb:"+dest,
		"--from", from.Format(time.RFC3339), "--to", simNow.Format(time.RFC3339), "--rate-limit", "500")
	db := openDB(t, dest)
	q := func(s string) []string { return column(t, rows(t, db, s)) }
	check := func(name string, want, got []string) {
		t.Helper()
		if len(want) == 0 {
			t.Errorf("%s: the simulator serves nothing: the test does not exercise it", name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-sim +db):\n%.2000s", name, diff)
		}
	}

	// Every table of the models holds rows.
	for _, tb := range models.All() {
		if n := rows(t, db, fmt.Sprintf(`SELECT count(*) FROM %q`, tb.Name))[0][0]; n == "0" {
			t.Errorf("table %s is empty", tb.Name)
		}
	}

	// scorecards, questions, options
	var cards, questions, options []string
	for _, s := range sim.Scorecards() {
		cards = append(cards, s.ScorecardID+"|"+s.ScorecardName+"|"+s.WorkspaceID)
		for _, qn := range s.Questions {
			lo := "<nil>"
			if qn.MinRange != nil {
				lo = *qn.MinRange
			}
			questions = append(questions, s.ScorecardID+"|"+qn.QuestionID+"|"+qn.QuestionText+"|"+lo)
			for _, o := range qn.AnswerOptions {
				options = append(options, fmt.Sprintf("%s|%d|%s", qn.QuestionID, o.ID, o.Text))
			}
		}
	}
	check("scorecards", sortedSet(cards), q(`SELECT scorecard_id, scorecard_name, workspace_id FROM scorecards`))
	check("scorecard_questions", sortedSet(questions), q(`SELECT scorecard_id, question_id, question_text, min_range FROM scorecard_questions`))
	check("scorecard_question_options", sortedSet(options), q(`SELECT question_id, option_id, text FROM scorecard_question_options`))

	// answered scorecards: IDs as JSON numbers beyond 2^53, to the digit
	var answered, answers []string
	beyond := 0
	for _, a := range sim.AnsweredScorecards() {
		id := a.AnsweredScorecardID.String()
		if len(id) >= 17 {
			beyond++
		}
		answered = append(answered, id+"|"+a.CallID.String()+"|"+a.ReviewedUserID.String())
		for _, an := range a.Answers {
			score := "<nil>"
			if an.Score != nil {
				score = fmt.Sprint(*an.Score)
			}
			answers = append(answers, id+"|"+an.QuestionID.String()+"|"+score)
		}
	}
	if beyond == 0 {
		t.Error("no answered-scorecard ID beyond 2^53 was exercised")
	}
	check("answered_scorecards", sortedSet(answered), q(`SELECT answered_scorecard_id, call_id, reviewed_user_id FROM answered_scorecards`))
	check("scorecard_answers", sortedSet(answers), q(`SELECT answered_scorecard_id, question_id, score FROM scorecard_answers`))

	// trackers and keywords
	var trackers, keywords []string
	for _, tr := range sim.Trackers() {
		trackers = append(trackers, tr.TrackerID+"|"+tr.TrackerName)
		for _, lk := range tr.LanguageKeywords {
			for _, k := range lk.Keywords {
				keywords = append(keywords, tr.TrackerID+"|"+lk.Language+"|"+k)
			}
		}
	}
	check("trackers", sortedSet(trackers), q(`SELECT tracker_id, tracker_name FROM trackers`))
	check("tracker_keywords", sortedSet(keywords), q(`SELECT tracker_id, language, keyword FROM tracker_keywords`))

	// library
	var folders, folderCalls []string
	for _, f := range sim.LibraryFolders() {
		folders = append(folders, f.ID+"|"+f.Name+"|"+f.WorkspaceID)
		fc, _ := sim.FolderContent(f.ID)
		for _, c := range fc.Calls {
			folderCalls = append(folderCalls, f.ID+"|"+c.ID+"|"+fmt.Sprint(c.Snippet.FromSec))
		}
	}
	check("library_folders", sortedSet(folders), q(`SELECT folder_id, name, workspace_id FROM library_folders`))
	check("library_folder_calls", sortedSet(folderCalls), q(`SELECT folder_id, call_id, snippet_from_s FROM library_folder_calls`))

	// stats over the whole days of the range (today's are never served)
	lastDay := simNow.Format("2006-01-02")
	var agg []string
	for _, month := range [][2]string{{"2026-08-01", "2026-09-01"}, {"2026-09-01", "2026-10-01"}} {
		for _, u := range generic(t, sim.ActivityAggregate(month[0], month[1])).([]any) {
			m := u.(map[string]any)
			st := m["userAggregateActivityStats"].(map[string]any)
			agg = append(agg, fmt.Sprintf("%s|%s|%v|%v", m["userId"], month[0], st["callsAsHost"], st["callsAttended"]))
		}
	}
	check("user_activity_aggregate", sortedSet(agg), q(`SELECT user_id, strftime(from_date, '%Y-%m-%d'), calls_as_host, calls_attended FROM user_activity_aggregate`))
	var dailyCalls []string
	for _, u := range generic(t, sim.ActivityDaily("2026-08-01", lastDay)).([]any) {
		m := u.(map[string]any)
		for _, d := range m["userDailyActivityStats"].([]any) {
			day := d.(map[string]any)
			for _, name := range models.ActivityCounters {
				ids, _ := day[name].([]any)
				for _, id := range ids {
					dailyCalls = append(dailyCalls, fmt.Sprintf("%s|%s|%s|%v", m["userId"], day["fromDate"].(string)[:10], models.SnakeCase(name), id))
				}
			}
		}
	}
	check("user_activity_daily_calls", sortedSet(dailyCalls), q(`SELECT user_id, strftime(day, '%Y-%m-%d'), activity, call_id FROM user_activity_daily_calls`))
	var inter []string
	for _, month := range [][2]string{{"2026-08-01", "2026-09-01"}, {"2026-09-01", "2026-10-01"}} {
		for _, u := range generic(t, sim.InteractionStats(month[0], month[1])).([]any) {
			m := u.(map[string]any)
			for _, s := range m["personInteractionStats"].([]any) {
				st := s.(map[string]any)
				inter = append(inter, fmt.Sprintf("%s|%s|%s|%v", m["userId"], month[0], st["name"], st["value"]))
			}
		}
	}
	check("user_interaction_stats", sortedSet(inter), q(`SELECT user_id, strftime(from_date, '%Y-%m-%d'), name, value FROM user_interaction_stats`))

	// coaching: every report belongs to its manager
	if bad := rows(t, db, `SELECT count(*) FROM coaching_metrics c JOIN users u ON u.id = c.report_user_id WHERE u.manager_id IS DISTINCT FROM c.manager_id`)[0][0]; bad != "0" {
		t.Errorf("%s coaching rows name a manager who is not the report's", bad)
	}

	// views: one row per call / sentence, and labels that join
	for view, table := range map[string]string{"call_facts": "calls", "transcript_labeled": "transcript_sentences",
		"scorecard_answers_labeled": "scorecard_answers", "tracker_mentions": "call_tracker_occurrences"} {
		v := rows(t, db, fmt.Sprintf(`SELECT count(*) FROM %s`, view))[0][0]
		tb := rows(t, db, fmt.Sprintf(`SELECT count(*) FROM %s`, table))[0][0]
		if v != tb {
			t.Errorf("view %s has %s rows, table %s %s", view, v, table, tb)
		}
	}
	if n := rows(t, db, `SELECT count(*) FROM transcript_labeled WHERE party_id IS NULL`)[0][0]; n != "0" {
		t.Errorf("%s sentences have no speaker label", n)
	}
	if n := rows(t, db, `SELECT count(*) FROM scorecard_answers_labeled WHERE question_text IS NULL OR reviewed_user_name IS NULL`)[0][0]; n != "0" {
		t.Errorf("%s answers lack a question text or reviewed user name", n)
	}
	assertNoDuplicateKeys(t, db)
}

// TestApplyWorkspace: --workspace restricts the workspace-scoped streams to
// that workspace and moves no watermark.
func TestApplyWorkspace(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 13, Users: 25, Calls: 80, Days: 20, Sentences: 4})
	credentials(t)
	ws := sim.Workspaces()
	if len(ws) < 2 {
		t.Fatal("the simulated account needs two workspaces")
	}
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	mustApply(t, "apply", "--base-url", base, "--dest", "duckdb:"+dest, "--workspace", ws[0].ID,
		"--from", simNow.AddDate(0, 0, -21).Format("2006-01-02"), "--to", simNow.Format(time.RFC3339), "--rate-limit", "500")
	db := openDB(t, dest)
	for table, col := range map[string]string{"calls": "workspace_id", "trackers": "workspace_id", "library_folders": "workspace_id"} {
		r := rows(t, db, fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE %s <> '%s') FROM %s`, col, ws[0].ID, table))
		if r[0][0] == "0" || r[0][1] != "0" {
			t.Errorf("%s: %s rows, %s of another workspace", table, r[0][0], r[0][1])
		}
	}
	if n := rows(t, db, `SELECT count(*) FROM _gongload_state WHERE stream IN ('calls', 'transcripts', 'trackers')`)[0][0]; n != "0" {
		t.Errorf("a workspace-restricted apply moved %s watermarks", n)
	}
}
