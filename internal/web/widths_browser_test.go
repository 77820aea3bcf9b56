package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserEveryPageFits: signed in as each role, every page of that
// role's navigation (and, for admin, the detail pages with the widest
// tables) is no wider than the window at 390 px (a phone) and 1366 px (a
// laptop): document.documentElement.scrollWidth <= window.innerWidth. At
// 1366 px the navigation also stays on one line with every link in view.
func TestBrowserEveryPageFits(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	op := auth.OperatorContext(context.Background(), "test")
	users := auth.NewService(db)
	var staff []int64
	for _, role := range []auth.Role{auth.RoleCaseworker, auth.RoleSupervisor, auth.RoleLegal} {
		u, err := users.UserByEmail(op, string(role)+"@example.org")
		if err != nil {
			t.Fatal(err)
		}
		staff = append(staff, u.ID)
	}
	if err := demo.SeedDemo(op, db, facilities.New(db, nil), demo.Options{Cases: 300, Seed: 14, RequesterID: staff[0], ApproverID: staff[1], Staff: staff}); err != nil {
		t.Fatal(err)
	}
	if _, err := indicators.New(db).ImportBuiltin(op, nil); err != nil {
		t.Fatal(err)
	}
	// A tracing request with long words, as a relative may type them.
	form := url.Values{"seeker.given_names": {"Guadalupe"}, "seeker.surnames": {"Caal Xol"}, "seeker.relationship": {"aunt"},
		"seeker.contact": {"guadalupe.caal.xol.de.san.pedro.carcha@correo-largo.example.org"}, "sought.given_names": {"María José"}, "sought.surname1": {"Caal"}, "sought.sex": {"F"}}
	env.uxPost(t, auth.RoleAdmin, "en", "/tracing/requests", form)
	// A note typed as one 4,000-character word: it wraps, at 1366 px too
	// (the case page was 36,000 px wide).
	env.call(t, "POST", "/api/v1/cases/1/notes", auth.RoleAdmin, `{"body":"`+strings.Repeat("x", 3990)+`"}`, 201)

	extra := map[auth.Role][]string{auth.RoleAdmin: {
		"/cases/1", "/facilities/1", "/indicators/countries/GTM", "/indicators/indicators/homicide_rate", "/indicators/flows",
		"/indicators/projections", "/indicators/sources", "/indicators/forecast?country=ALL&indicator=uac_encounters&horizon=12&until=2014-05&total=fiscal_year",
		"/tracing/requests/1", "/tracing/new", "/cases/new", "/account"}}
	for _, role := range auth.Roles {
		ctx := chromeContext(t)
		if err := chromedp.Do(ctx,
			chromedp.Navigate(env.ts.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), string(role)+"@example.org"),
			chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
			chromedp.Submit(chromedp.CSS("#password")),
			chromedp.WaitVisible(chromedp.CSS(".account a.who")),
		); err != nil {
			t.Fatalf("%s: sign in: %v", role, err)
		}
		var pages []string
		for _, item := range navItems {
			if item.Perm == auth.Anyone || auth.Allowed(role, item.Perm) {
				pages = append(pages, item.Href)
			}
		}
		pages = append(pages, extra[role]...)
		for _, width := range []int64{390, 1366} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			for _, page := range pages {
				if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+page), chromedp.WaitReady(chromedp.CSS("footer.foot"))); err != nil {
					t.Fatalf("%s %s: %v", role, page, err)
				}
				m, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth,
					document.querySelector('header.top nav ul').getBoundingClientRect().height,
					document.querySelector('header.top nav li').getBoundingClientRect().height,
					document.querySelector('header.top nav ul').scrollWidth,
					document.querySelector('header.top nav ul').clientWidth]`))
				if err != nil {
					t.Fatal(err)
				}
				if m[0] > m[1] {
					t.Errorf("%s %s at %d px: the page is %.0f px wide, the window %.0f", role, page, width, m[0], m[1])
				}
				// At 1366 px the navigation is one line, every link in view.
				if width == 1366 && (m[2] > 1.5*m[3] || m[4] > m[5]) {
					t.Errorf("%s %s at 1366 px: the navigation wraps or hides links (%.0f px tall, links %.0f px wide in %.0f)", role, page, m[2], m[4], m[5])
				}
			}
		}
	}
	resp, _ := env.do(t, "GET", "/favicon.ico", "", "")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/static/favicon.svg" {
		t.Errorf("/favicon.ico: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := env.do(t, "GET", "/static/favicon.svg", "", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(body), "<svg") {
		t.Errorf("favicon: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
