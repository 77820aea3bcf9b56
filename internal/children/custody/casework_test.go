package custody

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

func TestDocumentRules(t *testing.T) {
	tests := []struct {
		name, file string
		data       []byte
		field      string // "" when accepted
	}{
		{"png", "scan.png", pngHeader, ""},
		{"pdf", "birth.pdf", []byte("%PDF-1.7\n"), ""},
		{"text", "note.txt", []byte("plain words"), ""},
		{"html by content, named pdf", "x.pdf", []byte("<html><script>alert(1)</script>"), "file"},
		{"windows program", "a.png", []byte("MZ\x90\x00\x03\x00\x00\x00"), "file"},
		{"empty", "e.pdf", nil, "file"},
		{"too large", "big.txt", bytes.Repeat([]byte("a"), MaxDocumentBytes+1), "file"},
		{"no name", " ", []byte("plain"), "name"},
		{"slash in name", "../x.txt", []byte("plain"), "name"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		c := f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana"}})
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				d, err := f.s.AddDocument(admin, c.ID, tt.file, tt.data)
				if tt.field == "" {
					if err != nil {
						t.Fatal(err)
					}
					sum := sha256.Sum256(tt.data)
					if d.SHA256 != hex.EncodeToString(sum[:]) || d.Size != int64(len(tt.data)) {
						t.Errorf("stored %+v", d)
					}
					got, data, err := f.s.DocumentData(admin, c.ID, d.ID)
					if err != nil || !bytes.Equal(data, tt.data) || got.ContentType != d.ContentType {
						t.Errorf("read back: %v", err)
					}
					return
				}
				fe := errs.Fields(err)
				if len(fe) == 0 || fe[0].Field != tt.field {
					t.Errorf("err %v, want a problem on %s", err, tt.field)
				}
			})
		}
	})
}

func TestNotesAndTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, _ := f.user("cw@example.org", auth.RoleCaseworker)
		legal, _ := f.user("legal@example.org", auth.RoleLegal)
		c := f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana"}})
		if _, err := f.s.AddNote(admin, c.ID, "   "); !errs.IsValidation(err) {
			t.Errorf("empty note: %v", err)
		}
		if _, err := f.s.AddNote(admin, c.ID, "Called the consulate; they will send the birth record."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddNote(cw, c.ID, "x"); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("note on an unseen case: %v", err)
		}
		if _, err := f.s.AddNote(legal, c.ID, "x"); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("legal writes a note: %v", err)
		}
		if _, err := f.s.AddTask(admin, c.ID, TaskIn{Title: "Ask for the birth record", DueOn: "2026-13-01"}); !errs.IsValidation(err) {
			t.Errorf("bad due date: %v", err)
		}
		uid := int64(7)
		if _, err := f.s.AddTask(admin, c.ID, TaskIn{Title: "x", AssigneeID: &uid}); !errs.IsValidation(err) {
			t.Errorf("assignee id without account: %v", err)
		}
		due := f.clock.Add(-48 * time.Hour).Format(time.DateOnly)
		task, err := f.s.AddTask(admin, c.ID, TaskIn{Title: "Ask for the birth record", DueOn: due, AssigneeID: &uid, Assignee: "cw@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if !task.Overdue(f.clock) {
			t.Error("a task due two days ago is not overdue")
		}
		if mine, err := f.s.MyTasks(admin); err != nil || len(mine) != 0 {
			t.Errorf("admin's tasks: %+v %v", mine, err)
		}
		mineCtx := auth.NewContext(admin, auth.Principal{UserID: uid, Email: "cw@example.org", Role: auth.RoleAdmin})
		if mine, err := f.s.MyTasks(mineCtx); err != nil || len(mine) != 1 || mine[0].CaseName != "Ana" {
			t.Errorf("the assignee's tasks: %+v %v", mine, err)
		}
		done, err := f.s.CompleteTask(admin, c.ID, task.ID)
		if err != nil || done.DoneAt == nil || done.DoneBy != "admin@example.org" || done.Overdue(f.clock) {
			t.Fatalf("complete: %+v %v", done, err)
		}
		if mine, err := f.s.MyTasks(mineCtx); err != nil || len(mine) != 0 {
			t.Errorf("a done task is still the assignee's: %+v %v", mine, err)
		}
		if _, err := f.s.CompleteTask(admin, c.ID, task.ID); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("completed twice: %v", err)
		}
		if _, err := f.s.CompleteTask(admin, c.ID, task.ID+99); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown task: %v", err)
		}
		cwk, err := f.s.CaseworkOf(admin, c.ID)
		if err != nil || len(cwk.Notes) != 1 || len(cwk.Tasks) != 1 || len(cwk.Documents) != 0 {
			t.Fatalf("casework %+v %v", cwk, err)
		}
		if n := auditCount(t, db, "case.note", ""); n != 1 {
			t.Errorf("notes audited %d times", n)
		}
	})
}
