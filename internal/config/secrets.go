package config

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// secretNames are attribute names that hold a secret (compared after
// lowercasing and turning - into _). Any name containing "secret",
// "password" or "passwd", or ending in "_token" or "_key", is one too.
var secretNames = []string{
	"access_key", "access_key_secret", "secret", "client_secret", "password",
	"token", "refresh_token", "access_token", "api_key", "apikey", "key",
}

// isSecretName reports whether an attribute named name would hold a secret.
func isSecretName(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	switch {
	case slices.Contains(secretNames, n),
		strings.Contains(n, "secret"), strings.Contains(n, "password"), strings.Contains(n, "passwd"),
		strings.HasSuffix(n, "_token"), strings.HasSuffix(n, "_key"):
		return true
	}
	return false
}

// secretDetail is the detail of a secret in the file: where secrets go
// instead. It never holds the value.
const secretDetail = "secrets are never read from gongload.hcl, which gets committed and shared: delete this line and set " +
	"GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (access key) or GONG_CLIENT_ID and GONG_CLIENT_SECRET (OAuth app) in the environment, " +
	"or run `gongload auth login` to keep an OAuth token in the token file; the value is not shown here"

// clientIDDetail is the detail of a client_id in the file: not a secret,
// but it comes from the environment too.
const clientIDDetail = "the OAuth client ID comes from the environment, with its secret: delete this line and set GONG_CLIENT_ID and GONG_CLIENT_SECRET, then run `gongload auth login`"

// minRedact is the shortest secret value that is redacted from every
// diagnostic's text (shorter ones would blank out ordinary words).
const minRedact = 4

// dropSecrets reports every attribute of body (and of its blocks, at any
// depth) named like a secret, and returns a copy of body without them, with
// the texts of their values (as written in src, and as evaluated when they
// are literals) so that they can be redacted from any other diagnostic.
// A client_id is dropped too, with a pointer to GONG_CLIENT_ID.
func dropSecrets(body *hclsyntax.Body, src []byte, d *Diagnostics) (*hclsyntax.Body, []string) {
	var secrets []string
	var walk func(b *hclsyntax.Body) *hclsyntax.Body
	walk = func(b *hclsyntax.Body) *hclsyntax.Body {
		if b == nil {
			return nil
		}
		nb := *b
		nb.Attributes = make(hclsyntax.Attributes, len(b.Attributes))
		for name, a := range b.Attributes {
			switch {
			case isSecretName(name):
				d.add(a.NameRange, "Secret in the config file", "%s is a secret: %s", a.Name, secretDetail)
				secrets = append(secrets, secretTexts(a, src)...)
			case strings.EqualFold(name, "client_id"):
				d.add(a.NameRange, "client_id in the config file", "%s", clientIDDetail)
			default:
				nb.Attributes[name] = a
			}
		}
		nb.Blocks = make(hclsyntax.Blocks, len(b.Blocks))
		for i, blk := range b.Blocks {
			nblk := *blk
			nblk.Body = walk(blk.Body)
			nb.Blocks[i] = &nblk
		}
		return &nb
	}
	body = walk(body)
	// Longest first, so that a secret containing another is redacted whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	return body, slices.Compact(secrets)
}

// secretTexts returns the texts of a secret attribute's value that are
// long enough to redact: the expression's source, the source inside its
// quotes, and its value when it evaluates to a string.
func secretTexts(a *hclsyntax.Attribute, src []byte) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= minRedact {
			out = append(out, s)
		}
	}
	r := a.Expr.Range()
	if r.Start.Byte >= 0 && r.Start.Byte <= r.End.Byte && r.End.Byte <= len(src) {
		raw := string(src[r.Start.Byte:r.End.Byte])
		add(raw)
		add(strings.Trim(raw, `"`))
	}
	if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
		add(v.AsString())
	}
	return out
}
