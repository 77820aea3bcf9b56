package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// postAs posts a form with an API token, in lang, without following the
// redirect.
func (e *testEnv) postAs(t *testing.T, token, lang, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// getAs reads a page with an API token, in lang.
func (e *testEnv) getAs(t *testing.T, token, lang, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", e.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	noFmtErrors(t, path, b)
	return resp.StatusCode, string(b)
}

// secondOfficer adds another aid officer and returns its API token.
func (e *testEnv) secondOfficer(t *testing.T) string {
	t.Helper()
	ctx := auth.OperatorContext(context.Background(), "test")
	svc := auth.NewService(e.db)
	if _, err := svc.CreateUser(ctx, "aid2@example.org", auth.RoleAidOfficer, testPassword); err != nil {
		t.Fatal(err)
	}
	tok, err := svc.CreateAPIToken(ctx, "aid2@example.org", "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// decideFixture is a package with two tranches on made-up test data
// (homicide rate 31 in 2014, 27 in 2016; not the public record): tranche
// A's hard hurdle (latest < 30) is met and its soft condition (latest <
// 20) is not; tranche B's hard hurdle (latest < 20) is not met.
func decideFixture(t *testing.T, env *testEnv) (a, b int64) {
	t.Helper()
	csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2014,31,per 100k,test-src\nGTM,homicide_rate,2016,27,per 100k,test-src\n"
	if _, err := indicators.New(env.db).Import(auth.OperatorContext(context.Background(), "test"), indicators.Options{Name: "t.csv", Reader: strings.NewReader(csv)}); err != nil {
		t.Fatal(err)
	}
	o := auth.RoleAidOfficer
	p := env.call(t, "POST", "/api/v1/aid/packages", o, `{"title":"Security aid","donor":"Donor","recipient":"GTM","fiscal_year":2016,"currency":"USD","legal_basis":"Act s. 1","citation":"Test"}`, 201)
	pid := int64(p["id"].(float64))
	tranche := func(label string, hard, soft string) int64 {
		tr := env.call(t, "POST", fmt.Sprintf("/api/v1/aid/packages/%d/tranches", pid), o, `{"label":"`+label+`","due_date":"2099-09-30","combination":"all"}`, 201)
		id := int64(tr["id"].(float64))
		for _, c := range []struct {
			rule string
			hard bool
		}{{hard, true}, {soft, false}} {
			if c.rule == "" {
				continue
			}
			env.call(t, "POST", fmt.Sprintf("/api/v1/aid/tranches/%d/conditions", id), o,
				fmt.Sprintf(`{"wording":"Reduce homicide","kind":"indicator_threshold","rule":%q,"hard":%v}`, c.rule, c.hard), 201)
		}
		return id
	}
	return tranche("A", `series("homicide_rate").latest() < 30.0`, `series("homicide_rate").latest() < 20.0`),
		tranche("B", `series("homicide_rate").latest() < 20.0`, "")
}

var evalLoc = regexp.MustCompile(`^/aid/tranches/(\d+)\?evaluation=(\d+)#evaluation$`)

// TestAidDecisionPages: an officer evaluates a tranche as of a date from
// its page (each condition's status, explanation and source in the page's
// language), proposes; a release on a failed hard hurdle is refused beside
// the form with what was typed; a release on a soft condition not met
// needs a waiver reason; the proposer sees no approve button and is
// refused plainly if they post anyway; a second officer approves after a
// confirmation page and lands on the certification report.
func TestAidDecisionPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		one, two := env.tokens[auth.RoleAidOfficer], env.secondOfficer(t)
		a, b := decideFixture(t, env)

		// A bad date is re-shown beside its field; nothing is stored.
		resp, body := env.postAs(t, one, "es", fmt.Sprintf("/aid/tranches/%d/evaluate", a), url.Values{"as_of": {"1/1/2026"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Debe ser una fecha") || !strings.Contains(body, `value="1/1/2026"`) {
			t.Errorf("bad as-of: %d", resp.StatusCode)
		}
		evaluate := func(id int64) string {
			t.Helper()
			resp, _ := env.postAs(t, one, "en", fmt.Sprintf("/aid/tranches/%d/evaluate", id), url.Values{"as_of": {"2026-01-01"}})
			m := evalLoc.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || m == nil || m[1] != fmt.Sprint(id) {
				t.Fatalf("evaluate %d: %d %s", id, resp.StatusCode, resp.Header.Get("Location"))
			}
			return m[2]
		}
		ea, eb := evaluate(a), evaluate(b)
		for lang, want := range map[string][]string{
			"en": {"As of 2026-01-01", `class="ok">met</td>`, `class="error">not met</td>`, "Source: long-csv:t.csv", "<code>series(&#34;homicide_rate&#34;).latest()</code>"},
			"es": {"A la fecha 2026-01-01", `class="ok">cumplida</td>`, `class="error">no cumplida</td>`, "Fuente: long-csv:t.csv"},
		} {
			_, page := env.getAs(t, one, lang, fmt.Sprintf("/aid/tranches/%d?evaluation=%s", a, ea))
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: evaluation page lacks %s\n%s", lang, w, page)
				}
			}
		}

		// Tranche B: release on a failed hard hurdle refused, beside the form.
		for lang, want := range map[string]string{"en": "A hard hurdle of this tranche is not met", "es": "Un requisito obligatorio de este tramo no se cumple"} {
			resp, body = env.postAs(t, one, lang, fmt.Sprintf("/aid/tranches/%d/decisions", b), url.Values{"evaluation_id": {eb}, "action": {"release"}, "reason": {"Typed reason"}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, want) || !strings.Contains(body, "Typed reason</textarea>") ||
				!strings.Contains(body, `value="release" checked`) {
				t.Errorf("%s: release on a failed hurdle: %d", lang, resp.StatusCode)
			}
		}
		if _, ds := env.do(t, "GET", fmt.Sprintf("/api/v1/aid/tranches/%d/decisions", b), "", ""); strings.TrimSpace(string(ds)) != "[]" {
			t.Errorf("a refused decision was stored: %s", ds)
		}

		// Tranche A: a release on a soft condition not met needs a waiver.
		resp, body = env.postAs(t, one, "es", fmt.Sprintf("/aid/tranches/%d/decisions", a), url.Values{"evaluation_id": {ea}, "action": {"release"}, "reason": {"Hurdle met"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="propose-waiver-err"`) || !strings.Contains(body, "Obligatorio.") {
			t.Errorf("release without a waiver: %d", resp.StatusCode)
		}
		resp, _ = env.postAs(t, one, "en", fmt.Sprintf("/aid/tranches/%d/decisions", a), url.Values{"evaluation_id": {ea}, "action": {"release"}, "reason": {"Hurdle met"}, "waiver": {"Soft target missed by little"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: %d", resp.StatusCode)
		}
		var ds []struct {
			ID     int64  `json:"id"`
			Reason string `json:"reason"`
		}
		_, raw := env.do(t, "GET", fmt.Sprintf("/api/v1/aid/tranches/%d/decisions", a), "", "")
		if err := json.Unmarshal(raw, &ds); err != nil || len(ds) != 1 {
			t.Fatalf("decisions: %v %s", err, raw)
		}
		did := ds[0].ID
		if !strings.Contains(ds[0].Reason, "Waiver: Soft target missed by little") {
			t.Errorf("decision reason = %q", ds[0].Reason)
		}

		// The proposer: no approve link, no approve form, a plain refusal.
		approveLink := fmt.Sprintf(`href="/aid/decisions/%d/approve"`, did)
		if _, page := env.getAs(t, one, "en", fmt.Sprintf("/aid/tranches/%d", a)); strings.Contains(page, approveLink) || !strings.Contains(page, "proposed by you") {
			t.Errorf("the proposer is offered the approval")
		}
		if _, page := env.getAs(t, one, "en", fmt.Sprintf("/aid/decisions/%d/approve", did)); strings.Contains(page, `id="approve-form"`) {
			t.Errorf("the proposer sees the approve form")
		}
		resp, body = env.postAs(t, one, "es", fmt.Sprintf("/aid/decisions/%d/approve", did), nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Usted propuso esta decisión") {
			t.Errorf("the proposer's approval: %d", resp.StatusCode)
		}

		// The second officer: link, confirmation, approval, report.
		if _, page := env.getAs(t, two, "en", fmt.Sprintf("/aid/tranches/%d", a)); !strings.Contains(page, approveLink) {
			t.Errorf("the second officer is not offered the approval")
		}
		if _, page := env.getAs(t, two, "es", fmt.Sprintf("/aid/decisions/%d/approve", did)); !strings.Contains(page, `id="approve-form"`) || !strings.Contains(page, "Sí, aprobar esta decisión") {
			t.Errorf("confirmation page lacks its form")
		}
		resp, _ = env.postAs(t, two, "en", fmt.Sprintf("/aid/decisions/%d/approve", did), nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/aid/decisions/%d/report", did) {
			t.Fatalf("approve: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		tr := env.call(t, "GET", fmt.Sprintf("/api/v1/aid/tranches/%d", a), "", "", 200)
		if tr["state"] != "released" {
			t.Errorf("tranche state = %v", tr["state"])
		}
		if _, page := env.getAs(t, two, "en", fmt.Sprintf("/aid/tranches/%d", a)); strings.Contains(page, approveLink) || !strings.Contains(page, "approved (final)") {
			t.Errorf("an approved decision still offers approval")
		}
		// A final tranche offers no proposal; one posted anyway is refused plainly.
		if _, page := env.getAs(t, two, "en", fmt.Sprintf("/aid/tranches/%d", a)); strings.Contains(page, `id="propose-form"`) || !strings.Contains(page, `id="propose-closed"`) {
			t.Errorf("a released tranche still offers a proposal")
		}
		resp, body = env.postAs(t, two, "es", fmt.Sprintf("/aid/tranches/%d/decisions", a), url.Values{"evaluation_id": {ea}, "action": {"withhold"}, "reason": {"again"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Rechazado: el estado actual del registro no lo permite.") {
			t.Errorf("a decision on a released tranche: %d", resp.StatusCode)
		}
		// Other roles cannot reach these pages.
		if resp, _ := env.uxPost(t, auth.RoleCivilSociety, "en", fmt.Sprintf("/aid/tranches/%d/evaluate", a), url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("civil society evaluating: %d", resp.StatusCode)
		}
	})
}

// TestAidTranchePagesOnDemo: every tranche of the demo (the public
// record) has a page that shows its latest evaluation with each
// condition's status and the sources of the values used, in Spanish.
func TestAidTranchePagesOnDemo(t *testing.T) {
	db := aidDemoDB(t, nil)
	env := newTestEnv(t, db)
	var pkgs []aid.Package
	_, raw := env.do(t, "GET", "/api/v1/aid/packages", "", "")
	if err := json.Unmarshal(raw, &pkgs); err != nil || len(pkgs) == 0 {
		t.Fatalf("packages: %v", err)
	}
	pages, sourced := 0, 0
	for _, p := range pkgs {
		var pv aid.PackageView
		_, raw := env.do(t, "GET", fmt.Sprintf("/api/v1/aid/packages/%d", p.ID), "", "")
		if err := json.Unmarshal(raw, &pv); err != nil {
			t.Fatal(err)
		}
		for _, tr := range pv.Tranches {
			st, page := env.getAs(t, env.tokens[auth.RoleAidOfficer], "es", fmt.Sprintf("/aid/tranches/%d", tr.ID))
			if st != http.StatusOK || !strings.Contains(page, `id="evaluation-results"`) {
				t.Errorf("tranche %d (%s): %d, evaluation shown: %v", tr.ID, tr.Label, st, strings.Contains(page, `id="evaluation-results"`))
			}
			pages++
			if strings.Contains(page, "Fuente: wb-wgi-2024") {
				sourced++
			}
		}
	}
	if pages == 0 || sourced == 0 {
		t.Errorf("%d tranche pages, %d with a WGI source shown", pages, sourced)
	}
}
