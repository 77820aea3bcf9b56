package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestFormsShowEveryProblemAtOnce: a form with a typed number that cannot
// be read and other mistakes shows every problem at once, each beside its
// field, in English and Spanish, and saves nothing. The aid forms showed
// the number's problem alone (the service was not called, so its checks
// of the other fields did not run), and the case page's merge form its
// case number's alone.
func TestFormsShowEveryProblemAtOnce(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	a, _ := decideFixture(t, env)
	tr := env.call(t, "GET", fmt.Sprintf("/api/v1/aid/tranches/%d", a), "", "", 200)
	pkg := fmt.Sprintf("/aid/packages/%d", int64(tr["package_id"].(float64)))
	ev := env.call(t, "POST", "/api/v1/aid/evidence", auth.RoleCivilSociety, `{"country":"GTM","stance":"supports","title":"Report","summary":"Counts."}`, 201)
	env.call(t, "POST", fmt.Sprintf("/api/v1/aid/tranches/%d/evaluations", a), auth.RoleAidOfficer, `{}`, 201) // the decision form needs one
	caseID := uxCase(t, env)
	officer := auth.RoleAidOfficer
	words := map[string]map[string]string{
		"en": {"number": "Must be a whole number.", "required": "Required.", "country": "Must be an ISO 3166 alpha-3 country code.", "one_of": "Choose one of the values offered.",
			"date": "Must be a date (YYYY-MM-DD).", "action": "Choose release or withhold.", "stance": "Choose supports or contradicts.",
			"case": "Enter the number of a case you can see.", "reason": "Say why these are the same child."},
		"es": {"number": "Debe ser un número entero.", "required": "Obligatorio.", "country": "Debe ser un código de país ISO 3166 alfa-3.", "one_of": "Elija uno de los valores ofrecidos.",
			"date": "Debe ser una fecha (AAAA-MM-DD).", "action": "Elija liberar o retener.", "stance": "Elija a favor o en contra.",
			"case": "Escriba el número de un caso que usted pueda ver.", "reason": "Diga por qué son el mismo niño."},
	}
	// Each problem: the id of the element beside its field that must hold
	// it, or "" where the form shows it beside the field without an id
	// (a select or radio buttons); then the key of its words.
	type problem struct{ id, words string }
	for _, c := range []struct {
		name, path string
		role       auth.Role
		form       url.Values
		want       []problem
	}{
		{"package", "/aid/packages", officer,
			url.Values{"title": {""}, "donor": {"Donor"}, "recipient": {"GTMX"}, "fiscal_year": {"2016"}, "amount": {"diez"}, "currency": {"USD"}, "legal_basis": {"Act"}, "citation": {"c"}},
			[]problem{{"package-amount-err", "number"}, {"package-recipient-err", "country"}, {"package-title-err", "required"}}},
		{"program", pkg + "/programs", officer,
			url.Values{"title": {""}, "sector": {"nope"}, "partner": {"P"}, "amount": {"diez"}, "citation": {"c"}},
			[]problem{{"program-amount-err", "number"}, {"program-title-err", "required"}, {"", "one_of"}}},
		{"tranche", pkg + "/tranches", officer,
			url.Values{"label": {""}, "due_date": {"30/09/2099"}, "combination": {"all"}, "amount": {"x"}},
			[]problem{{"tranche-amount-err", "number"}, {"tranche-label-err", "required"}, {"tranche-due_date-err", "date"}}},
		{"condition", pkg + "/conditions", officer,
			url.Values{"tranche_id": {"x"}, "wording": {""}, "kind": {"nope"}},
			[]problem{{"", "number"}, {"condition-wording-err", "required"}, {"", "one_of"}}},
		{"evidence", "/aid/evidence", auth.RoleCivilSociety,
			url.Values{"country": {"G"}, "condition_id": {"x"}, "stance": {""}, "title": {""}, "summary": {"Counts."}},
			[]problem{{"evidence-condition_id-err", "number"}, {"evidence-country-err", "country"}, {"evidence-title-err", "required"}, {"", "stance"}}},
		{"decision", fmt.Sprintf("/aid/tranches/%d/decisions", a), officer,
			url.Values{"evaluation_id": {"x"}, "action": {"keep"}, "reason": {"Because."}},
			[]problem{{"", "number"}, {"", "action"}}},
		{"merge", fmt.Sprintf("/cases/%d/merge", caseID), auth.RoleAdmin,
			url.Values{"duplicate_id": {"abc"}, "reason": {"  "}},
			[]problem{{"merge-dup-error", "case"}, {"merge-reason-error", "reason"}}},
	} {
		for _, lang := range []string{"en", "es"} {
			resp, page := env.uxPost(t, c.role, lang, c.path, c.form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s, %s: %d, want 422", c.name, lang, resp.StatusCode)
				continue
			}
			for _, p := range c.want {
				w := words[lang][p.words]
				if p.id != "" {
					if got := besideField(page, p.id); got != w {
						t.Errorf("%s, %s: #%s reads %q, want %q", c.name, lang, p.id, got, w)
					}
				} else if !strings.Contains(page, `<p class="error">`+html.EscapeString(w)) {
					t.Errorf("%s, %s: no %q beside its field", c.name, lang, w)
				}
			}
		}
	}
	// The review form: a decision that is neither and no reason.
	for _, lang := range []string{"en", "es"} {
		resp, page := env.uxPost(t, officer, lang, fmt.Sprintf("/aid/evidence/%d/review", int64(ev["id"].(float64))), url.Values{"decision": {"maybe"}, "reason": {""}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `<p class="error">`+words[lang]["required"]+`</p>`) ||
			!strings.Contains(page, `<p class="error">`+words[lang]["one_of"]+` (accept, reject)</p>`) {
			t.Errorf("review, %s: %d, want the reason's and the decision's problems", lang, resp.StatusCode)
		}
	}
	pv := env.call(t, "GET", "/api/v1/aid/packages/"+strings.TrimPrefix(pkg, "/aid/packages/"), "", "", 200)
	if progs, trs := pv["programs"].([]any), pv["tranches"].([]any); len(progs) != 0 || len(trs) != 2 {
		t.Errorf("a refused form was saved: %d programs, %d tranches", len(progs), len(trs))
	}
	if _, b := env.do(t, "GET", "/api/v1/aid/packages", "", ""); strings.Count(string(b), `"id"`) != 1 {
		t.Errorf("a refused package was saved: %s", b)
	}
}

// besideField is the text of the element with id (a field's problem).
func besideField(page, id string) string {
	m := regexp.MustCompile(`<(?:p|span) class="error[^"]*"(?: role="alert")? id="` + regexp.QuoteMeta(id) + `">(.*?)</(?:p|span)>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
