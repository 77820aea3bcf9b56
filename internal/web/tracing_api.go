package web

import (
	"context"
	"net/http"

	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// The tracing API's JSON endpoints are made in routes() from the kit's
// generic handlers; the functions here adapt the service's methods whose
// input or answer has another shape on the wire.

// tracingSearchBody is what a relative knows of the child (an age may
// stand for the birth date), with an optional limit.
type tracingSearchBody = requests.Query

// tracingHits is the answer of a search or a duplicates query.
type tracingHits struct {
	Threshold  float64        `json:"threshold"`
	Candidates []requests.Hit `json:"candidates"`
	CaseID     int64          `json:"case_id,omitempty"`
}

// tracingSearchAPI answers POST /api/v1/tracing/search: ranked candidates
// among the cases the caller may see; the search is audited.
func tracingSearchAPI(svc *requests.Service, ctx context.Context, body tracingSearchBody) (tracingHits, error) {
	hits, err := svc.Find(ctx, body)
	if err != nil {
		return tracingHits{}, err
	}
	return tracingHits{Threshold: requests.SearchThreshold, Candidates: hits}, nil
}

// tracingListQuery reads GET /api/v1/tracing/requests?status=&limit=.
func tracingListQuery(r *http.Request) (requests.ListQuery, error) {
	limit, err := queryInt(r, "limit", 100, 1, 1000)
	if err != nil {
		return requests.ListQuery{}, err
	}
	return requests.ListQuery{Status: requests.Status(r.URL.Query().Get("status")), Limit: limit}, nil
}

func tracingListAPI(svc *requests.Service, ctx context.Context, q requests.ListQuery) (map[string]any, error) {
	list, err := svc.List(ctx, q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"requests": list}, nil
}

type tracingCloseBody struct {
	Reason string `json:"reason"`
}

func tracingCloseAPI(svc *requests.Service, ctx context.Context, id int64, body tracingCloseBody) (*requests.Request, error) {
	return svc.Close(ctx, id, body.Reason)
}

// handleDuplicatesAPI answers GET /api/v1/cases/{id}/possible-duplicates:
// a path id and a query limit, so it is written out.
func (h *tracingHandlers) handleDuplicatesAPI(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	limit, err := queryInt(r, "limit", requests.DefaultLimit, 1, requests.MaxLimit)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	hits, err := svc.Duplicates(r.Context(), id, limit)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, tracingHits{Threshold: svc.DuplicateThreshold(), Candidates: hits, CaseID: id})
}
