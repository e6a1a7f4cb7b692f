package config

import (
	"fmt"
	"math"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/gongload/gongload/extract"
)

// decodeSource decodes and checks the attributes of the source block into s.
func decodeSource(a *sourceAttrs, s *Source, d *Diagnostics) {
	if a.BaseURL != nil {
		if v := decodeString(a.BaseURL, d); v != nil {
			if u, ok := checkBaseURL(*v, a.BaseURL.Expr.Range(), d); ok {
				s.BaseURL = &u
			}
		}
	}
	if a.Auth != nil {
		if v := decodeString(a.Auth, d); v != nil {
			if *v == AuthAccessKey || *v == AuthOAuth {
				s.Auth = v
			} else {
				d.add(a.Auth.Expr.Range(), "Unknown auth", "auth = %q is not a kind of credentials: use auth = %q (GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET in the environment) or auth = %q (the token file of `gongload auth login`), or leave it out to use whichever is present%s",
					*v, AuthAccessKey, AuthOAuth, didYouMean(*v, []string{AuthAccessKey, AuthOAuth}))
			}
		}
	}
	if a.TokenFile != nil {
		if v := decodeString(a.TokenFile, d); v != nil {
			if *v == "" {
				d.add(a.TokenFile.Expr.Range(), "Empty token_file", `token_file must name a file, like token_file = "~/.config/gongload/token.json", or be left out to use the default`)
			} else if p, ok := expandHome(*v, a.TokenFile, d); ok {
				s.TokenFile = &p
			}
		}
	}
	if a.StartDate != nil {
		if v := decodeString(a.StartDate, d); v != nil {
			if t, ok := parseDate(*v); ok {
				s.StartDate = &t
			} else {
				d.add(a.StartDate.Expr.Range(), "Invalid start_date", "start_date = %q is not a date: use YYYY-MM-DD (2025-01-31) or an RFC 3339 time (2025-01-31T08:00:00Z)", *v)
			}
		}
	}
	s.Lookback = decodeDuration(a.Lookback, d, "how much history every run reads again for late data")
	if a.RateLimit != nil {
		if v := decodeNumber(a.RateLimit, d); v != nil {
			if f, _ := v.Float64(); v.Sign() <= 0 || f <= 0 || math.IsInf(f, 0) {
				d.add(a.RateLimit.Expr.Range(), "Invalid rate_limit", "rate_limit = %s: the requests per second must be above 0 and finite, like rate_limit = 3 (Gong's default limit)", v.Text('g', 6))
			} else {
				s.RateLimit = &f
			}
		}
	}
	if a.DailyQuota != nil {
		if v := decodeInt(a.DailyQuota, d, 1, "at least 1, like daily_quota = 10000 (Gong's default quota)"); v != nil {
			s.DailyQuota = v
		}
	}
	if a.Concurrency != nil {
		if v := decodeInt(a.Concurrency, d, 1, "at least 1, like concurrency = 8"); v != nil {
			if *v > 1<<20 {
				d.add(a.Concurrency.Expr.Range(), "Invalid concurrency", "concurrency = %d: that many requests in flight is not useful: use a number such as 8", *v)
			} else {
				c := int(*v)
				s.Concurrency = &c
			}
		}
	}
	s.MaxWait = decodeDuration(a.MaxWait, d, "the longest Retry-After to wait")
	if a.Streams != nil {
		s.Streams = decodeStreams(a.Streams, d)
	}
	if a.Workspaces != nil {
		s.Workspaces = decodeWorkspaces(a.Workspaces, d)
	}
	if a.Windows != nil {
		s.Windows = decodeWindows(a.Windows, d)
	}
	s.CoachingLookback = decodeDuration(a.CoachingLookback, d, "how much coaching history every run reads again")
}

// value evaluates the expression of a (no variables or functions are
// defined) and reports whether it is set: not null, and known.
func value(a *hcl.Attribute, d *Diagnostics) (cty.Value, bool) {
	v, diags := a.Expr.Value(nil)
	d.addHCL(diags)
	if diags.HasErrors() || v.IsNull() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return v, true
}

// typeName names a value's type in a diagnostic.
func typeName(v cty.Value) string {
	t := v.Type()
	switch {
	case t == cty.String:
		return "a string"
	case t == cty.Number:
		return "a number"
	case t == cty.Bool:
		return "a boolean"
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		return "a list"
	case t.IsObjectType() || t.IsMapType():
		return "an object"
	}
	return t.FriendlyName()
}

