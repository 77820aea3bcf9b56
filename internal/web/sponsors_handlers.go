package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/children"
)

func (s *Server) handleSponsorCreateAPI(w http.ResponseWriter, r *http.Request) {
	var sp children.Sponsor
	if !s.decodeJSON(w, r, &sp) {
		return
	}
	out, err := s.childrenStore().AddSponsor(r.Context(), sp)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, out)
}

func (s *Server) handleSponsorAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	cl, err := s.childrenStore().SponsorChecklist(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, cl)
}

func (s *Server) handleVettingAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		Step   children.Step `json:"step"`
		Result string        `json:"result"`
		Notes  string        `json:"notes"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	st := s.childrenStore()
	if err := st.RecordVetting(r.Context(), id, req.Step, req.Result, req.Notes); err != nil {
		s.domainError(w, r, err)
		return
	}
	cl, err := st.SponsorChecklist(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, cl)
}

// Pages.

func (s *Server) handleSponsorCreatePage(w http.ResponseWriter, r *http.Request) {
	caseID, err := strconv.ParseInt(r.FormValue("case_id"), 10, 64)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_form", "case_id is required")
		return
	}
	sp := children.Sponsor{
		CaseID: caseID, GivenNames: r.FormValue("given_names"), Surnames: r.FormValue("surnames"),
		IDDocument: r.FormValue("id_document"), Phone: r.FormValue("phone"), Address: r.FormValue("address"),
		City: r.FormValue("city"), USState: r.FormValue("us_state"), Relationship: children.Relationship(r.FormValue("relationship")),
		SponsorRisk: r.FormValue("sponsor_risk") == "on", ConcernFlagged: r.FormValue("concern_flagged") == "on",
	}
	if b := strings.TrimSpace(r.FormValue("birth_date")); b != "" {
		sp.BirthDate = &b
	}
	for _, line := range strings.Split(r.FormValue("household"), "\n") {
		if name, rel, _ := strings.Cut(strings.TrimSpace(line), ","); strings.TrimSpace(name) != "" {
			sp.Household = append(sp.Household, children.HouseholdMember{Name: strings.TrimSpace(name), Relationship: strings.TrimSpace(rel)})
		}
	}
	out, err := s.childrenStore().AddSponsor(r.Context(), sp)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sponsors/"+strconv.FormatInt(out.ID, 10), http.StatusSeeOther)
}

func (s *Server) handleSponsorPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	cl, err := s.childrenStore().SponsorChecklist(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	type row struct {
		Step     children.Step
		Required bool
		Reasons  []string
		Check    *children.Check
	}
	var rows []row
	for _, st := range children.Steps {
		rw := row{Step: st}
		for _, req := range cl.Required {
			if req.Step == st {
				rw.Required, rw.Reasons = true, req.Reasons
			}
		}
		if c, ok := cl.Results[st]; ok {
			rw.Check = &c
		}
		rows = append(rows, rw)
	}
	s.render(w, r, http.StatusOK, "sponsors_checklist", map[string]any{"C": cl, "Rows": rows})
}

func (s *Server) handleVettingPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.childrenStore().RecordVetting(r.Context(), id, children.Step(r.FormValue("step")), r.FormValue("result"), r.FormValue("notes")); err != nil {
		s.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sponsors/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
