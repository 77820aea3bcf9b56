package web

import (
	"context"
	"fmt"
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

// TestBrowserCustodyFlow drives the whole custody flow through the pages,
// as three people: the intake officer records the child and refers her;
// the admin places her; the caseworker of the shelter proposes a sponsor,
// records the vetting and requests release; the admin approves. It skips
// loudly when Chromium is absent (see chromeContext).
func TestBrowserCustodyFlow(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	op := auth.OperatorContext(context.Background(), "test")
	sv := env.srv.svc
	fac, err := sv.Facilities.CreateFacility(op, facilities.Facility{Name: "Casa Alba", Type: "shelter", TZ: "America/Chicago", City: "San Antonio", USState: "TX",
		Languages: []string{"Spanish"}, Beds: []facilities.Beds{{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	cw, err := auth.NewService(db).UserByEmail(op, "caseworker@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.Facilities.AssignFacility(op, cw.ID, fac.ID); err != nil {
		t.Fatal(err)
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	signIn := func(role string, next string) {
		t.Helper()
		run("sign in as "+role,
			chromedp.Navigate(env.ts.URL+"/login?next="+next),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), role+"@example.org"),
			chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")),
			// The login page has an h1 too: wait for what only a
			// signed-in page shows, or the next step may act on the old page.
			chromedp.WaitVisible(css(".account a.who")),
		)
	}
	signOut := func() {
		t.Helper()
		// From a settled page: clicking while a form's navigation is still
		// under way finds a node that is gone a moment later.
		run("sign out", chromedp.Navigate(env.ts.URL+"/account"), chromedp.WaitVisible(css(".account button")),
			chromedp.Click(css(".account button")), chromedp.WaitVisible(css(`.account a[href="/login"]`)))
	}
	state := func(want string) {
		t.Helper()
		run("wait for state "+want, chromedp.WaitVisible(css(`#case-state[data-state="`+want+`"]`)))
	}

	// The same girl was recorded by the same officer a week ago (a second
	// encounter): the new intake must show her as a possible duplicate.
	in, err := auth.NewService(db).UserByEmail(op, "intake@example.org")
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := sv.Custody.CreateCase(auth.NewContext(op, auth.Principal{UserID: in.ID, Email: in.Email, Role: auth.RoleIntake}),
		custody.Intake{Person: identity.Person{GivenNames: "Maria Jose", Surname1: "Tiul", Sex: "F", BirthDate: "2011-06-15"}, Nationality: "Guatemala", EncounteredAt: time.Now().Add(-7 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	// Intake.
	signIn("intake", "/cases/new")
	run("intake form",
		chromedp.WaitVisible(css("#intake-form")),
		chromedp.SendKeys(css("#given_names"), "María José"),
		chromedp.SendKeys(css("#surname1"), "Tiul"),
		chromedp.SetValue(css("#sex"), "F"),
		chromedp.SetValue(css("#birth_date"), "2011-06-15"),
		chromedp.SendKeys(css("#nationality"), "Guatemala"),
		chromedp.SendKeys(css("#encounter_place"), "Hidalgo port of entry"),
		chromedp.Click(css("#intake-submit")),
		// The girl recorded a week ago is shown before a second record
		// is made; the officer creates this one anyway.
		chromedp.WaitVisible(css("#intake-dups")),
		chromedp.Click(css("#intake-create-anyway")),
	)
	state("encountered")
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	caseURL := strings.TrimPrefix(url, env.ts.URL)
	run("possible duplicates at intake", chromedp.WaitVisible(css("#dup-panel li")))
	if got := browserText(t, ctx, "#dup-list"); !strings.Contains(got, fmt.Sprintf("#%d", earlier.ID)) {
		t.Errorf("possible duplicates shown: %q, want case %d", got, earlier.ID)
	}
	if got := browserText(t, ctx, "h1"); !strings.Contains(got, "María José Tiul") {
		t.Errorf("case heading %q", got)
	}
	if got := browserText(t, ctx, "#deadlines"); !strings.Contains(got, "Notification to HHS") || !strings.Contains(got, "Transfer out of border custody") {
		t.Errorf("deadlines shown: %q", got)
	}
	run("transition to in_border_custody", chromedp.SetValue(css("#transition-state"), "in_border_custody"), chromedp.Click(css("#transition-submit")))
	state("in_border_custody")
	// At referral the case leaves the intake officer's scope.
	run("transition to referred", chromedp.SetValue(css("#transition-state"), "referred"), chromedp.Click(css("#transition-submit")),
		chromedp.WaitVisible(css("#handed-over")))
	signOut()

	// Admin places the child, choosing the recommended facility.
	signIn("admin", caseURL)
	state("referred")
	run("place", chromedp.Click(css("#place-submit")))
	state("placed")
	if got := browserText(t, ctx, "#case-facility"); got != "Casa Alba" {
		t.Errorf("placed in %q", got)
	}
	run("board", chromedp.Navigate(env.ts.URL+"/board"), chromedp.WaitVisible(css("#board-items")))
	// The occupancy chart is drawn by Chart.js (the SVG fallback hides).
	run("facilities", chromedp.Navigate(env.ts.URL+"/facilities"), chromedp.WaitVisible(css("#facilities")),
		chromedp.WaitVisible(css("figure.occ-chart canvas")), chromedp.WaitNotVisible(css("figure.occ-chart .occ-svg")))
	if got := browserText(t, ctx, "#occ-total"); got != "1" {
		t.Errorf("children in care shown as %q", got)
	}
	signOut()

	// The shelter's caseworker: an identity correction, then sponsor,
	// vetting, release request.
	signIn("caseworker", caseURL)
	state("placed")
	run("correct the identity",
		chromedp.Click(css("#identity-details summary")),
		chromedp.WaitVisible(css("#identity-reason")),
		chromedp.SetValue(css(`#identity-form input[name="mother_name"]`), "Rosa Caal Tiul"),
		chromedp.SendKeys(css("#identity-reason"), "her birth certificate"),
		chromedp.Click(css("#identity-submit")),
		chromedp.WaitVisible(css(`#case-mother[data-set]`)),
	)
	if got := browserText(t, ctx, "#case-mother"); got != "Rosa Caal Tiul" {
		t.Errorf("mother's name after the correction: %q", got)
	}
	run("add sponsor",
		chromedp.Click(css("#sponsor-details summary")),
		chromedp.WaitVisible(css("#sponsor-given")),
		chromedp.SendKeys(css("#sponsor-given"), "Rosa"),
		chromedp.SetValue(css("#sponsor-rel"), "aunt"),
		chromedp.SendKeys(css("#sponsor-state"), "CA"),
		chromedp.Click(css("#sponsor-submit")),
		chromedp.WaitVisible(css("#checklist")),
	)
	if got := browserText(t, ctx, "#sponsor-category"); got != "2B" {
		t.Errorf("an aunt is category %q, want 2B", got)
	}
	spURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	sponsorID := spURL[strings.LastIndex(spURL, "/")+1:]
	for _, step := range []string{"identity_proof", "relationship_proof", "public_records_check", "sex_offender_registry_check", "fingerprint_background_check"} {
		row := fmt.Sprintf(`tr[data-step="%s"] `, step)
		run("vet "+step, chromedp.SetValue(css(row+`select[name="result"]`), "passed"), chromedp.SendKeys(css(row+`input[name="notes"]`), "doc 1"),
			chromedp.Click(css("#vet-"+step)), chromedp.WaitVisible(css(row+".ok")))
	}
	run("checklist complete", chromedp.WaitVisible(css("#vetting-complete")))
	run("request release",
		chromedp.Navigate(env.ts.URL+caseURL),
		chromedp.WaitVisible(css("#release-submit")),
		// The sponsor list has no default: the person chooses.
		chromedp.SetValue(css("#release-sponsor"), sponsorID),
		chromedp.Click(css("#release-submit")),
		// p#release-N, the release record: the form's own ids start with
		// "release-" too, so a looser selector would match the old page.
		chromedp.WaitVisible(css(`p[id^="release-"]`)),
	)
	state("placed")
	signOut()

	// A second person, the admin, approves.
	signIn("admin", caseURL)
	run("approve", chromedp.WaitVisible(css(`a[id^="approve-"]`)), chromedp.Click(css(`a[id^="approve-"]`)),
		chromedp.WaitVisible(css("#confirm-box")), chromedp.Click(css("#confirm-box")), chromedp.Click(css("#confirm-approve")))
	state("released")
	if got := browserText(t, ctx, "#timeline"); !strings.Contains(got, "release approved") || !strings.Contains(got, "caseworker@example.org") {
		t.Errorf("timeline %q", got)
	}
	// Spanish.
	run("spanish", chromedp.Click(css(`a[hreflang="es"]`)), chromedp.WaitVisible(css(`html[lang="es"] #case-state`)))
	if got := browserText(t, ctx, "#case-state"); got != "entregado/a a patrocinador" {
		t.Errorf("Spanish state %q", got)
	}
}