// wrongType reports a value of the wrong type for attribute name.
func wrongType(d *Diagnostics, rng hcl.Range, name, want, example string, v cty.Value) {
	d.add(rng, "Wrong type for "+name, "%s must be %s, like %s; this is %s", name, want, example, typeName(v))
}

// decodeString decodes a string attribute. Numbers and booleans are turned
// into strings, as HCL does.
func decodeString(a *hcl.Attribute, d *Diagnostics) *string {
	v, ok := value(a, d)
	if !ok {
		return nil
	}
	sv, err := convert.Convert(v, cty.String)
	if err != nil {
		wrongType(d, a.Expr.Range(), a.Name, "a string", example(a.Name), v)
		return nil
	}
	s := sv.AsString()
	return &s
}

// decodeNumber decodes a number attribute. Strings holding a number are
// turned into numbers, as HCL does.
func decodeNumber(a *hcl.Attribute, d *Diagnostics) *big.Float {
	v, ok := value(a, d)
	if !ok {
		return nil
	}
	nv, err := convert.Convert(v, cty.Number)
	if err != nil {
		wrongType(d, a.Expr.Range(), a.Name, "a number", example(a.Name), v)
		return nil
	}
	return nv.AsBigFloat()
}

// decodeInt decodes a whole number attribute that must be at least min;
// must says so in the diagnostic.
func decodeInt(a *hcl.Attribute, d *Diagnostics, min int64, must string) *int64 {
	f := decodeNumber(a, d)
	if f == nil {
		return nil
	}
	rng := a.Expr.Range()
	if !f.IsInt() {
		d.add(rng, "Invalid "+a.Name, "%s = %s is not a whole number: it must be %s", a.Name, f.Text('g', -1), must)
		return nil
	}
	n, acc := f.Int64()
	if acc != big.Exact || n < min {
		d.add(rng, "Invalid "+a.Name, "%s = %s: it must be %s", a.Name, f.Text('g', -1), must)
		return nil
	}
	return &n
}

// decodeDuration decodes an optional duration attribute that must not be
// negative; what says what the duration is.
func decodeDuration(a *hcl.Attribute, d *Diagnostics, what string) *time.Duration {
	if a == nil {
		return nil
	}
	s := decodeString(a, d)
	if s == nil {
		return nil
	}
	dur, ok := parseDuration(*s, a.Name, a.Expr.Range(), d)
	if !ok {
		return nil
	}
	if dur < 0 {
		d.add(a.Expr.Range(), "Invalid "+a.Name, "%s = %q is negative: it is %s, so use 0 or more, like %s", a.Name, *s, what, example(a.Name))
		return nil
	}
	return &dur
}

// parseDuration parses a Go duration string (168h, 90m, 1h30m), reporting a
// bad one at rng for attribute name.
func parseDuration(s, name string, rng hcl.Range, d *Diagnostics) (time.Duration, bool) {
	dur, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		hint := ""
		if strings.HasSuffix(strings.TrimSpace(s), "d") {
			hint = " (there is no day unit: 7 days is 168h)"
		}
		d.add(rng, "Invalid duration", "%s = %q is not a duration: use a number with a unit h, m or s, like %s%s", name, s, example(name), hint)
		return 0, false
	}
	return dur, true
}

// parseDate parses YYYY-MM-DD (UTC midnight) or an RFC 3339 time, in UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// checkBaseURL checks a base URL and returns it without a trailing slash:
// http or https with a host, no credentials, query or fragment; http only
// to a loopback host.
func checkBaseURL(s string, rng hcl.Range, d *Diagnostics) (string, bool) {
	const fix = `use the Gong API host, like base_url = "https://api.gong.io" (or your account's, such as "https://us-12345.api.gong.io")`
	u, err := url.Parse(strings.TrimSpace(s))
	if err == nil && u.User != nil {
		// Never echo it: the user info may hold a password.
		d.add(rng, "Credentials in base_url", "base_url must not hold a user name or password: set GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET in the environment, or run `gongload auth login`, and %s", fix)
		return "", false
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		d.add(rng, "Invalid base_url", "base_url = %q is not an http(s) URL: %s", s, fix)
		return "", false
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		d.add(rng, "Invalid base_url", "base_url = %q has a query or fragment: %s", s, fix)
		return "", false
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		d.add(rng, "Insecure base_url", "base_url = %q is plain http to %s: use https; plain http is accepted only for 127.0.0.1/localhost (the simulator)", s, u.Hostname())
		return "", false
	}
	return strings.TrimRight(u.String(), "/"), true
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// expandHome expands a leading ~ of the path p (the value of a) to the home
// directory.
func expandHome(p string, a *hcl.Attribute, d *Diagnostics) (string, bool) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		return p, true
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		d.add(a.Expr.Range(), "Cannot expand ~", "%s = %q starts with ~ but the home directory is unknown (%v): write the full path", a.Name, p, err)
		return "", false
	}
	return filepath.Join(home, p[1:]), true
}

