package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestCaseListPagingAndExport: the API and the page page through the
// list with the total; the CSV export is for admin and supervisor only,
// keeps the search, and a name that a spreadsheet would run as a formula
// is written inert.
func TestCaseListPagingAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
		names := []string{"Ana", "Eva", "Rut", "Luz", "=HYPERLINK(\"http://x\")", "+Sol", "-Mar", "@Paz"}
		for _, n := range names {
			env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, fmt.Sprintf(`{"given_names":%q,"surname1":"Tiul","encountered_at":"%s"}`, n, enc), 201)
		}
		pg := env.call(t, "GET", "/api/v1/cases?limit=3&page=2", auth.RoleAdmin, "", 200)
		if pg["total"] != float64(8) || pg["pages"] != float64(3) || pg["page"] != float64(2) || len(pg["cases"].([]any)) != 3 || pg["first"] != float64(4) || pg["last"] != float64(6) {
			t.Errorf("page 2: %v", pg)
		}
		pg = env.call(t, "GET", "/api/v1/cases?limit=3&page=3", auth.RoleAdmin, "", 200)
		if len(pg["cases"].([]any)) != 2 {
			t.Errorf("last page: %v", pg)
		}
		env.call(t, "GET", "/api/v1/cases?page=0", auth.RoleAdmin, "", 400)
		env.call(t, "GET", "/api/v1/cases?page=x", auth.RoleAdmin, "", 400)

		page := env.page(t, "/cases?limit=3&page=2&state=encountered")
		for _, want := range []string{"Cases 4 to 6 of 8", "Page 2 of 3", `id="page-prev"`, `href="/cases?limit=3&amp;state=encountered"`,
			`href="/cases?limit=3&amp;page=3&amp;state=encountered"`, `href="/cases/export.csv?state=encountered"`} {
			if !strings.Contains(page, want) {
				t.Errorf("list page lacks %s", want)
			}
		}
		if _, b := env.do(t, "GET", "/cases", env.tokens[auth.RoleIntake], ""); strings.Contains(string(b), `id="case-export"`) {
			t.Error("the export link is offered to intake")
		}

		for _, role := range []auth.Role{auth.RoleCaseworker, auth.RoleIntake, auth.RoleLegal} {
			if resp, _ := env.do(t, "GET", "/api/v1/cases/export", env.tokens[role], ""); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s exports: %d", role, resp.StatusCode)
			}
		}
		resp, b := env.do(t, "GET", "/cases/export.csv?q=tiul", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || resp.Header.Get("X-Total-Count") != "8" {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil || len(rows) != 9 {
			t.Fatalf("export rows %d: %v", len(rows), err)
		}
		for _, row := range rows[1:] {
			if c := row[1][0]; strings.ContainsRune("=+-@", rune(c)) {
				t.Errorf("a cell starts with %q: %q", c, row[1])
			}
		}
		if !strings.Contains(string(b), `'=HYPERLINK`) || !strings.Contains(string(b), "'+Sol") {
			t.Errorf("formula cells not made inert:\n%s", b)
		}
		// A supervisor in no facility exports the header only.
		resp, b = env.do(t, "GET", "/api/v1/cases/export", env.tokens[auth.RoleSupervisor], "")
		if resp.StatusCode != 200 || strings.Count(string(b), "\n") != 1 {
			t.Errorf("supervisor's export: %d %q", resp.StatusCode, b)
		}
	})
}
