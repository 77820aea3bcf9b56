package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/legal"
)

// legalHandlers are the legal domain's pages and API: a child's
// screening and its relief flags, providers, referrals and the queue of
// flagged children without counsel. Scope is enforced by the legal
// service (through custody's) on every call.
type legalHandlers struct {
	*kit
	legal   *legal.Service
	release *release.Service
}

func (h *legalHandlers) routes() []Route {
	return append(append(h.releaseServicesRoutes(), h.formRoutes()...), []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/screening", Perm: auth.PermCaseRead, Handler: withID(h.kit, http.StatusOK, h.legal.Screening)},
		{Method: "PUT", Path: "/api/v1/cases/{id}/screening", Perm: auth.PermCaseLegalRecord, Handler: withIDBody(h.kit, http.StatusOK, h.legal.SaveScreening)},
		{Method: "GET", Path: "/api/v1/cases/{id}/referrals", Perm: auth.PermCaseRead, Handler: withID(h.kit, http.StatusOK, h.legal.CaseReferrals)},
		{Method: "POST", Path: "/api/v1/cases/{id}/referrals", Perm: auth.PermLegalRefer, Handler: withIDBody(h.kit, http.StatusCreated, h.legal.Refer)},
		{Method: "GET", Path: "/api/v1/cases/{id}/counsel-matches", Perm: auth.PermLegalRefer, Handler: withID(h.kit, http.StatusOK, h.legal.Matches)},
		{Method: "POST", Path: "/api/v1/referrals/{id}/accept", Perm: auth.PermLegalRespond, Handler: withID(h.kit, http.StatusOK, h.legal.Accept)},
		{Method: "POST", Path: "/api/v1/referrals/{id}/decline", Perm: auth.PermLegalRespond, Handler: withIDBody(h.kit, http.StatusOK, h.legal.Decline)},
		{Method: "GET", Path: "/api/v1/legal/providers", Perm: auth.PermLegalProvidersRead, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.providers)},
		{Method: "POST", Path: "/api/v1/legal/providers", Perm: auth.PermLegalProvidersManage, Handler: withBody(h.kit, http.StatusCreated, h.legal.CreateProvider)},
		{Method: "POST", Path: "/api/v1/legal/providers/{id}/users", Perm: auth.PermLegalProvidersManage, Handler: withIDBody(h.kit, http.StatusOK, h.legal.LinkUser)},
		{Method: "GET", Path: "/api/v1/legal/courts", Perm: auth.PermCaseRead, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.courts)},
		{Method: "PUT", Path: "/api/v1/cases/{id}/court", Perm: auth.PermCaseLegalRecord, Handler: withIDBody(h.kit, http.StatusOK, h.legal.RecordNTA)},
		{Method: "GET", Path: "/api/v1/cases/{id}/hearings", Perm: auth.PermCaseRead, Handler: withID(h.kit, http.StatusOK, h.legal.Proceedings)},
		{Method: "POST", Path: "/api/v1/cases/{id}/hearings", Perm: auth.PermCaseLegalRecord, Handler: withIDBody(h.kit, http.StatusCreated, h.legal.AddHearing)},
		{Method: "GET", Path: "/api/v1/legal/stats", Perm: auth.PermCaseStats, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.stats)},
		{Method: "GET", Path: "/api/v1/legal/queue", Perm: auth.PermLegalQueue, Handler: withQuery(h.kit, http.StatusOK, parseQueueQuery, h.legal.Queue)},
		{Method: "GET", Path: "/api/v1/legal/unrepresented", Perm: auth.PermLegalQueue, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.unrepresented)},

		{Method: "GET", Path: "/api/v1/cases/{id}/followups", Perm: auth.PermFollowUpRead, Handler: withID(h.kit, http.StatusOK, h.legal.FollowUpsOf)},
		{Method: "POST", Path: "/api/v1/cases/{id}/followups", Perm: auth.PermFollowUpRecord, Handler: withIDBody(h.kit, http.StatusCreated, h.legal.RecordAttempt)},
		{Method: "POST", Path: "/api/v1/escalations/{id}/close", Perm: auth.PermEscalationClose, Handler: withIDBody(h.kit, http.StatusOK, h.legal.CloseEscalation)},
		{Method: "GET", Path: "/api/v1/cases/{id}/reintegration", Perm: auth.PermFollowUpRead, Handler: withID(h.kit, http.StatusOK, h.legal.ReintegrationOf)},
		{Method: "PUT", Path: "/api/v1/cases/{id}/reintegration", Perm: auth.PermFollowUpRecord, Handler: withIDBody(h.kit, http.StatusOK, h.legal.RecordReintegration)},
		{Method: "GET", Path: "/api/v1/followups/lost-contact", Perm: auth.PermFollowUpRead, Handler: h.handleLostContactAPI},

		{Method: "GET", Path: "/legal", Perm: auth.PermLegalQueue, Handler: h.handleQueuePage},
		{Method: "GET", Path: "/followups/lost-contact", Perm: auth.PermFollowUpRead, Handler: h.handleLostContactPage},
		{Method: "GET", Path: "/legal/queue.csv", Perm: auth.PermLegalQueue, Handler: h.handleQueueCSV},
		{Method: "GET", Path: "/followups/lost-contact.csv", Perm: auth.PermFollowUpRead, Handler: h.handleLostContactCSV},
		{Method: "GET", Path: "/cases/{id}/followups", Perm: auth.PermFollowUpRead, Handler: h.handleFollowUpPage},
		{Method: "POST", Path: "/cases/{id}/followups", Perm: auth.PermFollowUpRecord, Handler: h.handleFollowUpRecord},
		{Method: "POST", Path: "/escalations/{id}/close", Perm: auth.PermEscalationClose, Handler: h.handleEscalationClose},
		{Method: "POST", Path: "/cases/{id}/court", Perm: auth.PermCaseLegalRecord, Handler: h.handleNTAPage},
		{Method: "POST", Path: "/cases/{id}/hearings", Perm: auth.PermCaseLegalRecord, Handler: h.handleHearingPage},
		{Method: "GET", Path: "/cases/{id}/screening", Perm: auth.PermCaseRead, Handler: h.handleScreeningPage},
		{Method: "POST", Path: "/cases/{id}/screening", Perm: auth.PermCaseLegalRecord, Handler: h.handleScreeningSave},
		{Method: "POST", Path: "/cases/{id}/referrals", Perm: auth.PermLegalRefer, Handler: h.handleReferPage},
		{Method: "POST", Path: "/legal/referrals/{id}/accept", Perm: auth.PermLegalRespond, Handler: h.handleAcceptPage},
		{Method: "POST", Path: "/legal/referrals/{id}/decline", Perm: auth.PermLegalRespond, Handler: h.handleDeclinePage},
	}...)
}

