package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/secret"
)

// This file holds `gongload api ENTITY ACTION`: one raw call of the Gong API
// per entity and action, the list the Airbyte Gong agent connector offers
// (SPEC §3), printed as JSON lines.

// apiEndpoint is one entity/action of `gongload api` and the Gong endpoint
// it calls (gong-api.md §2).
type apiEndpoint struct {
	Entity, Action string
	Method         string // GET or POST
	// Path is the API path; "{id}" is replaced by the id parameter (get
	// actions).
	Path string
	// Envelope is the top-level member holding the records ("" = the whole
	// top-level object is the one record).
	Envelope string
	// Selector marks calls/extensive: a contentSelector goes with the
	// filter (every part by default; --param contentSelector=JSON
	// overrides it).
	Selector bool
	// Media is "audio" or "video" for the download actions.
	Media string
	// Params documents the parameters Gong reads, for the help text.
	Params string
}

// apiEndpoints is the entity/action table of `gongload api`.
var apiEndpoints = []apiEndpoint{
	{Entity: "users", Action: "list", Method: http.MethodGet, Path: "/v2/users", Envelope: "users",
		Params: "includeAvatars"},
	{Entity: "users", Action: "get", Method: http.MethodGet, Path: "/v2/users/{id}", Envelope: "user",
		Params: "id*"},
	{Entity: "calls", Action: "list", Method: http.MethodGet, Path: "/v2/calls", Envelope: "calls",
		Params: "fromDateTime, toDateTime, workspaceId"},
	{Entity: "calls", Action: "get", Method: http.MethodGet, Path: "/v2/calls/{id}", Envelope: "call",
		Params: "id*"},
	{Entity: "calls_extensive", Action: "list", Method: http.MethodPost, Path: "/v2/calls/extensive", Envelope: "calls", Selector: true,
		Params: "fromDateTime, toDateTime, workspaceId, callIds, primaryUserIds, contentSelector (JSON; default: every part)"},
	{Entity: "call_audio", Action: "download", Method: http.MethodPost, Path: "/v2/calls/extensive", Media: "audio",
		Params: "id* (then GET media.audioUrl)"},
	{Entity: "call_video", Action: "download", Method: http.MethodPost, Path: "/v2/calls/extensive", Media: "video",
		Params: "id* (then GET media.videoUrl)"},
	{Entity: "workspaces", Action: "list", Method: http.MethodGet, Path: "/v2/workspaces", Envelope: "workspaces"},
	{Entity: "call_transcripts", Action: "list", Method: http.MethodPost, Path: "/v2/calls/transcript", Envelope: "callTranscripts",
		Params: "fromDateTime, toDateTime, workspaceId, callIds"},
	{Entity: "stats_activity_aggregate", Action: "list", Method: http.MethodPost, Path: "/v2/stats/activity/aggregate", Envelope: "usersAggregateActivityStats",
		Params: "fromDate*, toDate* (YYYY-MM-DD), createdFromDateTime, createdToDateTime, userIds"},
	{Entity: "stats_activity_day_by_day", Action: "list", Method: http.MethodPost, Path: "/v2/stats/activity/day-by-day", Envelope: "usersDetailedActivities",
		Params: "fromDate*, toDate*, createdFromDateTime, createdToDateTime, userIds"},
	{Entity: "stats_interaction", Action: "list", Method: http.MethodPost, Path: "/v2/stats/interaction", Envelope: "peopleInteractionStats",
		Params: "fromDate*, toDate*, createdFromDateTime, createdToDateTime, userIds"},
	{Entity: "settings_scorecards", Action: "list", Method: http.MethodGet, Path: "/v2/settings/scorecards", Envelope: "scorecards"},
	{Entity: "settings_trackers", Action: "list", Method: http.MethodGet, Path: "/v2/settings/trackers", Envelope: "keywordTrackers",
		Params: "workspaceId"},
	{Entity: "library_folders", Action: "list", Method: http.MethodGet, Path: "/v2/library/folders", Envelope: "folders",
		Params: "workspaceId"},
	{Entity: "library_folder_content", Action: "list", Method: http.MethodGet, Path: "/v2/library/folder-content", Envelope: "",
		Params: "folderId*"},
	{Entity: "coaching", Action: "list", Method: http.MethodGet, Path: "/v2/coaching", Envelope: "coachingData",
		Params: "workspace-id*, manager-id*, from*, to* (ISO date-times)"},
	{Entity: "stats_activity_scorecards", Action: "list", Method: http.MethodPost, Path: "/v2/stats/activity/scorecards", Envelope: "answeredScorecards",
		Params: "callFromDate, callToDate, reviewFromDate, reviewToDate (YYYY-MM-DD), reviewMethod (AUTOMATIC|MANUAL|BOTH), reviewedUserIds, scorecardIds"},
}

