package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestAidOfficerForms: an aid officer creates a package, a program, a
// tranche and a condition through the pages; a refused form is re-shown
// (422) with what was typed and the problem beside its field, in English
// and Spanish, and a CEL rule that does not compile is shown with its
// line and column; nothing refused is saved.
func TestAidOfficerForms(t *testing.T) {
	env := aidSeriesEnv(t)
	officer := auth.RoleAidOfficer
	pkg := url.Values{"title": {"Security aid"}, "donor": {"Donor"}, "recipient": {"GTMX"}, "fiscal_year": {"2016"}, "amount": {"40,000,000"},
		"currency": {"USD"}, "legal_basis": {"Act s. 1"}, "citation": {""}}
	for lang, want := range map[string][]string{
		"en": {"Must be an ISO 3166 alpha-3 country code.", "Required."},
		"es": {"Debe ser un código de país ISO 3166 alfa-3.", "Obligatorio."},
	} {
		resp, body := env.uxPost(t, officer, lang, "/aid/packages", pkg)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: bad package: %d", lang, resp.StatusCode)
		}
		for _, w := range append(want, `value="GTMX"`, `value="40,000,000"`, `id="package-recipient-err"`) {
			if !strings.Contains(body, w) {
				t.Errorf("%s: re-shown form lacks %s", lang, w)
			}
		}
	}
	if _, b := env.do(t, "GET", "/api/v1/aid/packages", "", ""); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("a refused package was saved: %s", b)
	}
	pkg.Set("recipient", "GTM")
	pkg.Set("citation", "Test citation")
	resp, _ := env.uxPost(t, officer, "en", "/aid/packages", pkg)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/aid/packages/\d+$`).MatchString(loc) {
		t.Fatalf("create package: %d %s", resp.StatusCode, loc)
	}
	resp, body := env.uxPost(t, officer, "es", loc+"/programs", url.Values{"title": {"Outreach"}, "sector": {"youth_services"}, "partner": {"P"}, "amount": {"diez"}, "citation": {"c"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Debe ser un número entero.") || !strings.Contains(body, `value="diez"`) {
		t.Errorf("program with a bad amount: %d", resp.StatusCode)
	}
	for _, amt := range []string{"-5", "2,000,000,000,000,000"} {
		resp, body = env.uxPost(t, officer, "es", loc+"/programs", url.Values{"title": {"Outreach"}, "sector": {"youth_services"}, "partner": {"P"}, "amount": {amt}, "citation": {"c"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Debe ser un monto entero de 1 a 1,000,000,000,000,000.") || !strings.Contains(body, `value="`+amt+`"`) {
			t.Errorf("program with the amount %s: %d", amt, resp.StatusCode)
		}
	}
	if resp, _ := env.uxPost(t, officer, "en", loc+"/programs", url.Values{"title": {"Outreach"}, "sector": {"youth_services"}, "partner": {"P"}, "amount": {"100"}, "citation": {"c"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("program: %d", resp.StatusCode)
	}
	resp, body = env.uxPost(t, officer, "en", loc+"/tranches", url.Values{"label": {"25%"}, "due_date": {"30/09/2016"}, "combination": {"all"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Must be a date (YYYY-MM-DD).") || !strings.Contains(body, `value="30/09/2016"`) {
		t.Errorf("tranche with a bad date: %d", resp.StatusCode)
	}
	resp, _ = env.uxPost(t, officer, "en", loc+"/tranches", url.Values{"label": {"25%"}, "due_date": {"2099-09-30"}, "combination": {"all"}, "amount": {""}})
	tloc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(tloc, "#tranche-") {
		t.Fatalf("tranche: %d %s", resp.StatusCode, tloc)
	}
	tid := tloc[strings.Index(tloc, "#tranche-")+len("#tranche-"):]
	bad := `series("homicides").latest() < 1.0`
	for lang, want := range map[string]string{"en": "Line 1, column 8:", "es": "Línea 1, columna 8:"} {
		resp, body = env.uxPost(t, officer, lang, loc+"/conditions", url.Values{"tranche_id": {tid}, "wording": {"Reduce homicide"}, "kind": {"trend"}, "rule": {bad}, "hard": {"1"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, "series(&#34;homicides&#34;).latest() &lt; 1.0</textarea>") ||
			!strings.Contains(body, `name="hard" value="1" checked`) {
			t.Errorf("%s: bad rule re-shown: %d\n%s", lang, resp.StatusCode, body)
		}
	}
	good := `series("homicide_rate").latest() < 30.0`
	if resp, _ := env.uxPost(t, officer, "en", loc+"/conditions", url.Values{"tranche_id": {tid}, "wording": {"Reduce homicide"}, "kind": {"indicator_threshold"}, "rule": {good}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("condition: %d", resp.StatusCode)
	}
	_, page := env.do(t, "GET", loc, env.tokens[officer], "")
	for _, w := range []string{"<td>Outreach</td>", "<code>series(&#34;homicide_rate&#34;).latest() &lt; 30.0</code>", `id="tranche-` + tid + `"`} {
		if !bytes.Contains(page, []byte(w)) {
			t.Errorf("package page lacks %s", w)
		}
	}
	var id int64
	fmt.Sscanf(loc, "/aid/packages/%d", &id)
	pv := env.call(t, "GET", fmt.Sprintf("/api/v1/aid/packages/%d", id), "", "", 200)
	if progs := pv["programs"].([]any); len(progs) != 1 {
		t.Errorf("programs = %v", progs)
	}
	trs := pv["tranches"].([]any)
	if len(trs) != 1 || len(trs[0].(map[string]any)["conditions"].([]any)) != 1 {
		t.Errorf("tranches = %v", trs)
	}
	// An IATI file through the page: refused with its line and element, or imported.
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "aid", "testdata", "iati", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	resp, body = env.multipartPost(t, officer, "en", "/aid/iati", nil, "file", "bad.xml", read("should-fail/result-05-missing-attribute-indicator-measure.xml"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "line 23, &lt;indicator&gt;: the attribute measure is required") {
		t.Errorf("bad IATI file: %d", resp.StatusCode)
	}
	resp, body = env.multipartPost(t, officer, "es", "/aid/iati", nil, "file", "good.xml", read("should-pass/24-results.xml"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="iati-imported"`) || !strings.Contains(body, "Importado: 1 actividades") {
		t.Errorf("IATI file: %d", resp.StatusCode)
	}
	// Other roles cannot reach the officers' pages.
	if resp, _ := env.uxPost(t, auth.RoleCivilSociety, "en", "/aid/packages", pkg); resp.StatusCode != http.StatusForbidden {
		t.Errorf("civil society posting a package: %d", resp.StatusCode)
	}
}

