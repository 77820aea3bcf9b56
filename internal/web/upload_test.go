package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// sendWhole sends a request as curl or a browser with scripts off does
// with a large upload: the whole body first, the answer read after. A
// server that stops reading and closes resets the connection under the
// sender, which then never sees the answer.
func sendWhole(t *testing.T, base, method, path string, header http.Header, body io.Reader, size int64) *http.Response {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	req, _ := http.NewRequest(method, base+path, body)
	req.Header = header
	req.ContentLength = size
	if err := req.Write(conn); err != nil {
		t.Fatalf("%s %s: the connection failed while sending: %v", method, path, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%s %s: no answer: %v", method, path, err)
	}
	return resp
}

// overCapForm is a multipart form as a browser sends it: the fields in
// the page's order, then a file of size bytes (streamed, never held).
func overCapForm(fields [][2]string, fileField string, size int64) (body io.Reader, n int64, contentType string) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	_, _ = mw.CreateFormFile(fileField, "big.pdf")
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	n = int64(head.Len()) + size + int64(len(tail))
	body = io.MultiReader(&head, strings.NewReader("%PDF-1.4\n"), io.LimitReader(repeatReader('x'), size-9), strings.NewReader(tail))
	return body, n, mw.FormDataContentType()
}

// overBy is how much a test body passes a cap by: more than the sockets
// between client and server buffer (a few MiB), so that a server that
// stops reading resets the connection under a client still sending.
func overBy(limit int64) int64 { return min(limit, 16<<20) }

// signedIn is a browser signed in as role that has chosen lang.
func signedIn(t *testing.T, env *testEnv, role auth.Role, lang string) *http.Client {
	t.Helper()
	c := browser(t)
	if status, _ := signIn(t, env, c, string(role)+"@example.org", testPassword, nil); status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", role, status)
	}
	resp, err := c.Get(env.ts.URL + "/lang/" + lang + "?next=/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return c
}

// TestUploadOverCapWithoutScripts: a file over an upload form's cap sent
// with no script to stop it (curl, a browser with JavaScript off) is
// answered with the form it came from, in the page's language, naming the
// cap in MiB, with the fields sent before the file kept, and the answer
// reaches a client that sends the whole body before reading; nothing is
// saved. It was a bare 413 page: the form token travels in the body, which
// could not be read past the cap.
func TestUploadOverCapWithoutScripts(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	caseID, _ := cwPlaced(t, env, "Casa Alba")
	casePath := fmt.Sprintf("/cases/%d", caseID)
	forms := []struct {
		name             string
		role             auth.Role
		page, action     string
		fields           [][2]string
		fileField        string
		fileCap, bodyCap int64
		kept             []string // what the re-shown form must hold
	}{
		{"iati", auth.RoleAidOfficer, "/aid", "/aid/iati", nil, "file",
			aid.MaxIATIBytes, aid.MaxIATIBytes + 1<<20, []string{`id="iati-form"`, `id="iati-file"`}},
		{"evidence", auth.RoleCivilSociety, "/aid/evidence/new", "/aid/evidence",
			[][2]string{{"country", "GTM"}, {"condition_id", ""}, {"stance", "contradicts"}, {"title", "Informe del albergue"}, {"summary", "Las cifras no cuadran."}, {"source_url", ""}},
			"document", aid.MaxDocumentBytes, aid.MaxDocumentBytes + 1<<20,
			[]string{`id="evidence-form"`, `value="Informe del albergue"`, "Las cifras no cuadran.", `value="contradicts" selected`}},
		{"document", auth.RoleCaseworker, casePath, casePath + "/documents", [][2]string{{"name", "acta de nacimiento"}}, "file",
			custody.MaxDocumentBytes, 2*custody.MaxDocumentBytes + 64<<10, []string{`id="doc-form"`, `value="acta de nacimiento"`, `id="doc-file-error"`}},
	}
	words := map[string]string{"en": "The file is larger than %s", "es": "El archivo supera los %s"}
	for _, f := range forms {
		for _, lang := range []string{"en", "es"} {
			c := signedIn(t, env, f.role, lang)
			tok := getCSRF(t, c, env.ts.URL+f.page)
			body, n, ct := overCapForm(append([][2]string{{"csrf_token", tok}}, f.fields...), f.fileField, f.bodyCap+overBy(f.bodyCap))
			h := http.Header{"Content-Type": {ct}}
			u, _ := url.Parse(env.ts.URL)
			for _, ck := range c.Jar.Cookies(u) {
				h.Add("Cookie", ck.String())
			}
			resp := sendWhole(t, env.ts.URL, "POST", f.action, h, body, n)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			page := string(b)
			want := fmt.Sprintf(words[lang], fileSize(f.fileCap))
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, want) || !strings.Contains(page, `<html lang="`+lang+`"`) {
				t.Errorf("%s, %s: %d, want 413 with %q in the page's language", f.name, lang, resp.StatusCode, want)
			}
			if !strings.Contains(page, `action="`+f.action+`"`) {
				t.Errorf("%s, %s: the form is not re-shown", f.name, lang)
			}
			for _, k := range f.kept {
				if !strings.Contains(page, k) {
					t.Errorf("%s, %s: the re-shown form lacks %s", f.name, lang, k)
				}
			}
		}
	}
	if _, b := env.do(t, "GET", "/api/v1/aid/iati/activities", "", ""); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("an IATI file was imported: %s", b)
	}
	if _, b := env.do(t, "GET", "/api/v1/aid/evidence?mine=1", env.tokens[auth.RoleCivilSociety], ""); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("evidence was kept: %s", b)
	}
	cw := env.call(t, "GET", fmt.Sprintf("/api/v1/cases/%d/casework", caseID), auth.RoleCaseworker, "", 200)
	if docs, _ := cw["documents"].([]any); len(docs) != 0 {
		t.Errorf("a document was kept: %v", docs)
	}
}