// apiListFields are the filter members of POST endpoints that are arrays of
// IDs: a --param value is split on commas.
var apiListFields = []string{"callIds", "userIds", "primaryUserIds", "reviewedUserIds", "scorecardIds"}

// apiEntities returns the entities in table order, each with its actions:
// "users (list, get)".
func apiEntities() []string {
	var out []string
	for _, e := range apiEndpoints {
		if n := len(out); n > 0 && strings.HasPrefix(out[n-1], e.Entity+" (") {
			out[n-1] = strings.TrimSuffix(out[n-1], ")") + ", " + e.Action + ")"
			continue
		}
		out = append(out, e.Entity+" ("+e.Action+")")
	}
	return out
}

// lookupAPI finds the endpoint of entity and action, or says which ones
// exist.
func lookupAPI(entity, action string) (apiEndpoint, error) {
	var actions []string
	for _, e := range apiEndpoints {
		if e.Entity != entity {
			continue
		}
		if e.Action == action {
			return e, nil
		}
		actions = append(actions, e.Action)
	}
	if len(actions) == 0 {
		return apiEndpoint{}, userError("unknown entity %q: the entities are %s", entity, strings.Join(apiEntities(), ", "))
	}
	return apiEndpoint{}, userError("unknown action %q for %s: its actions are %s", action, entity, strings.Join(actions, ", "))
}

// apiParam is one --param KEY=VALUE.
type apiParam struct{ Key, Value string }

// parseAPIParams splits the --param values at their first "=".
func parseAPIParams(vals []string) ([]apiParam, error) {
	out := make([]apiParam, 0, len(vals))
	for _, v := range vals {
		k, val, ok := strings.Cut(v, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, userError("bad --param %q: use KEY=VALUE, e.g. --param fromDateTime=2026-01-01T00:00:00Z", v)
		}
		out = append(out, apiParam{Key: k, Value: val})
	}
	return out, nil
}

// callSelector asks /v2/calls/extensive for every part of a call: extended
// CRM context at both timings, parties, content, interaction,
// collaboration and media URLs (pointsOfInterest is deprecated and left
// out, as in the calls stream).
func callSelector() map[string]any {
	return map[string]any{
		"context":       "Extended",
		"contextTiming": []string{"Now", "TimeOfCall"},
		"exposedFields": map[string]any{
			"parties": true,
			"content": map[string]any{
				"structure": true, "topics": true, "trackers": true, "trackerOccurrences": true,
				"brief": true, "outline": true, "highlights": true, "callOutcome": true, "keyPoints": true,
			},
			"interaction": map[string]any{
				"speakers": true, "video": true, "personInteractionStats": true, "questions": true,
			},
			"collaboration": map[string]any{"publicComments": true},
			"media":         true,
		},
	}
}

