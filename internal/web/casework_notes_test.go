package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// cwUpload posts a multipart upload to the case page's document form.
func cwUpload(t *testing.T, env *testEnv, role auth.Role, lang, path, field, filename string, data []byte, name string) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("name", name)
	fw, _ := mw.CreateFormFile(field, filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", env.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+env.tokens[role])
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

// TestCaseNotesTasksDocuments: notes, tasks and documents through the API
// and the case page, scope-checked; refused forms come back with what was
// typed and the problem beside the field, in Spanish too.
func TestCaseNotesTasksDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		caseID, _ := cwPlaced(t, env, "Casa Alba")
		base := fmt.Sprintf("/api/v1/cases/%d", caseID)

		env.call(t, "POST", base+"/notes", auth.RoleCaseworker, `{"body":"Spoke with the aunt by phone."}`, 201)
		env.call(t, "POST", base+"/notes", auth.RoleCaseworker, `{"body":"  "}`, 422)
		env.call(t, "POST", base+"/notes", auth.RoleLegal, `{"body":"x"}`, 403)
		env.call(t, "POST", base+"/notes", auth.RoleIntake, `{"body":"x"}`, 404) // not their case any more
		env.call(t, "POST", base+"/tasks", auth.RoleCaseworker, `{"title":"Home study request","assignee":"nobody@example.org"}`, 422)
		env.call(t, "POST", base+"/tasks", auth.RoleCaseworker, `{"title":"Home study request","assignee":"auditor@example.org"}`, 422)
		task := env.call(t, "POST", base+"/tasks", auth.RoleCaseworker, `{"title":"Home study request","due_on":"2020-01-01","assignee":"supervisor@example.org"}`, 201)
		if task["assignee"] != "supervisor@example.org" {
			t.Errorf("task %v", task)
		}
		tid := int64(task["id"].(float64))
		if _, home := env.do(t, "GET", "/", env.tokens[auth.RoleSupervisor], ""); !strings.Contains(string(home), `id="my-tasks"`) || !strings.Contains(string(home), "Home study request") ||
			!strings.Contains(string(home), "overdue") {
			t.Errorf("the assignee's home page does not show the task")
		}
		env.call(t, "POST", fmt.Sprintf("%s/tasks/%d/done", base, tid), auth.RoleSupervisor, "", 200)
		env.call(t, "POST", fmt.Sprintf("%s/tasks/%d/done", base, tid), auth.RoleSupervisor, "", 409)
		if _, home := env.do(t, "GET", "/", env.tokens[auth.RoleSupervisor], ""); strings.Contains(string(home), `id="my-tasks"`) {
			t.Errorf("a done task is still on the assignee's home page")
		}

		// Documents: by content, not name; the size limit; the hash.
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
		resp, b := env.do(t, "POST", base+"/documents?name=scan.png", env.tokens[auth.RoleCaseworker], string(png))
		if resp.StatusCode != 201 {
			t.Fatalf("upload png: %d %s", resp.StatusCode, b)
		}
		sum := sha256.Sum256(png)
		if !strings.Contains(string(b), hex.EncodeToString(sum[:])) {
			t.Errorf("no sha-256 in %s", b)
		}
		if resp, _ := env.do(t, "POST", base+"/documents?name=x.pdf", env.tokens[auth.RoleCaseworker], "<html><script>alert(1)</script>"); resp.StatusCode != 422 {
			t.Errorf("html named pdf: %d", resp.StatusCode)
		}
		big := bytes.Repeat([]byte("a"), custody.MaxDocumentBytes+10)
		if resp, _ := env.do(t, "POST", base+"/documents?name=big.txt", env.tokens[auth.RoleCaseworker], string(big)); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("over 8 MiB: %d", resp.StatusCode)
		}
		cw := env.call(t, "GET", base+"/casework", auth.RoleSupervisor, "", 200)
		docs := cw["documents"].([]any)
		if len(cw["notes"].([]any)) != 1 || len(cw["tasks"].([]any)) != 1 || len(docs) != 1 {
			t.Fatalf("casework %v", cw)
		}
		did := int64(docs[0].(map[string]any)["id"].(float64))
		resp, b = env.do(t, "GET", fmt.Sprintf("%s/documents/%d", base, did), env.tokens[auth.RoleSupervisor], "")
		if resp.StatusCode != 200 || !bytes.Equal(b, png) || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %d %v", resp.StatusCode, resp.Header)
		}
		if resp, _ := env.do(t, "GET", fmt.Sprintf("%s/documents/%d", base, did), env.tokens[auth.RoleIntake], ""); resp.StatusCode != 404 {
			t.Errorf("download out of scope: %d", resp.StatusCode)
		}

		// The page: sections, and refusals beside their fields.
		page := string(env.page(t, fmt.Sprintf("/cases/%d", caseID)))
		for _, want := range []string{`id="notes"`, `id="documents"`, "Spoke with the aunt by phone.", "Home study request", "done by supervisor@example.org", "scan.png"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		path := fmt.Sprintf("/cases/%d", caseID)
		resp, body := env.uxPost(t, auth.RoleCaseworker, "es", path+"/tasks", url.Values{"title": {"Llamar a la tía"}, "due_on": {"mañana"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `id="task-due-error"`) || !strings.Contains(body, "Escriba la fecha límite") || !strings.Contains(body, `value="Llamar a la tía"`) {
			t.Errorf("refused task: %d", resp.StatusCode)
		}
		resp, body = env.uxPost(t, auth.RoleCaseworker, "en", path+"/notes", url.Values{"body": {strings.Repeat("a", 4001)}})
		if resp.StatusCode != 422 || !strings.Contains(body, `id="note-body-error"`) || !strings.Contains(body, strings.Repeat("a", 4001)) {
			t.Errorf("refused note: %d", resp.StatusCode)
		}
		resp, body = cwUpload(t, env, auth.RoleCaseworker, "es", path+"/documents", "file", "virus.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00"), "acta")
		if resp.StatusCode != 422 || !strings.Contains(body, `id="doc-file-error"`) || !strings.Contains(body, `value="acta"`) || !strings.Contains(body, "Elija un archivo PDF") {
			t.Errorf("refused upload: %d", resp.StatusCode)
		}
		resp, body = cwUpload(t, env, auth.RoleCaseworker, "en", path+"/documents", "file", "big.txt", big, "big")
		if resp.StatusCode != 422 || !strings.Contains(body, `id="doc-file-error"`) {
			t.Errorf("a 9 MiB file from the page: %d", resp.StatusCode)
		}
		resp, _ = cwUpload(t, env, auth.RoleCaseworker, "en", path+"/documents", "file", "birth.pdf", []byte("%PDF-1.4\n%test"), "")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"#documents" {
			t.Errorf("upload from the page: %d", resp.StatusCode)
		}
		resp, _ = env.uxPost(t, auth.RoleCaseworker, "en", path+"/notes", url.Values{"body": {"Second note"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("note from the page: %d", resp.StatusCode)
		}
	})
}

// TestCwSize: a document's size is rounded once, to the nearest unit shown.
func TestCwSize(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{5, "5 B"},
		{1023, "1023 B"},
		{1024, "1 KiB"},
		{1229, "1 KiB"}, // 1.2 KiB: was "2 KiB"
		{1600, "2 KiB"},
		{1<<20 - 1, "1024 KiB"},
		{1 << 20, "1.0 MiB"},
		{8 << 20, "8.0 MiB"},
	} {
		if got := fileSize(c.n); got != c.want {
			t.Errorf("fileSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
