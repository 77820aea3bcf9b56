package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBrowserUploadTooBig: a file over the IATI import's cap is refused in
// the browser when chosen, in the page's language, and nothing is sent; a
// file within it is not.
func TestBrowserUploadTooBig(t *testing.T) {
	ctx := chromeContext(t)
	env := newTestEnv(t, storetest.OpenSQLite(t))
	dir := t.TempDir()
	big, small := filepath.Join(dir, "big.xml"), filepath.Join(dir, "small.xml")
	// A sparse file: its size is what the browser checks.
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, aid.MaxIATIBytes+1); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(small, []byte(`<iati-activities version="2.03"/>`), 0o600); err != nil {
		t.Fatal(err)
	}
	browserSignIn(t, ctx, env.ts.URL+"/aid", "aid_officer@example.org", "#package-form")
	validity := `document.getElementById('iati-file').validationMessage`
	for _, c := range []struct{ lang, file, want string }{
		{"en", big, "This file is larger than 64.0 MiB, the most that can be sent here."},
		{"en", small, ""},
		{"es", big, "Este archivo pasa de 64.0 MiB, lo máximo que se puede enviar aquí."},
	} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(env.ts.URL+"/aid?lang="+c.lang),
			chromedp.WaitReady(chromedp.CSS("#iati-file")),
			chromedp.SetUploadFiles(chromedp.CSS("#iati-file"), []string{c.file}))
		var msg string
		if err == nil {
			msg, err = chromedp.Run(ctx, chromedp.Evaluate[string](validity))
		}
		if err != nil {
			t.Fatalf("%s %s: %v", c.lang, filepath.Base(c.file), err)
		}
		if msg != c.want {
			t.Errorf("%s %s: validation message %q, want %q", c.lang, filepath.Base(c.file), msg, c.want)
		}
	}
}
