package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/children/release"
)

// vettingRequest is the body of POST /api/v1/sponsors/{id}/vetting.
type vettingRequest struct {
	Step   release.Step `json:"step"`
	Result string       `json:"result"`
	Notes  string       `json:"notes"`
}

// recordVetting records one vetting step and answers the checklist.
func (h *caseHandlers) recordVetting(ctx context.Context, id int64, req vettingRequest) (*release.Checklist, error) {
	if err := h.release.RecordVetting(ctx, id, req.Step, req.Result, req.Notes); err != nil {
		return nil, err
	}
	return h.release.SponsorChecklist(ctx, id)
}

// Pages.

func (h *caseHandlers) handleSponsorCreatePage(w http.ResponseWriter, r *http.Request) {
	caseID, err := strconv.ParseInt(r.FormValue("case_id"), 10, 64)
	if err != nil {
		// Not a field a person fills: the form itself is broken.
		h.writeError(w, r, http.StatusBadRequest, "bad_form", "case_id is required")
		return
	}
	sp := release.Sponsor{
		CaseID: caseID, GivenNames: r.FormValue("given_names"), Surnames: r.FormValue("surnames"),
		IDDocument: r.FormValue("id_document"), Phone: r.FormValue("phone"), Address: r.FormValue("address"),
		City: r.FormValue("city"), USState: r.FormValue("us_state"), Relationship: release.Relationship(r.FormValue("relationship")),
		SponsorRisk: r.FormValue("sponsor_risk") == "on", ConcernFlagged: r.FormValue("concern_flagged") == "on",
	}
	if b := strings.TrimSpace(r.FormValue("birth_date")); b != "" {
		sp.BirthDate = &b
	}
	// Every line that is not blank is a member: one without a name is
	// refused by the domain (not dropped, which would lose what was typed).
	for _, line := range strings.Split(r.FormValue("household"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			name, rel, _ := strings.Cut(line, ",")
			sp.Household = append(sp.Household, release.HouseholdMember{Name: strings.TrimSpace(name), Relationship: strings.TrimSpace(rel)})
		}
	}
	out, err := h.release.AddSponsor(r.Context(), sp)
	if err != nil {
		h.caseFormAnswer(w, r, caseID, "sponsor", err)
		return
	}
	http.Redirect(w, r, "/sponsors/"+strconv.FormatInt(out.ID, 10), http.StatusSeeOther)
}

func (h *caseHandlers) handleSponsorPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.sponsorPage(w, r, id, http.StatusOK, nil)
}

// sponsorPage renders a sponsor's checklist; refused is a refused vetting
// record (form "vet-<step>"), re-shown in its row.
func (h *caseHandlers) sponsorPage(w http.ResponseWriter, r *http.Request, id int64, status int, refused *refusedForm) {
	cl, err := h.release.SponsorChecklist(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	type row struct {
		Step     release.Step
		Required bool
		Reasons  []string
		Check    *release.Check
	}
	var rows []row
	for _, st := range release.Steps {
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
	h.render(w, r, status, "sponsors_checklist", map[string]any{"C": cl, "Rows": rows, "Refused": refused})
}

func (h *caseHandlers) handleVettingPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	step, result, notes := release.Step(r.FormValue("step")), r.FormValue("result"), r.FormValue("notes")
	err := h.release.RecordVetting(r.Context(), id, step, result, notes)
	if p, status, ok := h.refusal(r, err); ok {
		h.sponsorPage(w, r, id, status, &refusedForm{Name: "vet-" + string(step), Values: r.PostForm, Problems: p})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sponsors/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