// request builds the API request of e from the parameters: GET parameters
// go to the query string (a get action's id into the path); POST
// parameters go to the JSON body's filter object, list-typed members split
// on commas; "cursor" starts a listing at a cursor; "filter" (POST) gives
// the filter as a JSON object that the other parameters add to;
// "contentSelector" (calls_extensive) replaces the default selector.
func (e apiEndpoint) request(params []apiParam) (extract.Request, error) {
	req := extract.Request{Method: e.Method, Path: e.Path, Envelope: e.Envelope}
	id := ""
	if strings.Contains(e.Path, "{id}") {
		for _, p := range params {
			if p.Key == "id" {
				if id != "" {
					return req, userError("--param id is given twice")
				}
				id = strings.TrimSpace(p.Value)
			}
		}
		if id == "" {
			return req, userError("%s %s needs --param id=ID", e.Entity, e.Action)
		}
		req.Path = strings.Replace(e.Path, "{id}", url.PathEscape(id), 1)
	}
	if e.Method == http.MethodGet {
		q := url.Values{}
		for _, p := range params {
			if p.Key == "id" && id != "" {
				continue
			}
			q.Add(p.Key, p.Value)
		}
		if len(q) > 0 {
			req.Query = q
		}
		return req, nil
	}

	body := map[string]any{}
	filter := map[string]any{}
	seen := map[string]bool{}
	for _, p := range params {
		switch {
		case p.Key == "cursor":
			body["cursor"] = p.Value
		case p.Key == "filter":
			var base map[string]jsontext.Value
			if err := jsonObject(p.Value, &base); err != nil {
				return req, userError("bad --param filter: %v", err)
			}
			for k, v := range base {
				if _, set := filter[k]; !set {
					filter[k] = v
				}
			}
		case p.Key == "contentSelector" && e.Selector:
			var sel jsontext.Value
			if err := jsonObject(p.Value, &sel); err != nil {
				return req, userError("bad --param contentSelector: %v", err)
			}
			body["contentSelector"] = sel
		case slices.Contains(apiListFields, p.Key):
			ids, _ := filter[p.Key].([]string)
			for v := range strings.SplitSeq(p.Value, ",") {
				if v = strings.TrimSpace(v); v != "" {
					ids = append(ids, v)
				}
			}
			filter[p.Key] = ids
			seen[p.Key] = true
		default:
			if seen[p.Key] {
				return req, userError("--param %s is given twice", p.Key)
			}
			seen[p.Key] = true
			filter[p.Key] = p.Value
		}
	}
	body["filter"] = filter
	if _, ok := body["contentSelector"]; e.Selector && !ok {
		body["contentSelector"] = callSelector()
	}
	req.Body = body
	return req, nil
}

// jsonObject checks that s is one JSON object and unmarshals it into v (a
// *map[string]jsontext.Value or a *jsontext.Value).
func jsonObject(s string, v any) error {
	raw := jsontext.Value(strings.TrimSpace(s))
	if !raw.IsValid() || raw.Kind() != '{' {
		return fmt.Errorf("want a JSON object, got %q", s)
	}
	switch v := v.(type) {
	case *jsontext.Value:
		*v = raw.Clone()
	case *map[string]jsontext.Value:
		return json.Unmarshal(raw, v)
	}
	return nil
}

// jsonLines is the PageHandler of `gongload api`: each record is printed
// as received, compacted onto one line. A page is held until it has been
// read whole (a retried page is sent again from its first record), then
// written.
type jsonLines struct {
	w    io.Writer
	page bytes.Buffer
	n    int // records written
}

// Record implements extract.PageHandler.
func (j *jsonLines) Record(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	line := v.Clone()
	if err := line.Compact(); err != nil {
		return err
	}
	j.page.Write(line)
	j.page.WriteByte('\n')
	return nil
}

// Discard implements extract.PageHandler.
func (j *jsonLines) Discard() { j.page.Reset() }

// EndPage implements extract.PageHandler.
func (j *jsonLines) EndPage(info extract.PageInfo) error {
	defer j.page.Reset()
	if _, err := j.w.Write(j.page.Bytes()); err != nil {
		return fmt.Errorf("writing the records: %w", err)
	}
	j.n += info.Records
	return nil
}

// apiClientFlags are the connection flags of api and media download.
func apiClientFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "base-url", Usage: "Gong API host (http only for loopback hosts)", Value: DefaultBaseURL, Sources: cli.EnvVars("GONG_BASE_URL")},
		&cli.FloatFlag{Name: "rate-limit", Usage: "API requests per second", Value: DefaultRateLimit, Sources: cli.EnvVars("GONGLOAD_RATE_LIMIT")},
		&cli.DurationFlag{Name: "max-wait", Usage: "longest Retry-After to wait for (exit 4 beyond it)", Value: DefaultMaxWait},
	}
}

// apiClient builds the Gong client of api and media download from their
// flags and the access-key environment variables.
func apiClient(cmd *cli.Command, g *globals) (*extract.Client, error) {
	s := Settings{
		BaseURL:    strings.TrimRight(cmd.String("base-url"), "/"),
		RateLimit:  cmd.Float("rate-limit"),
		MaxWait:    cmd.Duration("max-wait"),
		AccessKey:  secret.String(os.Getenv("GONG_ACCESS_KEY")),
		AccessKeyS: secret.String(os.Getenv("GONG_ACCESS_KEY_SECRET")),
	}
	if s.RateLimit <= 0 {
		return nil, userError("--rate-limit must be above 0 (Gong's default limit is 3 requests a second)")
	}
	return newClient(s, g.logger)
}