// TestUploadOverCapAPI: the API's uploads over their cap answer 413 with
// a JSON error naming the cap in MiB, to a client that sends the whole
// body before reading.
func TestUploadOverCapAPI(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	caseID, _ := cwPlaced(t, env, "Casa Alba")
	for _, c := range []struct {
		path string
		role auth.Role
		cap  int64
		want string
	}{
		{"/api/v1/aid/iati", auth.RoleAidOfficer, aid.MaxIATIBytes, "The file is larger than 64.0 MiB; nothing was imported."},
		{fmt.Sprintf("/api/v1/cases/%d/documents?name=big.pdf", caseID), auth.RoleCaseworker, custody.MaxDocumentBytes, "A document holds at most 8 MiB."},
		{"/api/v1/cases/import", auth.RoleAdmin, 64 << 20, "The file is larger than 64.0 MiB; nothing was imported."},
		{"/api/v1/aid/evidence", auth.RoleCivilSociety, aid.MaxDocumentBytes*4/3 + 64<<10, "The request body is larger than 10.7 MiB."},
	} {
		size := c.cap + overBy(c.cap)
		h := http.Header{"Authorization": {"Bearer " + env.tokens[c.role]}, "Content-Type": {"application/octet-stream"}}
		resp := sendWhole(t, env.ts.URL, "POST", c.path, h, io.LimitReader(repeatReader('x'), size), size)
		var e apiError
		err := json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || err != nil || e.Error.Code != "too_large" || !strings.HasPrefix(e.Error.Message, c.want) {
			t.Errorf("%s: %d %+v (%v), want 413 too_large %q", c.path, resp.StatusCode, e, err, c.want)
		}
	}
}

// TestCappedBodyDrainsBounded: past the cap, what the client still sends
// is read and dropped up to drainFactor times the cap, and no further.
func TestCappedBodyDrainsBounded(t *testing.T) {
	const limit = 1000
	for _, c := range []struct {
		sent, wantRead int64
	}{
		{limit, limit},                              // within the cap: nothing to drain
		{3 * limit, 3 * limit},                      // all of it drained
		{20 * limit, limit + 1 + drainFactor*limit}, // the cap's reader takes one byte over it
	} {
		src := &readCounter{r: io.LimitReader(repeatReader('x'), c.sent)}
		r := httptest.NewRequest("POST", "/x", io.NopCloser(src))
		b := capBody(httptest.NewRecorder(), r, limit, false)
		_, err := io.ReadAll(b)
		if over := c.sent > limit; over != (err != nil) {
			t.Errorf("%d bytes sent: err %v", c.sent, err)
		}
		if src.n != c.wantRead {
			t.Errorf("%d bytes sent: %d read, want %d", c.sent, src.n, c.wantRead)
		}
	}
}

type readCounter struct {
	r io.Reader
	n int64
}

func (c *readCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