// multipartPost posts fields and a file as role.
func (e *testEnv) multipartPost(t *testing.T, role auth.Role, lang, path string, fields map[string]string, fileField, fileName string, file []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+path, &buf)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestAidEvidenceForm: a civil-society organisation submits evidence with
// a document through the page; a document whose content is not an accepted
// type is refused whatever its name, one over the cap too, each re-shown
// with what was typed; the submission is then listed as the submitter's.
func TestAidEvidenceForm(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	cs := auth.RoleCivilSociety
	fields := map[string]string{"country": "GTM", "stance": "contradicts", "title": "Shelter report", "summary": "Counts differ from the official ones."}
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 200)...)
	for lang, want := range map[string]string{"en": "This type of document is not accepted", "es": "No se acepta este tipo de documento"} {
		resp, body := env.multipartPost(t, cs, lang, "/aid/evidence", fields, "document", "report.pdf", exe)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `value="Shelter report"`) {
			t.Errorf("%s: executable named .pdf: %d", lang, resp.StatusCode)
		}
		// The cap is said as the upload check says it, not as a raw
		// count of bytes ("at most 8388608 bytes").
		if !strings.Contains(body, fileSize(aid.MaxDocumentBytes)) || strings.Contains(body, fmt.Sprint(aid.MaxDocumentBytes)+" bytes") {
			t.Errorf("%s: the page does not give the cap as %s", lang, fileSize(aid.MaxDocumentBytes))
		}
	}
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), aid.MaxDocumentBytes)...)
	resp, body := env.multipartPost(t, cs, "en", "/aid/evidence", fields, "document", "big.pdf", big)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The document is too large.") {
		t.Errorf("document over the cap: %d", resp.StatusCode)
	}
	huge := append(big, bytes.Repeat([]byte("x"), 2<<20)...)
	if resp, body := env.multipartPost(t, cs, "es", "/aid/evidence", fields, "document", "huge.pdf", huge); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "supera los "+fileSize(aid.MaxDocumentBytes)+"; no se guardó nada") {
		t.Errorf("body over the route's cap: %d", resp.StatusCode)
	}
	resp, _ = env.multipartPost(t, cs, "en", "/aid/evidence", fields, "document", "note.bin", []byte("%PDF-1.4\nA real report.\n%%EOF\n"))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/aid/evidence/new?submitted=") {
		t.Fatalf("submit: %d %s", resp.StatusCode, loc)
	}
	req, _ := http.NewRequest("GET", env.ts.URL+loc, nil)
	req.Header.Set("Authorization", "Bearer "+env.tokens[cs])
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if !strings.Contains(string(b), `id="evidence-submitted"`) || !strings.Contains(string(b), "note.bin (application/pdf") || strings.Count(string(b), "<td>Shelter report</td>") != 1 {
		t.Errorf("my submissions:\n%s", b)
	}
}