func (h *legalHandlers) providers(ctx context.Context, _ noBody) ([]*legal.Provider, error) {
	return h.legal.Providers(ctx)
}

func (h *legalHandlers) stats(ctx context.Context, _ noBody) (*legal.Stats, error) {
	return h.legal.PublicStats(ctx, struct{}{})
}

func (h *legalHandlers) unrepresented(ctx context.Context, _ noBody) (*legal.Unrepresented, error) {
	return h.legal.UnrepresentedChart(ctx, struct{}{})
}

func (h *legalHandlers) courts(ctx context.Context, _ noBody) ([]legal.Court, error) {
	return h.legal.Courts(ctx)
}

// parseLostQuery reads limit and offset; one that is not a whole number
// is refused as the service refuses one out of range (422), so that a
// bad page is one kind of answer.
func parseLostQuery(r *http.Request) (legal.LostQuery, error) {
	var q legal.LostQuery
	var ps []errs.FieldError
	for _, f := range []struct {
		name string
		to   *int
	}{{"limit", &q.Limit}, {"offset", &q.Offset}} {
		v := r.URL.Query().Get(f.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			ps = append(ps, errs.FieldError{Field: f.name, Problem: "must be a whole number"})
		case f.name == "limit" && n == 0: // 0 means the default to the service; asked for, it is out of range
			ps = append(ps, errs.FieldError{Field: f.name, Problem: fmt.Sprintf("must be from 1 to %d", legal.MaxLost)})
		default:
			*f.to = n
		}
	}
	if len(ps) > 0 {
		return q, &errs.ValidationError{Problems: ps}
	}
	return q, nil
}

