package web

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
)

// The JSON endpoints that only decode, call and answer are made in the
// route table by withID, withBody, withIDBody and withQuery (kit.go); the
// methods here adapt a service method whose arguments or answer differ
// from the request body or the JSON answered.

func childCaseQuery(r *http.Request) (custody.SearchQuery, error) {
	q := custody.SearchQuery{Q: r.URL.Query().Get("q")}
	if st := r.URL.Query().Get("state"); st != "" {
		parsed, err := custody.ParseState(st)
		if err != nil {
			return q, err
		}
		q.State = parsed
	}
	fac, err := queryInt(r, "facility_id", 0, 0, 1<<31)
	if err != nil {
		return q, err
	}
	q.FacilityID = int64(fac)
	if q.Limit, err = queryInt(r, "limit", 50, 1, 500); err != nil {
		return q, err
	}
	return q, nil
}

// handleCaseImportAPI is written out: its body is a CSV file, not JSON. An
// empty body is 400, a body over the route's cap 413 (nothing is imported:
// the import is one transaction). ?resume_from=N skips the rows before
// line N, as in the background, so that a stopped import of a large file
// can go on through either; a resume_from that is not a line is 400.
func (h *caseHandlers) handleCaseImportAPI(w http.ResponseWriter, r *http.Request) {
	body := bufio.NewReader(r.Body)
	if _, err := body.Peek(1); errors.Is(err, io.EOF) {
		h.writeError(w, r, http.StatusBadRequest, "empty_body", "The request body is empty; a CSV file with a header row is required.")
		return
	}
	if r.URL.Query().Get("background") == "1" {
		h.startImportJob(w, r, body)
		return
	}
	if _, err := auth.Require(r.Context(), auth.PermCaseImport); err != nil {
		h.domainError(w, r, err)
		return
	}
	resume, err := queryInt(r, "resume_from", 0, 0, 1<<31)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	res, err := h.cases.ImportCasesWith(r.Context(), body, custody.ImportOptions{ResumeFrom: resume})
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		h.writeError(w, r, http.StatusRequestEntityTooLarge, "too_large", "The file is larger than "+fileSize(tooBig.Limit)+"; nothing was imported. Split it, or use `amparo import cases`.")
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if res.Errors == nil {
		res.Errors = []custody.ImportError{}
	}
	h.writeJSON(w, http.StatusOK, res)
}

// handleCaseDeadlineAPI and handleReleaseApproveAPI are written out: they
// read a second path value, which the kit's helpers do not.
func (h *caseHandlers) handleCaseDeadlineAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		Note string `json:"note"`
	}
	if !h.decodeJSON(w, r, &req) {
		return
	}
	if err := h.cases.MeetDeadline(r.Context(), id, custody.DeadlineKind(r.PathValue("kind")), req.Note); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (h *caseHandlers) handleReleaseApproveAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, "rid")
	if !ok {
		return
	}
	rel, err := h.release.ApproveRelease(r.Context(), id, rid)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, rel)
}

// boardQuery is what the board's query parameters ask for.
type boardQuery struct {
	FacilityID int64
	Limit      int
}

func parseBoardQuery(r *http.Request) (boardQuery, error) {
	fac, err := queryInt(r, "facility_id", 0, 0, 1<<31)
	if err != nil {
		return boardQuery{}, err
	}
	limit, err := queryInt(r, "limit", 500, 1, 5000)
	if err != nil {
		return boardQuery{}, err
	}
	return boardQuery{FacilityID: int64(fac), Limit: limit}, nil
}

func (h *caseHandlers) board(ctx context.Context, q boardQuery) (*custody.Board, error) {
	return h.cases.Board(ctx, q.FacilityID, q.Limit)
}

// noQuery is the input of GET endpoints that read no query parameter.
func noQuery(*http.Request) (noBody, error) { return noBody{}, nil }

func (h *caseHandlers) publicStats(ctx context.Context, _ noBody) (*custody.Stats, error) {
	return h.cases.PublicStats(ctx)
}

// transitionRequest is the body of POST /api/v1/cases/{id}/transitions.
type transitionRequest struct {
	State  custody.State `json:"state"`
	Reason string        `json:"reason"`
}

func (h *caseHandlers) transition(ctx context.Context, id int64, req transitionRequest) (*custody.Case, error) {
	return h.cases.Transition(ctx, id, req.State, req.Reason)
}

// placeRequest is the body of POST /api/v1/cases/{id}/placements.
type placeRequest struct {
	FacilityID int64  `json:"facility_id"`
	Reason     string `json:"reason"`
}

func (h *caseHandlers) place(ctx context.Context, id int64, req placeRequest) (*custody.Case, error) {
	return h.cases.Place(ctx, id, req.FacilityID, req.Reason)
}

// recommend answers {"recommendations": [...]}.
func (h *caseHandlers) recommend(ctx context.Context, id int64) (map[string]any, error) {
	recs, err := h.cases.Recommend(ctx, id)
	if err != nil {
		return nil, err
	}
	if recs == nil {
		recs = []custody.Recommendation{}
	}
	return map[string]any{"recommendations": recs}, nil
}

// siblingRequest is the body of POST /api/v1/cases/{id}/siblings.
type siblingRequest struct {
	SiblingID int64 `json:"sibling_id"`
}

func (h *caseHandlers) linkSiblings(ctx context.Context, id int64, req siblingRequest) (map[string]any, error) {
	if err := h.cases.LinkSiblings(ctx, id, req.SiblingID); err != nil {
		return nil, err
	}
	return map[string]any{"ok": true}, nil
}

// releaseRequest is the body of POST /api/v1/cases/{id}/releases.
type releaseRequest struct {
	SponsorID int64 `json:"sponsor_id"`
}

func (h *caseHandlers) requestRelease(ctx context.Context, id int64, req releaseRequest) (*release.Release, error) {
	return h.release.RequestRelease(ctx, id, req.SponsorID)
}
