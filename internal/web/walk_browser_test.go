package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserFormsKeepWork walks a child's case through the pages in a
// real browser, in English and in Spanish: intake, state change,
// placement, sponsor, vetting, release request. Each form is first sent
// once with a mistake: the page comes back with what was typed and the
// problem, in the page's language, right after its field. Each step is a
// method of caseWalk so that later steps (approval from the queue,
// follow-up) can be added as methods of their own.
func TestBrowserFormsKeepWork(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","city":"San Antonio","us_state":"TX","languages":["Spanish"],"beds":[{"sex":"F","age_band":"13-17","capacity":4}]}`, 201)
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			w := &caseWalk{t: t, ctx: chromeContext(t), env: env, lang: lang}
			w.signIn("admin")
			w.intake()
			w.changeState()
			w.place()
			sponsor := w.addSponsor()
			w.vet(sponsor)
			w.requestRelease()
		})
	}
}

// caseWalk is one person walking a case through the pages in one language.
type caseWalk struct {
	t       *testing.T
	ctx     context.Context
	env     *testEnv
	lang    string
	caseURL string // the case's page, once made
}

func (w *caseWalk) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, actions...); err != nil {
		w.t.Fatalf("%s: %v", step, err)
	}
}

func (w *caseWalk) js(expr string) string {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		w.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (w *caseWalk) value(sel string) string {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		w.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

func (w *caseWalk) tr(key string, args ...any) string {
	return w.env.srv.kit.translate(w.lang, key, args...)
}

// kept checks that each field still holds what was typed.
func (w *caseWalk) kept(step string, typed map[string]string) {
	w.t.Helper()
	for sel, want := range typed {
		if got := w.value(sel); got != want {
			w.t.Errorf("%s: %s holds %q after the refusal, typed %q", step, sel, got, want)
		}
	}
}

// besideField checks that the problem errID is shown right after the
// field (or the box holding it), in the page's language.
func (w *caseWalk) besideField(step, errID, field, want string) {
	w.t.Helper()
	w.run(step+": the problem shown", chromedp.WaitVisible(chromedp.CSS("#"+errID)))
	got := w.js(fmt.Sprintf(`(() => { const e = document.getElementById(%q), f = document.querySelector(%q), p = e.previousElementSibling;
		return (p === f || (p && p.contains(f))) ? e.textContent : "not beside " + %q; })()`, errID, field, field))
	if got != want {
		w.t.Errorf("%s: %s reads %q, want %q beside %s", step, errID, got, want, field)
	}
}

func (w *caseWalk) signIn(role string) {
	w.run("sign in",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(w.env.ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), role+"@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".account a.who")),
		chromedp.Navigate(w.env.ts.URL+"/lang/"+w.lang+"?next=/"),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="`+w.lang+`"] .account a.who`)),
	)
}

// intake: an approximate age with nothing said of what it rests on is
// refused (the browser cannot know); then the evidence is added.
func (w *caseWalk) intake() {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.run("intake form",
		chromedp.Navigate(w.env.ts.URL+"/cases/new"),
		chromedp.WaitVisible(css("#intake-form")),
		chromedp.SendKeys(css("#given_names"), "María José"),
		chromedp.SendKeys(css("#surname1"), "Tiul"),
		chromedp.SetValue(css("#sex"), "F"),
		chromedp.SendKeys(css("#approx_age"), "14"),
		chromedp.SendKeys(css("#encounter_place"), "Hidalgo, puerto de entrada"),
		chromedp.Click(css("#intake-submit")),
	)
	w.besideField("intake", "intake-birth_date_evidence-error", "#birth_date_evidence", w.tr("children.err.estimate_evidence"))
	w.kept("intake", map[string]string{"#given_names": "María José", "#surname1": "Tiul", "#sex": "F", "#approx_age": "14", "#encounter_place": "Hidalgo, puerto de entrada"})
	w.run("intake corrected",
		chromedp.SendKeys(css("#birth_date_evidence"), "el relato de la niña"),
		chromedp.Click(css("#intake-submit")),
		chromedp.WaitVisible(css("#case-state")),
	)
	loc, err := chromedp.Run(w.ctx, chromedp.Location())
	if err != nil {
		w.t.Fatal(err)
	}
	w.caseURL = loc
	if h1 := w.js(`document.querySelector("h1").textContent`); !strings.Contains(h1, "María José Tiul") {
		w.t.Errorf("case heading %q", h1)
	}
}

// changeState: closing for "another reason" without the reason is
// refused; then the case goes to border custody and is referred.
func (w *caseWalk) changeState() {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.run("state change",
		chromedp.SetValue(css("#transition-state"), "closed_other"),
		chromedp.Click(css("#transition-submit")),
	)
	w.besideField("state change", "transition-reason-error", "#transition-reason", w.tr("children.err.close_reason"))
	w.kept("state change", map[string]string{"#transition-state": "closed_other"})
	for _, to := range []string{"in_border_custody", "referred"} {
		w.run("state "+to,
			chromedp.SetValue(css("#transition-state"), to),
			chromedp.Click(css("#transition-submit")),
			chromedp.WaitVisible(css(`#case-state[data-state="`+to+`"]`)),
		)
	}
}

