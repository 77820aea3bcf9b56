package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestAidAPIAndScorecard: an aid officer records a package, a tranche and
// a condition through the API (a bad rule is a 422 on the field rule with
// its position), evaluates it; the public reads the scorecard in English
// and Spanish, as JSON and CSV; other roles cannot change aid records.
func TestAidAPIAndScorecard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2014,31,per 100k,test\nGTM,homicide_rate,2015,29,per 100k,test\n"
		if _, err := indicators.New(db).Import(auth.OperatorContext(context.Background(), "test"), indicators.Options{Name: "t.csv", Reader: strings.NewReader(csv)}); err != nil {
			t.Fatal(err)
		}
		env := newTestEnv(t, db)
		call := func(role auth.Role, method, path, body string, want int) map[string]any {
			t.Helper()
			resp, b := env.do(t, method, path, env.tokens[role], body)
			if resp.StatusCode != want {
				t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, role, resp.StatusCode, want, b)
			}
			var out map[string]any
			_ = json.Unmarshal(b, &out)
			return out
		}
		pkgBody := `{"title":"Test","donor":"Test donor","recipient":"GTM","fiscal_year":2016,"amount":1000,"currency":"USD","legal_basis":"Test act","citation":"test"}`
		for _, r := range []auth.Role{auth.RoleCivilSociety, auth.RolePublic, auth.RoleCaseworker} {
			call(r, "POST", "/api/v1/aid/packages", pkgBody, http.StatusForbidden)
		}
		p := call(auth.RoleAidOfficer, "POST", "/api/v1/aid/packages", pkgBody, http.StatusCreated)
		prog := call(auth.RoleAidOfficer, "POST", fmt.Sprintf("/api/v1/aid/packages/%v/programs", p["id"]), `{"title":"Outreach","sector":"youth_services","partner":"X","amount":100,"citation":"c"}`, http.StatusCreated)
		call(auth.RoleAidOfficer, "POST", fmt.Sprintf("/api/v1/aid/programs/%v/results", prog["id"]), `{"title":"Youths reached","measure":"unit","ascending":true,"citation":"c","periods":[{"period":"2016","target":100,"actual":120,"actual_citation":"annual report"}]}`, http.StatusCreated)
		tr := call(auth.RoleAidOfficer, "POST", fmt.Sprintf("/api/v1/aid/packages/%v/tranches", p["id"]), `{"label":"25%","amount":250,"due_date":"2099-09-30"}`, http.StatusCreated)
		tpath := fmt.Sprintf("/api/v1/aid/tranches/%v", tr["id"])
		bad := call(auth.RoleAidOfficer, "POST", tpath+"/conditions", `{"wording":"w","kind":"trend","rule":"series(\"homicides\").latest() < 1.0"}`, http.StatusUnprocessableEntity)
		if s := fmt.Sprint(bad); !strings.Contains(s, "rule") || !strings.Contains(s, "line 1, column 8") {
			t.Errorf("bad rule answer %s, want the field rule and its position", s)
		}
		call(auth.RoleAidOfficer, "POST", tpath+"/conditions", `{"ref":"(a)","wording":"Reduce homicide by a tenth","kind":"trend","rule":"series(\"homicide_rate\").latest() < series(\"homicide_rate\").at(2014) * 0.95"}`, http.StatusCreated)
		ev := call(auth.RoleAidOfficer, "POST", tpath+"/evaluations", `{"as_of":"2016-06-01"}`, http.StatusCreated)
		if ev["outcome"] != "met" {
			t.Errorf("evaluation %v", ev)
		}
		call("", "GET", fmt.Sprintf("/api/v1/aid/evaluations/%v/replay", ev["id"]), "", http.StatusOK)
		// Four eyes: the officer proposes, the same officer cannot approve, an admin can.
		dec := call(auth.RoleAidOfficer, "POST", tpath+"/decisions", fmt.Sprintf(`{"evaluation_id":%v,"action":"release","reason":"conditions met"}`, ev["id"]), http.StatusCreated)
		call(auth.RoleAidOfficer, "POST", fmt.Sprintf("/api/v1/aid/decisions/%v/approve", dec["id"]), "", http.StatusConflict)
		call(auth.RoleAdmin, "POST", fmt.Sprintf("/api/v1/aid/decisions/%v/approve", dec["id"]), "", http.StatusOK)
		resp, body := env.do(t, "GET", fmt.Sprintf("/aid/decisions/%v/report", dec["id"]), "", "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Certification report") || !strings.Contains(string(body), "250 / 0 USD") ||
			!strings.Contains(string(body), "long-csv:t.csv") {
			t.Errorf("report: %d %s", resp.StatusCode, body)
		}
		resp, body = env.do(t, "GET", "/scorecard/GTM", "", "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Reduce homicide by a tenth") || !strings.Contains(string(body), "met") || !strings.Contains(string(body), "Youths reached") {
			t.Fatalf("scorecard: %d %s", resp.StatusCode, body)
		}
		req, _ := http.NewRequest("GET", env.ts.URL+"/scorecard", nil)
		req.Header.Set("Accept-Language", "es")
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		_, _ = fmt.Fprint(&sb, readAll(t, r2))
		if !strings.Contains(sb.String(), "cumplida") {
			t.Errorf("Spanish scorecard lacks the status in Spanish")
		}
		resp, body = env.do(t, "GET", "/scorecard.csv?country=GTM", "", "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Reduce homicide by a tenth") || !strings.Contains(string(body), ",met,2016-06-01,") {
			t.Errorf("CSV: %d %s", resp.StatusCode, body)
		}
		resp, body = env.do(t, "GET", "/api/v1/aid/scorecard?country=GTM", "", "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"released": 250`) {
			t.Errorf("JSON: %d %s", resp.StatusCode, body)
		}
		// Evidence from a civil-society organisation, reviewed by an aid officer.
		pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%%EOF\n"))
		ev2 := call(auth.RoleCivilSociety, "POST", "/api/v1/aid/evidence", `{"country":"GTM","stance":"contradicts","title":"Counter","summary":"s","doc_name":"a.pdf","document":"`+pdf+`"}`, http.StatusCreated)
		call(auth.RoleCivilSociety, "POST", fmt.Sprintf("/api/v1/aid/evidence/%v/review", ev2["id"]), `{"accept":true,"reason":"r"}`, http.StatusForbidden)
		call(auth.RoleAidOfficer, "POST", fmt.Sprintf("/api/v1/aid/evidence/%v/review", ev2["id"]), `{"accept":true,"reason":"checked"}`, http.StatusOK)
		resp, body = env.do(t, "GET", fmt.Sprintf("/api/v1/aid/evidence/%v/document", ev2["id"]), "", "")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(body), "%PDF") {
			t.Errorf("document: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if _, body := env.do(t, "GET", "/scorecard/GTM", "", ""); !strings.Contains(string(body), "Counter") || strings.Contains(string(body), "civil_society@") {
			t.Errorf("scorecard lacks the accepted evidence, or shows its submitter")
		}
		if resp, body := env.do(t, "GET", "/aid/iati.xml", "", ""); resp.StatusCode != 200 || !strings.Contains(string(body), "<iati-activity") {
			t.Errorf("IATI export: %d", resp.StatusCode)
		}
		if resp, _ := env.do(t, "GET", "/scorecard/XXX", "", ""); resp.StatusCode != 404 {
			t.Errorf("unknown country: %d", resp.StatusCode)
		}
	})
}