// apiDescription is the help text of `gongload api`: the endpoint table.
func apiDescription() string {
	var b strings.Builder
	b.WriteString("Makes one raw Gong API call (following every cursor) and prints the records as JSON lines,\n" +
		"one compact object per record, as Gong sent it. GET parameters go to the query string,\n" +
		"POST parameters into the body's \"filter\" object (callIds, userIds, primaryUserIds,\n" +
		"reviewedUserIds and scorecardIds are split on commas; --param filter=JSON gives the whole\n" +
		"filter). Download actions write the call's recording to --out FILE (stdout without it).\n\n")
	t := newTable(&b, "ENTITY", "ACTION", "ENDPOINT", "RECORDS", "PARAMS (* required)")
	for _, e := range apiEndpoints {
		env := e.Envelope
		switch {
		case e.Media != "":
			env = "media." + e.Media + "Url"
		case env == "":
			env = "(whole answer)"
		}
		t.row(e.Entity, e.Action, e.Method+" "+e.Path, env, e.Params)
	}
	t.flush()
	return b.String()
}

func apiCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:        "api",
		Usage:       "make one raw Gong API call and print its records as JSON lines",
		ArgsUsage:   "ENTITY ACTION [--param KEY=VALUE ...]",
		Description: apiDescription(),
		// "--param callIds=1,2" is one parameter: commas are the value's.
		DisableSliceFlagSeparator: true,
		Flags: append(apiClientFlags(),
			&cli.StringSliceFlag{Name: "param", Aliases: []string{"p"}, Usage: "a request parameter KEY=VALUE (repeatable)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "download actions: write the recording to FILE (- or absent: stdout)"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.NArg() != 2 {
				return userError("api needs ENTITY and ACTION (got %d arguments); the entities are %s",
					cmd.NArg(), strings.Join(apiEntities(), ", "))
			}
			e, err := lookupAPI(cmd.Args().Get(0), cmd.Args().Get(1))
			if err != nil {
				return err
			}
			params, err := parseAPIParams(cmd.StringSlice("param"))
			if err != nil {
				return err
			}
			out := cmd.String("out")
			if e.Media == "" && out != "" {
				return userError("--out is for the download actions (call_audio, call_video); %s %s prints JSON lines to stdout", e.Entity, e.Action)
			}
			var req extract.Request
			var callID string
			if e.Media != "" {
				if callID, err = downloadParams(e, params); err != nil {
					return err
				}
			} else if req, err = e.request(params); err != nil {
				return err
			}
			client, err := apiClient(cmd, g)
			if err != nil {
				return err
			}
			w := cmd.Root().Writer
			if e.Media != "" {
				if out == "" && isTerminal(w) {
					return userError("%s %s: not writing a recording to the terminal; use --out FILE (or --out - to force stdout)", e.Entity, e.Action)
				}
				return apiDownload(ctx, client, callID, e.Media, out, w)
			}
			h := &jsonLines{w: w}
			if e.Action == "get" {
				return client.Get(ctx, req, h)
			}
			return client.List(ctx, req, h)
		},
	}
}

// downloadParams reads the call ID of a download action: --param id=ID
// (or callId=ID), up to 20 digits.
func downloadParams(e apiEndpoint, params []apiParam) (string, error) {
	var vals []string
	for _, p := range params {
		switch p.Key {
		case "id", "callId":
			vals = append(vals, p.Value)
		default:
			return "", userError("%s %s takes only --param id=CALL_ID, not %q", e.Entity, e.Action, p.Key)
		}
	}
	if len(vals) != 1 {
		return "", userError("%s %s needs one --param id=CALL_ID", e.Entity, e.Action)
	}
	ids, err := idList(vals, "--param id")
	if err != nil {
		return "", err
	}
	if len(ids) != 1 {
		return "", userError("%s %s needs one --param id=CALL_ID", e.Entity, e.Action)
	}
	return ids[0], nil
}

// apiDownload writes one call's recording to out ("" or "-": w). A file is
// written as out.part and renamed when complete.
func apiDownload(ctx context.Context, c *extract.Client, callID, kind, out string, w io.Writer) error {
	urls, err := fetchMediaURLs(ctx, c, []string{callID})
	if err != nil {
		return err
	}
	u, err := urls.url(callID, kind)
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		_, _, err := downloadMedia(ctx, c, callID, kind, u, 0, w)
		return err
	}
	if _, _, err = downloadToFile(ctx, c, callID, kind, u, out, false, nil); err != nil {
		os.Remove(out + ".part")
	}
	return err
}
