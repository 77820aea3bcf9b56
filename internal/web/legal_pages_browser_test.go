package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserLegalPages: in a real browser, signed in as an
// administrator:
//   - the providers page (English): a provider typed with mistakes (a
//     state named in words, a capacity in words) comes back with what was
//     typed and each problem beside its field; fixed, it is listed;
//   - the reintegration hand-off of a repatriated child (Spanish): a
//     hand-off with no kind of agency, a date in the future and no
//     receiver comes back likewise, in Spanish; fixed, it is shown
//     recorded;
//   - the flagged sponsors page (English): one sponsor (same document) for
//     two children, unrelated to one, is flagged with both children listed.
//
// Each of the three pages, and the lost-contact board, is then read at
// phone width (390 px): nothing is wider than the window
// (document.documentElement.scrollWidth <= window.innerWidth).
func TestBrowserLegalPages(t *testing.T) {
	ctx := chromeContext(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		facID := int64(fac["id"].(float64))
		css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}

		// The providers page: mistakes, then fixed.
		err := chromedp.Do(ctx,
			chromedp.Navigate(env.ts.URL+"/legal/providers"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "admin@example.org"),
			chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")),
			chromedp.WaitVisible(css("#provider-form")),
			chromedp.SendKeys(css(`#provider-form input[name="organisation"]`), "Defensa Niñez"),
			chromedp.SendKeys(css(`#provider-form input[name="languages"]`), "Spanish, Mam"),
			chromedp.SendKeys(css(`#provider-form input[name="states"]`), "TX, Texas"),
			chromedp.Click(css(`#provider-form input[name="specialties"][value="sijs"]`)),
			chromedp.SendKeys(css(`#provider-form input[name="capacity"]`), "many"),
			chromedp.Click(css("#provider-form button")),
			chromedp.WaitVisible(css("#provider-states-error")),
		)
		if err != nil {
			t.Fatal(err)
		}
		kept := browserValues(t, ctx, `#provider-form input[name="organisation"]`, `#provider-form input[name="states"]`, `#provider-form input[name="capacity"]`)
		if kept != "Defensa Niñez|TX, Texas|many" || !browserChecked(t, ctx, `#provider-form input[name="specialties"][value="sijs"]`) {
			t.Fatalf("refused provider kept %q", kept)
		}
		if s, c := browserText(t, ctx, "#provider-states-error"), browserText(t, ctx, "#provider-capacity-error"); !strings.Contains(s, "two-letter") || !strings.Contains(c, "from 1 to") {
			t.Fatalf("problems beside the fields: %q, %q", s, c)
		}
		err = chromedp.Do(ctx,
			chromedp.SetValue(css(`#provider-form input[name="states"]`), "TX"),
			chromedp.SetValue(css(`#provider-form input[name="capacity"]`), "12"),
			chromedp.Click(css("#provider-form button")),
			chromedp.WaitVisible(css("#legal-providers")),
		)
		if err != nil {
			t.Fatal(err)
		}
		if list := browserText(t, ctx, "#legal-providers"); !strings.Contains(list, "Defensa Niñez") || !strings.Contains(list, "12 / 12") {
			t.Fatalf("providers listed: %q", list)
		}

		// The hand-off of a repatriated child, in Spanish.
		id := legalPlacedChild(t, env, facID, "Ana")
		env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), auth.RoleAdmin, `{"state":"repatriated","reason":"voluntary departure"}`, 200)
		err = chromedp.Do(ctx,
			chromedp.Navigate(fmt.Sprintf("%s/cases/%d/screening", env.ts.URL, id)),
			chromedp.WaitVisible(css("#reintegration-form")),
			chromedp.Click(css(`a[hreflang="es"]`)),
			chromedp.WaitVisible(css(`html[lang="es"] #reintegration-form`)),
			chromedp.SendKeys(css(`#reintegration-form input[name="agency_name"]`), "Consulado de Guatemala"),
			chromedp.SetValue(css(`#reintegration-form input[name="handed_over_on"]`), "2999-01-01"),
			chromedp.Click(css("#reintegration-form button")),
			chromedp.WaitVisible(css("#reint-agency-kind-error")),
		)
		if err != nil {
			t.Fatal(err)
		}
		if kept := browserValues(t, ctx, `#reintegration-form input[name="agency_name"]`, `#reintegration-form input[name="handed_over_on"]`); kept != "Consulado de Guatemala|2999-01-01" {
			t.Fatalf("refused hand-off kept %q", kept)
		}
		form := browserText(t, ctx, "#reintegration-form")
		if !strings.Contains(form, "Elija el tipo") || !strings.Contains(form, "no en el futuro") || !strings.Contains(form, "Indique quién recibió") {
			t.Fatalf("problems in Spanish beside the fields: %q", form)
		}
		err = chromedp.Do(ctx,
			chromedp.SetValue(css(`#reintegration-form select[name="agency_kind"]`), "consulate"),
			chromedp.SetValue(css(`#reintegration-form input[name="handed_over_on"]`), time.Now().UTC().Format(time.DateOnly)),
			chromedp.SendKeys(css(`#reintegration-form input[name="received_by"]`), "oficial de turno"),
			chromedp.Click(css("#reintegration-form button")),
			chromedp.WaitVisible(css("#reintegration-recorded")),
		)
		if err != nil {
			t.Fatal(err)
		}
		if rec := browserText(t, ctx, "#reintegration-recorded"); !strings.Contains(rec, "Consulado de Guatemala") || !strings.Contains(rec, "oficial de turno") {
			t.Fatalf("hand-off recorded: %q", rec)
		}
		if err := chromedp.Do(ctx, chromedp.Click(css(`a[hreflang="en"]`)), chromedp.WaitVisible(css(`html[lang="en"] #reintegration-recorded`))); err != nil {
			t.Fatal(err)
		}

		// The flagged sponsors page: both children listed.
		a, b := legalPlacedChild(t, env, facID, "Eva"), legalPlacedChild(t, env, facID, "Lia")
		for _, c := range []struct {
			id  int64
			rel string
		}{{a, "parent"}, {b, "unrelated"}} {
			env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Juan","surnames":"Pérez","relationship":%q,"id_document":"MX-1234560","address":"5 Oak Rd","city":"Houston","us_state":"TX"}`, c.id, c.rel), 201)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+"/sponsors/flagged"), chromedp.WaitVisible(css("#flag-0"))); err != nil {
			t.Fatal(err)
		}
		flag := browserText(t, ctx, "#flag-0")
		if !strings.Contains(flag, fmt.Sprintf("#%d", a)) || !strings.Contains(flag, fmt.Sprintf("#%d", b)) || !strings.Contains(flag, "Juan") {
			t.Fatalf("flagged sponsor's children: %q", flag)
		}

		// At phone width nothing is wider than the window.
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 900)); err != nil {
			t.Fatal(err)
		}
		for _, page := range []string{"/legal/providers", fmt.Sprintf("/cases/%d/screening", id), "/sponsors/flagged", "/followups/lost-contact"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+page), chromedp.WaitReady(css("footer.foot"))); err != nil {
				t.Fatalf("%s: %v", page, err)
			}
			w, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil {
				t.Fatal(err)
			}
			if w[0] > w[1] {
				t.Errorf("%s at 390 px: %v px wide in a window of %v", page, w[0], w[1])
			}
		}
		// Sign out, back at laptop width, for the next engine's run.
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Click(css(".account button")), chromedp.WaitVisible(css(`.account a[href="/login"]`))); err != nil {
			t.Fatal(err)
		}
	})
}

// browserValues reads the values of the form fields matching each css,
// joined by "|".
func browserValues(t *testing.T, ctx context.Context, sels ...string) string {
	t.Helper()
	vs := make([]string, len(sels))
	for i, sel := range sels {
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		vs[i] = v
	}
	return strings.Join(vs, "|")
}

// browserChecked reports whether the checkbox matching sel is checked.
func browserChecked(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).checked`, sel)))
	if err != nil {
		t.Fatalf("checked %s: %v", sel, err)
	}
	return b
}
