package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserIndicatorCharts: in a real browser, under the server's
// Content-Security-Policy and with no network beyond the server, Chart.js
// draws every chart of the indicators pages.
func TestBrowserIndicatorCharts(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	const scenarioPage = "/indicators/forecast?country=GTM&indicator=uac_encounters&scope=cbp-enc-nw&frequency=month&horizon=6"
	for _, path := range []string{"/indicators/countries/GTM", "/indicators/flows", "/indicators/projections", "/indicators/forecast?until=2014-05", scenarioPage} {
		if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+path), chromedp.WaitVisible(chromedp.CSS("figure.ind-chart canvas"))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(function () {
			var figs = document.querySelectorAll('figure.ind-chart canvas');
			var drawn = 0;
			figs.forEach(function (c) { if (window.Chart && Chart.getChart(c)) { drawn++; } });
			return [figs.length, drawn];
		})()`))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got[0] == 0 || got[0] != got[1] {
			t.Errorf("%s: %d charts, %d drawn", path, got[0], got[1])
		}
	}
	// The scenario is drawn as its own line, labelled as a scenario.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var c = Chart.getChart(document.querySelector('figure.ind-chart canvas'));
		return c.data.datasets.some(function (d) { return d.label.indexOf('Scenario, not a forecast') === 0 && d.data.some(function (v) { return v !== null; }); });
	})()`))
	if err != nil || !got {
		t.Errorf("%s: no scenario line on the chart (%v)", scenarioPage, err)
	}
}
