package secret_test

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/gongload/gongload/internal/secret"
)

const value = "hunter2-very-secret"

type holder struct {
	Name   string
	Key    secret.String
	Ptr    *secret.String
	Map    map[string]secret.String
	Nested struct{ Inner secret.String }
}

func newHolder() holder {
	s := secret.String(value)
	h := holder{Name: "acct", Key: s, Ptr: &s, Map: map[string]secret.String{"k": s}}
	h.Nested.Inner = s
	return h
}

func TestNeverLeaks(t *testing.T) {
	s := secret.String(value)
	h := newHolder()
	renders := map[string]string{
		"%v":             fmt.Sprintf("%v", s),
		"%+v":            fmt.Sprintf("%+v", s),
		"%#v":            fmt.Sprintf("%#v", s),
		"%s":             fmt.Sprintf("%s", s),
		"%q":             fmt.Sprintf("%q", s),
		"%x":             fmt.Sprintf("%x", s),
		"%X":             fmt.Sprintf("%X", s),
		"%10.3s":         fmt.Sprintf("%10.3s", s),
		"Sprint":         fmt.Sprint(s),
		"Sprintln":       fmt.Sprintln(s),
		"struct %v":      fmt.Sprintf("%v", h),
		"struct %+v":     fmt.Sprintf("%+v", h),
		"struct %#v":     fmt.Sprintf("%#v", h),
		"struct Sprint":  fmt.Sprint(h),
		"ptr struct %+v": fmt.Sprintf("%+v", &h),
		"error wrap":     fmt.Errorf("login with %v failed", s).Error(),
	}
	for name, fn := range map[string]func(any) ([]byte, error){
		"encoding/json":   stdjson.Marshal,
		"json/v2":         func(v any) ([]byte, error) { return jsonv2.Marshal(v) },
		"encoding/json %": func(v any) ([]byte, error) { return stdjson.MarshalIndent(v, "", " ") },
	} {
		for what, v := range map[string]any{"value": s, "struct": h} {
			b, err := fn(v)
			if err != nil {
				t.Fatalf("%s of %s: %v", name, what, err)
			}
			renders[name+" "+what] = string(b)
		}
	}
	for _, handler := range []string{"text", "json"} {
		var buf bytes.Buffer
		var lg *slog.Logger
		if handler == "text" {
			lg = slog.New(slog.NewTextHandler(&buf, nil))
		} else {
			lg = slog.New(slog.NewJSONHandler(&buf, nil))
		}
		lg.Info("msg", "key", s, "holder", h, slog.Any("any", s), slog.Group("g", "k", s))
		renders["slog "+handler] = buf.String()
	}
	for name, got := range renders {
		if strings.Contains(got, value) || strings.Contains(got, fmt.Sprintf("%x", value)) ||
			strings.Contains(strings.ToLower(got), "68756e746572") {
			t.Errorf("%s leaks the secret: %s", name, got)
		}
		if !strings.Contains(got, secret.Redacted) {
			t.Errorf("%s does not say %s: %s", name, secret.Redacted, got)
		}
	}
}

// TestUnexportedFieldCaveat documents the caveat of the package doc: fmt
// prints an unexported String field raw, but not one behind a pointer.
func TestUnexportedFieldCaveat(t *testing.T) {
	s := secret.String(value)
	raw := struct{ k secret.String }{s}
	ptr := struct{ k *secret.String }{&s}
	if !strings.Contains(fmt.Sprintf("%+v", raw), value) {
		t.Log("fmt now calls methods of unexported fields; the caveat in doc.go can go")
	}
	if got := fmt.Sprintf("%+v %#v", ptr, ptr); strings.Contains(got, value) {
		t.Errorf("a pointer field leaks: %s", got)
	}
}

func TestReveal(t *testing.T) {
	s := secret.String(value)
	if s.Reveal() != value {
		t.Fatalf("Reveal() = %q", s.Reveal())
	}
	if s.IsZero() || !secret.String("").IsZero() {
		t.Fatal("IsZero wrong")
	}
}
