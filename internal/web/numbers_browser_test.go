package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/aid"
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
	db := storetest.OpenSQLite(t)
	op := auth.OperatorContext(context.Background(), "test")
	ind := indicators.New(db)
	if _, err := ind.ImportBuiltin(op, nil); err != nil {
		t.Fatal(err)
	}
	if err := aid.New(db, ind, time.Now).SeedDemo(op); err != nil {
		t.Fatal(err)
	}
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
