package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// cwPlaced is a teen girl placed by the admin in a new facility whose
// caseworker and supervisor are assigned to it.
func cwPlaced(t *testing.T, env *testEnv, facility string) (caseID, facID int64) {
	t.Helper()
	facID = cwFacility(t, env, facility)
	op := auth.OperatorContext(t.Context(), "test")
	for _, r := range []auth.Role{auth.RoleCaseworker, auth.RoleSupervisor} {
		if err := env.srv.svc.Facilities.AssignFacility(op, cwUserID(t, env, r), facID); err != nil {
			t.Fatal(err)
		}
	}
	enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
	c := env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","state":"in_border_custody","encountered_at":"`+enc+`"}`, 201)
	caseID = int64(c["id"].(float64))
	base := fmt.Sprintf("/api/v1/cases/%d", caseID)
	env.call(t, "POST", base+"/transitions", auth.RoleAdmin, `{"state":"referred","reason":"designation"}`, 200)
	env.call(t, "POST", base+"/placements", auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%d}`, facID), 200)
	return caseID, facID
}

// cwRequested is cwPlaced with a vetted parent sponsor and a release
// requested by role.
func cwRequested(t *testing.T, env *testEnv, role auth.Role, facility string) (caseID, relID int64) {
	t.Helper()
	caseID, _ = cwPlaced(t, env, facility)
	sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleCaseworker, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","surnames":"Tiul Caal","relationship":"parent","us_state":"CA"}`, caseID), 201)
	spID := int64(sp["id"].(float64))
	for _, st := range []string{"identity_proof", "relationship_proof", "public_records_check", "sex_offender_registry_check"} {
		env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleCaseworker, `{"step":"`+st+`","result":"passed","notes":"document on file"}`, 200)
	}
	rel := env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/releases", caseID), role, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 201)
	return caseID, int64(rel["id"].(float64))
}

