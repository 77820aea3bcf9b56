package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/legal"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserLegalFlow: in a real browser, a child is screened (the flags
// name their answers and the page says they are advice), referred to the
// best-ranked provider, and accepted from the queue, which then empties.
func TestBrowserLegalFlow(t *testing.T) {
	ctx := chromeContext(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		id := legalPlacedChild(t, env, int64(fac["id"].(float64)), "Ana")
		env.call(t, "POST", "/api/v1/legal/providers", auth.RoleAdmin, `{"organisation":"Kids Law","languages":["Mam"],"states":["TX"],"specialties":["asylum"],"capacity":2}`, 201)
		css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(fmt.Sprintf("%s/cases/%d/screening", env.ts.URL, id)),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "admin@example.org"),
			chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")),
			chromedp.WaitVisible(css("#legal-screening-form")),
		}
		for _, q := range legal.Questions {
			v := "no"
			if q.Key == "fear_return" || q.Key == "gang_threat" {
				v = "yes"
			}
			actions = append(actions, chromedp.Click(css(fmt.Sprintf(`input[name="answers.%s"][value="%s"]`, q.Key, v))))
		}
		actions = append(actions, chromedp.Click(css("#legal-screening-form button")), chromedp.WaitVisible(css("ul#legal-flags")))
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
		flags, advice := browserText(t, ctx, "#legal-flags"), browserText(t, ctx, "#legal-advice")
		if !strings.Contains(flags, "Asylum") || !strings.Contains(flags, "gang threats or recruitment") || !strings.Contains(advice, "never a decision") {
			t.Fatalf("flags %q, advice %q", flags, advice)
		}
		matches := browserText(t, ctx, "#legal-matches")
		if !strings.Contains(matches, "speaks Mam") {
			t.Fatalf("matches %q", matches)
		}
		if err := chromedp.Do(ctx, chromedp.Click(css("#legal-matches button")), chromedp.WaitVisible(css("#legal-referrals"))); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+"/legal"), chromedp.WaitVisible(css("#legal-queue"))); err != nil {
			t.Fatal(err)
		}
		if q := browserText(t, ctx, "#legal-queue"); !strings.Contains(q, "Ana Tiul") || !strings.Contains(q, "Kids Law") {
			t.Fatalf("queue %q", q)
		}
		if err := chromedp.Do(ctx, chromedp.Click(css(`#legal-queue form[action$="/accept"] button`)), chromedp.WaitVisible(css("#legal-queue-empty"))); err != nil {
			t.Fatal(err)
		}
		// Sign out for the next engine's run.
		if err := chromedp.Do(ctx, chromedp.Click(css(".account button")), chromedp.WaitVisible(css(`.account a[href="/login"]`))); err != nil {
			t.Fatal(err)
		}
	})
}
