package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Diagnostic is one problem in a config file, terraform style: a short
// summary, a detail that says what to do about it, and where it is.
type Diagnostic struct {
	Summary string
	Detail  string
	// Range is the attribute, value or block at fault. Its Filename is always
	// set; its Start.Line is 0 when the problem has no position (the file
	// cannot be read).
	Range hcl.Range
}

// Pos renders where d is: FILE:LINE:COL, or FILE when it has no position.
func (d Diagnostic) Pos() string {
	if d.Range.Start.Line == 0 {
		return d.Range.Filename
	}
	return fmt.Sprintf("%s:%d:%d", d.Range.Filename, d.Range.Start.Line, d.Range.Start.Column)
}

// String renders d on one line: FILE:LINE:COL: summary — detail.
func (d Diagnostic) String() string {
	s := d.Pos() + ": " + oneLine(d.Summary)
	if d.Detail != "" {
		s += " — " + oneLine(d.Detail)
	}
	return s
}

// Diagnostics is the error of [Load]: every problem found in the file, in
// the order they appear in it. It is never empty when returned as an error.
type Diagnostics struct {
	Diags []Diagnostic
	// err is the cause of a file that could not be read, for errors.Is
	// (fs.ErrNotExist).
	err error
}

// Error renders each diagnostic on its own line as
// FILE:LINE:COL: summary — detail.
func (d *Diagnostics) Error() string {
	lines := make([]string, len(d.Diags))
	for i, x := range d.Diags {
		lines[i] = x.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the I/O error of a file that could not be read, so that
// errors.Is(err, fs.ErrNotExist) tells a missing file; nil otherwise.
func (d *Diagnostics) Unwrap() error { return d.err }

// add appends a diagnostic.
func (d *Diagnostics) add(rng hcl.Range, summary, detail string, args ...any) {
	d.Diags = append(d.Diags, Diagnostic{Summary: summary, Detail: fmt.Sprintf(detail, args...), Range: rng})
}

// addHCL appends the errors of diags (HCL's own diagnostics: syntax,
// unsupported arguments and blocks, labels).
func (d *Diagnostics) addHCL(diags hcl.Diagnostics) {
	for _, x := range diags {
		if x.Severity != hcl.DiagError {
			continue
		}
		var rng hcl.Range
		switch {
		case x.Subject != nil:
			rng = *x.Subject
		case x.Context != nil:
			rng = *x.Context
		}
		detail := x.Detail
		if hint, ok := hclHints[x.Summary]; ok {
			detail += " " + hint
		}
		d.Diags = append(d.Diags, Diagnostic{Summary: x.Summary, Detail: detail, Range: rng})
	}
}

// hclHints complete the details of some of HCL's diagnostics with what to do
// in gongload.hcl.
var hclHints = map[string]string{
	"Variables not allowed":      "gongload.hcl has no variables: write the value itself, or set it with a flag or an environment variable.",
	"Function calls not allowed": "gongload.hcl has no functions: write the value itself, or set it with a flag or an environment variable.",
}

// finish sorts the diagnostics by position, drops exact repeats, removes
// every occurrence of the secrets from their text, and returns d as an
// error, or nil when there is none.
func (d *Diagnostics) finish(filename string, secrets []string) error {
	if len(d.Diags) == 0 {
		return nil
	}
	for i := range d.Diags {
		x := &d.Diags[i]
		if x.Range.Filename == "" {
			x.Range.Filename = filename
		}
		for _, s := range secrets {
			x.Summary = strings.ReplaceAll(x.Summary, s, redacted)
			x.Detail = strings.ReplaceAll(x.Detail, s, redacted)
		}
	}
	slices.SortStableFunc(d.Diags, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Range.Start.Line, b.Range.Start.Line), cmp.Compare(a.Range.Start.Column, b.Range.Start.Column))
	})
	d.Diags = slices.Compact(d.Diags)
	return d
}

// redacted replaces a secret's text in a diagnostic.
const redacted = "**redacted**"

// oneLine folds a multi-line text (some of HCL's details have newlines) onto
// one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
