package extract

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// WorkspacesStream is the workspaces stream: GET /v2/workspaces (one
// answer, not paginated) into models.Workspaces, as a full refresh.
type WorkspacesStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*WorkspacesStream)(nil)

// Name returns "workspaces".
func (s *WorkspacesStream) Name() string { return "workspaces" }

// Tables returns models.Workspaces.
func (s *WorkspacesStream) Tables() []*models.Table { return []*models.Table{models.Workspaces} }

// Mode returns FullRefresh.
func (s *WorkspacesStream) Mode() Mode { return FullRefresh }

// Window returns 0: a full-refresh stream has no windows.
func (s *WorkspacesStream) Window() WindowKind { return 0 }

// DefaultWindow returns 0: a full-refresh stream has no windows.
func (s *WorkspacesStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists every workspace in one request, then declares the listing of
// models.Workspaces complete.
func (s *WorkspacesStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	h := newEntityPage(ctx, orDefault(s.Mem), sink, models.Workspaces, s.Name(), workspaceKey, appendWorkspace)
	defer h.release()
	if err := c.Get(ctx, Request{Method: "GET", Path: "/v2/workspaces", Envelope: "workspaces"}, h); err != nil {
		return err
	}
	return sink.Complete(ctx, models.Workspaces, models.Range{})
}

// workspaceKey returns a workspace's key.
func workspaceKey(w *models.Workspace) models.ID { return w.ID }

// appendWorkspace appends the row of one workspace.
func appendWorkspace(b *models.Builder, w *models.Workspace, raw jsontext.Value) {
	b.Append(w.ID, w.Name, w.Description, []byte(raw))
}
