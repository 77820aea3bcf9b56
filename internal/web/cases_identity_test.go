package web

import (
	"encoding/json"
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

// TestCaseIdentityAPI corrects a case's identity through the API, with the
// refusals, and finds it by its new names through tracing search.
func TestCaseIdentityAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
		c := env.call(t, "POST", "/api/v1/cases", auth.RoleIntake, `{"given_names":"Marvin","surname1":"Tzul","sex":"M","birth_date":"2012-01-30",
			"birth_place":"Totonicapán","mother_name":"Rosa Caal","encountered_at":"`+enc+`"}`, 201)
		if c["birth_place"] != "Totonicapán" || c["mother_name"] != "Rosa Caal" || c["father_name"] != "" {
			t.Fatalf("intake lost the new fields: %v", c)
		}
		base := fmt.Sprintf("/api/v1/cases/%d", int64(c["id"].(float64)))
		env.call(t, "PATCH", base, auth.RoleIntake, `{"given_names":"José"}`, 422)
		env.call(t, "PATCH", base, auth.RoleIntake, `{"birth_date":"2030-01-01","reason":"x"}`, 422)
		env.call(t, "PATCH", base, auth.RoleIntake, `{"nickname":"Chepe","reason":"x"}`, 400)
		env.call(t, "PATCH", base, auth.RoleIntake, `{"given_names": 7, "reason":"x"}`, 400)
		env.call(t, "PATCH", base, auth.RoleAuditor, `{"given_names":"José","reason":"x"}`, 403)
		env.call(t, "PATCH", base, auth.RolePublic, `{"given_names":"José","reason":"x"}`, 403)
		env.call(t, "PATCH", base, auth.RoleCaseworker, `{"given_names":"José","reason":"x"}`, 404) // not in the caseworker's facilities
		env.call(t, "PATCH", "/api/v1/cases/999999", auth.RoleAdmin, `{"given_names":"José","reason":"x"}`, 404)
		if resp, _ := env.do(t, "PATCH", base, "", `{"given_names":"José","reason":"x"}`); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", resp.StatusCode)
		}
		got := env.call(t, "GET", base, auth.RoleIntake, "", 200)["case"].(map[string]any)
		if got["given_names"] != "Marvin" {
			t.Fatalf("a refused correction changed the case: %v", got)
		}

		fixed := env.call(t, "PATCH", base, auth.RoleIntake, `{"given_names":"José","surname1":"Xiloj","birth_date":"2014-06-02","father_name":"Pedro Xiloj","aka":"Chepe","reason":"birth certificate"}`, 200)
		if fixed["given_names"] != "José" || fixed["surname1"] != "Xiloj" || fixed["father_name"] != "Pedro Xiloj" || fixed["mother_name"] != "Rosa Caal" || fixed["aka"] != "Chepe" {
			t.Fatalf("after the correction: %v", fixed)
		}
		view := env.call(t, "GET", base, auth.RoleAdmin, "", 200)
		evs, _ := json.Marshal(view["events"])
		if !strings.Contains(string(evs), `"identity"`) || !strings.Contains(string(evs), "birth certificate") {
			t.Errorf("timeline lacks the correction: %s", evs)
		}

		var hits tracingHits
		resp, body := env.do(t, "POST", "/api/v1/tracing/search", env.tokens[auth.RoleAdmin], `{"given_names":"Chepe","surname1":"Shiloj","sex":"M","birth_date":"2014-06-02"}`)
		if resp.StatusCode != 200 {
			t.Fatalf("search: %d %s", resp.StatusCode, body)
		}
		decodeInto(t, body, &hits)
		if len(hits.Candidates) == 0 || fmt.Sprintf("/api/v1/cases/%d", hits.Candidates[0].CaseID) != base {
			t.Errorf("the corrected case is not found by its new names: %s", body)
		}
		hits = tracingHits{}
		resp, body = env.do(t, "POST", "/api/v1/tracing/search", env.tokens[auth.RoleAdmin], `{"given_names":"Marvin","surname1":"Tzul","sex":"M","birth_date":"2012-01-30"}`)
		decodeInto(t, body, &hits)
		if resp.StatusCode != 200 || len(hits.Candidates) != 0 {
			t.Errorf("the old names still find the case: %s", body)
		}
	})
}

// The correction form on the case page saves and goes back to the case.
func TestCaseIdentityPage(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
	resp, b := env.do(t, "POST", "/api/v1/cases", env.tokens[auth.RoleAdmin], `{"given_names":"Ana","surname1":"Tiul","encountered_at":"`+enc+`"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	var c struct{ ID int64 }
	_ = json.Unmarshal(b, &c)
	status, page := childGetPage(t, env, fmt.Sprintf("/cases/%d", c.ID), env.tokens[auth.RoleAdmin], "es")
	if status != 200 || !strings.Contains(page, `id="identity-form"`) || !strings.Contains(page, "Corregir la identidad") {
		t.Fatalf("case page (%d) has no correction form in Spanish", status)
	}
	form := url.Values{"given_names": {"Ana Lucía"}, "surname1": {"Tiul"}, "mother_name": {"Marta Caal"}, "reason": {"her aunt's account"}}
	req, _ := http.NewRequest("POST", env.ts.URL+fmt.Sprintf("/cases/%d/identity", c.ID), strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAdmin])
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("form post: %d", r.StatusCode)
	}
	_, page = childGetPage(t, env, fmt.Sprintf("/cases/%d", c.ID), env.tokens[auth.RoleAdmin], "en")
	for _, want := range []string{"Ana Lucía", "Marta Caal", "identity corrected", "her aunt&#39;s account"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page after the correction lacks %q", want)
		}
	}
}
