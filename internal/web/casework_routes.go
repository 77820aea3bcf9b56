package web

import (
	"context"
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
)

// caseworkHandlers are the children domain's casework tools: the
// approval queue, notes, tasks and documents on a case, paging and
// export of the case list, merges. Scope is enforced by the services.
type caseworkHandlers struct {
	*kit
	cases   *custody.Service
	release *release.Service
	// users names the people in the queue (who requested a release):
	// accounts are the foundation's, read through its service.
	users *auth.Service
}

func (h *caseworkHandlers) routes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/releases/pending", Perm: auth.PermCaseReleaseApprove, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.pendingReleases)},
		{Method: "GET", Path: "/releases/{rid}", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseConfirmPage},
		{Method: "POST", Path: "/releases/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseConfirmedPage},
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
