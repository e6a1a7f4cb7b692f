// Package secret holds credentials in a type that cannot leak by accident.
//
// A [String] prints, formats, logs and marshals as "**redacted**" whatever
// verb, encoder or logger handles it; only an explicit call to
// [String.Reveal] gives the value back. Keep access keys, client secrets and
// tokens in this type from the moment they are read (environment variables,
// the OAuth token file) to the moment they are put on the wire, so that a
// struct printed with %+v, an error message or a slog record never shows them.
//
// One caveat: fmt does not call the methods of unexported struct fields, so a
// String held in an unexported field is printed as is by %v of the struct.
// Keep it in an exported field, or behind a pointer (fmt prints the address).
package secret
