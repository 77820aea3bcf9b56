package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
)

// Pages for aid officers' decisions: evaluate a tranche as of a date,
// propose a release or withholding, approve a colleague's proposal after
// a confirmation step. The rules (four eyes, hard hurdles) are the
// domain's; these pages hide what the viewer may not do and show the
// domain's refusal plainly when it comes anyway.

func init() {
	addTemplateFuncs(template.FuncMap{
		// aidMsg is one message in the page's language; english when the
		// input was frozen before messages existed.
		"aidMsg": func(p *Page, m *aid.Msg, english string) string {
			if m == nil {
				return english
			}
			return m.RenderNumbers(func(key string) string { return p.T(key) }, func(v string) string { return fmtDecimal(p.Lang, v) })
		},
		"aidDecidable": aid.Decidable,
	})
}

// aidConflictKeys translate the domain's refusals that a page shows
// beside its form.
var aidConflictKeys = []struct {
	err error
	key string
}{
	{aid.ErrHardHurdle, "aid.err.hard_hurdle"},
	{aid.ErrSameOfficer, "aid.err.same_officer"},
	{aid.ErrOwnEvidence, "aid.err.own_evidence"},
}

// conflictText is a 409's message in the page's language; a refusal not
// in aidConflictKeys is said generally, with the domain's English detail.
func (h *aidHandlers) conflictText(r *http.Request, err error) string {
	for _, c := range aidConflictKeys {
		if errors.Is(err, c.err) {
			return h.translate(langOf(r), c.key)
		}
	}
	return h.translate(langOf(r), "aid.err.conflict") + " (" + err.Error() + ")"
}

type aidTranchePage struct {
	T           *aid.Tranche
	P           *aid.PackageView
	Evaluations []aid.Evaluation
	Shown       *aid.Evaluation // the evaluation shown in full
	Decisions   []aid.Decision
	Open        bool // a decision awaits approval
	Me          int64
	Evaluate    aidForm
	Propose     aidForm
	Refusal     string // a 409 from the domain, in the page's language
}

var proposeFields = []string{"evaluation_id", "action", "reason", "waiver"}

