package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserTracingFlow: an aunt calls; the caseworker of the shelter
// where the boy is placed records her request through the form, sees the
// boy's case ranked first with the weight of each field, confirms the match
// and makes the aunt a sponsor record. It skips loudly when Chromium is
// absent (see chromeContext).
func TestBrowserTracingFlow(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	op := auth.OperatorContext(context.Background(), "test")
	svc := auth.NewService(db)
	adminUser, err := svc.UserByEmail(op, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	cw, err := svc.UserByEmail(op, "caseworker@example.org")
	if err != nil {
		t.Fatal(err)
	}
	admin := auth.NewContext(context.Background(), auth.Principal{UserID: adminUser.ID, Email: adminUser.Email, Role: auth.RoleAdmin})
	sv := env.srv.svc
	fac, err := sv.Facilities.CreateFacility(admin, facilities.Facility{Name: "Casa Sol", Type: "shelter", TZ: "America/Chicago",
		Beds: []facilities.Beds{{Sex: "M", AgeBand: facilities.BandTeen, Capacity: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.Facilities.AssignFacility(admin, cw.ID, fac.ID); err != nil {
		t.Fatal(err)
	}
	tracingCases(t, db, "admin@example.org", tracingCrowd[:3]...)
	c, err := sv.Custody.CreateCase(admin, custody.Intake{Person: identity.Person{GivenNames: "José", Surname1: "López", Surname2: "Pérez", Sex: "M", BirthDate: "2011-05-14", BirthCountry: "Honduras"}, EncounteredAt: time.Now().Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
		if _, err := sv.Custody.Transition(admin, c.ID, s, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sv.Custody.Place(admin, c.ID, fac.ID, "test"); err != nil {
		t.Fatal(err)
	}

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	run("sign in",
		chromedp.Navigate(env.ts.URL+"/login?next=/tracing/new"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "caseworker@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#tracing-new")),
	)
	run("request form",
		chromedp.SendKeys(css(`input[name="seeker.given_names"]`), "Rosa"),
		chromedp.SendKeys(css(`input[name="seeker.surnames"]`), "Pérez Díaz"),
		chromedp.SetValue(css(`select[name="seeker.relationship"]`), "aunt"),
		chromedp.SendKeys(css(`input[name="seeker.contact"]`), "+1 555 0100"),
		chromedp.SendKeys(css(`input[name="sought.given_names"]`), "Pepe"),
		chromedp.SendKeys(css(`input[name="sought.surname1"]`), "Lopez"),
		chromedp.SetValue(css(`select[name="sought.sex"]`), "M"),
		chromedp.SendKeys(css(`input[name="sought.birth_date"]`), "2011"),
		chromedp.Submit(css(`input[name="sought.birth_date"]`)),
		chromedp.WaitVisible(css(".tracing-candidate")),
	)
	if got := browserText(t, ctx, ".tracing-candidate h3"); !strings.Contains(got, "José López Pérez") {
		t.Fatalf("first candidate %q", got)
	}
	if got := browserText(t, ctx, ".tracing-candidate table"); !strings.Contains(got, "Given names") || !strings.Contains(got, "nickname") {
		t.Errorf("explanation %q", got)
	}
	run("confirm", chromedp.Click(css(".tracing-candidate button.confirm")), chromedp.WaitVisible(css("#tracing-links")))
	if got := browserText(t, ctx, "#request-status"); got != "matched" {
		t.Errorf("request status %q", got)
	}
	run("make sponsor", chromedp.Click(css("#tracing-links button")), chromedp.WaitVisible(css("#tracing-links .ok")))
	if got := browserText(t, ctx, "#tracing-links"); !strings.Contains(got, "sponsor record") {
		t.Errorf("links %q", got)
	}
}
