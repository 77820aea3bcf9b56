package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// blankLines is n newlines, read without holding them in memory: the
// CSV reader skips them, so a body over the cap costs little.
type blankLines struct{ n int64 }

func (b *blankLines) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n)
	for i := range k {
		p[i] = '\n'
	}
	b.n -= k
	return int(k), nil
}

// Issue 15: an unbalanced quote was a 500 (a panic) with the rows before
// it committed; an empty body a 500; a body over the cap a 500.
func TestCaseImportAPILimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		tok := env.tokens[auth.RoleAdmin]
		countCases := func() int {
			var n int
			if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := countCases()
		valid := "given_names,surname1,encountered_at\n" + strings.Repeat("Ana,Tiul,2026-03-01T09:00Z\n", 600)

		resp, body := env.do(t, "POST", "/api/v1/cases/import", tok, "")
		if resp.StatusCode != 400 || !strings.Contains(string(body), "empty") {
			t.Errorf("empty body: %d %s", resp.StatusCode, body)
		}

		resp, body = env.do(t, "POST", "/api/v1/cases/import", tok, valid+"Luis,\"Pérez,2026-03-01T09:00Z\nMore,Rows,2026-03-01T09:00Z\n")
		var res struct {
			Imported int
			Aborted  string
			Errors   []struct{ Line int }
		}
		if err := json.Unmarshal(body, &res); resp.StatusCode != 200 || err != nil || res.Imported != 0 || res.Aborted == "" ||
			len(res.Errors) != 1 || res.Errors[0].Line != 602 {
			t.Errorf("unbalanced quote after 600 rows: %d %.300s", resp.StatusCode, body)
		}
		if n := countCases(); n != before {
			t.Errorf("an aborted import committed %d cases", n-before)
		}

		req, _ := http.NewRequest("POST", env.ts.URL+"/api/v1/cases/import",
			io.MultiReader(strings.NewReader(valid), &blankLines{64 << 20}))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !bytes.Contains(body, []byte(`"too_large"`)) {
			t.Errorf("over the cap: %d %.300s", resp.StatusCode, body)
		}
		if n := countCases(); n != before {
			t.Errorf("an import over the cap committed %d cases", n-before)
		}

		resp, body = env.do(t, "POST", "/api/v1/cases/import", tok, valid)
		if err := json.Unmarshal(body, &res); resp.StatusCode != 200 || err != nil || res.Imported != 600 || countCases() != before+600 {
			t.Errorf("valid file: %d %.300s", resp.StatusCode, body)
		}
	})
}

// Issue 15: a large import ran into the request timeout and the client
// never learned its outcome. In the background, the client polls the job.
func TestCaseImportBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		tok := env.tokens[auth.RoleAdmin]
		file := "given_names,surname1,encountered_at\n" + strings.Repeat("Ana,Tiul,2026-03-01T09:00Z\n", 2000) + "Bad,Row,\n"
		poll := func(body string) map[string]any {
			t.Helper()
			resp, b := env.do(t, "POST", "/api/v1/cases/import?background=1", tok, body)
			var job map[string]any
			if err := json.Unmarshal(b, &job); resp.StatusCode != 202 || err != nil || resp.Header.Get("Location") != "/api/v1/cases/import/jobs/"+job["id"].(string) {
				t.Fatalf("start: %d %s", resp.StatusCode, b)
			}
			if job["bytes_total"].(float64) != float64(len(body)) {
				t.Errorf("bytes_total %v, want %d", job["bytes_total"], len(body))
			}
			loc := resp.Header.Get("Location")
			// Another person's job is unknown to them.
			env.call(t, "GET", loc, auth.RoleIntake, "", 404)
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				job = env.call(t, "GET", loc, auth.RoleAdmin, "", 200)
				if job["state"] != "running" {
					return job
				}
			}
			t.Fatalf("the job did not finish: %v", job)
			return nil
		}
		job := poll(file)
		res, _ := job["result"].(map[string]any)
		if job["state"] != "done" || res == nil || res["imported"] != 2000.0 || res["rejected"] != 1.0 || job["rows_read"] != 2001.0 || job["bytes_read"] != float64(len(file)) {
			t.Errorf("job: %v", job)
		}
		job = poll(file + "Luis,\"Pérez,2026-03-01T09:00Z\n")
		if res, _ := job["result"].(map[string]any); job["state"] != "done" || res == nil || res["imported"] != 0.0 || res["aborted"] == "" {
			t.Errorf("aborted job: %v", job)
		}
		env.call(t, "GET", "/api/v1/cases/import/jobs/nope", auth.RoleAdmin, "", 404)
		resp, _ := env.do(t, "POST", "/api/v1/cases/import?background=1", tok, "")
		if resp.StatusCode != 400 {
			t.Errorf("empty background import: %d", resp.StatusCode)
		}
	})
}

// Close stops a running background import (its transaction rolls back)
// and waits for it; the job says so.
func TestImportJobsClose(t *testing.T) {
	js := newImportJobs()
	started := make(chan struct{})
	ctx := auth.NewContext(context.Background(), auth.Principal{UserID: 7, Role: auth.RoleAdmin})
	j, err := js.start(ctx, strings.NewReader("a,b\n"), custody.ImportOptions{}, func(ctx context.Context, _ io.Reader, _ custody.ImportOptions) (*custody.ImportResult, error) {
		close(started)
		<-ctx.Done()
		return nil, fmt.Errorf("import: %w", ctx.Err())
	})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if err := js.Close(); err != nil {
		t.Fatal(err)
	}
	if v := j.snapshot(); v.State != "failed" || !strings.Contains(v.Error, "nothing was imported") || v.Finished == nil {
		t.Errorf("after Close: %+v", v)
	}
	if _, ok := js.get(j.view.ID, auth.Principal{UserID: 8, Role: auth.RoleIntake}); ok {
		t.Error("another person sees the job")
	}
}
