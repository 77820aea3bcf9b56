package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserChartNumbersFollowThePage: on a Spanish page the charts drawn
// in the browser write their axis numbers as the page's tables do
// (es-419: 12,000), not as the browser's Spanish would (12.000), on an
// indicator chart and on the aid scorecard's money chart.
func TestBrowserChartNumbersFollowThePage(t *testing.T) {
	ctx := chromeContext(t)
	db := aidDemoDB(t, time.Now)
	env := newTestEnv(t, db)
	spainGrouping := regexp.MustCompile(`\d\.\d{3}(\D|$)`)
	for _, c := range []struct{ path, canvas string }{
		{"/indicators/flows", "figure.ind-chart canvas"},
		{"/scorecard/GTM", "figure.aid-chart canvas"},
	} {
		for _, lang := range []string{"es", "en"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+"/lang/"+lang+"?next="+c.path), chromedp.WaitVisible(chromedp.CSS(c.canvas))); err != nil {
				t.Fatalf("%s %s: %v", lang, c.path, err)
			}
			labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
				var ch = Chart.getChart(document.querySelector('`+c.canvas+`'));
				return ch.scales.y.ticks.map(function (t) { return String(t.label); });
			})()`))
			if err != nil {
				t.Fatalf("%s %s: %v", lang, c.path, err)
			}
			all := strings.Join(labels, " ")
			if !strings.Contains(all, ",") || spainGrouping.MatchString(all) {
				t.Errorf("%s %s: axis labels %q, want thousands grouped with ','", lang, c.path, labels)
			}
		}
	}
}

// TestBrowserChartTooltipsReadAsTheTable: a chart's tooltip writes each
// value as the table under the chart does: Chart.js's own label gave
// "23.366" and "-1.122" beside a table reading "23.4" and "-1.12". Every
// point of every series of a rate chart and of a count chart is compared
// with its cell, in both languages.
func TestBrowserChartTooltipsReadAsTheTable(t *testing.T) {
	ctx := chromeContext(t)
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	for _, path := range []string{"/indicators/indicators/homicide_rate", "/indicators/indicators/wgi_cc", "/indicators/indicators/uac_encounters"} {
		for _, lang := range []string{"es", "en"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+path+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS("figure.ind-chart canvas"))); err != nil {
				t.Fatalf("%s %s: %v", lang, path, err)
			}
			// Each point's tooltip against its cell: "compared n" or the
			// first disagreement.
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
				var fig = document.querySelector('figure.ind-chart'), ch = Chart.getChart(fig.querySelector('canvas'));
				var label = ch.options.plugins.tooltip.callbacks.label, rows = fig.querySelectorAll('details.ind-table tbody tr'), n = 0;
				for (var d = 0; d < ch.data.datasets.length; d++) {
					var ds = ch.data.datasets[d];
					for (var i = 0; i < ds.data.length; i++) {
						if (ds.data[i] == null) { continue; }
						var tip = label.call(ch.tooltip, { dataset: ds, parsed: { y: ds.data[i] }, formattedValue: ch.scales.y.getLabelForValue(ds.data[i]) });
						var cell = rows[i].cells[d + 1].firstChild.textContent.replace(/\s*†\s*$/, '').trim();
						if (tip !== ds.label + ': ' + cell) { return rows[i].cells[0].textContent + ': tooltip "' + tip + '", table "' + cell + '"'; }
						n++;
					}
				}
				return 'compared ' + n;
			})()`))
			if err != nil {
				t.Fatalf("%s %s: %v", lang, path, err)
			}
			if !strings.HasPrefix(got, "compared ") || got == "compared 0" {
				t.Errorf("%s %s: %s", lang, path, got)
			}
		}
	}
}
