package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/legal"
)

// The pages for adding a pro bono provider (admin) and for recording a
// repatriated child's reintegration hand-off (on the child's legal page).
// A refused form comes back with what was typed and each problem beside
// its field, in the page's language.

func (h *legalHandlers) formRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/legal/providers", Perm: auth.PermLegalProvidersManage, Handler: h.handleProvidersPage},
		{Method: "POST", Path: "/legal/providers", Perm: auth.PermLegalProvidersManage, Handler: h.handleProviderCreate},
		{Method: "POST", Path: "/cases/{id}/reintegration", Perm: auth.PermFollowUpRecord, Handler: h.handleReintegrationSave},
	}
}

// fieldMessages turns a form's field problems into messages in the page's
// language: one message per field (legal.err.<form>.<field>), the domain's
// own words when there is none.
func (h *legalHandlers) fieldMessages(r *http.Request, form string, fes []errs.FieldError) map[string]string {
	lang := langOf(r)
	out := map[string]string{}
	for _, fe := range fes {
		key := "legal.err." + form + "." + fe.Field
		msg := h.translate(lang, key)
		if msg == key {
			msg = h.problemText(lang, fe.Problem)
		}
		out[fe.Field] = msg
	}
	return out
}

// providerForm is the provider form as typed.
type providerForm struct {
	Organisation, Attorneys, Languages, States, Counties, Capacity string
	Specialties                                                    map[string]bool
}

// providersView is the providers page: the directory and the form.
type providersView struct {
	Providers []*legal.Provider
	Reliefs   []legal.Relief
	Form      providerForm
	Problems  map[string]string
}

func (h *legalHandlers) handleProvidersPage(w http.ResponseWriter, r *http.Request) {
	h.renderProviders(w, r, http.StatusOK, providerForm{Specialties: map[string]bool{}}, nil)
}

func (h *legalHandlers) renderProviders(w http.ResponseWriter, r *http.Request, status int, f providerForm, problems map[string]string) {
	ps, err := h.legal.Providers(r.Context())
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if problems == nil {
		problems = map[string]string{}
	}
	h.render(w, r, status, "legal_providers", providersView{Providers: ps, Reliefs: legal.Reliefs, Form: f, Problems: problems})
}

// commaList reads a comma-separated form field.
func commaList(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (h *legalHandlers) handleProviderCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_form", err.Error())
		return
	}
	f := providerForm{Organisation: r.PostFormValue("organisation"), Attorneys: r.PostFormValue("attorneys"), Languages: r.PostFormValue("languages"),
		States: r.PostFormValue("states"), Counties: r.PostFormValue("counties"), Capacity: strings.TrimSpace(r.PostFormValue("capacity")),
		Specialties: map[string]bool{}}
	in := legal.ProviderInput{Organisation: f.Organisation, Attorneys: commaList(f.Attorneys), Languages: commaList(f.Languages),
		States: commaList(f.States), Counties: commaList(f.Counties), Specialties: []string{}}
	for _, sp := range r.PostForm["specialties"] {
		f.Specialties[sp] = true
		in.Specialties = append(in.Specialties, sp)
	}
	in.Capacity, _ = strconv.Atoi(f.Capacity) // not a number: 0, refused by the domain with the capacity message
	_, err := h.legal.CreateProvider(r.Context(), in)
	if fes := errs.Fields(err); fes != nil {
		h.renderProviders(w, r, http.StatusUnprocessableEntity, f, h.fieldMessages(r, "provider", fes))
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/legal/providers", http.StatusSeeOther)
}

// reintForm is the hand-off form as typed.
type reintForm struct {
	AgencyKind, AgencyName, HandedOverOn, ReceivedBy, FollowUpContact string
}

// reintegrationView is the hand-off part of a child's legal page: shown
// for a repatriated child to those who read follow-ups.
type reintegrationView struct {
	Show        bool
	Recorded    *legal.Reintegration
	AgencyKinds []string
	Form        reintForm
	Problems    map[string]string
}

// reintegrationFor reads the hand-off part of the screening page.
func (h *legalHandlers) reintegrationFor(r *http.Request, sc *legal.Screening) (reintegrationView, error) {
	v := reintegrationView{AgencyKinds: legal.AgencyKinds, Problems: map[string]string{}}
	p, ok := auth.FromContext(r.Context())
	if !ok || !auth.Allowed(p.Role, auth.PermFollowUpRead) || sc.Child == nil || sc.Child.State != custody.StateRepatriated {
		return v, nil
	}
	v.Show = true
	rec, err := h.legal.ReintegrationOf(r.Context(), sc.CaseID)
	switch {
	case err == nil:
		v.Recorded = rec
		v.Form = reintForm{AgencyKind: rec.AgencyKind, AgencyName: rec.AgencyName, HandedOverOn: rec.HandedOverOn, ReceivedBy: rec.ReceivedBy, FollowUpContact: rec.FollowUpContact}
	case errors.Is(err, errs.ErrNotFound):
	default:
		return v, err
	}
	return v, nil
}

func (h *legalHandlers) handleReintegrationSave(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := reintForm{AgencyKind: r.FormValue("agency_kind"), AgencyName: r.FormValue("agency_name"), HandedOverOn: r.FormValue("handed_over_on"),
		ReceivedBy: r.FormValue("received_by"), FollowUpContact: r.FormValue("followup_contact")}
	_, err := h.legal.RecordReintegration(r.Context(), id, legal.ReintegrationInput{AgencyKind: f.AgencyKind, AgencyName: f.AgencyName,
		HandedOverOn: f.HandedOverOn, ReceivedBy: f.ReceivedBy, FollowUpContact: f.FollowUpContact})
	h.screeningAnswer(w, r, id, err, func(v *screeningView, fields []errs.FieldError) {
		v.Reintegration.Form = f
		v.Reintegration.Problems = h.fieldMessages(r, "reintegration", fields)
	})
}