// TestApprovalQueue: the supervisor's home page and the API list the
// pending release with its summary; the confirmation step refuses an
// unticked box beside it, in Spanish too, then approves.
func TestApprovalQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		caseID, relID := cwRequested(t, env, auth.RoleCaseworker, "Casa Alba")

		env.call(t, "GET", "/api/v1/releases/pending", auth.RoleCaseworker, "", 403)
		q := env.call(t, "GET", "/api/v1/releases/pending", auth.RoleSupervisor, "", 200)
		items := q["releases"].([]any)
		if len(items) != 1 {
			t.Fatalf("queue %v", q)
		}
		it := items[0].(map[string]any)
		if it["child_name"] != "Ana Tiul" || it["sponsor"].(map[string]any)["category"] != "1" || it["requested_by_caller"] != false {
			t.Errorf("queue item %v", it)
		}
		if s := fmt.Sprint(it["steps"]); strings.Count(s, "caseworker@example.org") != 4 {
			t.Errorf("steps do not say who recorded them: %s", s)
		}

		resp, homeB := env.do(t, "GET", "/", env.tokens[auth.RoleSupervisor], "")
		home := string(homeB)
		if resp.StatusCode != 200 {
			t.Fatalf("home: %d", resp.StatusCode)
		}
		for _, want := range []string{`id="approval-queue"`, "Ana Tiul", "Rosa Tiul Caal", "category 1", "4 required vetting steps passed", "caseworker@example.org", fmt.Sprintf(`href="/releases/%d"`, relID)} {
			if !strings.Contains(home, want) {
				t.Errorf("home page lacks %q", want)
			}
		}
		if _, home := env.do(t, "GET", "/", env.tokens[auth.RoleCaseworker], ""); strings.Contains(string(home), "approval-queue") {
			t.Error("a caseworker's home shows the approval queue")
		}

		path := fmt.Sprintf("/releases/%d", relID)
		resp, pageB := env.do(t, "GET", path, env.tokens[auth.RoleSupervisor], "")
		page := string(pageB)
		if resp.StatusCode != 200 || !strings.Contains(page, `id="confirm-approve"`) || strings.Count(page, "caseworker@example.org") < 4 {
			t.Fatalf("confirmation page: %d", resp.StatusCode)
		}
		resp, page = env.uxPost(t, auth.RoleSupervisor, "es", path+"/approve", url.Values{})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="confirm-box-error"`) || !strings.Contains(page, "Marque la casilla") {
			t.Fatalf("unticked: %d", resp.StatusCode)
		}
		env.call(t, "GET", fmt.Sprintf("/api/v1/cases/%d", caseID), auth.RoleAdmin, "", 200)
		resp, _ = env.uxPost(t, auth.RoleSupervisor, "en", path+"/approve", url.Values{"confirm": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/cases/%d#release", caseID) {
			t.Fatalf("approve: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		v := env.call(t, "GET", fmt.Sprintf("/api/v1/cases/%d", caseID), auth.RoleAdmin, "", 200)
		if v["case"].(map[string]any)["state"] != "released" {
			t.Errorf("after approval: %v", v["case"])
		}
		if resp, _ := env.uxPost(t, auth.RoleSupervisor, "en", path+"/approve", url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("approving twice: %d", resp.StatusCode)
		}
	})
}

// TestRequesterSeesNoApprove: the admin who requested a release sees it
// in the queue as theirs, with no Approve button on the home page, the
// confirmation page or the case page.
func TestRequesterSeesNoApprove(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	caseID, relID := cwRequested(t, env, auth.RoleAdmin, "Casa Alba")
	home := env.page(t, "/")
	if !strings.Contains(home, "You requested this release") || strings.Contains(home, fmt.Sprintf(`href="/releases/%d"`, relID)) {
		t.Errorf("the requester's home offers the approval")
	}
	page := env.page(t, fmt.Sprintf("/releases/%d", relID))
	if !strings.Contains(page, `id="confirm-own"`) || strings.Contains(page, `id="confirm-approve"`) {
		t.Errorf("the requester's confirmation page offers the approval")
	}
	cp := env.page(t, fmt.Sprintf("/cases/%d", caseID))
	if !strings.Contains(cp, fmt.Sprintf(`id="approve-%d-own"`, relID)) || strings.Contains(cp, fmt.Sprintf(`id="approve-%d"`, relID)) {
		t.Errorf("the requester's case page offers the approval")
	}
	resp, _ := env.uxPost(t, auth.RoleAdmin, "en", fmt.Sprintf("/releases/%d/approve", relID), url.Values{"confirm": {"yes"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("self-approval by a forged form: %d", resp.StatusCode)
	}
	// The supervisor, a second person, sees the link on the case page.
	resp, b := env.do(t, "GET", fmt.Sprintf("/cases/%d", caseID), env.tokens[auth.RoleSupervisor], "")
	if resp.StatusCode != 200 || !strings.Contains(string(b), fmt.Sprintf(`id="approve-%d"`, relID)) {
		t.Errorf("supervisor's case page: %d", resp.StatusCode)
	}
}

// TestBrowserApprovalQueue: the supervisor signs in, finds the release on
// the home page, reviews the summary, confirms and approves.
func TestBrowserApprovalQueue(t *testing.T) {
	ctx := chromeContext(t)
	env := newTestEnv(t, storetest.OpenSQLite(t))
	_, relID := cwRequested(t, env, auth.RoleCaseworker, "Casa Alba")
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	if err := chromedp.Do(ctx,
		chromedp.Navigate(env.ts.URL+"/login?next=/"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "supervisor@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#approval-queue")),
	); err != nil {
		t.Fatal(err)
	}
	if got := browserText(t, ctx, fmt.Sprintf("#queue-%d", relID)); !strings.Contains(got, "Rosa Tiul Caal") || !strings.Contains(got, "caseworker@example.org") {
		t.Errorf("queue line %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css(fmt.Sprintf("#review-%d", relID))),
		chromedp.WaitVisible(css("#confirm-steps")),
	); err != nil {
		t.Fatal(err)
	}
	if got := browserText(t, ctx, "#confirm-steps"); strings.Count(got, "caseworker@example.org") != 4 {
		t.Errorf("steps shown %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css("#confirm-box")),
		chromedp.Click(css("#confirm-approve")),
		chromedp.WaitVisible(css(`#case-state[data-state="released"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+"/"), chromedp.WaitVisible(css("#queue-empty"))); err != nil {
		t.Errorf("queue after approval: %v", err)
	}
}
