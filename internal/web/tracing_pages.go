package web

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

func init() {
	addTemplateFuncs(template.FuncMap{
		// tracingPct shows a probability as a percentage; 0.9999 is not
		// rounded up to a certain 100 %.
		"tracingPct": func(p float64) string {
			pct := p * 100
			if pct > 99.9 && pct < 100 {
				return ">99.9 %"
			}
			return strconv.FormatFloat(pct, 'f', 1, 64) + " %"
		},
		"tracingBits": func(w float64) string { return fmt.Sprintf("%+.1f", w) },
		// tracingStr reads an optional value; "" (unknown) when absent.
		"tracingStr": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
	})
}

// tracingField is one row of an explanation as a page shows it.
type tracingField struct {
	Field, Level string  // translated
	Weight       float64 // bits, positive for, negative against
	Abs          float64 // |Weight|, for the bar
}

// tracingHitRow is one candidate as a page shows it.
type tracingHitRow struct {
	Candidate requests.Candidate // for request views; CaseID is always set
	Case      *requests.CaseBrief
	// CarriedBy names, translated, the fields that carried the match.
	CarriedBy []string
	Fields    []tracingField
	MaxBar    float64 // the scale of the bars of this row
}

// label translates key, falling back to the raw name when the
// engine names a field or level this version has no message for.
func (h *tracingHandlers) label(lang, prefix, name string) string {
	key := prefix + name
	if t := h.translate(lang, key); t != key {
		return t
	}
	return name
}

func (h *tracingHandlers) fields(lang string, ex []tracing.FieldWeight) ([]tracingField, float64) {
	out := make([]tracingField, len(ex))
	maxBar := 1.0
	for i, fw := range ex {
		out[i] = tracingField{Field: h.label(lang, "tracing.field.", fw.Field), Level: h.label(lang, "tracing.level.", fw.Level),
			Weight: fw.Weight, Abs: math.Abs(fw.Weight)}
		// The bars are scaled to the fields: the prior (some -12 bits)
		// would flatten them; its own bar is simply full.
		if tracing.IsField(fw.Field) {
			maxBar = math.Max(maxBar, out[i].Abs)
		}
	}
	return out, maxBar
}

// carriedBy translates the names of the fields that carried a match.
func (h *tracingHandlers) carriedBy(lang string, fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = h.label(lang, "tracing.field.", f)
	}
	return out
}

func (h *tracingHandlers) hitRows(lang string, hits []requests.Hit) []tracingHitRow {
	rows := make([]tracingHitRow, len(hits))
	for i, hit := range hits {
		f, m := h.fields(lang, hit.Explanation)
		rows[i] = tracingHitRow{Candidate: requests.Candidate{CaseID: hit.CaseID, Probability: hit.Probability, Weight: hit.Weight},
			Case: hit.Case, CarriedBy: h.carriedBy(lang, hit.CarriedBy), Fields: f, MaxBar: m}
	}
	return rows
}

// tracingProblem is one problem with the input as a page lists it.
type tracingProblem struct{ Field, Problem string }

// problems is a validation error as a page lists it, the fields
// named in the page's language (the problem itself is the domain's text).
func (h *tracingHandlers) problems(r *http.Request, err error) ([]tracingProblem, bool) {
	// Tracing and children report input problems with one type.
	var ve *requests.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	fes := ve.Problems
	lang := langOf(r)
	out := make([]tracingProblem, len(fes))
	for i, fe := range fes {
		label := h.label(lang, "tracing.input.", fe.Field)
		if f, ok := strings.CutPrefix(fe.Field, "sought."); ok {
			label = h.translate(lang, "tracing.sought") + ": " + h.label(lang, "tracing.field.", f)
		} else if label == fe.Field {
			label = h.label(lang, "tracing.field.", fe.Field)
		}
		out[i] = tracingProblem{label, fe.Problem}
	}
	return out, true
}

type tracingListView struct {
	Requests []*requests.Request
	Status   string
	Statuses []requests.Status
}

func (h *tracingHandlers) handleList(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	list, err := svc.List(r.Context(), requests.ListQuery{Status: requests.Status(status)})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "tracing_list", tracingListView{Requests: list, Status: status,
		Statuses: []requests.Status{requests.StatusOpen, requests.StatusMatched, requests.StatusClosed}})
}

type tracingFormView struct {
	Form          requests.NewRequest
	Problems      []tracingProblem
	Relationships []release.Relationship
}

func (h *tracingHandlers) form(w http.ResponseWriter, r *http.Request, status int, v tracingFormView) {
	for _, rel := range release.Relationships() {
		if cat, _ := release.CategoryOf(rel); cat != release.Category4 {
			v.Relationships = append(v.Relationships, rel)
		}
	}
	h.render(w, r, status, "tracing_new", v)
}

func (h *tracingHandlers) handleNew(w http.ResponseWriter, r *http.Request) {
	h.form(w, r, http.StatusOK, tracingFormView{})
}

// personFromForm reads the sought person's fields, named as in the API.
func personFromForm(r *http.Request, prefix string) requests.Person {
	f := func(name string) string { return r.PostFormValue(prefix + name) }
	return requests.Person{GivenNames: f("given_names"), Surname1: f("surname1"), Surname2: f("surname2"), Sex: f("sex"),
		BirthDate: f("birth_date"), BirthCountry: f("birth_country"), BirthPlace: f("birth_place"),
		MotherName: f("mother_name"), FatherName: f("father_name")}
}