// place: no facility chosen is refused with the reason kept; then the
// first recommended one.
func (w *caseWalk) place() {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.js(`document.querySelectorAll('#place-form input[name=facility_id]').forEach(r => r.checked = false), ""`)
	w.run("placement",
		chromedp.SendKeys(css("#place-reason"), "cama más cercana"),
		chromedp.Click(css("#place-submit")),
	)
	w.besideField("placement", "place-facility_id-error", "#place-form input[name=facility_id]", w.tr("children.err.choose_facility"))
	w.kept("placement", map[string]string{"#place-reason": "cama más cercana"})
	w.run("placement corrected",
		chromedp.Click(css("#place-form input[name=facility_id]")),
		chromedp.Click(css("#place-submit")),
		chromedp.WaitVisible(css(`#case-state[data-state="placed"]`)),
	)
}

// addSponsor: a household line with no name is refused; then the sponsor
// is recorded. It returns the sponsor's page.
func (w *caseWalk) addSponsor() string {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.run("sponsor",
		chromedp.Click(css("#sponsor-details summary")),
		chromedp.SendKeys(css("#sponsor-given"), "Rosa"),
		chromedp.SendKeys(css("#sponsor-surnames"), "Tiul Caal"),
		chromedp.SetValue(css("#sponsor-rel"), "aunt"),
		chromedp.SendKeys(css("#sponsor-state"), "TX"),
		chromedp.SendKeys(css("#sponsor-form textarea[name=household]"), ", primo"),
		chromedp.Click(css("#sponsor-submit")),
	)
	w.besideField("sponsor", "sponsor-household-error", "#sponsor-form textarea[name=household]", w.tr("children.err.household_name", "1"))
	w.kept("sponsor", map[string]string{"#sponsor-given": "Rosa", "#sponsor-surnames": "Tiul Caal", "#sponsor-rel": "aunt", "#sponsor-state": "TX", "#sponsor-form textarea[name=household]": ", primo"})
	w.run("sponsor corrected",
		chromedp.SetValue(css("#sponsor-form textarea[name=household]"), "Luis Tiul, primo"),
		chromedp.Click(css("#sponsor-submit")),
		chromedp.WaitVisible(css("#checklist")),
	)
	loc, err := chromedp.Run(w.ctx, chromedp.Location())
	if err != nil {
		w.t.Fatal(err)
	}
	return loc
}

// vet: "passed" without a note is refused; then every required step is
// recorded as passed with its evidence.
func (w *caseWalk) vet(sponsorURL string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	row := `#checklist tr[data-step="identity_proof"] `
	w.run("vetting",
		chromedp.SetValue(css(row+"select[name=result]"), "passed"),
		chromedp.Click(css("#vet-identity_proof")),
	)
	w.besideField("vetting", "vet-identity_proof-notes-error", row+"input[name=notes]", w.tr("sponsors.err.evidence"))
	w.kept("vetting", map[string]string{row + "select[name=result]": "passed"})
	required := strings.Fields(w.js(`Array.from(document.querySelectorAll('#checklist tbody tr')).filter(r => r.cells[1].querySelector('strong')).map(r => r.dataset.step).join(' ')`))
	if len(required) == 0 {
		w.t.Fatal("no required vetting step on the checklist")
	}
	for _, step := range required {
		row := `#checklist tr[data-step="` + step + `"] `
		w.run("vetting "+step,
			chromedp.SetValue(css(row+"select[name=result]"), "passed"),
			chromedp.SendKeys(css(row+"input[name=notes]"), "expediente 2026-"+step),
			chromedp.Click(css("#vet-"+step)),
			chromedp.WaitVisible(css(row+"span.ok")),
		)
	}
	w.run("vetting complete", chromedp.WaitVisible(css("#vetting-complete")))
}

// requestRelease: no sponsor chosen (the browser's own check set aside,
// as an older browser would) is refused beside the choice; then the
// release is requested and awaits a second person.
func (w *caseWalk) requestRelease() {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.run("release form", chromedp.Navigate(w.caseURL), chromedp.WaitVisible(css("#release-form")))
	w.js(`document.getElementById('release-sponsor').removeAttribute('required'), ""`)
	w.run("release", chromedp.Click(css("#release-submit")))
	w.besideField("release", "release-sponsor_id-error", "#release-sponsor", w.tr("children.err.choose_sponsor"))
	sponsor := w.js(`document.querySelector('#release-sponsor option:not([value=""])').value`)
	w.run("release corrected",
		chromedp.SetValue(css("#release-sponsor"), sponsor),
		chromedp.Click(css("#release-submit")),
		chromedp.WaitVisible(css(`p[id^="release-"]`)),
	)
	if got := w.js(`document.querySelector('p[id^="release-"]').textContent`); !strings.Contains(got, w.tr("children.release.requested")) {
		w.t.Errorf("release line %q does not say it awaits approval", got)
	}
}