func (h *aidHandlers) renderTranche(w http.ResponseWriter, r *http.Request, status int, id int64, v aidTranchePage) {
	ctx := r.Context()
	t, err := h.aid.GetTranche(ctx, id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	pv, err := h.aid.GetPackage(ctx, t.PackageID)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	evs, err := h.aid.ListEvaluations(ctx, id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	ds, err := h.aid.ListDecisions(ctx, id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v.T, v.P, v.Evaluations, v.Decisions = t, pv, evs, ds
	for _, d := range ds {
		v.Open = v.Open || d.Status == "proposed"
	}
	if p, ok := auth.FromContext(ctx); ok {
		v.Me = p.UserID
	}
	// The evaluation shown: the one asked for (?evaluation=, or the one the
	// refused proposal named), else the latest.
	show := int64(0)
	if n, err := strconv.ParseInt(r.URL.Query().Get("evaluation"), 10, 64); err == nil {
		show = n
	} else if n, err := strconv.ParseInt(v.Propose.V["evaluation_id"], 10, 64); err == nil {
		show = n
	} else if len(evs) > 0 {
		show = evs[0].ID
	}
	if show != 0 {
		e, err := h.aid.GetEvaluation(ctx, show)
		if err == nil && e.TrancheID == id {
			v.Shown = e
		}
	}
	for _, f := range []*aidForm{&v.Evaluate, &v.Propose} {
		if f.V == nil {
			*f = blankForm()
		}
	}
	if v.Propose.V["evaluation_id"] == "" && v.Shown != nil {
		v.Propose.V["evaluation_id"] = fmt.Sprint(v.Shown.ID)
	}
	h.render(w, r, status, "aid_tranche", v)
}

func (h *aidHandlers) handleTranchePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderTranche(w, r, http.StatusOK, id, aidTranchePage{})
}

func (h *aidHandlers) handleTrancheEvaluate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := readForm(r, "as_of")
	e, err := h.aid.Evaluate(r.Context(), id, aid.EvaluateRequest{AsOf: strings.TrimSpace(f.V["as_of"])})
	if h.reshow(r, &f, err) {
		h.renderTranche(w, r, http.StatusUnprocessableEntity, id, aidTranchePage{Evaluate: f})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/tranches/%d?evaluation=%d#evaluation", id, e.ID), http.StatusSeeOther)
}

// softNotMet says whether an evaluation has a condition that is not hard
// and not met: releasing on it is a waiver, which needs its own reason.
func softNotMet(e *aid.Evaluation) bool {
	for _, c := range e.Results {
		if !c.Hard && c.Status != aid.Met {
			return true
		}
	}
	return false
}

// handleDecisionPropose proposes a release or a withholding. A refusal
// (a missing reason or waiver, a hard hurdle not met) re-shows the form
// with what was typed and the refusal beside it.
func (h *aidHandlers) handleDecisionPropose(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := readForm(r, proposeFields...)
	in := aid.Proposal{Action: f.V["action"], Reason: strings.TrimSpace(f.V["reason"])}
	if eid := formInt(&f, "evaluation_id"); eid != nil {
		in.EvaluationID = *eid
	} else if _, bad := f.P["evaluation_id"]; !bad {
		f.P["evaluation_id"] = "is required"
	}
	if in.Reason == "" {
		f.P["reason"] = "is required"
	}
	if in.Action == "release" && in.EvaluationID != 0 {
		if e, err := h.aid.GetEvaluation(r.Context(), in.EvaluationID); err == nil && softNotMet(e) {
			waiver := strings.TrimSpace(f.V["waiver"])
			if waiver == "" {
				f.P["waiver"] = "is required"
			} else {
				// The domain keeps one reason; the waiver is written into it,
				// marked, so the report shows both.
				in.Reason += "\n" + h.translate("en", "aid.decide.waiver") + ": " + waiver
			}
		}
	}
	var err error
	if len(f.P) == 0 {
		_, err = h.aid.ProposeDecision(r.Context(), id, in)
	} else {
		err = aid.CheckProposal(in)
	}
	if h.reshow(r, &f, err) {
		h.renderTranche(w, r, http.StatusUnprocessableEntity, id, aidTranchePage{Propose: f})
		return
	}
	if errors.Is(err, errs.ErrConflict) {
		h.renderTranche(w, r, http.StatusConflict, id, aidTranchePage{Propose: f, Refusal: h.conflictText(r, err)})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/tranches/%d#decisions", id), http.StatusSeeOther)
}

// aidApprovePage is the confirmation step before an approval.
type aidApprovePage struct {
	Report  *aid.DecisionReport
	Own     bool
	Refusal string
}

func (h *aidHandlers) renderApprove(w http.ResponseWriter, r *http.Request, status int, id int64, refusal string) {
	rep, err := h.aid.GetDecisionReport(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v := aidApprovePage{Report: rep, Refusal: refusal}
	if p, ok := auth.FromContext(r.Context()); ok {
		v.Own = p.UserID == rep.Decision.ProposedBy
	}
	h.render(w, r, status, "aid_approve", v)
}

func (h *aidHandlers) handleApprovePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderApprove(w, r, http.StatusOK, id, "")
}

// handleApprove approves after the confirmation; the proposer's approval
// (which the page does not offer) is refused by the domain and shown.
func (h *aidHandlers) handleApprove(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	_, err := h.aid.ApproveDecision(r.Context(), id)
	if errors.Is(err, errs.ErrConflict) {
		h.renderApprove(w, r, http.StatusConflict, id, h.conflictText(r, err))
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/decisions/%d/report", id), http.StatusSeeOther)
}

// aidDecideRoutes are the decision pages' routes.
func (h *aidHandlers) aidDecideRoutes() []Route {
	m := auth.PermAidManage
	return []Route{
		{Method: "GET", Path: "/aid/tranches/{id}", Perm: m, Handler: h.handleTranchePage},
		{Method: "POST", Path: "/aid/tranches/{id}/evaluate", Perm: m, Handler: h.handleTrancheEvaluate},
		{Method: "POST", Path: "/aid/tranches/{id}/decisions", Perm: m, Handler: h.handleDecisionPropose},
		{Method: "GET", Path: "/aid/decisions/{id}/approve", Perm: m, Handler: h.handleApprovePage},
		{Method: "POST", Path: "/aid/decisions/{id}/approve", Perm: m, Handler: h.handleApprove},
	}
}
