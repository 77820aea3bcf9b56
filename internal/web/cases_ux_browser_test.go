package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserIntakeZoneChange: choosing another zone on the intake form
// redoes the untouched "Encountered" prefill as the present in that zone
// and names it; a typed time is kept.
func TestBrowserIntakeZoneChange(t *testing.T) {
	ctx := chromeContext(t)
	env := newTestEnv(t, storetest.OpenSQLite(t))
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(env.ts.URL+"/login?next=/cases/new"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "intake@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#encountered_at")),
	)
	if err != nil {
		t.Fatal(err)
	}
	pick := func(zone string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
			var z = document.getElementById('encounter_zone');
			z.value = '`+zone+`';
			z.dispatchEvent(new Event('change'));
			return document.getElementById('encountered_at').value;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := time.Now()
	got := pick("America/Chicago")
	loc, _ := time.LoadLocation("America/Chicago")
	at, err := time.ParseInLocation("2006-01-02T15:04", got, loc)
	if err != nil {
		t.Fatalf("prefill %q: %v", got, err)
	}
	if d := before.Sub(at); d < 0 || d > 3*time.Minute {
		t.Errorf("prefill after choosing America/Chicago is %q, %v from now", got, d)
	}
	if name := browserText(t, ctx, "#encountered_zone_name"); name != "America/Chicago" {
		t.Errorf("zone named %q", name)
	}
	// A typed time is the person's: changing the zone keeps it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () { document.getElementById('encountered_at').value = '2026-01-02T03:04'; return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if got := pick("America/New_York"); got != "2026-01-02T03:04" {
		t.Errorf("a typed time became %q", got)
	}
}

// TestBrowserTablesFit390: at 390 px the case list, board, audit and
// facilities pages are no wider than the window: wide tables scroll
// inside their box and long audit details wrap.
func TestBrowserTablesFit390(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	enc := time.Now().UTC().Add(-50 * 24 * time.Hour).Format(time.RFC3339)
	for i := 0; i < 3; i++ {
		env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Ana María Guadalupe","surname1":"Tiul Caal de la Cruz","sex":"F","birth_date":"2012-02-02","encounter_place":"`+strings.Repeat("Sector-Rio-Grande-Valley-", 8)+`","encountered_at":"`+enc+`"}`, 201)
	}
	env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba de San Antonio para Niñas y Adolescentes","type":"shelter","tz":"America/Chicago","city":"San Antonio","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":3},{"sex":"M","age_band":"13-17","capacity":3},{"sex":"F","age_band":"0-12","capacity":3}]}`, 201)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(env.ts.URL+"/login?next=/cases"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "admin@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(".account a.who")),
	); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/cases", "/board", "/audit", "/facilities"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+page), chromedp.WaitVisible(css("main table"))); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if w[0] > w[1] {
			t.Errorf("%s at 390 px: the page is %d px wide, the window %d", page, w[0], w[1])
		}
	}
}
