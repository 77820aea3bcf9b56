package web

import (
	"net/http"

	"github.com/amparo-project/amparo/internal/children/custody"
)

func (h *caseHandlers) handleCaseSearchAPI(w http.ResponseWriter, r *http.Request) {
	q, err := childCaseQuery(r)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	res, err := h.cases.Search(r.Context(), q)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if res == nil {
		res = []custody.CaseSummary{}
	}
	h.writeJSON(w, http.StatusOK, map[string]any{"cases": res})
}

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

func (h *caseHandlers) handleCaseCreateAPI(w http.ResponseWriter, r *http.Request) {
	var in custody.Intake
	if !h.decodeJSON(w, r, &in) {
		return
	}
	c, err := h.cases.CreateCase(r.Context(), in)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, c)
}

func (h *caseHandlers) handleCaseImportAPI(w http.ResponseWriter, r *http.Request) {
	res, err := h.cases.ImportCases(r.Context(), r.Body, nil)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if res.Errors == nil {
		res.Errors = []custody.ImportError{}
	}
	h.writeJSON(w, http.StatusOK, res)
}

func (h *caseHandlers) handleCaseGetAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	v, err := h.release.CaseView(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, v)
}

// handleCaseIdentityAPI corrects a case's identity: fields absent from the
// body stay as they are.
func (h *caseHandlers) handleCaseIdentityAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	var ch custody.IdentityChange
	if !h.decodeJSON(w, r, &ch) {
		return
	}
	c, err := h.cases.UpdateIdentity(r.Context(), id, ch)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, c)
}

func (h *caseHandlers) handleCaseTransitionAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		State  custody.State `json:"state"`
		Reason string        `json:"reason"`
	}
	if !h.decodeJSON(w, r, &req) {
		return
	}
	c, err := h.cases.Transition(r.Context(), id, req.State, req.Reason)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, c)
}

func (h *caseHandlers) handleCasePlaceAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		FacilityID int64  `json:"facility_id"`
		Reason     string `json:"reason"`
	}
	if !h.decodeJSON(w, r, &req) {
		return
	}
	c, err := h.cases.Place(r.Context(), id, req.FacilityID, req.Reason)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, c)
}

func (h *caseHandlers) handleCaseRecommendAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	recs, err := h.cases.Recommend(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if recs == nil {
		recs = []custody.Recommendation{}
	}
	h.writeJSON(w, http.StatusOK, map[string]any{"recommendations": recs})
}

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

func (h *caseHandlers) handleCaseSiblingAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		SiblingID int64 `json:"sibling_id"`
	}
	if !h.decodeJSON(w, r, &req) {
		return
	}
	if err := h.cases.LinkSiblings(r.Context(), id, req.SiblingID); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (h *caseHandlers) handleReleaseRequestAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		SponsorID int64 `json:"sponsor_id"`
	}
	if !h.decodeJSON(w, r, &req) {
		return
	}
	rel, err := h.release.RequestRelease(r.Context(), id, req.SponsorID)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, rel)
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

func (h *caseHandlers) handleBoardAPI(w http.ResponseWriter, r *http.Request) {
	fac, err := queryInt(r, "facility_id", 0, 0, 1<<31)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	limit, err := queryInt(r, "limit", 500, 1, 5000)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	b, err := h.cases.Board(r.Context(), int64(fac), limit)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if b.Items == nil {
		b.Items = []custody.BoardItem{}
	}
	if b.Counts == nil {
		b.Counts = []custody.BoardCount{}
	}
	h.writeJSON(w, http.StatusOK, b)
}

func (h *caseHandlers) handleCaseStatsAPI(w http.ResponseWriter, r *http.Request) {
	st, err := h.cases.PublicStats(r.Context())
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, st)
}
