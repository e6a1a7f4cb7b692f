package extract

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

const (
	folderPublic = "3492543238968030478"
	folderWin    = "2419919964868474395"
	folderEMEA   = "5512345678901234567"
)

// libraryServer serves the workspaces, the folders of each and the
// content of each folder from testdata; errs answers a path?query
// ("/v2/library/folders?workspaceId=…") with a 403 and that body instead.
func libraryServer(t *testing.T, errs map[string][]byte) *gongServer {
	workspaces := gongFile(t, "workspaces.json")
	folders := map[string][]byte{wsMain: gongFile(t, "library-folders.json"), wsEMEA: gongFile(t, "library-folders-emea.json")}
	content := map[string][]byte{folderPublic: gongFile(t, "library-folder-content-empty.json"), folderWin: gongFile(t, "library-folder-content.json")}
	return newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "GET" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		if body, ok := errs[req.Path+"?"+req.Query.Encode()]; ok {
			writeJSON(w, 403, body)
			return
		}
		switch req.Path {
		case "/v2/workspaces":
			writeJSON(w, 200, workspaces)
		case "/v2/library/folders":
			writeJSON(w, 200, folders[req.Query.Get("workspaceId")])
		case "/v2/library/folder-content":
			if body, ok := content[req.Query.Get("folderId")]; ok {
				writeJSON(w, 200, body)
			} else {
				writeJSON(w, 404, gongError("No folders found for the specified period"))
			}
		default:
			t.Errorf("request %s %s", req.Method, req.Path)
			writeJSON(w, 400, gongError("unexpected"))
		}
	})
}

// requestLine renders a GET request as path?query.
func requestLine(r gongRequest) string {
	if len(r.Query) == 0 {
		return r.Path
	}
	return r.Path + "?" + r.Query.Encode()
}

func requestLines(reqs []gongRequest) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = requestLine(r)
	}
	return out
}

func TestLibraryFoldersStream(t *testing.T) {
	srv := libraryServer(t, nil)
	sink := newRowSink(t)
	if err := (&LibraryFoldersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	wantReqs := []string{"/v2/workspaces", "/v2/library/folders?workspaceId=" + wsMain, "/v2/library/folders?workspaceId=" + wsEMEA}
	if got := requestLines(srv.reqs()); !reflect.DeepEqual(got, wantReqs) {
		t.Errorf("requests %q, want %q", got, wantReqs)
	}
	raws := append(envelopeRecords(t, gongFile(t, "library-folders.json"), "folders"),
		envelopeRecords(t, gongFile(t, "library-folders-emea.json"), "folders")...)
	want := []row{ // Win/Loss, listed again in EMEA, keeps its first workspace
		{"folder_id": folderPublic, "name": "Public Folders", "parent_folder_id": nil, "created_by": nil,
			"updated": ts("2023-10-17T19:21:31.816562Z"), "workspace_id": wsMain, "_raw": raws[0]},
		{"folder_id": folderWin, "name": "Win/Loss", "parent_folder_id": folderPublic, "created_by": userAda,
			"updated": ts("2024-03-04T05:06:07Z"), "workspace_id": wsMain, "_raw": raws[1]},
		{"folder_id": folderEMEA, "name": "EMEA best calls", "parent_folder_id": folderPublic, "created_by": userGrace,
			"updated": ts("2025-01-02T02:04:05.6Z"), "workspace_id": wsEMEA, "_raw": raws[2]},
	}
	if d := diffRows(want, sink.rows["library_folders"]); d != "" {
		t.Errorf("library_folders rows:\n%s", d)
	}
	if sink.writes["library_folders"] != 2 {
		t.Errorf("%d batches, want one per workspace (2)", sink.writes["library_folders"])
	}
	checkCompletes(t, sink, "library_folders")
}

// A workspace whose listing fails fails the unit, never complete; a
// restricted unit lists one workspace and is not complete; "No folders
// found" is an empty listing.
func TestLibraryFoldersPartial(t *testing.T) {
	srv := libraryServer(t, map[string][]byte{"/v2/library/folders?workspaceId=" + wsEMEA: gongError("You don't have access")})
	sink := newRowSink(t)
	err := (&LibraryFoldersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink)
	if err == nil || !strings.Contains(err.Error(), "You don't have access") {
		t.Errorf("error %v, want the 403", err)
	}
	checkCompletes(t, sink)

	srv = libraryServer(t, nil)
	sink = newRowSink(t)
	if err := (&LibraryFoldersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{WorkspaceID: wsEMEA}, sink); err != nil {
		t.Fatal(err)
	}
	if got, want := requestLines(srv.reqs()), []string{"/v2/library/folders?workspaceId=" + wsEMEA}; !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
	if n := len(sink.rows["library_folders"]); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
	checkCompletes(t, sink)

	srv = newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Path == "/v2/workspaces" {
			writeJSON(w, 200, gongFile(t, "workspaces.json"))
			return
		}
		writeJSON(w, 404, gongError("No folders found for the specified period"))
	})
	sink = newRowSink(t)
	if err := (&LibraryFoldersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.rows) != 0 {
		t.Errorf("rows %v", sink.rows)
	}
	checkCompletes(t, sink, "library_folders")
}

