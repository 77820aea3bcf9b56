package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserFormsKeepWork walks a child's case through the pages in a
// real browser, in English and in Spanish, as the people who do each
// step: the admin takes the child in and refers her; the caseworker
// assigned to the facility places her, records the sponsor, vets and
// requests the release, and is offered no Approve button; the
// supervisor approves it from the queue on the home page and records
// the first follow-up call. Each form is first sent once with a mistake:
// the page comes back with what was typed and the problem, in the page's
// language, right after its field.
func TestBrowserFormsKeepWork(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			// A store of its own per language: the same girl taken in
			// twice would (rightly) stop at the possible-duplicate page.
			env := newTestEnv(t, storetest.OpenSQLite(t))
			fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","city":"San Antonio","us_state":"TX","languages":["Spanish"],"beds":[{"sex":"F","age_band":"13-17","capacity":4}]}`, 201)
			// A facility she is not assigned to: not hers to place in.
			env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Otra","type":"shelter","tz":"America/Chicago","city":"Houston","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":9}]}`, 201)
			op := auth.OperatorContext(t.Context(), "test")
			for _, r := range []auth.Role{auth.RoleCaseworker, auth.RoleSupervisor} {
				if err := env.srv.svc.Facilities.AssignFacility(op, cwUserID(t, env, r), int64(fac["id"].(float64))); err != nil {
					t.Fatal(err)
				}
			}
			w := &caseWalk{t: t, ctx: chromeContext(t), env: env, lang: lang}
			w.signIn("admin")
			w.intake()
			w.changeState()
			w.signIn("caseworker")
			w.place()
			sponsor := w.addSponsor()
			w.vet(sponsor)
			rid := w.requestRelease()
			w.noApproveForRequester(rid)
			w.signIn("supervisor")
			w.approveFromQueue(rid)
			w.followUp()
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

// run does a step's actions, each step within 20 s so that a page that
// never shows what is awaited fails with what it shows instead.
func (w *caseWalk) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		page, _ := chromedp.Run(w.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 1500)`))
		w.t.Fatalf("%s: %v; the page:\n%s", step, err, page)
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

// signIn signs in as the test account of role, over whoever is signed
// in already (as a shared shelter computer is used), then picks the
// walk's language.
func (w *caseWalk) signIn(role string) {
	who := chromedp.Search(`//a[@class="who"][starts-with(normalize-space(.), "` + role + `@example.org")]`)
	w.run("sign in as "+role,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(w.env.ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), role+"@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(who),
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

// place: the caseworker opens the referred child's case; no facility
// chosen is refused with the reason kept; then the first recommended
// one (her own).
func (w *caseWalk) place() {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.run("case page", chromedp.Navigate(w.caseURL), chromedp.WaitVisible(css("#place-form")))
	if got := w.js(`Array.from(document.querySelectorAll('#place-form label[for^="fac-"]')).map(l => l.textContent).join(", ")`); got != "Casa Alba" {
		w.t.Errorf("the caseworker is offered %q, want only her facility Casa Alba", got)
	}
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
// release is requested and awaits a second person. It returns the
// release's id.
func (w *caseWalk) requestRelease() string {
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
	return strings.TrimPrefix(w.js(`document.querySelector('p[id^="release-"]').id`), "release-")
}

// noApproveForRequester: the caseworker who asked for the release is
// offered no way to approve it, on the case page or the home page.
func (w *caseWalk) noApproveForRequester(rid string) {
	w.t.Helper()
	link := `a[href="/releases/` + rid + `"], #approve-` + rid + `, #approval-queue, #confirm-approve`
	for _, page := range []string{w.caseURL, w.env.ts.URL + "/"} {
		w.run("requester's page", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(".account a.who")))
		if n := w.js(`String(document.querySelectorAll(` + fmt.Sprintf("%q", link) + `).length)`); n != "0" {
			w.t.Errorf("%s offers the requester %s way(s) to approve release %s", page, n, rid)
		}
	}
}

// approveFromQueue: the supervisor finds the release on the home page,
// reviews it, and sends the approval without ticking the confirmation
// (the browser's own check set aside): refused beside the box, nothing
// approved; then ticks it and the child is released.
func (w *caseWalk) approveFromQueue(rid string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	w.run("approval queue",
		chromedp.Navigate(w.env.ts.URL+"/"),
		chromedp.WaitVisible(css("#queue-"+rid)),
		chromedp.Click(css("#review-"+rid)),
		chromedp.WaitVisible(css("#confirm-steps")),
	)
	if got := w.js(`document.getElementById("confirm-sponsor").textContent`); got != "Rosa Tiul Caal" {
		w.t.Errorf("confirmation names the sponsor %q", got)
	}
	if got := w.js(`document.getElementById("confirm-steps").textContent`); !strings.Contains(got, "caseworker@example.org") {
		w.t.Errorf("confirmation does not say who vetted: %q", got)
	}
	w.js(`document.getElementById('confirm-box').removeAttribute('required'), ""`)
	w.run("approval", chromedp.Click(css("#confirm-approve")))
	w.besideField("approval", "confirm-box-error", "#confirm-box", w.tr("casework.queue.confirm_needed"))
	if got := w.js(`document.getElementById('confirm-box').checked ? "ticked" : ""`); got != "" {
		w.t.Errorf("approval: the box comes back %q", got)
	}
	w.run("approval confirmed",
		chromedp.Click(css("#confirm-box")),
		chromedp.Click(css("#confirm-approve")),
		chromedp.WaitVisible(css(`#case-state[data-state="released"]`)),
	)
	w.run("queue emptied", chromedp.Navigate(w.env.ts.URL+"/"), chromedp.WaitVisible(css("#approval-queue")))
	if n := w.js(`String(document.querySelectorAll("#queue-` + rid + `").length)`); n != "0" {
		w.t.Errorf("release %s still in the queue after approval", rid)
	}
}

// followUp: a call reached with a concern but no word of what it is is
// refused beside the notes, the answers kept; then the concern is said
// and the call is listed.
func (w *caseWalk) followUp() {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	form := "#followup-form "
	w.run("follow-up form",
		chromedp.Navigate(w.caseURL+"/followups"),
		chromedp.WaitVisible(css("#followup-form")),
		chromedp.SetValue(css(form+"select[name=outcome]"), "concern"),
		chromedp.SetValue(css(form+"select[name=safe]"), "yes"),
		chromedp.SetValue(css(form+"select[name=in_school]"), "no"),
		chromedp.Click(css(form+"button[type=submit]")),
	)
	w.besideField("follow-up", "followup-notes-error", form+"textarea[name=notes]", w.tr("legal.err.followup.notes"))
	w.kept("follow-up", map[string]string{form + "select[name=outcome]": "concern", form + "select[name=safe]": "yes", form + "select[name=in_school]": "no", form + "select[name=knows_court_date]": ""})
	w.run("follow-up corrected",
		chromedp.SendKeys(css(form+"textarea[name=notes]"), "no va a la escuela desde hace dos semanas"),
		chromedp.Click(css(form+"button[type=submit]")),
		chromedp.WaitVisible(css("#followup-attempts")),
	)
	if got := w.js(`document.querySelector("#followup-attempts tbody").textContent`); !strings.Contains(got, w.tr("followup.outcome.concern")) || !strings.Contains(got, "supervisor@example.org") {
		w.t.Errorf("attempts listed %q", got)
	}
	if n := w.js(`String(document.querySelectorAll("#followup-escalations tbody tr").length)`); n != "1" {
		w.t.Errorf("%s escalations after a concern, want 1", n)
	}
}
