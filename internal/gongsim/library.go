package gongsim

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// The call library: a small public folder tree per workspace, its folders
// holding calls of that workspace chosen at New. Calls deleted later drop
// out of their folders; calls added later join none.

type libEntry struct {
	callID        string
	addedBy       int
	created       time.Time
	note          string
	from, to      int // snippet, seconds; whole call when from == 0 && to == duration
	wholeCall     bool
	createdDigits int
}

type folderRec struct {
	f       LibraryFolder
	entries []libEntry
	updated time.Time
}

type folderDef struct {
	name   string
	parent int // index in the workspace's list, -1 for the root
	calls  int // 0: an empty folder
}

var folderTrees = [][]folderDef{
	{
		{"Public Folders", -1, 0},
		{"Win/Loss", 0, 4},
		{"Q2 Wins", 1, 3},
		{"Best Discovery Calls", 0, 6},
		{"Objection Handling", 0, 5},
		{"Onboarding", 0, 3},
		{"Week 1: Listen and Learn", 5, 0},
	},
	{
		{"Public Folders", -1, 0},
		{"EMEA Best Practices", 0, 4},
		{"Competitor Mentions", 0, 3},
	},
}

var libraryNotes = []string{
	"Great example of handling the pricing objection.",
	"Listen from the snippet start: textbook discovery.",
	"Shows how to multi-thread into IT.",
	"Good recovery after a rough start.",
	"Use in onboarding week 2.",
	"Customer explains the pain in their own words.",
}

func (s *Sim) genLibrary() {
	r := newRNG(s.seed, stLibrary)
	s.folderByID = map[string]int{}
	companyStart := s.anchor.Add(-time.Duration(4*365) * 24 * time.Hour)
	for ws := range s.workspaces {
		// Candidate calls: of the workspace, ended a day before the anchor.
		var cands []*callRec
		for _, c := range s.calls {
			if c.ws == ws && c.started.Before(s.anchor.Add(-36*time.Hour)) {
				cands = append(cands, c)
			}
		}
		base := len(s.folders)
		for _, fd := range folderTrees[min(ws, len(folderTrees)-1)] {
			fr := folderRec{f: LibraryFolder{ID: s.uniqueID(&r), Name: fd.name, WorkspaceID: s.workspaces[ws].ID}}
			created := companyStart.Add(randInDay(&r))
			if fd.parent >= 0 {
				parent := s.folders[base+fd.parent]
				fr.f.ParentFolderID = &parent.f.ID
				fr.f.CreatedBy = strp(s.users[s.adminUser(&r)].ID)
				created = companyStart.Add(time.Duration(r.between(30, 1200)) * 24 * time.Hour).Add(time.Duration(r.intn(86400)) * time.Second)
				if created.After(s.anchor) {
					created = s.anchor.Add(-time.Duration(r.between(40, 400)) * 24 * time.Hour)
				}
			}
			fr.updated = created
			used := map[string]bool{}
			for k := 0; k < fd.calls && len(cands) > 0; k++ {
				c := cands[r.intn(len(cands))]
				if used[c.id] {
					continue
				}
				used[c.id] = true
				p := s.plan(c)
				dur := int(p.meta.Duration)
				e := libEntry{callID: c.id, addedBy: s.adminUser(&r), createdDigits: pick(&r, []int{3, 6})}
				end := c.started.Add(time.Duration(p.durMs) * time.Millisecond)
				e.created = end.Add(time.Duration(r.uniform(1, 14*24) * float64(time.Hour)))
				if lim := s.anchor.Add(-time.Minute); e.created.After(lim) {
					e.created = end.Add(time.Duration(r.float() * float64(lim.Sub(end))))
				}
				e.created = truncDigits(e.created, e.createdDigits)
				if r.chance(0.25) || dur < 60 {
					e.from, e.to, e.wholeCall = 0, dur, true
				} else {
					e.from = r.intn(dur - 30)
					e.to = min(dur, e.from+r.between(20, 300))
				}
				if r.chance(0.5) {
					e.note = pick(&r, libraryNotes)
				}
				fr.entries = append(fr.entries, e)
				if e.created.After(fr.updated) {
					fr.updated = e.created
				}
			}
			fr.f.Updated = s.fmtTime(fr.updated, 6)
			s.folderByID[fr.f.ID] = len(s.folders)
			s.folders = append(s.folders, fr)
		}
	}
}

// LibraryFolders returns every public library folder, workspace by
// workspace (WorkspaceID set), as GET /v2/library/folders serves them.
func (s *Sim) LibraryFolders() []LibraryFolder {
	out := make([]LibraryFolder, len(s.folders))
	for i := range s.folders {
		out[i] = s.folders[i].f
	}
	return out
}

// FolderContent returns what GET /v2/library/folder-content serves for a
// folder (without requestId); false if there is no such folder.
func (s *Sim) FolderContent(id string) (FolderContent, bool) {
	i, ok := s.folderByID[id]
	if !ok {
		return FolderContent{}, false
	}
	fr := &s.folders[i]
	fc := FolderContent{ID: fr.f.ID, Name: fr.f.Name, CreatedBy: fr.f.CreatedBy, Updated: fr.f.Updated, Calls: []LibraryCall{}}
	for _, e := range fr.entries {
		rec, ok := s.rec(e.callID)
		if !ok {
			continue // deleted
		}
		meta := s.plan(&rec).meta
		u := meta.URL
		if !e.wholeCall {
			// Gong's highlight parameter, as in the spec's example.
			u += "&highlights=" + url.QueryEscape(`[{"to": `+strconv.Itoa(e.to)+`, "from": `+strconv.Itoa(e.from)+`, "type": "LIBRARY"}]`)
		}
		fc.Calls = append(fc.Calls, LibraryCall{ID: rec.id, Title: meta.Title, Note: e.note, AddedBy: s.users[e.addedBy].ID,
			Created: s.fmtTime(e.created, e.createdDigits), URL: u, Snippet: Snippet{FromSec: e.from, ToSec: e.to}})
	}
	return fc, true
}

// GET /v2/library/folders?workspaceId=
func (s *Sim) hFolders(r *http.Request, rq *request) *reply {
	ws := r.URL.Query().Get("workspaceId")
	folders := s.LibraryFolders()
	if ws != "" {
		folders = slices.DeleteFunc(folders, func(f LibraryFolder) bool { return f.WorkspaceID != ws })
	}
	if len(folders) == 0 {
		return errReply(rq, http.StatusNotFound, "No folders found for the specified period")
	}
	return okReply(struct {
		RequestID string          `json:"requestId"`
		Folders   []LibraryFolder `json:"folders"`
	}{rq.id, folders})
}

// GET /v2/library/folder-content?folderId=
func (s *Sim) hFolderContent(r *http.Request, rq *request) *reply {
	id := r.URL.Query().Get("folderId")
	if id == "" {
		return errReply(rq, http.StatusBadRequest, "Required request parameter 'folderId' is not present")
	}
	fc, ok := s.FolderContent(id)
	if !ok {
		return errReply(rq, http.StatusNotFound, "No folders found for the specified period")
	}
	return okReply(struct {
		RequestID string `json:"requestId"`
		FolderContent
	}{rq.id, fc})
}
