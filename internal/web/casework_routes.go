package web

import (
	"context"
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// caseworkHandlers are the children domain's casework tools: the
// approval queue, notes, tasks and documents on a case, paging and
// export of the case list, merges. Scope is enforced by the services.
type caseworkHandlers struct {
	*caseHandlers
	// users names the people in the queue (who requested a release) and
	// finds a task's assignee: accounts are the foundation's, read
	// through its service.
	users *auth.Service
	// tracing finds possible duplicates at intake (its exported search).
	tracing *requests.Runner
}

func (h *caseworkHandlers) routes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/releases/pending", Perm: auth.PermCaseReleaseApprove, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.pendingReleases)},
		{Method: "GET", Path: "/releases/{rid}", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseConfirmPage},
		{Method: "POST", Path: "/releases/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseConfirmedPage},

		// Intake, after a look for the same child among the cases the
		// officer sees (casework_intake.go).
		{Method: "POST", Path: "/cases", Perm: auth.PermCaseCreate, Handler: h.handleIntakeChecked},

		// Notes, tasks and documents on a case.
		{Method: "GET", Path: "/api/v1/cases/{id}/tracing", Perm: auth.PermTracingRequest, Handler: h.handleCaseLinksAPI},
		{Method: "GET", Path: "/api/v1/cases/{id}/casework", Perm: auth.PermCaseRead, Handler: withID(h.kit, http.StatusOK, h.cases.CaseworkOf)},
		{Method: "POST", Path: "/api/v1/cases/{id}/notes", Perm: auth.PermCaseWork, Handler: withIDBody(h.kit, http.StatusCreated, h.addNote)},
		{Method: "POST", Path: "/api/v1/cases/{id}/tasks", Perm: auth.PermCaseWork, Handler: withIDBody(h.kit, http.StatusCreated, h.addTask)},
		{Method: "POST", Path: "/api/v1/cases/{id}/tasks/{tid}/done", Perm: auth.PermCaseWork, Handler: withIDs(h.kit, http.StatusOK, "tid", h.cases.CompleteTask)},
		{Method: "POST", Path: "/api/v1/cases/{id}/documents", Perm: auth.PermCaseWork, Handler: h.handleDocumentUploadAPI, MaxBody: custody.MaxDocumentBytes + 1},
		{Method: "GET", Path: "/api/v1/cases/{id}/documents/{did}", Perm: auth.PermCaseRead, Handler: h.handleDocumentDownload},
		{Method: "POST", Path: "/cases/{id}/notes", Perm: auth.PermCaseWork, Handler: h.handleNotePage},
		{Method: "POST", Path: "/cases/{id}/tasks", Perm: auth.PermCaseWork, Handler: h.handleTaskPage},
		{Method: "POST", Path: "/cases/{id}/tasks/{tid}/done", Perm: auth.PermCaseWork, Handler: h.handleTaskDonePage},
		// Twice the document limit: the form's token is read from the same
		// body, so a file somewhat over 8 MiB still reaches the handler and
		// is refused beside its field rather than as an expired form.
		{Method: "POST", Path: "/cases/{id}/documents", Perm: auth.PermCaseWork, Handler: h.handleDocumentPage, MaxBody: 2*custody.MaxDocumentBytes + 64<<10},
		{Method: "GET", Path: "/cases/{id}/documents/{did}", Perm: auth.PermCaseRead, Handler: h.handleDocumentDownload},

		// Two cases of one child: merged by a supervisor or admin.
		{Method: "POST", Path: "/api/v1/cases/{id}/merge", Perm: auth.PermCaseMerge, Handler: withIDBody(h.kit, http.StatusOK, h.merge)},
		{Method: "POST", Path: "/cases/{id}/merge", Perm: auth.PermCaseMerge, Handler: h.handleMergePage},
	}
}

// pendingReleases answers {"releases": [...]}.
func (h *caseworkHandlers) pendingReleases(ctx context.Context, _ noBody) (map[string]any, error) {
	q, err := h.release.PendingReleases(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"releases": q}, nil
}
