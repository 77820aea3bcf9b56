package custody

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

// Casework limits: what one note, task or document may hold.
const (
	MaxNoteChars      = 4000
	MaxTaskTitleChars = 300
	MaxDocumentBytes  = 8 << 20
	MaxDocNameChars   = 200
)

// DocumentTypes are the content types a case document may have, as read
// from its first bytes (http.DetectContentType), never from its name:
// scans and photos of papers, and PDFs.
var DocumentTypes = []string{"application/pdf", "image/png", "image/jpeg", "text/plain; charset=utf-8"}

// Note is a dated line of casework on a case.
type Note struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Body      string    `json:"body"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// Task is something to do for a child, by someone, by a date.
type Task struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Title      string     `json:"title"`
	DueOn      *string    `json:"due_on"` // YYYY-MM-DD, null when none
	AssigneeID *int64     `json:"assignee_id"`
	Assignee   string     `json:"assignee"` // the assignee's email, "" when none
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	DoneAt     *time.Time `json:"done_at"`
	DoneBy     string     `json:"done_by"`
}

// Overdue reports whether an open task's due date has passed at now (in
// UTC: a date is due by its end).
func (t Task) Overdue(now time.Time) bool {
	if t.DoneAt != nil || t.DueOn == nil {
		return false
	}
	d, err := time.Parse(time.DateOnly, *t.DueOn)
	return err == nil && now.After(d.Add(24*time.Hour))
}

// TaskIn is a new task. The assignee is an account the caller names;
// who may be assigned is checked by the caller (accounts are not this
// domain's), so AssigneeID and Assignee come together or not at all.
type TaskIn struct {
	Title      string `json:"title"`
	DueOn      string `json:"due_on"`
	AssigneeID *int64 `json:"-"`
	Assignee   string `json:"assignee"`
}

// Document is a file kept on a case (without its bytes).
type Document struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// Casework is the notes, tasks and documents of a case, newest first
// (tasks: open ones first, by due date).
type Casework struct {
	Notes     []Note     `json:"notes"`
	Tasks     []Task     `json:"tasks"`
	Documents []Document `json:"documents"`
}

// withCase runs f in one transaction on a case the caller sees, after
// the permission check, then writes the audit row.
func (s *Service) withCase(ctx context.Context, perm auth.Permission, caseID int64, action, detail string, f func(ctx context.Context, c *Case) error) error {
	if _, err := auth.Require(ctx, perm); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, caseID)
		if err != nil {
			return err
		}
		if err := f(ctx, c); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: action, ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: detail})
	})
}

// AddNote adds a note to a case.
func (s *Service) AddNote(ctx context.Context, caseID int64, body string) (*Note, error) {
	body = strings.TrimSpace(body)
	v := &errs.ValidationError{}
	if body == "" {
		v.Add("body", "a note needs text")
	} else if utf8.RuneCountInString(body) > MaxNoteChars {
		v.Add("body", "a note holds at most %d characters", MaxNoteChars)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	n := &Note{CaseID: caseID, Body: body, Author: actorName(ctx), CreatedAt: s.now()}
	err := s.withCase(ctx, auth.PermCaseWork, caseID, "case.note", "", func(ctx context.Context, _ *Case) error {
		return s.db.QueryRow(ctx, `INSERT INTO case_notes (case_id, body, author, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			caseID, body, n.Author, store.FormatTime(n.CreatedAt)).Scan(&n.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("custody: add note: %w", err)
	}
	return n, nil
}

