package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
)

// Evidence review (accept or reject with a reason, never one's own) and
// institutional facts on record, for aid officers.

type aidReviewPage struct {
	Pending  []aid.Evidence
	Me       int64
	FormFor  int64 // the item whose refused form is re-shown
	Form     aidForm
	Refusal  string
	Reviewed int64
}

func (h *aidHandlers) renderReview(w http.ResponseWriter, r *http.Request, status int, v aidReviewPage) {
	pending, err := h.aid.ListEvidence(r.Context(), aid.EvidenceFilter{Status: "submitted"})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v.Pending = pending
	if p, ok := auth.FromContext(r.Context()); ok {
		v.Me = p.UserID
	}
	if v.Form.V == nil {
		v.Form = blankForm()
	}
	h.render(w, r, status, "aid_review", v)
}

func (h *aidHandlers) handleReviewPage(w http.ResponseWriter, r *http.Request) {
	v := aidReviewPage{}
	if n, err := strconv.ParseInt(r.URL.Query().Get("reviewed"), 10, 64); err == nil {
		v.Reviewed = n
	}
	h.renderReview(w, r, http.StatusOK, v)
}

// handleReview accepts or rejects one item. The submitter is offered no
// button; a review of one's own item sent anyway is refused by the domain
// and the refusal is shown plainly.
func (h *aidHandlers) handleReview(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := readForm(r, "decision", "reason")
	in := aid.Review{Accept: f.V["decision"] == "accept", Reason: strings.TrimSpace(f.V["reason"])}
	if d := f.V["decision"]; d != "accept" && d != "reject" {
		f.P["decision"] = "must be one of accept, reject"
	}
	var err error
	if len(f.P) == 0 {
		_, err = h.aid.ReviewEvidence(r.Context(), id, in)
	} else {
		err = aid.CheckReview(in)
	}
	if h.reshow(r, &f, err) {
		h.renderReview(w, r, http.StatusUnprocessableEntity, aidReviewPage{FormFor: id, Form: f})
		return
	}
	if errors.Is(err, errs.ErrConflict) {
		h.renderReview(w, r, http.StatusConflict, aidReviewPage{FormFor: id, Form: f, Refusal: h.conflictText(r, err)})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/evidence/review?reviewed=%d", id), http.StatusSeeOther)
}

type aidFactsPage struct {
	Facts    []aid.Fact
	Form     aidForm
	Recorded int64
}

var factFields = []string{"country", "key", "holds", "valid_from", "valid_to", "citation", "citation_url"}

func (h *aidHandlers) renderFacts(w http.ResponseWriter, r *http.Request, status int, v aidFactsPage) {
	facts, err := h.aid.ListFacts(r.Context(), "")
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v.Facts = facts
	if v.Form.V == nil {
		v.Form = blankForm()
		v.Form.V["holds"] = "1"
	}
	h.render(w, r, status, "aid_facts", v)
}

func (h *aidHandlers) handleFactsPage(w http.ResponseWriter, r *http.Request) {
	v := aidFactsPage{}
	if n, err := strconv.ParseInt(r.URL.Query().Get("recorded"), 10, 64); err == nil {
		v.Recorded = n
	}
	h.renderFacts(w, r, http.StatusOK, v)
}

func (h *aidHandlers) handleFactRecord(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, factFields...)
	fact := aid.Fact{Country: f.V["country"], Key: strings.TrimSpace(f.V["key"]), Holds: f.V["holds"] == "1", ValidFrom: strings.TrimSpace(f.V["valid_from"]),
		ValidTo: strings.TrimSpace(f.V["valid_to"]), Citation: f.V["citation"], CitationURL: strings.TrimSpace(f.V["citation_url"])}
	saved, err := h.aid.RecordFact(r.Context(), fact)
	if h.reshow(r, &f, err) {
		h.renderFacts(w, r, http.StatusUnprocessableEntity, aidFactsPage{Form: f})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/facts?recorded=%d", saved.ID), http.StatusSeeOther)
}

// aidReviewRoutes are the review and facts pages' routes.
func (h *aidHandlers) aidReviewRoutes() []Route {
	m := auth.PermAidManage
	return []Route{
		{Method: "GET", Path: "/aid/evidence/review", Perm: m, Handler: h.handleReviewPage},
		{Method: "POST", Path: "/aid/evidence/{id}/review", Perm: m, Handler: h.handleReview},
		{Method: "GET", Path: "/aid/facts", Perm: m, Handler: h.handleFactsPage},
		{Method: "POST", Path: "/aid/facts", Perm: m, Handler: h.handleFactRecord},
	}
}
