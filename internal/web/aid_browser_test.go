package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserAidScorecard: in a real browser, the demo's scorecard for
// Guatemala (the real FY2016 conditions evaluated on the real indicators)
// shows its conditions, statuses and sources, draws its money chart under
// the Content-Security-Policy, and reads in Spanish.
func TestBrowserAidScorecard(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	op := auth.OperatorContext(context.Background(), "test")
	ind := indicators.New(db)
	if _, err := ind.ImportBuiltin(op, nil); err != nil {
		t.Fatal(err)
	}
	if err := aid.New(db, ind, nil).SeedDemo(op); err != nil {
		t.Fatal(err)
	}
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
