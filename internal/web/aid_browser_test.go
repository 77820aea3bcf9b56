package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserAidScorecard: in a real browser, the demo's scorecard for
// Guatemala (the real FY2016 conditions evaluated on the real indicators)
// shows its conditions, statuses and sources, draws its money chart under
// the Content-Security-Policy, and reads in Spanish.
func TestBrowserAidScorecard(t *testing.T) {
	ctx := chromeContext(t)
	db := aidDemoDB(t, nil)
	env := newTestEnv(t, db)
	if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+"/scorecard/GTM"), chromedp.WaitVisible(chromedp.CSS("figure.aid-chart canvas"))); err != nil {
		t.Fatal(err)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var c = document.querySelector('figure.aid-chart canvas');
		return !!(window.Chart && Chart.getChart(c));
	})()`))
	if err != nil || !drawn {
		t.Errorf("money chart not drawn: %v", err)
	}
	text := browserText(t, ctx, "main")
	for _, want := range []string{"7045(a)(3)(B)(vii)", `fact("cicig_operating")`, "wb-wgi-2024", "insufficient evidence", "40,000,000", "CICIG"} {
		if !strings.Contains(text, want) {
			t.Errorf("scorecard lacks %q", want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[hreflang="es"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="es"] figure.aid-chart`))); err != nil {
		t.Fatal(err)
	}
	text = browserText(t, ctx, "main")
	for _, want := range []string{"Resultados de la ayuda condicionada", "evidencia insuficiente", "Comprometido"} {
		if !strings.Contains(text, want) {
			t.Errorf("Spanish scorecard lacks %q", want)
		}
	}
}

