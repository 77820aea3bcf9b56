package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// uxPost posts a form as role, in lang, without following the redirect.
func (e *testEnv) uxPost(t *testing.T, role auth.Role, lang, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
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

// uxCase is a new case in border custody, as admin.
func uxCase(t *testing.T, env *testEnv) int64 {
	t.Helper()
	enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
	c := env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","encountered_at":"`+enc+`"}`, 201)
	return int64(c["id"].(float64))
}

// TestSponsorRelationshipNoDefault: the relationship select starts on an
// empty choice, and an empty one is refused beside its field with what
// was typed kept, in both languages.
func TestSponsorRelationshipNoDefault(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	id := uxCase(t, env)
	for _, lang := range []string{"en", "es"} {
		resp, body := env.uxPost(t, auth.RoleAdmin, lang, "/sponsors", url.Values{"case_id": {fmt.Sprint(id)}, "given_names": {"Rosa"}, "surnames": {"Tiul Caal"}, "us_state": {"CA"}, "household": {"Luis, cousin"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: empty relationship: %d", lang, resp.StatusCode)
		}
		want := map[string]string{"en": "Choose the sponsor&#39;s relationship to the child.", "es": "Elija la relación del patrocinador con el niño."}[lang]
		for _, s := range []string{`id="sponsor-relationship-error"`, want, `value="Rosa"`, `value="Tiul Caal"`, `value="CA"`, "Luis, cousin", `<details id="sponsor-details" open>`} {
			if !strings.Contains(body, s) {
				t.Errorf("%s: refused sponsor form lacks %q", lang, s)
			}
		}
	}
	body := env.page(t, fmt.Sprintf("/cases/%d", id))
	if !strings.Contains(body, `<select name="relationship" id="sponsor-rel" required><option value="">`) || strings.Contains(body, `id="sponsor-relationship-error"`) || strings.Contains(body, "no value") {
		t.Errorf("the relationship select does not start on an empty choice")
	}
	resp, _ := env.uxPost(t, auth.RoleAdmin, "en", "/sponsors", url.Values{"case_id": {fmt.Sprint(id)}, "given_names": {"Rosa"}, "relationship": {"aunt"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a chosen relationship: %d", resp.StatusCode)
	}
}

// TestVettingResultNeedsEvidence: a vetting result has no default, and
// "passed" without a note or document reference is refused (422, on the
// notes field), on the page and in the API; the checklist shows who
// recorded each result.
func TestVettingResultNeedsEvidence(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	id := uxCase(t, env)
	sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","relationship":"aunt"}`, id), 201)
	spID := int64(sp["id"].(float64))
	e := env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleAdmin, `{"step":"identity_proof","result":"passed"}`, 422)
	if !strings.Contains(fmt.Sprint(e), "notes") {
		t.Errorf("422 not on the notes field: %v", e)
	}
	env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleAdmin, `{"step":"identity_proof"}`, 422)
	path := fmt.Sprintf("/sponsors/%d", spID)
	page := env.page(t, path)
	if !strings.Contains(page, `required><option value="">`) || strings.Contains(page, `<option value="passed" selected>`) {
		t.Errorf("the result select has a default")
	}
	resp, body := env.uxPost(t, auth.RoleAdmin, "es", path+"/vetting", url.Values{"step": {"identity_proof"}, "result": {"passed"}, "notes": {"  "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="vet-identity_proof-notes-error"`) ||
		!strings.Contains(body, "Un paso aprobado necesita una nota o una referencia de documento.") || !strings.Contains(body, `<option value="passed" selected>`) {
		t.Errorf("passed without evidence: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = env.uxPost(t, auth.RoleAdmin, "en", path+"/vetting", url.Values{"step": {"identity_proof"}, "result": {"passed"}, "notes": {"passport GT 123"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("passed with evidence: %d", resp.StatusCode)
	}
	if page := env.page(t, path); !strings.Contains(page, "admin@example.org") || !strings.Contains(page, "passport GT 123") {
		t.Errorf("the checklist does not show who recorded the result and its evidence")
	}
}

// page is a GET of an HTML page as admin, in English.
func (e *testEnv) page(t *testing.T, path string) string {
	t.Helper()
	resp, b := e.do(t, "GET", path, e.tokens[auth.RoleAdmin], "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// TestStateChangeOffersOnlyDirectMoves: the case page's state-change list
// never offers "released to a sponsor" or "placed" (their own actions),
// and starts on an empty choice.
func TestStateChangeOffersOnlyDirectMoves(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	id := uxCase(t, env)
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	env.call(t, "POST", base+"/transitions", auth.RoleAdmin, `{"state":"in_border_custody"}`, 200)
	env.call(t, "POST", base+"/transitions", auth.RoleAdmin, `{"state":"referred"}`, 200)
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
	check := func(state string, want []string) {
		t.Helper()
		page := env.page(t, fmt.Sprintf("/cases/%d", id))
		i := strings.Index(page, `id="transition-state"`)
		if i < 0 {
			t.Fatalf("%s: no state-change form", state)
		}
		sel := page[i : i+strings.Index(page[i:], "</select>")]
		if !strings.Contains(sel, `required><option value="">`) {
			t.Errorf("%s: the list does not start on an empty choice: %s", state, sel)
		}
		for _, s := range []string{"placed", "released", "aged_out", "repatriated", "closed_other"} {
			if got := strings.Contains(sel, `value="`+s+`"`); got != slices.Contains(want, s) {
				t.Errorf("%s: offers %s = %v", state, s, got)
			}
		}
	}
	check("referred", []string{"repatriated", "closed_other"})
	env.call(t, "POST", base+"/placements", auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%d}`, int64(fac["id"].(float64))), 200)
	check("placed", []string{"repatriated", "closed_other"})
}

// TestDeadlineMetLate: a deadline met after its date says how late on
// the case page, in both languages.
func TestDeadlineMetLate(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	enc := time.Now().UTC().Add(-50 * 24 * time.Hour).Format(time.RFC3339)
	c := env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","encountered_at":"`+enc+`"}`, 201)
	id := int64(c["id"].(float64))
	env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/deadlines/notification", id), auth.RoleAdmin, `{"note":"portal"}`, 200)
	for lang, want := range map[string]string{"en": " days late", "es": " días de retraso"} {
		req, _ := http.NewRequest("GET", env.ts.URL+fmt.Sprintf("/cases/%d", id), nil)
		req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAdmin])
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		i := strings.Index(page, `<tr data-kind="notification">`)
		if i < 0 {
			t.Fatalf("%s: no notification deadline row", lang)
		}
		row := page[i : i+strings.Index(page[i:], "</tr>")]
		if !strings.Contains(row, `class="warn late"`) || !strings.Contains(row, want) {
			t.Errorf("%s: a deadline met late reads %q", lang, row)
		}
	}
}

// TestIntakePrefillInZone: the intake form's "Encountered" time is the
// present in the zone it starts on (the intake officer's facility's), the
// zone is named beside it, and the untouched form is accepted.
func TestIntakePrefillInZone(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Los_Angeles","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
	op := auth.OperatorContext(context.Background(), "test")
	u, err := auth.NewService(db).UserByEmail(op, "intake@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := facilities.New(db, nil).AssignFacility(op, u.ID, int64(fac["id"].(float64))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		role auth.Role
		zone string
	}{{auth.RoleIntake, "America/Los_Angeles"}, {auth.RoleAdmin, "UTC"}} {
		before := time.Now()
		resp, b := env.do(t, "GET", "/cases/new", env.tokens[tt.role], "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: /cases/new: %d", tt.role, resp.StatusCode)
		}
		page := string(b)
		m := regexp.MustCompile(`id="encountered_at" value="([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no prefilled time", tt.role)
		}
		loc, _ := time.LoadLocation(tt.zone)
		got, err := time.ParseInLocation("2006-01-02T15:04", m[1], loc)
		if err != nil {
			t.Fatal(err)
		}
		if d := before.Sub(got); d < 0 || d > 2*time.Minute {
			t.Errorf("%s: prefill %s is %v from now in %s", tt.role, m[1], d, tt.zone)
		}
		if !strings.Contains(page, `<option value="`+tt.zone+`" selected>`) || !strings.Contains(page, `<span id="encountered_zone_name">`+tt.zone+`</span>`) {
			t.Errorf("%s: zone %s not selected and named", tt.role, tt.zone)
		}
		resp, body := env.uxPost(t, tt.role, "en", "/cases", url.Values{"encountered_at": {m[1]}, "encounter_zone": {tt.zone}, "state": {"encountered"}, "given_names": {"Ana"}, "create_anyway": {"1"}, "sex": {"F"}, "birth_date": {"2012-02-02"}, "encounter_place": {"Hidalgo port of entry"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: the untouched form is refused: %d %s", tt.role, resp.StatusCode, body)
		}
	}
}
