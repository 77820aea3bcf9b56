package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
)

// noteRequest is the body of POST /api/v1/cases/{id}/notes.
type noteRequest struct {
	Body string `json:"body"`
}

func (h *caseworkHandlers) addNote(ctx context.Context, id int64, req noteRequest) (*custody.Note, error) {
	return h.cases.AddNote(ctx, id, req.Body)
}

// taskRequest is the body of POST /api/v1/cases/{id}/tasks; assignee is
// an account's email, optional.
type taskRequest struct {
	Title    string `json:"title"`
	DueOn    string `json:"due_on"`
	Assignee string `json:"assignee"`
}

// addTask finds the assignee's account (an unknown or disabled one is a
// problem on the assignee field) and adds the task.
func (h *caseworkHandlers) addTask(ctx context.Context, id int64, req taskRequest) (*custody.Task, error) {
	in := custody.TaskIn{Title: req.Title, DueOn: req.DueOn}
	if email := strings.TrimSpace(req.Assignee); email != "" {
		u, err := h.users.UserByEmail(ctx, email)
		if err != nil || u.Disabled || !auth.Allowed(u.Role, auth.PermCaseWork) {
			return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "assignee", Problem: "no active account with that email works on cases"}}}
		}
		in.AssigneeID, in.Assignee = &u.ID, u.Email
	}
	return h.cases.AddTask(ctx, id, in)
}

// handleDocumentUploadAPI keeps the request body as a document named by
// ?name=; the route's cap is one byte over the limit, so that a larger
// file is refused by the domain's rule (422), not cut.
func (h *caseworkHandlers) handleDocumentUploadAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	data, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		h.writeError(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("A document holds at most %d MiB.", custody.MaxDocumentBytes>>20))
		return
	}
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_body", "The document could not be read.")
		return
	}
	d, err := h.cases.AddDocument(r.Context(), id, r.URL.Query().Get("name"), data)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, d)
}

// handleDocumentDownload sends a document as an attachment with the type
// read from its content at upload, never sniffed again by the browser.
func (h *caseworkHandlers) handleDocumentDownload(w http.ResponseWriter, r *http.Request) {
	id, did, ok := h.pathIDs(w, r, "did")
	if !ok {
		return
	}
	d, data, err := h.cases.DocumentData(r.Context(), id, did)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", asciiName(d.Name)))
	w.Header().Set("Digest", "sha-256="+d.SHA256)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}

// asciiName is a file name safe in a header: letters, digits and .-_ kept.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// caseworkForm is a refused casework form re-shown on the case page: what
// was typed and, by field, the problem in the page's language.
type caseworkForm struct {
	Form   string // note, task, document
	Values map[string]string
	Errors map[string]string
}

// caseworkMessages name each field's problem in words, by form and field.
var caseworkMessages = map[string]string{
	"note.body":          "casework.err.note_body",
	"task.title":         "casework.err.task_title",
	"task.due_on":        "casework.err.task_due",
	"task.assignee":      "casework.err.task_assignee",
	"document.file":      "casework.err.doc_file",
	"document.name":      "casework.err.doc_name",
	"document.other":     "casework.err.doc_file",
	"merge.duplicate_id": "casework.err.merge_case",
	"merge.reason":       "casework.err.merge_reason",
}

// refused re-shows the case page with the form's values and problems, or
// answers a non-field error as usual.
func (h *caseworkHandlers) refused(w http.ResponseWriter, r *http.Request, id int64, form string, values map[string]string, err error) {
	fe := errs.Fields(err)
	if len(fe) == 0 {
		h.domainError(w, r, err)
		return
	}
	lang := langOf(r)
	f := caseworkForm{Form: form, Values: values, Errors: map[string]string{}}
	for _, p := range fe {
		key, ok := caseworkMessages[form+"."+p.Field]
		if !ok {
			key = caseworkMessages[form+".other"]
		}
		if key == "" {
			f.Errors[p.Field] = h.problemText(lang, p.Problem)
			continue
		}
		f.Errors[p.Field] = h.translate(lang, key)
	}
	h.casePage(w, r, id, http.StatusUnprocessableEntity, map[string]any{"CWForm": f})
}

func (h *caseworkHandlers) backToSection(w http.ResponseWriter, r *http.Request, id int64, anchor string) {
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"#"+anchor, http.StatusSeeOther)
}

func (h *caseworkHandlers) handleNotePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	body := r.PostFormValue("body")
	if _, err := h.cases.AddNote(r.Context(), id, body); err != nil {
		h.refused(w, r, id, "note", map[string]string{"body": body}, err)
		return
	}
	h.backToSection(w, r, id, "notes")
}

func (h *caseworkHandlers) handleTaskPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	req := taskRequest{Title: r.PostFormValue("title"), DueOn: r.PostFormValue("due_on"), Assignee: r.PostFormValue("assignee")}
	if _, err := h.addTask(r.Context(), id, req); err != nil {
		h.refused(w, r, id, "task", map[string]string{"title": req.Title, "due_on": req.DueOn, "assignee": req.Assignee}, err)
		return
	}
	h.backToSection(w, r, id, "notes")
}

func (h *caseworkHandlers) handleTaskDonePage(w http.ResponseWriter, r *http.Request) {
	id, tid, ok := h.pathIDs(w, r, "tid")
	if !ok {
		return
	}
	if _, err := h.cases.CompleteTask(r.Context(), id, tid); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.backToSection(w, r, id, "notes")
}

// handleDocumentPage keeps an uploaded file (multipart field "file").
func (h *caseworkHandlers) handleDocumentPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	file, hdr, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		// The name, sent before the file, is kept (readUploadForm).
		f := caseworkForm{Form: "document", Values: map[string]string{"name": name},
			Errors: map[string]string{"file": h.translate(langOf(r), "casework.err.doc_too_large", fileSize(custody.MaxDocumentBytes))}}
		h.casePage(w, r, id, http.StatusRequestEntityTooLarge, map[string]any{"CWForm": f})
		return
	case err != nil:
		h.refused(w, r, id, "document", map[string]string{"name": name}, &errs.ValidationError{Problems: []errs.FieldError{{Field: "file", Problem: "no file"}}})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, custody.MaxDocumentBytes+1))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if strings.TrimSpace(name) == "" {
		name = hdr.Filename
	}
	if _, err := h.cases.AddDocument(r.Context(), id, name, data); err != nil {
		h.refused(w, r, id, "document", map[string]string{"name": r.PostFormValue("name")}, err)
		return
	}
	h.backToSection(w, r, id, "documents")
}

// addCasework gives the case page its casework sections: notes, tasks
// and documents (for those who may read them), and the date tasks are
// overdue against.
func (h *caseHandlers) addCasework(r *http.Request, id int64, data map[string]any) {
	h.addTracing(r, id, data)
	cw, err := h.cases.CaseworkOf(r.Context(), id)
	if err != nil {
		// The rest of the page stands; the section says it could not be read.
		h.log.ErrorContext(r.Context(), "case page: casework", "request_id", requestIDOf(r), "case", id, "err", err)
		data["CWError"] = true
		return
	}
	data["CW"] = cw
	data["CWNow"] = time.Now().UTC()
}
