package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestAidEvidenceReviewPage: the pending list shows a civil-society item
// with accept/reject and the officer's own item without them; a review
// without a reason is re-shown with the problem beside it; a review of
// one's own item posted anyway is refused plainly (en, es); an accepted
// item leaves the list and is public.
func TestAidEvidenceReviewPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		officer := env.tokens[auth.RoleAidOfficer]
		submit := func(role auth.Role, title string) int64 {
			t.Helper()
			e := env.call(t, "POST", "/api/v1/aid/evidence", role, `{"country":"GTM","stance":"contradicts","title":"`+title+`","summary":"Counts differ."}`, 201)
			return int64(e["id"].(float64))
		}
		theirs, mine := submit(auth.RoleCivilSociety, "Shelter report"), submit(auth.RoleAidOfficer, "Officer note")
		_, page := env.getAs(t, officer, "en", "/aid/evidence/review")
		for _, w := range []string{fmt.Sprintf(`id="review-form-%d"`, theirs), fmt.Sprintf(`id="review-own-%d"`, mine), "Shelter report", "Officer note"} {
			if !strings.Contains(page, w) {
				t.Errorf("review page lacks %s", w)
			}
		}
		if strings.Contains(page, fmt.Sprintf(`id="review-form-%d"`, mine)) {
			t.Errorf("the submitter is offered a review of their own item")
		}
		for lang, want := range map[string]string{"en": "You submitted this evidence: someone else must accept or reject it.", "es": "Usted presentó esta evidencia"} {
			resp, body := env.postAs(t, officer, lang, fmt.Sprintf("/aid/evidence/%d/review", mine), url.Values{"decision": {"accept"}, "reason": {"fine"}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, want) {
				t.Errorf("%s: own review: %d", lang, resp.StatusCode)
			}
		}
		resp, body := env.postAs(t, officer, "es", fmt.Sprintf("/aid/evidence/%d/review", theirs), url.Values{"decision": {"accept"}, "reason": {"  "}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Obligatorio.") {
			t.Errorf("review without a reason: %d", resp.StatusCode)
		}
		resp, _ = env.postAs(t, officer, "en", fmt.Sprintf("/aid/evidence/%d/review", theirs), url.Values{"decision": {"accept"}, "reason": {"Matches the shelter's published counts"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", resp.StatusCode)
		}
		_, page = env.getAs(t, officer, "en", resp.Header.Get("Location"))
		if !strings.Contains(page, `id="evidence-reviewed"`) || strings.Contains(page, "Shelter report") || !strings.Contains(page, "Officer note") {
			t.Errorf("after the review:\n%s", page)
		}
		_, raw := env.do(t, "GET", "/api/v1/aid/evidence", "", "")
		var items []map[string]any
		if err := json.Unmarshal(raw, &items); err != nil || len(items) != 1 || items[0]["title"] != "Shelter report" || items[0]["review_reason"] != "Matches the shelter's published counts" {
			t.Errorf("public evidence: %v %s", err, raw)
		}
	})
}

// TestAidFactForm: an officer records an institutional fact with its
// citation from a form (made-up test input); a bad key, end date and a
// missing citation are re-shown beside their fields in English and
// Spanish; nothing refused is stored.
func TestAidFactForm(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	officer := env.tokens[auth.RoleAidOfficer]
	bad := url.Values{"country": {"GTM"}, "key": {"CICIG Operating"}, "holds": {"1"}, "valid_from": {"2007-09-04"}, "valid_to": {"2001-01-01"}, "citation": {""}}
	for lang, want := range map[string][]string{
		"en": {"Lower-case letters, digits and _ only", "Leave empty, or a date (YYYY-MM-DD) after the start.", "Required."},
		"es": {"Solo minúsculas, dígitos y _", "Déjelo vacío, o una fecha", "Obligatorio."},
	} {
		resp, body := env.postAs(t, officer, lang, "/aid/facts", bad)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: bad fact: %d", lang, resp.StatusCode)
		}
		for _, w := range append(want, `value="CICIG Operating"`, `id="fact-key-err"`, `id="fact-valid_to-err"`, `id="fact-citation-err"`) {
			if !strings.Contains(body, w) {
				t.Errorf("%s: re-shown fact form lacks %s", lang, w)
			}
		}
	}
	if _, raw := env.do(t, "GET", "/api/v1/aid/facts", "", ""); strings.TrimSpace(string(raw)) != "[]" {
		t.Errorf("a refused fact was stored: %s", raw)
	}
	good := url.Values{"country": {"gtm"}, "key": {"test_commission_operating"}, "holds": {"1"}, "valid_from": {"2007-09-04"}, "valid_to": {"2019-09-03"},
		"citation": {"Test citation"}, "citation_url": {"https://example.org/commission"}}
	resp, _ := env.postAs(t, officer, "en", "/aid/facts", good)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/aid/facts?recorded=") {
		t.Fatalf("record fact: %d", resp.StatusCode)
	}
	_, page := env.getAs(t, officer, "es", resp.Header.Get("Location"))
	for _, w := range []string{`id="fact-recorded"`, "<code>test_commission_operating</code>", "se cumple", `<a href="https://example.org/commission" rel="external">Test citation</a>`, "2019-09-03"} {
		if !strings.Contains(page, w) {
			t.Errorf("facts page lacks %s", w)
		}
	}
	if resp, _ := env.uxPost(t, auth.RoleCivilSociety, "en", "/aid/facts", good); resp.StatusCode != http.StatusForbidden {
		t.Errorf("civil society recording a fact: %d", resp.StatusCode)
	}
}