// TestBrowserAidOfficerForms: in a real browser, an aid officer signs in,
// creates a package from the aid records page (a bad country is shown
// beside its field with what was typed), adds a tranche and a condition
// whose rule does not compile (its line and column are shown, in Spanish
// after switching), then a rule that compiles; the scorecard explains the
// demo's evaluations in Spanish.
func TestBrowserAidOfficerForms(t *testing.T) {
	ctx := chromeContext(t)
	db := aidDemoDB(t, nil)
	env := newTestEnv(t, db)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	// The page folds its forms in <details>; open them as a person would.
	openForms := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () { document.querySelectorAll("details.aid-form").forEach(function (d) { d.open = true; }); return true; })()`)); err != nil {
			t.Fatal(err)
		}
	}
	browserSignIn(t, ctx, env.ts.URL+"/aid", "aid_officer@example.org", "#package-form")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(css("#package-title"), "Browser package"),
		chromedp.SendKeys(css("#package-donor"), "Donor"),
		chromedp.SendKeys(css("#package-recipient"), "Guatemala"),
		chromedp.SendKeys(css("#package-fiscal_year"), "2016"),
		chromedp.SendKeys(css("#package-currency"), "USD"),
		chromedp.SendKeys(css("#package-legal_basis"), "Act s. 1"),
		chromedp.SendKeys(css("#package-citation"), "A citation"),
		chromedp.Submit(css("#package-citation")),
		chromedp.WaitVisible(css("#package-recipient-err")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := browserText(t, ctx, "#package-recipient-err"); msg != "Must be an ISO 3166 alpha-3 country code." {
		t.Errorf("recipient problem %q", msg)
	}
	typed, err := chromedp.Run(ctx, chromedp.Value(css("#package-title")))
	if err != nil || typed != "Browser package" {
		t.Errorf("title re-shown as %q (%v)", typed, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Clear(css("#package-recipient")),
		chromedp.SendKeys(css("#package-recipient"), "GTM"),
		chromedp.Submit(css("#package-recipient")),
		chromedp.WaitVisible(css("#tranche-form")),
	)
	if err != nil {
		t.Fatal(err)
	}
	openForms()
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#tranche-label"), "25% held"),
		chromedp.SetValue(css("#tranche-due_date"), "2099-09-30"),
		chromedp.Submit(css("#tranche-label")),
		chromedp.WaitVisible(css("section[id^=tranche-]")),
		chromedp.Click(css(`a[hreflang="es"]`)),
		chromedp.WaitVisible(css(`html[lang="es"] #condition-form`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	openForms()
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#condition-wording"), "Reduce homicide"),
		chromedp.SetValue(css("#condition-kind"), "trend"),
		chromedp.SendKeys(css("#condition-rule"), `series("homicides").latest() < 1.0`),
		chromedp.Submit(css("#condition-wording")),
		chromedp.WaitVisible(css("#condition-rule-err")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := browserText(t, ctx, "#condition-rule-err"); !strings.HasPrefix(msg, "Línea 1, columna 8:") {
		t.Errorf("rule problem %q", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.Clear(css("#condition-rule")),
		chromedp.SendKeys(css("#condition-rule"), `series("homicide_rate").latest() < 30.0`),
		chromedp.Submit(css("#condition-wording")),
		chromedp.WaitVisible(css("section[id^=tranche-] code")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if code := browserText(t, ctx, "section[id^=tranche-] code"); code != `series("homicide_rate").latest() < 30.0` {
		t.Errorf("condition shown as %q", code)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+"/scorecard/GTM"), chromedp.WaitVisible(css("figure.aid-chart"))); err != nil {
		t.Fatal(err)
	}
	text := browserText(t, ctx, "main")
	for _, want := range []string{"la regla no se cumple: series(\"wgi_cc\")", "sin regla automática", "fuente wb-wgi-2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("Spanish scorecard lacks %q", want)
		}
	}
}

// TestBrowserAidDecisionWalk: in a real browser, two aid officers take
// two tranches from evaluation to the certification report. In English:
// the first evaluates tranche A as of a date, proposes a release with a
// waiver reason and sees no approve button; the second approves after the
// confirmation step and reads the report. In Spanish: a release of tranche
// B on a failed hard hurdle is refused beside the form with what was
// typed, a withholding is proposed, approved by the other officer, and
// the report reads in Spanish.
func TestBrowserAidDecisionWalk(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	env.secondOfficer(t)
	a, b := decideFixture(t, env)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	trancheURL := func(id int64) string { return fmt.Sprintf("%s/aid/tranches/%d", env.ts.URL, id) }
	signInAs := func(email, next string) {
		t.Helper()
		browserSignIn(t, ctx, next, email, "#evaluate-form")
	}
	signOut := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitNotPresent(css(`form[action="/logout"]`))); err != nil {
			t.Fatal(err)
		}
	}
	has := func(sel string, wants ...string) {
		t.Helper()
		text := browserText(t, ctx, sel)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", sel, w, text)
			}
		}
	}
	approve := func(lang string, confirm string, report ...string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Click(css(`a[id^="approve-"]`)),
			chromedp.WaitVisible(css("#approve-form")),
		); err != nil {
			t.Fatalf("%s: approve link: %v", lang, err)
		}
		has("#approve-form", confirm)
		if err := chromedp.Do(ctx,
			chromedp.Click(css("#approve-form button")),
			chromedp.WaitVisible(css("main table")),
		); err != nil {
			t.Fatalf("%s: confirm: %v", lang, err)
		}
		has("main", report...)
	}

	// English, tranche A: evaluate, propose a release with a waiver.
	signInAs("aid_officer@example.org", trancheURL(a))
	if err := chromedp.Do(ctx,
		chromedp.SetValue(css("#evaluate-as_of"), "2026-01-01"),
		chromedp.Submit(css("#evaluate-as_of")),
		chromedp.WaitVisible(css("#evaluation-results")),
	); err != nil {
		t.Fatal(err)
	}
	has("#evaluation-results", "met", "not met", "long-csv:t.csv", "= 27 (GTM 2016")
	has("#evaluation-outcome", "As of 2026-01-01")
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`#propose-form input[value="release"]`)),
		chromedp.SendKeys(css("#propose-reason"), "Hard hurdle met"),
		chromedp.SendKeys(css("#propose-waiver"), "Soft target missed by little"),
		chromedp.Submit(css("#propose-reason")),
		chromedp.WaitVisible(css("#decision-list span.note")),
	); err != nil {
		t.Fatal(err)
	}
	has("#decision-list", "release", "proposed by you")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[id^="approve-"]').length`)); err != nil || n != 0 {
		t.Errorf("the proposer sees %d approve buttons (%v)", n, err)
	}
	signOut()
	signInAs("aid2@example.org", trancheURL(a))
	approve("en", "Yes, approve this decision", "Certification report", "release", "released", "Waiver: Soft target missed by little", "long-csv:t.csv")

	// Spanish, tranche B: the hard hurdle refuses a release; withhold instead.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(trancheURL(b)),
		chromedp.WaitVisible(css(`a[hreflang="es"]`)),
		chromedp.Click(css(`a[hreflang="es"]`)),
		chromedp.WaitVisible(css(`html[lang="es"] #evaluate-form`)),
		chromedp.SetValue(css("#evaluate-as_of"), "2026-01-01"),
		chromedp.Submit(css("#evaluate-as_of")),
		chromedp.WaitVisible(css("#evaluation-results")),
	); err != nil {
		t.Fatal(err)
	}
	has("#evaluation-results", "no cumplida", "requisito obligatorio", "fuente long-csv:t.csv")
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`#propose-form input[value="release"]`)),
		chromedp.SendKeys(css("#propose-reason"), "Motivo escrito"),
		chromedp.Submit(css("#propose-reason")),
		chromedp.WaitVisible(css("#propose-refusal")),
	); err != nil {
		t.Fatal(err)
	}
	has("#propose-refusal", "Un requisito obligatorio de este tramo no se cumple")
	if typed, err := chromedp.Run(ctx, chromedp.Value(css("#propose-reason"))); err != nil || typed != "Motivo escrito" {
		t.Errorf("reason re-shown as %q (%v)", typed, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`#propose-form input[value="withhold"]`)),
		chromedp.Submit(css("#propose-reason")),
		chromedp.WaitVisible(css("#decision-list span.note")),
	); err != nil {
		t.Fatal(err)
	}
	has("#decision-list", "retener", "propuesta por usted")
	signOut()
	signInAs("aid_officer@example.org", trancheURL(b))
	approve("es", "Sí, aprobar esta decisión", "Informe de certificación", "retener", "retenido", "no cumplida", "Motivo escrito")
}

