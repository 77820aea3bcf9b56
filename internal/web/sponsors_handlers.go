package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
)

// caseProblemKeys name the messages of the children domain's field
// problems that the case forms re-show, so they read in the page's language.
var caseProblemKeys = map[string]string{
	"choose the sponsor's relationship to the child":     "sponsors.err.relationship",
	"choose a result: passed, failed or pending":         "sponsors.err.result",
	"a passed step needs a note or a document reference": "sponsors.err.evidence",
	"a sponsor needs a name":                             "sponsors.err.name",
}

// fieldProblems is each field's problem in the page's language (the
// domain's words when there is no translation yet).
func (h *caseHandlers) fieldProblems(r *http.Request, fes []errs.FieldError) map[string]string {
	out := map[string]string{}
	lang := langOf(r)
	for _, fe := range fes {
		msg := fe.Problem
		if k, ok := caseProblemKeys[msg]; ok {
			msg = h.translate(lang, k)
		}
		if prev, ok := out[fe.Field]; ok {
			msg = prev + "; " + msg
		}
		out[fe.Field] = msg
	}
	return out
}

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
	for _, line := range strings.Split(r.FormValue("household"), "\n") {
		if name, rel, _ := strings.Cut(strings.TrimSpace(line), ","); strings.TrimSpace(name) != "" {
			sp.Household = append(sp.Household, release.HouseholdMember{Name: strings.TrimSpace(name), Relationship: strings.TrimSpace(rel)})
		}
	}
	out, err := h.release.AddSponsor(r.Context(), sp)
	if fes := errs.Fields(err); len(fes) > 0 {
		// Re-show the case page with what was typed and each problem
		// beside its field.
		h.casePage(w, r, caseID, http.StatusUnprocessableEntity, map[string]any{
			"SponsorForm": sp, "SponsorHousehold": r.FormValue("household"), "SponsorProblems": h.fieldProblems(r, fes)})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
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

// vettingForm is a refused vetting record, re-shown in its row.
type vettingForm struct {
	Step          release.Step
	Result, Notes string
	Problems      map[string]string
}

func (h *caseHandlers) sponsorPage(w http.ResponseWriter, r *http.Request, id int64, status int, form *vettingForm) {
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
	h.render(w, r, status, "sponsors_checklist", map[string]any{"C": cl, "Rows": rows, "Form": form})
}

func (h *caseHandlers) handleVettingPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	step, result, notes := release.Step(r.FormValue("step")), r.FormValue("result"), r.FormValue("notes")
	err := h.release.RecordVetting(r.Context(), id, step, result, notes)
	if fes := errs.Fields(err); len(fes) > 0 {
		h.sponsorPage(w, r, id, http.StatusUnprocessableEntity, &vettingForm{Step: step, Result: result, Notes: notes, Problems: h.fieldProblems(r, fes)})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sponsors/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