// AddTask adds a task to a case.
func (s *Service) AddTask(ctx context.Context, caseID int64, in TaskIn) (*Task, error) {
	in.Title, in.DueOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.DueOn)
	v := &errs.ValidationError{}
	if in.Title == "" {
		v.Add("title", "a task needs a title")
	} else if utf8.RuneCountInString(in.Title) > MaxTaskTitleChars {
		v.Add("title", "a title holds at most %d characters", MaxTaskTitleChars)
	}
	if in.DueOn != "" {
		if _, err := time.Parse(time.DateOnly, in.DueOn); err != nil {
			v.Add("due_on", "must be a date, YYYY-MM-DD")
		}
	}
	if (in.AssigneeID == nil) != (in.Assignee == "") {
		v.Add("assignee", "no such account")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &Task{CaseID: caseID, Title: in.Title, AssigneeID: in.AssigneeID, Assignee: in.Assignee, CreatedBy: actorName(ctx), CreatedAt: s.now()}
	var due any
	if in.DueOn != "" {
		t.DueOn, due = &in.DueOn, in.DueOn
	}
	err := s.withCase(ctx, auth.PermCaseWork, caseID, "case.task", in.Assignee, func(ctx context.Context, _ *Case) error {
		return s.db.QueryRow(ctx, `INSERT INTO case_tasks (case_id, title, due_on, assignee_id, assignee, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			caseID, t.Title, due, t.AssigneeID, t.Assignee, t.CreatedBy, store.FormatTime(t.CreatedAt)).Scan(&t.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("custody: add task: %w", err)
	}
	return t, nil
}

// CompleteTask marks a task of a case done; a task done already is a
// conflict (409), so that two people do not both think they closed it.
func (s *Service) CompleteTask(ctx context.Context, caseID, taskID int64) (*Task, error) {
	err := s.withCase(ctx, auth.PermCaseWork, caseID, "case.task.done", fmt.Sprintf("task %d", taskID), func(ctx context.Context, _ *Case) error {
		var done store.Time
		err := s.db.QueryRow(ctx, `SELECT done_at FROM case_tasks WHERE id = ? AND case_id = ?`, taskID, caseID).Scan(&done)
		if store.IsNoRows(err) {
			return fmt.Errorf("task %d: %w", taskID, errs.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if !done.IsZero() {
			return errs.Conflict("the task was marked done already")
		}
		_, err = s.db.Exec(ctx, `UPDATE case_tasks SET done_at = ?, done_by = ? WHERE id = ?`, store.FormatTime(s.now()), actorName(ctx), taskID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("custody: complete task: %w", err)
	}
	ts, err := s.tasks(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.ID == taskID {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("custody: task %d: %w", taskID, errs.ErrNotFound)
}

// AddDocument keeps a file on a case: at most MaxDocumentBytes, of one of
// DocumentTypes by its content, with its SHA-256.
func (s *Service) AddDocument(ctx context.Context, caseID int64, name string, data []byte) (*Document, error) {
	name = strings.TrimSpace(name)
	v := &errs.ValidationError{}
	ctype := http.DetectContentType(data)
	switch {
	case len(data) == 0:
		v.Add("file", "the file is empty")
	case len(data) > MaxDocumentBytes:
		v.Add("file", "the file is larger than %d MiB", MaxDocumentBytes>>20)
	case !slices.Contains(DocumentTypes, ctype):
		v.Add("file", "its content is %s; accepted: PDF, PNG, JPEG, plain text", ctype)
	}
	if name == "" {
		v.Add("name", "a document needs a name")
	} else if utf8.RuneCountInString(name) > MaxDocNameChars || strings.ContainsAny(name, "/\\\x00") {
		v.Add("name", "a name holds at most %d characters and no slashes", MaxDocNameChars)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	d := &Document{CaseID: caseID, Name: name, ContentType: ctype, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		UploadedBy: actorName(ctx), UploadedAt: s.now()}
	err := s.withCase(ctx, auth.PermCaseWork, caseID, "case.document", d.SHA256, func(ctx context.Context, _ *Case) error {
		return s.db.QueryRow(ctx, `INSERT INTO case_documents (case_id, name, content_type, size, sha256, data, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			caseID, d.Name, d.ContentType, d.Size, d.SHA256, data, d.UploadedBy, store.FormatTime(d.UploadedAt)).Scan(&d.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("custody: add document: %w", err)
	}
	return d, nil
}

// DocumentData reads a document of a case with its bytes (an audited
// read).
func (s *Service) DocumentData(ctx context.Context, caseID, docID int64) (*Document, []byte, error) {
	var d Document
	var data []byte
	err := s.withCase(ctx, auth.PermCaseRead, caseID, "case.document.read", fmt.Sprintf("document %d", docID), func(ctx context.Context, _ *Case) error {
		var at store.Time
		err := s.db.QueryRow(ctx, `SELECT id, case_id, name, content_type, size, sha256, uploaded_by, uploaded_at, data FROM case_documents WHERE id = ? AND case_id = ?`,
			docID, caseID).Scan(&d.ID, &d.CaseID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &at, &data)
		if store.IsNoRows(err) {
			return fmt.Errorf("document %d: %w", docID, errs.ErrNotFound)
		}
		d.UploadedAt = at.Time
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("custody: document: %w", err)
	}
	return &d, data, nil
}

// CaseworkOf reads the notes, tasks and documents of a case (an audited
// read).
func (s *Service) CaseworkOf(ctx context.Context, caseID int64) (*Casework, error) {
	cw := &Casework{}
	err := s.withCase(ctx, auth.PermCaseRead, caseID, "case.casework.read", "", func(ctx context.Context, _ *Case) error {
		var err error
		if cw.Notes, err = s.notes(ctx, caseID); err != nil {
			return err
		}
		if cw.Tasks, err = s.tasks(ctx, caseID); err != nil {
			return err
		}
		cw.Documents, err = s.documents(ctx, caseID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("custody: casework: %w", err)
	}
	return cw, nil
}

func (s *Service) notes(ctx context.Context, caseID int64) ([]Note, error) {
	rows, err := s.db.Query(ctx, `SELECT id, case_id, body, author, created_at FROM case_notes WHERE case_id = ? ORDER BY id DESC`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Note{}
	for rows.Next() {
		var n Note
		var at store.Time
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Body, &n.Author, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = at.Time
		out = append(out, n)
	}
	return out, rows.Err()
}

func (s *Service) tasks(ctx context.Context, caseID int64) ([]Task, error) {
	rows, err := s.db.Query(ctx, `SELECT id, case_id, title, due_on, assignee_id, assignee, created_by, created_at, done_at, done_by
		FROM case_tasks WHERE case_id = ? ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		var t Task
		var due sql.NullString
		var who sql.NullInt64
		var at, done store.Time
		if err := rows.Scan(&t.ID, &t.CaseID, &t.Title, &due, &who, &t.Assignee, &t.CreatedBy, &at, &done, &t.DoneBy); err != nil {
			return nil, err
		}
		t.DueOn, t.AssigneeID, t.CreatedAt, t.DoneAt = conv.PtrString(due), conv.PtrInt(who), at.Time, conv.PtrTime(done)
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *Service) documents(ctx context.Context, caseID int64) ([]Document, error) {
	rows, err := s.db.Query(ctx, `SELECT id, case_id, name, content_type, size, sha256, uploaded_by, uploaded_at FROM case_documents WHERE case_id = ? ORDER BY id DESC`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		var d Document
		var at store.Time
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &at); err != nil {
			return nil, err
		}
		d.UploadedAt = at.Time
		out = append(out, d)
	}
	return out, rows.Err()
}

// AssignedTask is an open task of the caller's, with its child's name.
type AssignedTask struct {
	Task
	CaseName string `json:"case_name"`
}

// MyTasks lists the open tasks assigned to the caller on the cases they
// see, soonest due first (those without a date last): what their home
// page shows, so that a task reaches the person it was given to.
func (s *Service) MyTasks(ctx context.Context) ([]AssignedTask, error) {
	p, err := auth.Require(ctx, auth.PermCaseWork)
	if err != nil {
		return nil, err
	}
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := sc.where("c")
	out := []AssignedTask{}
	// Read outside any transaction (no wait at SQLite's write gate); only
	// the audit row takes the gate, before anything is returned.
	err = s.db.Read(ctx, func(ctx context.Context) error {
		rows, err := s.db.Query(ctx, `SELECT t.id, t.case_id, t.title, t.due_on, t.assignee_id, t.assignee, t.created_by, t.created_at, t.done_at, t.done_by,
				c.given_names, c.surname1, c.surname2
			FROM case_tasks t JOIN cases c ON c.id = t.case_id
			WHERE t.assignee_id = ? AND t.done_at IS NULL AND `+cond+`
			ORDER BY CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.id LIMIT 200`, append([]any{p.UserID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a AssignedTask
			var due sql.NullString
			var who sql.NullInt64
			var at, done store.Time
			var g, s1, s2 string
			if err := rows.Scan(&a.ID, &a.CaseID, &a.Title, &due, &who, &a.Assignee, &a.CreatedBy, &at, &done, &a.DoneBy, &g, &s1, &s2); err != nil {
				return err
			}
			a.DueOn, a.AssigneeID, a.CreatedAt, a.DoneAt = conv.PtrString(due), conv.PtrInt(who), at.Time, conv.PtrTime(done)
			a.CaseName = (&Case{Person: identity.Person{GivenNames: g, Surname1: s1, Surname2: s2}}).DisplayName()
			out = append(out, a)
		}
		return rows.Err()
	})
	if err == nil && len(out) > 0 {
		err = audit.Log(ctx, s.db, audit.Event{Action: "case.tasks.mine", ObjectType: "case", ObjectID: "tasks", Detail: fmt.Sprintf("%d open tasks", len(out))})
	}
	if err != nil {
		return nil, fmt.Errorf("custody: my tasks: %w", err)
	}
	return out, nil
}
