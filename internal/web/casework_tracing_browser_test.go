package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserCaseTracing: a caseworker on a phone (390 px) finds the
// confirmed relative in the case page's Tracing section, reached from the
// table of contents, without the page growing wider than the screen, and
// follows the link to the tracing record.
func TestBrowserCaseTracing(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	caseID, _ := cwPlaced(t, env, "Casa Alba")
	body := `{"seeker": {"given_names": "Lucía Guadalupe Esperanza", "surnames": "Caal Tiul de la Cruz Hernández", "relationship": "aunt", "contact": "+502 5555 0100"},
		"sought": {"given_names": "Ana", "surname1": "Tiul", "sex": "F", "birth_date": "2012-02-02"}}`
	resp, b := env.do(t, "POST", "/api/v1/tracing/requests", env.tokens[auth.RoleAdmin], body)
	if resp.StatusCode != 201 {
		t.Fatalf("tracing request: %d %s", resp.StatusCode, b)
	}
	_, cand := cwTracingRequest(t, env, caseID, "Rosa", "aunt")
	env.call(t, "POST", fmt.Sprintf("/api/v1/tracing/candidates/%d/decision", cand), auth.RoleAdmin, `{"status": "confirmed"}`, 200)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(env.ts.URL+fmt.Sprintf("/login?next=/cases/%d", caseID)),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "caseworker@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#case-toc")),
		chromedp.Click(css(`#case-toc a[href="#tracing"]`)),
		chromedp.WaitVisible(css("#tracing-relatives")),
	); err != nil {
		t.Fatal(err)
	}
	if got := browserText(t, ctx, "#tracing-pending"); !strings.Contains(got, "Matches waiting for a decision: 1.") {
		t.Errorf("pending matches: %q", got)
	}
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if w[0] > w[1] {
		t.Errorf("the case page at 390 px is %d px wide, the window %d", w[0], w[1])
	}
	if got := browserText(t, ctx, "#tracing-relatives"); !strings.Contains(got, "Rosa Caal") {
		t.Errorf("the relative is not shown: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#tracing-relatives a")), chromedp.WaitVisible(css("#request-status"))); err != nil {
		t.Fatal(err)
	}
	if got := browserText(t, ctx, "#tracing-links"); !strings.Contains(got, fmt.Sprint(caseID)) {
		t.Errorf("the tracing record does not show the link to case %d: %q", caseID, got)
	}
}