func TestLibraryFolderContentStream(t *testing.T) {
	srv := libraryServer(t, nil)
	sink := newRowSink(t)
	if err := (&LibraryFolderContentStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	wantReqs := []string{
		"/v2/workspaces",
		"/v2/library/folders?workspaceId=" + wsMain,
		"/v2/library/folders?workspaceId=" + wsEMEA,
		"/v2/library/folder-content?folderId=" + folderPublic,
		"/v2/library/folder-content?folderId=" + folderWin,
		"/v2/library/folder-content?folderId=" + folderEMEA,
	}
	if got := requestLines(srv.reqs()); !reflect.DeepEqual(got, wantReqs) {
		t.Errorf("requests %q, want %q", got, wantReqs)
	}
	want := []row{ // the call listed twice keeps its first entry
		{"folder_id": folderWin, "call_id": "7782342274025937895", "title": "Acme / Initech \u2014 Discovery",
			"note": "Great objection handling", "added_by": userAda, "created": ts("2024-03-05T09:00:00Z"),
			"url":            "https://app.gong.io/call?id=7782342274025937895&highlights=%5B%7B%22type%22%3A%22SHARE%22%7D%5D",
			"snippet_from_s": int64(125), "snippet_to_s": int64(180)},
		{"folder_id": folderWin, "call_id": "1234567890987654321", "title": "Globex pricing call", "note": nil,
			"added_by": userGrace, "created": ts("2024-03-06T11:00:00Z"), "url": "https://app.gong.io/call?id=1234567890987654321",
			"snippet_from_s": nil, "snippet_to_s": nil},
	}
	if d := diffRows(want, sink.rows["library_folder_calls"]); d != "" {
		t.Errorf("library_folder_calls rows:\n%s", d)
	}
	// Every folder listed is scoped: the empty one and the one Gong no
	// longer finds lose their rows.
	checkScopes(t, sink, "library_folder_calls", folderPublic, folderWin, folderEMEA)
	checkCompletes(t, sink)
}

// FuzzLibraryFoldersPage decodes arbitrary /v2/library/folders answers.
func FuzzLibraryFoldersPage(f *testing.F) {
	f.Add(gongFile(f, "library-folders.json"))
	f.Add(gongFile(f, "library-folders-emea.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		add := func(r *rowSet, fo *models.LibraryFolder, raw jsontext.Value, at jsontext.Pointer) error {
			return appendFolder(r, fo, raw, at, "w1")
		}
		fuzzRecordPage(t, page, "folders", "library_folders", add, models.LibraryFolders)
	})
}

// FuzzFolderContentPage decodes arbitrary /v2/library/folder-content
// answers: the folder at the top level.
func FuzzFolderContentPage(f *testing.F) {
	f.Add(gongFile(f, "library-folder-content.json"))
	f.Add(gongFile(f, "library-folder-content-empty.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		sink := newRowSink(t)
		h := newFolderContentPage(context.Background(), mem, sink)
		for _, folder := range []string{"f1", "f1", "f2"} { // f1 twice: every call a duplicate
			h.folder = folder
			dec := jsontext.NewDecoder(bytes.NewReader(page), unmarshalOptions)
			if dec.PeekKind() != '{' {
				continue
			}
			if err := h.Record(dec); err != nil {
				h.Discard()
				continue
			}
			if err := h.EndPage(PageInfo{Records: 1, TotalRecords: 1}); err != nil {
				t.Fatal(err)
			}
		}
		h.release()
		mem.AssertSize(t, 0)
	})
}
