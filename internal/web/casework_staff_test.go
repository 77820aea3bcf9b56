package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// cwFacility is a facility with three teen girls' beds, made by admin.
func cwFacility(t *testing.T, env *testEnv, name string) int64 {
	t.Helper()
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"`+name+`","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
	return int64(fac["id"].(float64))
}

// cwUserID is the id of the test account of role.
func cwUserID(t *testing.T, env *testEnv, role auth.Role) int64 {
	t.Helper()
	u, err := auth.NewService(env.db).UserByEmail(auth.OperatorContext(t.Context(), "test"), string(role)+"@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestAssignStaffFromUsersPage: a new caseworker sees no case; the admin
// assigns them to a facility from the users page; they then see the
// child waiting in border custody, refer and place it in their facility,
// and not in another one.
func TestAssignStaffFromUsersPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		mine, other := cwFacility(t, env, "Casa Mia"), cwFacility(t, env, "Casa Otra")
		enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
		c := env.call(t, "POST", "/api/v1/cases", auth.RoleIntake, `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","state":"in_border_custody","encountered_at":"`+enc+`"}`, 201)
		base := fmt.Sprintf("/api/v1/cases/%v", c["id"])
		env.call(t, "GET", base, auth.RoleCaseworker, "", 404)

		cw := cwUserID(t, env, auth.RoleCaseworker)
		page := env.page(t, "/admin/users")
		if !strings.Contains(page, `id="user-`+fmt.Sprint(cw)+`"`) || !strings.Contains(page, "In no facility: sees no case") {
			t.Fatalf("users page does not show the caseworker in no facility")
		}
		// Refusals: an account whose role works in no facility, an
		// unknown facility, an unknown account.
		for _, form := range []url.Values{
			{"user_id": {fmt.Sprint(cwUserID(t, env, auth.RoleAuditor))}, "facility_id": {fmt.Sprint(mine)}},
			{"user_id": {fmt.Sprint(cw)}, "facility_id": {"99999"}},
			{"user_id": {"99999"}, "facility_id": {fmt.Sprint(mine)}},
		} {
			if resp, body := env.uxPost(t, auth.RoleAdmin, "es", "/admin/users/facilities", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `class="error"`) {
				t.Errorf("%v: %d", form, resp.StatusCode)
			}
		}
		if resp, _ := env.uxPost(t, auth.RoleCaseworker, "en", "/admin/users/facilities", url.Values{"user_id": {fmt.Sprint(cw)}, "facility_id": {fmt.Sprint(mine)}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a caseworker assigns themself: %d", resp.StatusCode)
		}
		resp, _ := env.uxPost(t, auth.RoleAdmin, "en", "/admin/users/facilities", url.Values{"user_id": {fmt.Sprint(cw)}, "facility_id": {fmt.Sprint(mine)}, "action": {"assign"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("assign: %d", resp.StatusCode)
		}
		if page := env.page(t, "/admin/users"); !strings.Contains(page, "Remove from Casa Mia") {
			t.Errorf("users page does not list the assignment")
		}

		env.call(t, "GET", base, auth.RoleCaseworker, "", 200)
		env.call(t, "POST", base+"/transitions", auth.RoleCaseworker, `{"state":"referred","reason":"designation received"}`, 200)
		env.call(t, "POST", base+"/placements", auth.RoleCaseworker, fmt.Sprintf(`{"facility_id":%d}`, other), 422)
		placed := env.call(t, "POST", base+"/placements", auth.RoleCaseworker, fmt.Sprintf(`{"facility_id":%d}`, mine), 200)
		if placed["state"] != "placed" {
			t.Errorf("placed: %v", placed)
		}

		resp, _ = env.uxPost(t, auth.RoleAdmin, "en", "/admin/users/facilities", url.Values{"user_id": {fmt.Sprint(cw)}, "facility_id": {fmt.Sprint(mine)}, "action": {"unassign"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("unassign: %d", resp.StatusCode)
		}
		env.call(t, "GET", base, auth.RoleCaseworker, "", 404)
	})
}