func (h *legalHandlers) handleLostContactAPI(w http.ResponseWriter, r *http.Request) {
	q, err := parseLostQuery(r)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	b, err := h.legal.LostContact(r.Context(), q)
	jsonCall(h.kit, w, r, http.StatusOK, b, err)
}

// lostView is a page of the lost-contact board with its pager.
type lostView struct {
	*legal.LostContactBoard
	First, Last      int
	PrevURL, NextURL string
}

func (h *legalHandlers) handleLostContactPage(w http.ResponseWriter, r *http.Request) {
	q, err := parseLostQuery(r)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	b, err := h.legal.LostContact(r.Context(), q)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v := lostView{LostContactBoard: b, First: b.Offset + 1, Last: b.Offset + len(b.Lost)}
	page := func(off int) string {
		return "/followups/lost-contact?limit=" + strconv.Itoa(b.Limit) + "&offset=" + strconv.Itoa(off)
	}
	if b.Offset > 0 {
		v.PrevURL = page(max(0, b.Offset-b.Limit))
	}
	if b.Offset+len(b.Lost) < b.Total {
		v.NextURL = page(b.Offset + b.Limit)
	}
	h.render(w, r, http.StatusOK, "legal_lost_contact", v)
}

func parseQueueQuery(r *http.Request) (legal.QueueQuery, error) {
	n, err := queryInt(r, "limit", legal.MaxQueue, 1, legal.MaxQueue)
	return legal.QueueQuery{Limit: n}, err
}

// screeningView is the screening page: the questionnaire (what was typed
// when a save is refused, with each problem beside its question), the
// flags, the referrals and, for those who refer, the ranked providers.
type screeningView struct {
	Screening *legal.Screening
	Questions []legal.Question
	Answers   map[string]legal.Answer
	Notes     string
	Problems  map[string]string
	Referrals []*legal.Referral
	Court     *legal.Proceedings
	Courts    []legal.Court
	// CourtForm and CourtProblems re-show a refused court form.
	CourtForm     courtForm
	CourtProblems map[string]string
	Matches       []legal.Match
	// Reintegration is the hand-off of a repatriated child.
	Reintegration reintegrationView
	// MatchNote says why no providers are ranked (no flag yet).
	MatchNote string
	Refused   string
}

func (h *legalHandlers) screeningView(r *http.Request, id int64) (*screeningView, error) {
	ctx := r.Context()
	sc, err := h.legal.Screening(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &screeningView{Screening: sc, Questions: legal.Questions, Answers: sc.Answers, Notes: sc.Notes, Problems: map[string]string{},
		Matches: []legal.Match{}, CourtProblems: map[string]string{}}
	if v.Courts, err = h.legal.Courts(ctx); err != nil {
		return nil, err
	}
	if v.Referrals, err = h.legal.CaseReferrals(ctx, id); err != nil {
		return nil, err
	}
	if v.Court, err = h.legal.Proceedings(ctx, id); err != nil {
		return nil, err
	}
	if v.Reintegration, err = h.reintegrationFor(r, sc); err != nil {
		return nil, err
	}
	if p, ok := auth.FromContext(ctx); ok && auth.Allowed(p.Role, auth.PermLegalRefer) && len(sc.Flags) > 0 {
		if v.Matches, err = h.legal.Matches(ctx, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *legalHandlers) handleScreeningPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	v, err := h.screeningView(r, id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "legal_screening", v)
}

func (h *legalHandlers) handleScreeningSave(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_form", err.Error())
		return
	}
	in := legal.ScreeningInput{Answers: map[string]legal.Answer{}, Notes: r.PostFormValue("notes")}
	for k, vs := range r.PostForm {
		if q, ok := strings.CutPrefix(k, "answers."); ok && len(vs) > 0 && vs[0] != "" {
			in.Answers[q] = legal.Answer(vs[0])
		}
	}
	_, err := h.legal.SaveScreening(r.Context(), id, in)
	h.screeningAnswer(w, r, id, err, func(v *screeningView, fields []errs.FieldError) {
		v.Answers, v.Notes = in.Answers, in.Notes
		for _, f := range fields {
			v.Problems[strings.TrimPrefix(f.Field, "answers.")] = h.problemText(langOf(r), f.Problem)
		}
	})
}

// screeningAnswer ends every form posted from the screening page (the
// screening itself, the notice to appear, a hearing): back to the page when
// saved; the page again, with what was typed and each problem beside its
// field (refill), when refused for its input; any other refusal mapped as
// usual.
func (h *legalHandlers) screeningAnswer(w http.ResponseWriter, r *http.Request, id int64, err error, refill func(*screeningView, []errs.FieldError)) {
	if err == nil {
		http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"/screening", http.StatusSeeOther)
		return
	}
	fields, status := errs.Fields(err), http.StatusUnprocessableEntity
	if fields == nil && errors.Is(err, errs.ErrConflict) {
		// Refused in the record's present state (a hearing before the
		// notice to appear): the page again too, the refusal above the form.
		fields, status = []errs.FieldError{{Problem: keyedTail(err.Error())}}, http.StatusConflict
	}
	if fields == nil {
		h.domainError(w, r, err)
		return
	}
	v, verr := h.screeningView(r, id)
	if verr != nil {
		h.domainError(w, r, verr)
		return
	}
	refill(v, fields)
	h.render(w, r, status, "legal_screening", v)
}

