package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestSponsorListAndFlags: the list searches and pages the sponsors in
// scope; one sponsor (same document) for two children, unrelated to one,
// is flagged in the API and on the page, with both children listed; bad
// paging is a 400.
func TestSponsorListAndFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		facID := int64(fac["id"].(float64))
		a, b := legalPlacedChild(t, env, facID, "Ana"), legalPlacedChild(t, env, facID, "Eva")
		for _, c := range []struct {
			id  int64
			rel string
		}{{a, "parent"}, {b, "unrelated"}} {
			env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Juan","surnames":"Pérez","relationship":%q,"id_document":"MX-1234560","address":"5 Oak Rd","city":"Houston","us_state":"TX"}`, c.id, c.rel), 201)
		}
		resp, body := env.do(t, "GET", "/api/v1/sponsors?q=juan+perez&limit=1", env.tokens[auth.RoleAdmin], "")
		var page struct {
			Sponsors []struct {
				ID    int64    `json:"id"`
				Flags []string `json:"flags"`
			} `json:"sponsors"`
			Total int `json:"total"`
		}
		if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != 200 || page.Total != 2 || len(page.Sponsors) != 1 || len(page.Sponsors[0].Flags) != 1 {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
		if resp, _ := env.do(t, "GET", "/api/v1/sponsors?limit=0", env.tokens[auth.RoleAdmin], ""); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("limit=0: %d", resp.StatusCode)
		}
		resp, body = env.do(t, "GET", "/api/v1/sponsors/flags", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"several_unrelated_children"`) || strings.Count(string(body), `"case_id"`) != 2 {
			t.Fatalf("flags: %d %s", resp.StatusCode, body)
		}
		// The page is reached from the board (not the main navigation,
		// which must stay on one line at 1366 px).
		if _, board := env.do(t, "GET", "/board", env.tokens[auth.RoleSupervisor], ""); !strings.Contains(string(board), `href="/sponsors/flagged" id="sponsor-flags-link"`) {
			t.Errorf("the board does not link to the sponsors flagged for review")
		}
		resp, body = env.do(t, "GET", "/sponsors/flagged", env.tokens[auth.RoleSupervisor], "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `id="no-flags"`) {
			t.Fatalf("a supervisor of no facility sees no flag: %d", resp.StatusCode)
		}
		resp, body = env.do(t, "GET", "/sponsors/flagged", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `id="flag-0"`) || !strings.Contains(string(body), fmt.Sprintf("/cases/%d", b)) {
			t.Fatalf("flagged page: %d %s", resp.StatusCode, body)
		}
	})
}
