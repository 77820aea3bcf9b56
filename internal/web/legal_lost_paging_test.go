package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// legalLostChild releases a placed child to a sponsor of the relationship
// (requested by the admin, approved by the facility's supervisor) and
// records a wrong number: the child's contact is lost.
func legalLostChild(t *testing.T, env *testEnv, facID int64, name, relationship string) int64 {
	t.Helper()
	id := legalPlacedChild(t, env, facID, name)
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa %s","surnames":"Tiul","relationship":%q,"us_state":"TX"}`, id, name, relationship), 201)
	spID := int64(sp["id"].(float64))
	steps := []string{"identity_proof", "relationship_proof", "public_records_check", "sex_offender_registry_check"}
	if relationship != "parent" {
		steps = append(steps, "fingerprint_background_check") // category 2B
	}
	for _, st := range steps {
		env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleAdmin, `{"step":"`+st+`","result":"passed","notes":"document on file"}`, 200)
	}
	rel := env.call(t, "POST", base+"/releases", auth.RoleAdmin, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 201)
	env.call(t, "POST", fmt.Sprintf("%s/releases/%d/approve", base, int64(rel["id"].(float64))), auth.RoleSupervisor, "", 200)
	env.call(t, "POST", base+"/followups", auth.RoleAdmin, `{"outcome":"wrong_contact"}`, 201)
	return id
}

// TestLostContactPagingAPI: three lost children (two released to a
// parent, one to an aunt) read two at a time through the API: page 2
// holds the child page 1 does not; the total and the counts per month and
// per category are those of all three on every page; a limit that is not
// a whole number, out of range, or a negative offset is refused (422).
// The page shows where the page stands and links to the next one.
func TestLostContactPagingAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		facID := int64(fac["id"].(float64))
		op := auth.OperatorContext(context.Background(), "test")
		u, err := auth.NewService(db).UserByEmail(op, "supervisor@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := facilities.New(db, nil).AssignFacility(op, u.ID, facID); err != nil {
			t.Fatal(err)
		}
		for i, rel := range []string{"parent", "parent", "aunt"} {
			legalLostChild(t, env, facID, fmt.Sprint("Lia", i), rel)
		}
		p1 := env.call(t, "GET", "/api/v1/followups/lost-contact?limit=2", auth.RoleAdmin, "", 200)
		p2 := env.call(t, "GET", "/api/v1/followups/lost-contact?limit=2&offset=2", auth.RoleAdmin, "", 200)
		l1, l2 := p1["lost"].([]any), p2["lost"].([]any)
		if len(l1) != 2 || len(l2) != 1 {
			t.Fatalf("pages of 2: %d then %d children", len(l1), len(l2))
		}
		last := l2[0].(map[string]any)["case_id"]
		for _, e := range l1 {
			if e.(map[string]any)["case_id"] == last {
				t.Fatalf("page 2 repeats page 1's child %v", last)
			}
		}
		for _, k := range []string{"total", "by_release_month", "by_sponsor_category"} {
			if fmt.Sprint(p1[k]) != fmt.Sprint(p2[k]) {
				t.Errorf("%s changed with the page: %v, then %v", k, p1[k], p2[k])
			}
		}
		if p1["total"] != 3.0 || !strings.Contains(fmt.Sprint(p1["by_sponsor_category"]), "count:2") || !strings.Contains(fmt.Sprint(p1["by_sponsor_category"]), "category:2B") {
			t.Fatalf("counts: %v %v", p1["total"], p1["by_sponsor_category"])
		}
		for _, q := range []string{"limit=abc", "limit=0", "limit=1001", "offset=-1", "offset=x"} {
			env.call(t, "GET", "/api/v1/followups/lost-contact?"+q, auth.RoleAdmin, "", 422)
		}
		resp, pg := env.do(t, "GET", "/followups/lost-contact?limit=2", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != 200 || !strings.Contains(string(pg), `id="lost-count">Children 1 to 2 of 3`) ||
			!strings.Contains(string(pg), `href="/followups/lost-contact?limit=2&amp;offset=2" rel="next"`) {
			t.Fatalf("page 1: %d %s", resp.StatusCode, pg)
		}
		resp, pg = env.do(t, "GET", "/followups/lost-contact?limit=2&offset=2", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != 200 || !strings.Contains(string(pg), `id="lost-count">Children 3 to 3 of 3`) || strings.Contains(string(pg), `rel="next"`) ||
			!strings.Contains(string(pg), `rel="prev"`) {
			t.Fatalf("page 2: %d %s", resp.StatusCode, pg)
		}
		if resp, _ = env.do(t, "GET", "/followups/lost-contact?limit=abc", env.tokens[auth.RoleAdmin], ""); resp.StatusCode != 422 {
			t.Fatalf("page with a bad limit: %d", resp.StatusCode)
		}
		// Every lost child is in the CSV, whatever the page size.
		if _, cb := env.do(t, "GET", "/followups/lost-contact.csv", env.tokens[auth.RoleAdmin], ""); strings.Count(string(cb), "\n") != 4 {
			t.Fatalf("lost-contact CSV: %s", cb)
		}
	})
}
