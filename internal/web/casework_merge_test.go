package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestIntakeShowsDuplicateFirst: submitting an intake that is probably a
// child already recorded stops before a second record, shows the case,
// and creates it only on "create anyway", with every value typed.
func TestIntakeShowsDuplicateFirst(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	enc := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
	first := env.call(t, "POST", "/api/v1/cases", auth.RoleIntake, `{"given_names":"María José","surname1":"Tiul","surname2":"Caal","sex":"F","birth_date":"2011-06-15","birth_country":"Guatemala","encountered_at":"`+enc+`"}`, 201)
	firstID := int64(first["id"].(float64))
	count := func() int {
		pg := env.call(t, "GET", "/api/v1/cases", auth.RoleAdmin, "", 200)
		return int(pg["total"].(float64))
	}
	form := url.Values{"given_names": {"Maria Jose"}, "surname1": {"Tiul"}, "surname2": {"Caal"}, "sex": {"F"}, "birth_date": {"2011-06-15"},
		"birth_country": {"Guatemala"}, "nationality": {"Guatemala"}, "encountered_at": {time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")}, "encounter_zone": {"UTC"}, "encounter_place": {"Paso del Norte bridge"}, "notes": {"found at the bridge"}}
	resp, body := env.uxPost(t, auth.RoleIntake, "es", "/cases", form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="intake-dups"`) || !strings.Contains(body, fmt.Sprintf(`href="/cases/%d"`, firstID)) ||
		!strings.Contains(body, "Crear de todos modos") {
		t.Fatalf("intake of a probable duplicate: %d\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{`name="notes" value="found at the bridge"`, `name="given_names" value="Maria Jose"`, `name="create_anyway" value="1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the create-anyway form lacks %s", want)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("a second record exists before create anyway: %d cases", n)
	}
	form.Set("create_anyway", "1")
	resp, _ = env.uxPost(t, auth.RoleIntake, "en", "/cases", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create anyway: %d", resp.StatusCode)
	}
	if n := count(); n != 2 {
		t.Errorf("after create anyway: %d cases", n)
	}
	// Someone else entirely goes straight through.
	other := url.Values{"given_names": {"Brayan"}, "surname1": {"Pop"}, "sex": {"M"}, "birth_date": {"2009-01-20"}, "encountered_at": {time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")}, "encounter_zone": {"UTC"}, "encounter_place": {"Eagle Pass"}}
	if resp, _ := env.uxPost(t, auth.RoleIntake, "en", "/cases", other); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a new child: %d", resp.StatusCode)
	}
}

// TestMergeCasesWeb: the API and the case page's form merge a duplicate
// into the kept case, for admin and supervisor only, with refusals beside
// the field.
func TestMergeCasesWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		keep, _ := cwPlaced(t, env, "Casa Alba")
		enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
		dup := int64(env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Ana","surname1":"Tiul","encountered_at":"`+enc+`"}`, 201)["id"].(float64))
		other := int64(env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Eva","surname1":"Caal","encountered_at":"`+enc+`"}`, 201)["id"].(float64))
		base := fmt.Sprintf("/api/v1/cases/%d/merge", keep)
		env.call(t, "POST", base, auth.RoleCaseworker, fmt.Sprintf(`{"duplicate_id":%d,"reason":"same"}`, dup), 403)
		env.call(t, "POST", base, auth.RoleSupervisor, fmt.Sprintf(`{"duplicate_id":%d,"reason":"same"}`, dup), 422) // not in their scope
		env.call(t, "POST", base, auth.RoleAdmin, fmt.Sprintf(`{"duplicate_id":%d,"reason":""}`, dup), 422)
		m := env.call(t, "POST", base, auth.RoleAdmin, fmt.Sprintf(`{"duplicate_id":%d,"reason":"same birth certificate"}`, dup), 200)
		if m["merged_by"] != "admin@example.org" {
			t.Errorf("merge %v", m)
		}
		env.call(t, "POST", base, auth.RoleAdmin, fmt.Sprintf(`{"duplicate_id":%d,"reason":"again"}`, dup), 409)
		page := env.page(t, fmt.Sprintf("/cases/%d", keep))
		if !strings.Contains(page, "cases merged") || !strings.Contains(page, "same birth certificate") || !strings.Contains(page, `id="merge-form"`) {
			t.Errorf("kept case page does not show the merge")
		}

		path := fmt.Sprintf("/cases/%d/merge", keep)
		resp, body := env.uxPost(t, auth.RoleAdmin, "es", path, url.Values{"duplicate_id": {"abc"}, "reason": {"mismo niño"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `id="merge-dup-error"`) || !strings.Contains(body, `value="mismo niño"`) || !strings.Contains(body, "<details id=\"merge-details\" open>") {
			t.Errorf("refused merge form: %d", resp.StatusCode)
		}
		resp, body = env.uxPost(t, auth.RoleAdmin, "en", path, url.Values{"duplicate_id": {fmt.Sprint(dup)}, "reason": {"again"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "These cases cannot be merged: the other case is already closed") {
			t.Errorf("merging a closed case again: %d", resp.StatusCode)
		}
		resp, _ = env.uxPost(t, auth.RoleAdmin, "en", path, url.Values{"duplicate_id": {fmt.Sprint(other)}, "reason": {"same photo"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("merge from the page: %d", resp.StatusCode)
		}
	})
}
