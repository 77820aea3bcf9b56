package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15 through the API: a search over the bounds is 422 naming q; a
// sibling outside the caller's scope is answered as an unknown id (404,
// the same message but for the id).
func TestSearchBoundAndSiblingScopeAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		resp, b := env.do(t, "GET", "/api/v1/cases?q="+strings.Repeat("ab+", 400), env.tokens[auth.RoleAdmin], "")
		var e apiError
		if resp.StatusCode != 422 || json.Unmarshal(b, &e) != nil || !strings.Contains(e.Error.Message, "q:") {
			t.Errorf("400-word search: %d %s", resp.StatusCode, b)
		}

		enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
		newCase := func() string {
			c := env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","encountered_at":"`+enc+`"}`, 201)
			return fmt.Sprint(c["id"])
		}
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
		other := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Otra","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
		place := func(id string, facID any) {
			for _, st := range []string{"in_border_custody", "referred"} {
				env.call(t, "POST", "/api/v1/cases/"+id+"/transitions", auth.RoleAdmin, `{"state":"`+st+`"}`, 200)
			}
			env.call(t, "POST", "/api/v1/cases/"+id+"/placements", auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%v}`, facID), 200)
		}
		mine, theirs := newCase(), newCase()
		place(mine, fac["id"])
		place(theirs, other["id"])
		op := auth.OperatorContext(context.Background(), "test")
		cw, err := auth.NewService(db).UserByEmail(op, "caseworker@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := facilities.New(db, nil).AssignFacility(op, cw.ID, int64(fac["id"].(float64))); err != nil {
			t.Fatal(err)
		}
		link := func(sib string) (int, string) {
			resp, b := env.do(t, "POST", "/api/v1/cases/"+mine+"/siblings", env.tokens[auth.RoleCaseworker], `{"sibling_id":`+sib+`}`)
			var e apiError
			_ = json.Unmarshal(b, &e)
			return resp.StatusCode, strings.ReplaceAll(e.Error.Message, sib, "N")
		}
		codeT, msgT := link(theirs)
		codeU, msgU := link("999999")
		if codeT != 404 || codeU != 404 || msgT != msgU {
			t.Errorf("out of scope: %d %q; unknown: %d %q", codeT, msgT, codeU, msgU)
		}
		env.call(t, "GET", "/api/v1/cases/"+theirs, auth.RoleCaseworker, "", 404)
	})
}

// The search page shows a search over the bounds as the form again, with
// the problem (422), not an error page.
func TestSearchBoundPage(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	req, _ := http.NewRequest("GET", env.ts.URL+"/cases?q="+strings.Repeat("ab+", 20), nil)
	req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAdmin])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 422 || !strings.Contains(string(b), `id="search-error"`) || !strings.Contains(string(b), `name="q" value="ab ab`) {
		t.Errorf("%d %.400s", resp.StatusCode, b)
	}
}