// elements evaluates a list attribute and returns its elements, each with
// the range of its expression (the whole attribute's when the list is not a
// literal), or false after a diagnostic.
func elements(a *hcl.Attribute, d *Diagnostics, what, example string) ([]cty.Value, []hcl.Range, bool) {
	v, ok := value(a, d)
	if !ok {
		return nil, nil, false
	}
	t := v.Type()
	if !t.IsTupleType() && !t.IsListType() && !t.IsSetType() {
		wrongType(d, a.Expr.Range(), a.Name, what, example, v)
		return nil, nil, false
	}
	vals := v.AsValueSlice()
	rngs := make([]hcl.Range, len(vals))
	tuple, _ := a.Expr.(*hclsyntax.TupleConsExpr)
	for i := range vals {
		if tuple != nil && len(tuple.Exprs) == len(vals) {
			rngs[i] = tuple.Exprs[i].Range()
		} else {
			rngs[i] = a.Expr.Range()
		}
	}
	return vals, rngs, true
}

// elemString converts a list element to a string, or reports it.
func elemString(v cty.Value, rng hcl.Range, name, what, example string, d *Diagnostics) (string, bool) {
	if v.IsNull() || !v.IsWhollyKnown() {
		d.add(rng, "Invalid "+name, "%s must be %s, like %s; this element is null", name, what, example)
		return "", false
	}
	sv, err := convert.Convert(v, cty.String)
	if err != nil {
		d.add(rng, "Wrong type for "+name, "%s must be %s, like %s; this element is %s", name, what, example, typeName(v))
		return "", false
	}
	return sv.AsString(), true
}

