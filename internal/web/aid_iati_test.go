package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestAidIATIImportAPI: an aid officer imports a should-pass file (201,
// then readable by anyone); a should-fail file is a 422 naming the line
// and element; an empty body 400; a body over the cap 413; other roles
// 403; nothing is kept from a refused file.
func TestAidIATIImportAPI(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	testdata := filepath.Join("..", "aid", "testdata", "iati")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	good, bad := read("should-pass/19-budget.xml"), read("should-fail/budget-12-non-decimal-value.xml")
	for _, r := range []auth.Role{auth.RoleCivilSociety, auth.RolePublic} {
		if resp, _ := env.do(t, "POST", "/api/v1/aid/iati", env.tokens[r], good); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", r, resp.StatusCode)
		}
	}
	resp, b := env.do(t, "POST", "/api/v1/aid/iati?name=19-budget.xml", env.tokens[auth.RoleAidOfficer], good)
	var res aid.IATIImport
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &res) != nil || res.Activities != 1 || res.Budgets != 3 || res.FileName != "19-budget.xml" {
		t.Fatalf("import: %d %s", resp.StatusCode, b)
	}
	resp, b = env.do(t, "POST", "/api/v1/aid/iati", env.tokens[auth.RoleAidOfficer], bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !bytes.Contains(b, []byte(`line 22, \u003cvalue\u003e: \"eryr\" is not a decimal number`)) && !bytes.Contains(b, []byte(`line 22, <value>: \"eryr\" is not a decimal number`)) {
		t.Errorf("bad file: %d %s", resp.StatusCode, b)
	}
	if resp, b := env.do(t, "POST", "/api/v1/aid/iati", env.tokens[auth.RoleAidOfficer], ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("empty body: %d %s", resp.StatusCode, b)
	}
	// Over the cap: a comment that never ends, streamed (no length given).
	body := io.MultiReader(strings.NewReader(`<iati-activities version="2.03"><!--`), io.LimitReader(repeatReader('x'), aid.MaxIATIBytes+1))
	req, _ := http.NewRequest("POST", env.ts.URL+"/api/v1/aid/iati", body)
	req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAidOfficer])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(b, []byte("too_large")) {
		t.Errorf("over the cap: %d %s", resp.StatusCode, b)
	}
	resp, b = env.do(t, "GET", "/api/v1/aid/iati/activities", "", "")
	var acts []aid.IATIActivity
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &acts) != nil || len(acts) != 1 || acts[0].Budgets[0].Value != "1000000.99" {
		t.Errorf("activities: %d %s", resp.StatusCode, b)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestAidIATIUploadPageTooLarge: a file over the cap sent from the
// officers' page is a 413 page that says so in the page's language, with
// the upload form; nothing is imported.
func TestAidIATIUploadPageTooLarge(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	for lang, want := range map[string]string{"en": "nothing was saved", "es": "no se guardó nada"} {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			fw, err := mw.CreateFormFile("file", "huge.xml")
			if err == nil {
				// A comment that never ends, over the route's cap, streamed.
				_, err = io.Copy(fw, io.MultiReader(strings.NewReader(`<iati-activities version="2.03"><!--`), io.LimitReader(repeatReader('x'), aid.MaxIATIBytes+2<<20)))
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest("POST", env.ts.URL+"/aid/iati", pr)
		req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAidOfficer])
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pr.CloseWithError(io.ErrClosedPipe) // the server stopped reading: let the writer end
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(b, []byte(want)) || !bytes.Contains(b, []byte(`action="/aid/iati"`)) {
			t.Errorf("%s: over the cap: %d", lang, resp.StatusCode)
		}
	}
	if _, b := env.do(t, "GET", "/api/v1/aid/iati/activities", "", ""); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("something was imported: %s", b)
	}
}

// TestAidIATIUploadRefusedInSpanish: a refused IATI file is named by line
// and problem in the page's language (the line prefix kept the domain's
// English words on Spanish pages).
func TestAidIATIUploadRefusedInSpanish(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	for _, c := range []struct{ file, want string }{
		{"not xml at all", "línea 1: sin elemento &lt;iati-activities&gt;: no es un archivo de actividades IATI"},
		{`<iati-activities version="2.03"></iati-activities>`, "línea 1, &lt;iati-activities&gt;: no contiene ningún &lt;iati-activity&gt;"},
		{`<iati-activities version="2.03"><a></b>`, "línea 1, &lt;a&gt;: cerrado por &lt;/b&gt;"},
	} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "x.xml")
		_, _ = fw.Write([]byte(c.file))
		_ = mw.Close()
		req, _ := http.NewRequest("POST", env.ts.URL+"/aid/iati", &body)
		req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAidOfficer])
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "lang", Value: "es"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || !bytes.Contains(b, []byte(c.want)) {
			i := bytes.Index(b, []byte(`class="error`))
			t.Errorf("%q: %d, want %q; shows %q", c.file, resp.StatusCode, c.want, b[max(0, i):min(len(b), max(0, i)+160)])
		}
	}
}
