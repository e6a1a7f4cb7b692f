package extract

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// UsersStream is the users stream: GET /v2/users (paginated, cursor in the
// query) into models.Users, as a full refresh.
type UsersStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*UsersStream)(nil)

// Name returns "users".
func (s *UsersStream) Name() string { return "users" }

// Tables returns models.Users.
func (s *UsersStream) Tables() []*models.Table { return []*models.Table{models.Users} }

// Mode returns FullRefresh.
func (s *UsersStream) Mode() Mode { return FullRefresh }

// Window returns 0: a full-refresh stream has no windows.
func (s *UsersStream) Window() WindowKind { return 0 }

// DefaultWindow returns 0: a full-refresh stream has no windows.
func (s *UsersStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists every user, one batch per page, then declares the listing of
// models.Users complete. The unit's dates, call IDs and workspace do not
// apply to users.
func (s *UsersStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	h := newEntityPage(ctx, orDefault(s.Mem), sink, models.Users, s.Name(), userKey, appendUser)
	defer h.release()
	if err := c.List(ctx, Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, h); err != nil {
		return err
	}
	return sink.Complete(ctx, models.Users, models.Range{})
}

// userKey returns a user's key.
func userKey(u *models.User) models.ID { return u.ID }

// appendUser appends the row of one user.
func appendUser(b *models.Builder, u *models.User, raw jsontext.Value) {
	st := u.Settings
	if st == nil {
		st = &models.UserSettings{}
	}
	var langs, providers []string
	var primaryLang, defaultProvider *string
	if u.SpokenLanguages != nil {
		langs = make([]string, 0, len(u.SpokenLanguages))
		for i, l := range u.SpokenLanguages {
			langs = append(langs, l.Language)
			if l.Primary && primaryLang == nil {
				primaryLang = &u.SpokenLanguages[i].Language
			}
		}
	}
	if u.ConferencingProviders != nil {
		providers = make([]string, 0, len(u.ConferencingProviders))
		for i, p := range u.ConferencingProviders {
			providers = append(providers, p.Provider)
			if p.IsDefault && defaultProvider == nil {
				defaultProvider = &u.ConferencingProviders[i].Provider
			}
		}
	}
	b.Append(
		u.ID,
		u.EmailAddress,
		u.Created,
		u.Active,
		u.EmailAliases,
		u.TrustedEmailAddress,
		u.FirstName,
		u.LastName,
		u.Title,
		u.PhoneNumber,
		u.Extension,
		u.PersonalMeetingURLs,
		st.WebConferencesRecorded,
		st.PreventWebConferenceRecording,
		st.TelephonyCallsImported,
		st.EmailsImported,
		st.PreventEmailImport,
		st.NonRecordedMeetingsImported,
		st.GongConnectEnabled,
		u.ManagerID,
		u.MeetingConsentPageURL,
		langs,
		primaryLang,
		providers,
		defaultProvider,
		[]byte(raw),
	)
}

// entityPage is the PageHandler of a stream that fills one entity table
// with records decoded whole into T (users, workspaces): the page's rows go
// to one builder and EndPage writes them as one batch. A record whose key
// the unit already staged is skipped.
type entityPage[T any] struct {
	ctx    context.Context
	sink   Sink
	stream string
	b      *models.Builder
	seen   seenSet
	key    func(*T) models.ID
	row    func(b *models.Builder, rec *T, raw jsontext.Value)
}

func newEntityPage[T any](ctx context.Context, mem memory.Allocator, sink Sink, t *models.Table, stream string,
	key func(*T) models.ID, row func(*models.Builder, *T, jsontext.Value)) *entityPage[T] {
	return &entityPage[T]{ctx: ctx, sink: sink, stream: stream, b: models.NewBuilder(mem, t), key: key, row: row}
}

// Record decodes one record and appends its row, unless the unit already
// staged its key.
func (p *entityPage[T]) Record(dec *jsontext.Decoder) error {
	var rec T
	raw, err := readRecord(dec, p.stream, &rec)
	if err != nil {
		return err
	}
	key := p.key(&rec)
	if key == "" {
		return fmt.Errorf("%s: record at %s: it has no id", p.stream, pointer(dec))
	}
	if !p.seen.add(string(key)) {
		return nil
	}
	p.row(p.b, &rec, raw)
	return nil
}

// Discard drops the rows of the page.
func (p *entityPage[T]) Discard() {
	resetBuilder(p.b)
	p.seen.discard()
}

// EndPage writes the page's rows as one batch.
func (p *entityPage[T]) EndPage(PageInfo) error {
	p.seen.endPage()
	if p.b.Len() == 0 {
		return nil
	}
	rec := p.b.NewBatch()
	defer rec.Release()
	return p.sink.Write(p.ctx, p.b.Table(), rec)
}

func (p *entityPage[T]) release() { p.b.Release() }