func (h *legalHandlers) handleReferPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	pid, _ := strconv.ParseInt(r.FormValue("provider_id"), 10, 64)
	if _, err := h.legal.Refer(r.Context(), id, legal.ReferralInput{ProviderID: pid}); err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"/screening", http.StatusSeeOther)
}

func (h *legalHandlers) handleAcceptPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	if _, err := h.legal.Accept(r.Context(), id); err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/legal", http.StatusSeeOther)
}

func (h *legalHandlers) handleDeclinePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	_, err := h.legal.Decline(r.Context(), id, legal.DeclineInput{Reason: r.FormValue("reason")})
	if errs.IsValidation(err) {
		h.renderQueue(w, r, http.StatusUnprocessableEntity, id, r.FormValue("reason"), err)
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/legal", http.StatusSeeOther)
}

// queueView is the queue page: the children waiting for counsel, the
// providers, and a refused decline re-shown beside its referral.
type queueView struct {
	Queue []legal.QueueEntry
	// Chart is the unrepresented children over time and by country, with
	// its SVG drawings.
	Chart        *legal.Unrepresented
	WeeksSVG     template.HTML
	CountriesSVG template.HTML
	Providers    []*legal.Provider
	DeclineFor   int64
	Reason       string
	Problem      string
}

func (h *legalHandlers) handleQueuePage(w http.ResponseWriter, r *http.Request) {
	h.renderQueue(w, r, http.StatusOK, 0, "", nil)
}

func (h *legalHandlers) renderQueue(w http.ResponseWriter, r *http.Request, status int, declineFor int64, reason string, refused error) {
	ctx := r.Context()
	q, err := h.legal.Queue(ctx, legal.QueueQuery{})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v := queueView{Queue: q, Providers: []*legal.Provider{}, DeclineFor: declineFor, Reason: reason}
	if v.Chart, err = h.legal.UnrepresentedChart(ctx, struct{}{}); err != nil {
		h.domainError(w, r, err)
		return
	}
	lang := langOf(r)
	v.WeeksSVG = unrepresentedWeeksSVG(lang, v.Chart.Weeks, h.translate(lang, "legal.chart.weeks"))
	v.CountriesSVG = unrepresentedCountriesSVG(lang, v.Chart.ByCountry, h.translate(lang, "legal.chart.countries"), func(c string) string {
		switch c {
		case "unknown", "hidden", "other":
			return h.translate(lang, "legal.chart.country."+c)
		}
		return c
	})
	if p, ok := auth.FromContext(ctx); ok && auth.Allowed(p.Role, auth.PermLegalProvidersRead) {
		if v.Providers, err = h.legal.Providers(ctx); err != nil {
			h.domainError(w, r, err)
			return
		}
	}
	for _, f := range errs.Fields(refused) {
		v.Problem = h.problemText(lang, f.Problem)
	}
	h.render(w, r, status, "legal_queue", v)
}

func init() {
	addTemplateFuncs(template.FuncMap{
		// deref reads an optional id (0 when absent).
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"hearingOutcomes": func() []string { return legal.HearingOutcomes },
		// fmtDatePtr is fmtDate for an optional instant.
		"fmtDatePtr": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format(time.DateOnly)
		},
	})
}
