package web

import (
	"context"
	"fmt"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestSupervisorApprovesRelease: the supervisor of a facility is the
// second person of the four-eyes rule; a caseworker is not; a supervisor
// does no other casework and manages no accounts.
func TestSupervisorApprovesRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		facID := int64(fac["id"].(float64))
		op := auth.OperatorContext(context.Background(), "test")
		for _, email := range []string{"caseworker@example.org", "supervisor@example.org"} {
			u, err := auth.NewService(db).UserByEmail(op, email)
			if err != nil {
				t.Fatal(err)
			}
			if err := facilities.New(db, nil).AssignFacility(op, u.ID, facID); err != nil {
				t.Fatal(err)
			}
		}
		id := legalPlacedChild(t, env, facID, "Ana")
		base := fmt.Sprintf("/api/v1/cases/%d", id)
		env.call(t, "GET", base, auth.RoleSupervisor, "", 200)
		env.call(t, "POST", base+"/transitions", auth.RoleSupervisor, `{"state":"closed_other","reason":"x"}`, 403)
		env.call(t, "GET", "/api/v1/audit", auth.RoleSupervisor, "", 403)
		sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleCaseworker, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","surnames":"Tiul","relationship":"parent","us_state":"CA"}`, id), 201)
		spID := int64(sp["id"].(float64))
		for _, st := range []string{"identity_proof", "relationship_proof", "public_records_check", "sex_offender_registry_check"} {
			env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleCaseworker, `{"step":"`+st+`","result":"passed","notes":"document on file"}`, 200)
		}
		rel := env.call(t, "POST", base+"/releases", auth.RoleCaseworker, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 201)
		approve := fmt.Sprintf("%s/releases/%d/approve", base, int64(rel["id"].(float64)))
		env.call(t, "POST", approve, auth.RoleCaseworker, "", 403)
		done := env.call(t, "POST", approve, auth.RoleSupervisor, "", 200)
		if done["status"] != "released" {
			t.Fatalf("release: %v", done)
		}
	})
}
