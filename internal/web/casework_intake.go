package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// intakeDupView is the stop before a second record of a child: the
// possible duplicates, and the intake as typed, to create anyway.
type intakeDupView struct {
	Hits      []requests.Hit
	Threshold float64
	Fields    []formField // the intake form's values, re-posted by "create anyway"
}

type formField struct{ Name, Value string }

// handleIntakeChecked runs before intake: when the tracing matcher finds
// cases the officer can see that are probably this child, the page says
// so before a second record exists, with the way to open the existing
// case or to create anyway (create_anyway=1). Without a match, or while
// the matcher is still being built, the intake goes ahead as before.
func (h *caseworkHandlers) handleIntakeChecked(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("create_anyway") == "1" || h.tracing == nil {
		h.handleCaseCreatePage(w, r)
		return
	}
	// A form with mistakes is re-shown with them first: a possible
	// duplicate is only worth saying about an intake that could be saved.
	if in, err := childIntakeFromForm(r); err != nil || in.Normalize(time.Now()) != nil {
		h.handleCaseCreatePage(w, r)
		return
	}
	p := identity.Person{GivenNames: r.PostFormValue("given_names"), Surname1: r.PostFormValue("surname1"), Surname2: r.PostFormValue("surname2"),
		Sex: r.PostFormValue("sex"), BirthDate: r.PostFormValue("birth_date"), BirthCountry: r.PostFormValue("birth_country"),
		BirthPlace: r.PostFormValue("birth_place"), MotherName: r.PostFormValue("mother_name"), FatherName: r.PostFormValue("father_name")}
	if strings.TrimSpace(p.GivenNames+p.Surname1+p.Surname2) == "" {
		h.handleCaseCreatePage(w, r)
		return
	}
	svc, err := h.tracing.Service(r.Context(), tracingWait)
	if err != nil {
		// Loading or failed: intake is never held up by the matcher; the
		// case page looks for duplicates again once it is created.
		h.log.InfoContext(r.Context(), "intake: duplicate check skipped", "request_id", requestIDOf(r), "err", err)
		h.handleCaseCreatePage(w, r)
		return
	}
	hits, err := svc.Search(r.Context(), p, 5)
	if err != nil {
		// The form's own problems are for the intake to report.
		h.handleCaseCreatePage(w, r)
		return
	}
	v := intakeDupView{Threshold: svc.DuplicateThreshold()}
	for _, hit := range hits {
		if hit.Probability >= v.Threshold && hit.Case != nil {
			v.Hits = append(v.Hits, hit)
		}
	}
	if len(v.Hits) == 0 {
		h.handleCaseCreatePage(w, r)
		return
	}
	v.Fields = intakeFields(r.PostForm)
	h.render(w, r, http.StatusOK, "casework_intake_dups", v)
}

// intakeFields are the submitted values to post again, in a stable order,
// without the token (the page carries its own) and the create flag.
func intakeFields(form url.Values) []formField {
	out := []formField{}
	for name, vals := range form {
		if name == csrfField || name == "create_anyway" {
			continue
		}
		for _, v := range vals {
			out = append(out, formField{name, v})
		}
	}
	slices.SortStableFunc(out, func(a, b formField) int { return strings.Compare(a.Name, b.Name) })
	return out
}
