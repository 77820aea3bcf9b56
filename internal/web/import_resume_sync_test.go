package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15 follow-up: the import route without ?background=1 ignored
// resume_from and imported the whole file again. It honours it now, like
// the background job, and refuses one that is not a line with 400,
// importing nothing.
func TestCaseImportResumeFromInRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		tok := env.tokens[auth.RoleAdmin]
		var b strings.Builder
		b.WriteString("given_names,surname1,encountered_at\n")
		for i := range 10 {
			fmt.Fprintf(&b, "Ana,SyncResume%d,2026-03-01T09:00Z\n", i) // lines 2-11
		}
		count := func() int {
			t.Helper()
			var n int
			if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases WHERE surname1 LIKE 'SyncResume%'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, bad := range []string{"x", "-1", "1.5"} {
			resp, body := env.do(t, "POST", "/api/v1/cases/import?resume_from="+bad, tok, b.String())
			if resp.StatusCode != 400 || !strings.Contains(string(body), "resume_from") {
				t.Errorf("resume_from=%s: %d %s", bad, resp.StatusCode, body)
			}
		}
		if n := count(); n != 0 {
			t.Fatalf("a refused import stored %d cases", n)
		}
		resp, body := env.do(t, "POST", "/api/v1/cases/import?resume_from=8", tok, b.String())
		var res struct {
			Imported int `json:"imported"`
			Chunks   int `json:"chunks"`
		}
		if err := json.Unmarshal(body, &res); resp.StatusCode != 200 || err != nil || res.Imported != 4 || res.Chunks != 1 {
			t.Fatalf("resume_from=8: %d %s", resp.StatusCode, body)
		}
		var first int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases WHERE surname1 = 'SyncResume6'`).Scan(&first); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 4 || first != 1 {
			t.Fatalf("resume_from=8 stored %d cases (line 8 = SyncResume6: %d), want lines 8-11", n, first)
		}
	})
}
