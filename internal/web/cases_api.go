package web

import (
	"net/http"

	"github.com/amparo-project/amparo/internal/children"
)

func (s *Server) handleCaseSearchAPI(w http.ResponseWriter, r *http.Request) {
	q, err := childCaseQuery(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	res, err := s.childrenStore().Search(r.Context(), q)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	if res == nil {
		res = []children.CaseSummary{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"cases": res})
}

func childCaseQuery(r *http.Request) (children.SearchQuery, error) {
	q := children.SearchQuery{Q: r.URL.Query().Get("q")}
	if st := r.URL.Query().Get("state"); st != "" {
		parsed, err := children.ParseState(st)
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

func (s *Server) handleCaseCreateAPI(w http.ResponseWriter, r *http.Request) {
	var in children.Intake
	if !s.decodeJSON(w, r, &in) {
		return
	}
	c, err := s.childrenStore().CreateCase(r.Context(), in)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, c)
}

func (s *Server) handleCaseImportAPI(w http.ResponseWriter, r *http.Request) {
	res, err := s.childrenStore().ImportCases(r.Context(), r.Body, nil)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	if res.Errors == nil {
		res.Errors = []children.ImportError{}
	}
	s.writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleCaseGetAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	v, err := s.childrenStore().GetCase(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

// handleCaseIdentityAPI corrects a case's identity: fields absent from the
// body stay as they are.
func (s *Server) handleCaseIdentityAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var ch children.IdentityChange
	if !s.decodeJSON(w, r, &ch) {
		return
	}
	c, err := s.childrenStore().UpdateIdentity(r.Context(), id, ch)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleCaseTransitionAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		State  children.State `json:"state"`
		Reason string         `json:"reason"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	c, err := s.childrenStore().Transition(r.Context(), id, req.State, req.Reason)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleCasePlaceAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		FacilityID int64  `json:"facility_id"`
		Reason     string `json:"reason"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	c, err := s.childrenStore().Place(r.Context(), id, req.FacilityID, req.Reason)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleCaseRecommendAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	recs, err := s.childrenStore().Recommend(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	if recs == nil {
		recs = []children.Recommendation{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"recommendations": recs})
}

func (s *Server) handleCaseDeadlineAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		Note string `json:"note"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if err := s.childrenStore().MeetDeadline(r.Context(), id, children.DeadlineKind(r.PathValue("kind")), req.Note); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) handleCaseSiblingAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		SiblingID int64 `json:"sibling_id"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if err := s.childrenStore().LinkSiblings(r.Context(), id, req.SiblingID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) handleReleaseRequestAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		SponsorID int64 `json:"sponsor_id"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	rel, err := s.childrenStore().RequestRelease(r.Context(), id, req.SponsorID)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, rel)
}

func (s *Server) handleReleaseApproveAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	rid, ok := s.pathID(w, r, "rid")
	if !ok {
		return
	}
	rel, err := s.childrenStore().ApproveRelease(r.Context(), id, rid)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rel)
}

func (s *Server) handleBoardAPI(w http.ResponseWriter, r *http.Request) {
	fac, err := queryInt(r, "facility_id", 0, 0, 1<<31)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	limit, err := queryInt(r, "limit", 500, 1, 5000)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	b, err := s.childrenStore().Board(r.Context(), int64(fac), limit)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	if b.Items == nil {
		b.Items = []children.BoardItem{}
	}
	if b.Counts == nil {
		b.Counts = []children.BoardCount{}
	}
	s.writeJSON(w, http.StatusOK, b)
}

func (s *Server) handleCaseStatsAPI(w http.ResponseWriter, r *http.Request) {
	st, err := s.childrenStore().PublicStats(r.Context())
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, st)
}