// decodeStreams decodes the streams attribute: known names, repeats
// dropped, at least one.
func decodeStreams(a *hcl.Attribute, d *Diagnostics) []string {
	const what, ex = "a list of stream names", `streams = ["users", "calls"]`
	vals, rngs, ok := elements(a, d, what, ex)
	if !ok {
		return nil
	}
	names := extract.StreamNames()
	out := []string{}
	bad := false
	for i, v := range vals {
		s, ok := elemString(v, rngs[i], a.Name, what, ex, d)
		if !ok {
			bad = true
			continue
		}
		if !slices.Contains(names, s) {
			d.add(rngs[i], "Unknown stream", "%q is not a stream%s: the streams are %s", s, didYouMean(s, names), strings.Join(names, ", "))
			bad = true
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if bad {
		return nil
	}
	if len(out) == 0 {
		d.add(a.Expr.Range(), "No stream selected", "streams = [] runs nothing: list the streams to run, or leave streams out to run every stream")
		return nil
	}
	return out
}

// decodeWorkspaces decodes the workspaces attribute: non-empty IDs, repeats
// dropped; an empty list is set (every workspace).
func decodeWorkspaces(a *hcl.Attribute, d *Diagnostics) []string {
	const what, ex = "a list of workspace IDs", `workspaces = ["1234567890123456789"]`
	vals, rngs, ok := elements(a, d, what, ex)
	if !ok {
		return nil
	}
	out := []string{}
	bad := false
	for i, v := range vals {
		s, ok := elemString(v, rngs[i], a.Name, what, ex, d)
		if !ok {
			bad = true
			continue
		}
		s = strings.TrimSpace(s)
		if s == "" {
			d.add(rngs[i], "Empty workspace ID", "workspaces lists an empty ID: remove it (`gongload api workspaces list` lists the IDs)")
			bad = true
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if bad {
		return nil
	}
	return out
}

// decodeWindows decodes the windows attribute: a map from Span-windowed
// stream names to window lengths in (0, MaxWindow].
func decodeWindows(a *hcl.Attribute, d *Diagnostics) map[string]time.Duration {
	const ex = `windows = { calls = "168h" }`
	type item struct {
		key, val       cty.Value
		keyRng, valRng hcl.Range
	}
	var items []item
	if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		// A literal: each key and value on its own, for their positions.
		for _, it := range obj.Items {
			k, kd := it.KeyExpr.Value(nil)
			v, vd := it.ValueExpr.Value(nil)
			d.addHCL(kd)
			d.addHCL(vd)
			if kd.HasErrors() || vd.HasErrors() {
				return nil
			}
			items = append(items, item{k, v, it.KeyExpr.Range(), it.ValueExpr.Range()})
		}
	} else {
		v, ok := value(a, d)
		if !ok {
			return nil
		}
		if !v.Type().IsObjectType() && !v.Type().IsMapType() {
			wrongType(d, a.Expr.Range(), a.Name, "an object of stream names and window lengths", ex, v)
			return nil
		}
		for k, x := range v.AsValueMap() {
			items = append(items, item{cty.StringVal(k), x, a.Expr.Range(), a.Expr.Range()})
		}
		slices.SortFunc(items, func(x, y item) int { return strings.Compare(x.key.AsString(), y.key.AsString()) })
	}
	names := extract.StreamNames()
	var windowed []string
	for _, s := range extract.Streams() {
		if s.Window() == extract.Span {
			windowed = append(windowed, s.Name())
		}
	}
	out := map[string]time.Duration{}
	seen := map[string]bool{}
	bad := false
	for _, it := range items {
		key, ok := elemString(it.key, it.keyRng, a.Name, "an object of stream names and window lengths", ex, d)
		if !ok {
			bad = true
			continue
		}
		if seen[key] {
			d.add(it.keyRng, "Duplicate window", "windows sets %s twice: keep one", key)
			bad = true
			continue
		}
		seen[key] = true
		switch {
		case !slices.Contains(names, key):
			d.add(it.keyRng, "Unknown stream", "windows sets %q, which is not a stream%s: the streams with windows are %s", key, didYouMean(key, names), strings.Join(windowed, ", "))
			bad = true
			continue
		case !slices.Contains(windowed, key):
			d.add(it.keyRng, "Stream without windows", "%s is not cut into windows of a length you choose: remove it from windows (the streams with windows are %s)", key, strings.Join(windowed, ", "))
			bad = true
			continue
		}
		s, ok := elemString(it.val, it.valRng, "windows."+key, "a duration", `"168h"`, d)
		if !ok {
			bad = true
			continue
		}
		dur, ok := parseDuration(s, "windows."+key, it.valRng, d)
		switch {
		case !ok:
			bad = true
			continue
		case dur <= 0:
			d.add(it.valRng, "Invalid window", "windows.%s = %q: a window must be longer than 0, like %q (7 days)", key, s, "168h")
			bad = true
			continue
		case dur > MaxWindow:
			d.add(it.valRng, "Window too long", "windows.%s = %q is longer than 90 days: Gong's filters span at most 90 days, so use %q or less", key, s, formatDuration(MaxWindow))
			bad = true
			continue
		}
		out[key] = dur
	}
	if bad {
		return nil
	}
	return out
}

// examples of each attribute's value, for diagnostics.
var examples = map[string]string{
	"base_url":          `base_url = "https://api.gong.io"`,
	"auth":              `auth = "access_key"`,
	"token_file":        `token_file = "~/.config/gongload/token.json"`,
	"start_date":        `start_date = "2025-01-31"`,
	"lookback":          `lookback = "168h"`,
	"rate_limit":        `rate_limit = 3`,
	"daily_quota":       `daily_quota = 10000`,
	"concurrency":       `concurrency = 8`,
	"max_wait":          `max_wait = "10m"`,
	"coaching_lookback": `coaching_lookback = "2160h"`,
	"path":              `path = "gong.duckdb"`,
}

// example returns an example of attribute name's value.
func example(name string) string {
	if e, ok := examples[name]; ok {
		return e
	}
	if strings.HasPrefix(name, "windows.") {
		return `"168h"`
	}
	return name
}

// formatDuration renders d the way a person writes it in the file: 168h,
// 10m, 90s, else Go's form.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// didYouMean returns ` (did you mean "x"?)` for the closest of names to s,
// or "" when none is close.
func didYouMean(s string, names []string) string {
	best, bestDist := "", -1
	for _, n := range names {
		dist := levenshtein(strings.ToLower(s), n)
		if bestDist < 0 || dist < bestDist {
			best, bestDist = n, dist
		}
	}
	if best == "" || bestDist > max(2, len(best)/3) || bestDist >= len(best) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
