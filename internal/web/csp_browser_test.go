package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserNoCSPViolation: in a real browser, signed in as admin (who
// sees every page of the navigation), no page breaks the server's
// Content-Security-Policy: nothing inline is blocked, so nothing silently
// stops working under it.
func TestBrowserNoCSPViolation(t *testing.T) {
	ctx := chromeContext(t)
	env := newTestEnv(t, storetest.OpenSQLite(t))
	record := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) {
				window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
			});`,
		})
		return err
	})
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	if err := chromedp.Do(ctx, record,
		chromedp.Navigate(env.ts.URL+"/login"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "admin@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(".account button")),
	); err != nil {
		t.Fatal(err)
	}
	for _, item := range append([]NavItem{{Href: "/login"}, {Href: "/account"}, {Href: "/cases/new"}, {Href: "/tracing/new"}}, navItems...) {
		if err := chromedp.Do(ctx, chromedp.Navigate(env.ts.URL+item.Href), chromedp.WaitReady(css("footer, main")), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatalf("%s: %v", item.Href, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || ['the recorder did not run']`))
		if err != nil {
			t.Fatalf("%s: %v", item.Href, err)
		}
		for _, v := range got {
			t.Errorf("%s: %s", item.Href, v)
		}
	}
}
