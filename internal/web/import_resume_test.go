package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15: a background import of a large file that stops part way says
// how many rows stay committed and where to resume; ?resume_from=N skips
// the rows before line N.
func TestImportJobResume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		tok := env.tokens[auth.RoleAdmin]
		var b strings.Builder
		b.WriteString("given_names,surname1,encountered_at\n")
		for i := range 10 {
			fmt.Fprintf(&b, "Ana,Resume%d,2026-03-01T09:00Z\n", i) // lines 2-11
		}
		run := func(query string) map[string]any {
			t.Helper()
			resp, body := env.do(t, "POST", "/api/v1/cases/import?background=1"+query, tok, b.String())
			if resp.StatusCode != 202 {
				t.Fatalf("start: %d %s", resp.StatusCode, body)
			}
			loc := resp.Header.Get("Location")
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				job := env.call(t, "GET", loc, auth.RoleAdmin, "", 200)
				if job["state"] != "running" {
					return job
				}
			}
			t.Fatal("the job did not finish")
			return nil
		}
		job := run("&resume_from=8") // lines 8-11: 4 rows
		res, _ := job["result"].(map[string]any)
		if job["state"] != "done" || res == nil || res["imported"] != 4.0 || job["rows_committed"] != 4.0 {
			t.Fatalf("resumed job: %v", job)
		}
		resp, body := env.do(t, "POST", "/api/v1/cases/import?background=1&resume_from=x", tok, b.String())
		if resp.StatusCode != 400 {
			t.Fatalf("resume_from=x: %d %s", resp.StatusCode, body)
		}
	})
}

// A job whose import stopped after committing chunks reports the rows
// committed and the line to resume from.
func TestImportJobStoppedReport(t *testing.T) {
	js := newImportJobs()
	defer js.Close()
	ctx := auth.NewContext(context.Background(), auth.Principal{UserID: 7, Role: auth.RoleAdmin})
	var got custody.ImportOptions
	j, err := js.start(ctx, strings.NewReader("a,b\n"), custody.ImportOptions{ResumeFrom: 3}, func(ctx context.Context, _ io.Reader, opt custody.ImportOptions) (*custody.ImportResult, error) {
		got = opt
		opt.Committed(5000, 5002)
		return nil, fmt.Errorf("custody: import: %w", &custody.ImportStoppedError{Imported: 5000, ResumeFrom: 5002, Err: context.Canceled})
	})
	if err != nil {
		t.Fatal(err)
	}
	var v importJobView
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if v = j.snapshot(); v.State != "running" {
			break
		}
	}
	if got.ResumeFrom != 3 || got.Progress == nil {
		t.Errorf("the import was run with %+v", got)
	}
	b, _ := json.Marshal(v)
	if v.State != "failed" || v.Committed != 5000 || v.ResumeFrom != 5002 || !strings.Contains(v.Error, "5000 rows were imported and stay imported") ||
		!strings.Contains(string(b), `"rows_committed":5000`) || !strings.Contains(string(b), `"resume_from":5002`) {
		t.Errorf("job: %s", b)
	}
}