func (h *tracingHandlers) handleCreate(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	in := requests.NewRequest{
		Seeker: requests.Seeker{GivenNames: r.PostFormValue("seeker.given_names"), Surnames: r.PostFormValue("seeker.surnames"),
			Relationship: release.Relationship(r.PostFormValue("seeker.relationship")), Contact: r.PostFormValue("seeker.contact"),
			Language: r.PostFormValue("seeker.language")},
		Sought: personFromForm(r, "sought."),
		Notes:  r.PostFormValue("notes"),
	}
	v, err := svc.Create(r.Context(), in)
	if problems, ok := h.problems(r, err); ok {
		h.form(w, r, http.StatusUnprocessableEntity, tracingFormView{Form: in, Problems: problems})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/tracing/requests/%d", v.Request.ID), http.StatusSeeOther)
}

type tracingRequestView struct {
	View     *requests.View
	Rows     []tracingHitRow
	Problems []tracingProblem
	// Focus is the candidate a refused decision was about.
	Focus int64
	// Cases says which linked children have left custody and to whom a
	// child was released (casework_tracing.go); Refused is a refused
	// sponsor record, in words.
	Cases   caseStates
	Refused string
}

func (h *tracingHandlers) requestPage(svc *requests.Service, w http.ResponseWriter, r *http.Request, id int64, status int, problems []tracingProblem, focus int64, refused ...string) {
	v, err := svc.Get(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	lang := langOf(r)
	rows := make([]tracingHitRow, len(v.Candidates))
	for i, c := range v.Candidates {
		f, m := h.fields(lang, c.Explanation)
		rows[i] = tracingHitRow{Candidate: c, Case: c.Case, CarriedBy: h.carriedBy(lang, tracing.CarriedBy(c.Explanation)), Fields: f, MaxBar: m}
	}
	h.render(w, r, status, "tracing_view", tracingRequestView{View: v, Rows: rows, Problems: problems, Focus: focus,
		Cases: h.caseStates(r, svc, v), Refused: strings.Join(refused, " ")})
}

func (h *tracingHandlers) handleView(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.requestPage(svc, w, r, id, http.StatusOK, nil, 0)
}

func (h *tracingHandlers) handleClose(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	_, err := svc.Close(r.Context(), id, r.PostFormValue("reason"))
	if problems, ok := h.problems(r, err); ok {
		h.requestPage(svc, w, r, id, http.StatusUnprocessableEntity, problems, 0)
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/tracing/requests/%d", id), http.StatusSeeOther)
}

func (h *tracingHandlers) handleDecide(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	reqID, _ := strconv.ParseInt(r.PostFormValue("request_id"), 10, 64)
	c, err := svc.Decide(r.Context(), id, requests.Decision{Status: requests.CandidateStatus(r.PostFormValue("status")), Reason: r.PostFormValue("reason")})
	if problems, ok := h.problems(r, err); ok && reqID > 0 {
		h.requestPage(svc, w, r, reqID, http.StatusUnprocessableEntity, problems, id)
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/tracing/requests/%d#candidate-%d", c.RequestID, c.ID), http.StatusSeeOther)
}

func (h *tracingHandlers) handleSponsor(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	reqID, _ := strconv.ParseInt(r.PostFormValue("request_id"), 10, 64)
	_, err := svc.MakeSponsor(r.Context(), id)
	if msg, ok := h.sponsorRefused(r, err); ok && reqID > 0 {
		h.requestPage(svc, w, r, reqID, http.StatusConflict, nil, 0, msg)
		return
	}
	if problems, ok := h.problems(r, err); ok && reqID > 0 {
		h.requestPage(svc, w, r, reqID, http.StatusUnprocessableEntity, problems, 0)
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if reqID <= 0 {
		http.Redirect(w, r, "/tracing", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/tracing/requests/%d", reqID), http.StatusSeeOther)
}

type tracingSearchView struct {
	Form     requests.Query
	Searched bool
	Rows     []tracingHitRow
	Problems []tracingProblem
}

func (h *tracingHandlers) handleSearchPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "tracing_search", tracingSearchView{})
}

// handleSearchPost searches from the form. It is a POST so that the
// names searched stay out of URLs, browser history and access logs.
func (h *tracingHandlers) handleSearchPost(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	p := requests.Query{Person: personFromForm(r, ""), Age: requests.Age(r.PostFormValue("age"))}
	hits, err := svc.Find(r.Context(), p)
	if problems, ok := h.problems(r, err); ok {
		h.render(w, r, http.StatusUnprocessableEntity, "tracing_search", tracingSearchView{Form: p, Problems: problems})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "tracing_search", tracingSearchView{Form: p, Searched: true, Rows: h.hitRows(langOf(r), hits)})
}

type tracingDuplicatesView struct {
	CaseID int64
	Rows   []tracingHitRow
}

// handleDuplicatesForm takes a case number and goes to its page.
func (h *tracingHandlers) handleDuplicatesForm(w http.ResponseWriter, r *http.Request) {
	if c := r.URL.Query().Get("case"); c != "" {
		if id, err := strconv.ParseInt(c, 10, 64); err == nil && id > 0 {
			http.Redirect(w, r, fmt.Sprintf("/tracing/duplicates/%d", id), http.StatusSeeOther)
			return
		}
		h.writeError(w, r, http.StatusBadRequest, "bad_query", h.translate(langOf(r), "tracing.dup.bad_case"))
		return
	}
	h.render(w, r, http.StatusOK, "tracing_duplicates", tracingDuplicatesView{})
}

func (h *tracingHandlers) handleDuplicates(svc *requests.Service, w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	hits, err := svc.Duplicates(r.Context(), id, requests.DefaultLimit)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "tracing_duplicates", tracingDuplicatesView{CaseID: id, Rows: h.hitRows(langOf(r), hits)})
}
