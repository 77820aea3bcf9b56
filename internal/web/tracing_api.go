package web

import (
	"net/http"

	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// tracingSearchBody is the described person, with an optional limit.
type tracingSearchBody struct {
	requests.Person
	Limit int `json:"limit"`
}

// tracingHits is the answer of a search or a duplicates query.
type tracingHits struct {
	Threshold  float64        `json:"threshold"`
	Candidates []requests.Hit `json:"candidates"`
	CaseID     int64          `json:"case_id,omitempty"`
}

// handleTracingSearchAPI answers POST /api/v1/tracing/search: ranked
// candidates among the cases the caller may see; the search is audited.
func (s *Server) handleTracingSearchAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	var body tracingSearchBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	hits, err := svc.Search(r.Context(), body.Person, body.Limit)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, tracingHits{Threshold: svc.M.Threshold(), Candidates: hits})
}

func (s *Server) handleTracingCreateAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	var body requests.NewRequest
	if !s.decodeJSON(w, r, &body) {
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	v, err := svc.Create(r.Context(), body)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, v)
}

func (s *Server) handleTracingListAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	limit, err := queryInt(r, "limit", 100, 1, 1000)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	list, err := svc.List(r.Context(), requests.ListQuery{Status: requests.Status(r.URL.Query().Get("status")), Limit: limit})
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"requests": list})
}

func (s *Server) handleTracingGetAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	v, err := svc.Get(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

type tracingCloseBody struct {
	Reason string `json:"reason"`
}

func (s *Server) handleTracingCloseAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var body tracingCloseBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	req, err := svc.Close(r.Context(), id, body.Reason)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, req)
}

func (s *Server) handleTracingDecideAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var body requests.Decision
	if !s.decodeJSON(w, r, &body) {
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	c, err := svc.Decide(r.Context(), id, body)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleTracingSponsorAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	sp, err := svc.MakeSponsor(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, sp)
}

func (s *Server) handleTracingDuplicatesAPI(st *tracingState, w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	limit, err := queryInt(r, "limit", requests.DefaultLimit, 1, requests.MaxLimit)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	svc, ok := st.service(s, w, r)
	if !ok {
		return
	}
	hits, err := svc.Duplicates(r.Context(), id, limit)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, tracingHits{Threshold: svc.DuplicateThreshold(), Candidates: hits, CaseID: id})
}
