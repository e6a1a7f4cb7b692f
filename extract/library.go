package extract

import (
	"context"
	"net/url"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// LibraryFoldersStream is the library_folders stream: GET
// /v2/library/folders?workspaceId= for every workspace (not paginated) into
// models.LibraryFolders, as a full refresh. Gong lists only public,
// non-archived folders.
type LibraryFoldersStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*LibraryFoldersStream)(nil)

// Name returns "library_folders".
func (s *LibraryFoldersStream) Name() string { return "library_folders" }

// Tables returns models.LibraryFolders.
func (s *LibraryFoldersStream) Tables() []*models.Table {
	return []*models.Table{models.LibraryFolders}
}

// Mode returns FullRefresh.
func (s *LibraryFoldersStream) Mode() Mode { return FullRefresh }

// Window returns 0: a full-refresh stream has no windows.
func (s *LibraryFoldersStream) Window() WindowKind { return 0 }

// DefaultWindow returns 0: a full-refresh stream has no windows.
func (s *LibraryFoldersStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists the workspaces (GET /v2/workspaces), or takes u.WorkspaceID
// alone, then the folders of each: one batch per workspace, workspace_id
// being the workspace listed (a folder listed in two workspaces keeps the
// first). Only when every workspace's listing succeeded, and the unit is not
// restricted to one workspace, is the listing of models.LibraryFolders
// declared complete (a 404 "No folders found" is an empty listing).
func (s *LibraryFoldersStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	workspaces, err := workspaceIDs(ctx, c, u, s.Name())
	if err != nil {
		return err
	}
	var ws string
	add := func(r *rowSet, f *models.LibraryFolder, raw jsontext.Value, at jsontext.Pointer) error {
		return appendFolder(r, f, raw, at, ws)
	}
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), add, models.LibraryFolders)
	defer h.release()
	for _, ws = range workspaces {
		req := Request{Method: "GET", Path: "/v2/library/folders", Envelope: "folders",
			Query: url.Values{"workspaceId": {ws}}}
		if err := c.Get(ctx, req, h); err != nil {
			return err
		}
	}
	if u.WorkspaceID != "" {
		return nil
	}
	return sink.Complete(ctx, models.LibraryFolders, models.Range{})
}

// appendFolder appends the row of one folder listed in workspace ws.
func appendFolder(r *rowSet, f *models.LibraryFolder, raw jsontext.Value, at jsontext.Pointer, ws string) error {
	id := string(f.ID)
	if id == "" {
		return recordError("library_folders", at, "it has no id")
	}
	if !r.newKey(models.LibraryFolders, id) {
		return nil
	}
	r.builder(models.LibraryFolders).Append(id, f.Name, f.ParentFolderID, f.CreatedBy, f.Updated, ws, []byte(raw))
	return nil
}

// LibraryFolderContentStream is the library_folder_content stream: GET
// /v2/library/folder-content?folderId= for every folder of every workspace
// into models.LibraryFolderCalls, as a full refresh. The answer is the
// folder itself at the top level ({"id", "name", …, "calls": […]}).
type LibraryFolderContentStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*LibraryFolderContentStream)(nil)

// Name returns "library_folder_content".
func (s *LibraryFolderContentStream) Name() string { return "library_folder_content" }

// Tables returns models.LibraryFolderCalls.
func (s *LibraryFolderContentStream) Tables() []*models.Table {
	return []*models.Table{models.LibraryFolderCalls}
}

// Mode returns FullRefresh.
func (s *LibraryFolderContentStream) Mode() Mode { return FullRefresh }

// Window returns 0: a full-refresh stream has no windows.
func (s *LibraryFolderContentStream) Window() WindowKind { return 0 }

// DefaultWindow returns 0: a full-refresh stream has no windows.
func (s *LibraryFolderContentStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists the workspaces (or takes u.WorkspaceID alone), the folders of
// each, then the content of each folder: one request and one batch per
// folder. Every folder listed scopes library_folder_calls, so a folder that
// was emptied (or answers 404 "No folders found") loses its rows. A call
// listed twice in a folder keeps its first entry. Folders that are gone are
// not listed: library_folders' complete listing deletes them with their
// calls.
func (s *LibraryFolderContentStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	workspaces, err := workspaceIDs(ctx, c, u, s.Name())
	if err != nil {
		return err
	}
	var folders []string
	seen := map[string]bool{}
	for _, ws := range workspaces {
		ids, err := folderIDs(ctx, c, ws, s.Name())
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				folders = append(folders, id)
			}
		}
	}
	h := newFolderContentPage(ctx, orDefault(s.Mem), sink)
	defer h.release()
	for _, id := range folders {
		h.folder = id
		req := Request{Method: "GET", Path: "/v2/library/folder-content", Envelope: "",
			Query: url.Values{"folderId": {id}}}
		if err := c.Get(ctx, req, h); err != nil {
			return err
		}
	}
	return nil
}

// folderContentPage is the PageHandler of one folder's content: the answer
// is one record, the folder; its calls are its rows. EndPage scopes the
// folder requested, with or without calls.
type folderContentPage struct {
	*recordPage[models.FolderContent]
	folder string // the folder requested
}

func newFolderContentPage(ctx context.Context, mem memory.Allocator, sink Sink) *folderContentPage {
	p := &folderContentPage{}
	add := func(r *rowSet, fc *models.FolderContent, raw jsontext.Value, at jsontext.Pointer) error {
		appendFolderCalls(r, p.folder, fc)
		return nil
	}
	p.recordPage = newRecordPage(ctx, mem, sink, "library_folder_content", add, models.LibraryFolderCalls)
	return p
}

// EndPage scopes the folder and sends its calls.
func (p *folderContentPage) EndPage(info PageInfo) error {
	p.scope(p.folder)
	return p.recordPage.EndPage(info)
}

// appendFolderCalls appends a row per call of the folder. The rows carry
// the folder requested (the answer's own id is in no column). A call without
// an ID has no key and is left out.
func appendFolderCalls(r *rowSet, folder string, fc *models.FolderContent) {
	b := r.builder(models.LibraryFolderCalls)
	for _, call := range fc.Calls {
		id := string(call.ID)
		if id == "" || !r.newKey(models.LibraryFolderCalls, folder, id) {
			continue
		}
		var from, to *int64
		if sn := call.Snippet; sn != nil {
			from, to = intOf(sn.FromSec), intOf(sn.ToSec)
		}
		b.Append(folder, id, call.Title, call.Note, call.AddedBy, call.Created, call.URL, from, to)
	}
}