func readAll(t *testing.T, r *http.Response) string {
	t.Helper()
	defer r.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// TestScorecardSourcesNeverBlank: a condition evaluated without reading any
// figure (no machine rule) says so in its sources cell, in the page's
// language, instead of leaving it blank.
func TestScorecardSourcesNeverBlank(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	p := env.call(t, "POST", "/api/v1/aid/packages", auth.RoleAidOfficer, `{"title":"Test","donor":"Test donor","recipient":"GTM","fiscal_year":2016,"amount":1000,"currency":"USD","legal_basis":"Test act","citation":"test"}`, http.StatusCreated)
	tr := env.call(t, "POST", fmt.Sprintf("/api/v1/aid/packages/%v/tranches", p["id"]), auth.RoleAidOfficer, `{"label":"25%","amount":250,"due_date":"2099-09-30"}`, http.StatusCreated)
	tpath := fmt.Sprintf("/api/v1/aid/tranches/%v", tr["id"])
	env.call(t, "POST", tpath+"/conditions", auth.RoleAidOfficer, `{"ref":"(b)","wording":"Combat smuggling","kind":"institutional_fact"}`, http.StatusCreated)
	env.call(t, "POST", tpath+"/evaluations", auth.RoleAidOfficer, `{"as_of":"2016-06-01"}`, http.StatusCreated)
	for lang, want := range map[string]string{"en": "none: no figure was read", "es": "ninguna: no se leyó ninguna cifra"} {
		page := env.getLang(t, lang, "/scorecard/GTM")
		if !strings.Contains(page, `<span class="unknown">`+want+`</span></td></tr>`) {
			t.Errorf("%s: the sources cell of a condition with no rule does not say %q", lang, want)
		}
	}
}