// TestBrowserAidEvidenceReview: in a real browser, a civil-society
// organisation submits evidence from its page; an aid officer who did
// not submit it reviews it in Spanish (a review without a reason is
// refused beside the field), accepts it with a reason, and the public
// scorecard lists it with that reason.
func TestBrowserAidEvidenceReview(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	decideFixture(t, env) // a GTM package, so that GTM has a scorecard
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	browserSignIn(t, ctx, env.ts.URL+"/aid/evidence/new", "civil_society@example.org", "#evidence-form")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css("#evidence-country"), "GTM"),
		chromedp.SetValue(css("#evidence-stance"), "contradicts"),
		chromedp.SendKeys(css("#evidence-title"), "Shelter intake counts"),
		chromedp.SendKeys(css("#evidence-summary"), "Counts differ from the official ones."),
		chromedp.Submit(css("#evidence-title")),
		chromedp.WaitVisible(css("#evidence-submitted")),
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitNotPresent(css(`form[action="/logout"]`)),
	); err != nil {
		t.Fatal(err)
	}
	browserSignIn(t, ctx, env.ts.URL+"/aid/evidence/review", "aid_officer@example.org", "form[id^=review-form-]")
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`a[hreflang="es"]`)),
		chromedp.WaitVisible(css(`html[lang="es"] form[id^=review-form-]`)),
	); err != nil {
		t.Fatal(err)
	}
	// The browser would stop an empty required field itself; lift that to
	// see the server's refusal, as a form sent without it would get.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () { document.querySelectorAll("textarea[name=reason]").forEach(function (t) { t.required = false; }); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`form[id^=review-form-] button[value="accept"]`)),
		chromedp.WaitVisible(css("form[id^=review-form-] p.error")),
	); err != nil {
		t.Fatal(err)
	}
	if msg := browserText(t, ctx, "form[id^=review-form-] p.error"); msg != "Obligatorio." {
		t.Errorf("reason problem %q", msg)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css("textarea[name=reason]"), "Coincide con los registros publicados"),
		chromedp.Click(css(`form[id^=review-form-] button[value="accept"]`)),
		chromedp.WaitVisible(css("#evidence-reviewed")),
		chromedp.Navigate(env.ts.URL+"/scorecard/GTM"),
		chromedp.WaitVisible(css("main")),
	); err != nil {
		t.Fatal(err)
	}
	text := browserText(t, ctx, "main")
	for _, want := range []string{"Shelter intake counts", "Coincide con los registros publicados"} {
		if !strings.Contains(text, want) {
			t.Errorf("scorecard lacks %q", want)
		}
	}
}
