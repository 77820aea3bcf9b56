package web

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
