package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// chromeContext starts Debian's headless Chromium for a browser test, or
// skips loudly when it is not installed (CI installs it).
func chromeContext(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		}
	}
	if path == "" {
		fmt.Fprintln(os.Stderr, "\n*** web: browser tests SKIPPED: chromium is not installed (apt-get install chromium) ***")
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// The first action starts the browser, and must not carry a timeout
	// (it would stop the browser); later ones may.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	return tctx
}

// browserText reads the visible text of the first element matching css.
func browserText(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// TestBrowserSignIn signs in through the real form, switches to Spanish,
// reads the audit log as an auditor and signs out.
func TestBrowserSignIn(t *testing.T) {
	ctx := chromeContext(t)
	env := newTestEnv(t, storetest.OpenSQLite(t))
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(env.ts.URL+"/audit"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "auditor@example.org"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("table")),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading, nav, auditText := browserText(t, ctx, "h1"), browserText(t, ctx, "header nav"), browserText(t, ctx, "tbody")
	if err := chromedp.Do(ctx, chromedp.Click(css(`a[hreflang="es"]`)), chromedp.WaitVisible(css(`html[lang="es"] h1`))); err != nil {
		t.Fatal(err)
	}
	spanish := browserText(t, ctx, "h1")
	if err := chromedp.Do(ctx, chromedp.Click(css(".account button")), chromedp.WaitVisible(css(`.account a[href="/login"]`))); err != nil {
		t.Fatal(err)
	}
	after := browserText(t, ctx, ".account")
	if heading != "Audit log" || !strings.Contains(nav, "Audit log") {
		t.Errorf("after sign-in: heading %q, nav %q", heading, nav)
	}
	if !strings.Contains(auditText, "login") || !strings.Contains(auditText, "auditor@example.org") {
		t.Errorf("the audit page does not show the sign-in: %q", auditText)
	}
	if spanish != "Registro de auditoría" {
		t.Errorf("Spanish heading %q", spanish)
	}
	if !strings.Contains(after, "Iniciar sesión") {
		t.Errorf("after sign-out the header shows %q", after)
	}
}
