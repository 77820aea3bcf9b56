package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// The aid tests' shared fixtures: the demo on the shipped indicators, a
// server whose indicators hold one series a rule can name, and a browser
// signed in from a page's sign-in form.

// aidDemoDB is a SQLite database holding the shipped indicators and the
// aid demo evaluated on them (aid.SeedDemo); now is the aid service's
// clock (nil: its default).
func aidDemoDB(t *testing.T, now func() time.Time) *store.DB {
	t.Helper()
	db := storetest.OpenSQLite(t)
	op := auth.OperatorContext(context.Background(), "test")
	ind := indicators.New(db)
	if _, err := ind.ImportBuiltin(op, nil); err != nil {
		t.Fatal(err)
	}
	if err := aid.New(db, ind, now).SeedDemo(op); err != nil {
		t.Fatal(err)
	}
	return db
}

// aidSeriesEnv is a test server whose indicators hold one series a
// condition's rule can name: GTM's homicide_rate in 2014 (made-up test
// input).
func aidSeriesEnv(t *testing.T) *testEnv {
	t.Helper()
	db := storetest.OpenSQLite(t)
	csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2014,31,per 100k,test\n"
	if _, err := indicators.New(db).Import(auth.OperatorContext(context.Background(), "test"), indicators.Options{Name: "t.csv", Reader: strings.NewReader(csv)}); err != nil {
		t.Fatal(err)
	}
	return newTestEnv(t, db)
}

// browserSignIn opens url, which sends a signed-out browser to the sign-in
// form, signs in as email and waits for ready on the page it returns to.
func browserSignIn(t *testing.T, ctx context.Context, url, email, ready string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(ready)),
	); err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}
