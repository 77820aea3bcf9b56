package custody

import (
	"errors"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestScopeRules(t *testing.T) {
	// One row per role: how its scope is built. The table in scope.go is
	// the rule; this pins it so that a change is deliberate.
	tests := []struct {
		role     auth.Role
		kind     scopeKind
		unplaced bool
	}{
		{auth.RoleAdmin, scopeAll, false},
		{auth.RoleIntake, scopeCreated, false},
		{auth.RoleCaseworker, scopeFacilities, true},
		{auth.RoleSupervisor, scopeFacilities, false},
		{auth.RoleLegal, scopeFacilities, false},
		{auth.RoleAuditor, scopeNone, false},
		{auth.RolePublic, scopeNone, false},
		{auth.RoleAidOfficer, scopeNone, false},
		{auth.RoleCivilSociety, scopeNone, false},
	}
	if len(tests) != len(auth.Roles) {
		t.Fatalf("test covers %d roles, there are %d", len(tests), len(auth.Roles))
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			r := scopeRuleFor(tt.role)
			if r.Kind != tt.kind || r.Unplaced != tt.unplaced {
				t.Errorf("rule = kind %d unplaced %v, want kind %d unplaced %v", r.Kind, r.Unplaced, tt.kind, tt.unplaced)
			}
		})
	}
}

func TestMayPlaceIn(t *testing.T) {
	tests := []struct {
		name string
		sc   Scope
		fac  int64
		want bool
	}{
		{"admin anywhere", Scope{All: true}, 7, true},
		{"caseworker in own facility", Scope{FacilityIDs: []int64{3, 7}, Unplaced: true}, 7, true},
		{"caseworker elsewhere", Scope{FacilityIDs: []int64{3}, Unplaced: true}, 7, false},
		{"no facility", Scope{None: true}, 7, false},
		{"intake", Scope{CreatedBy: 1}, 7, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sc.MayPlaceIn(tt.fac); got != tt.want {
				t.Errorf("MayPlaceIn(%d) = %v, want %v", tt.fac, got, tt.want)
			}
		})
	}
}

// A caseworker sees the children waiting for a bed, and places them in
// their own facility, not in another's; one in no facility sees none.
func TestCaseworkerPlacesWaitingChild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		lonely, _ := f.user("new-cw@example.org", auth.RoleCaseworker)
		sup, supID := f.user("sup@example.org", auth.RoleSupervisor)
		mine := f.facility(admin, "Casa Mia", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 3})
		other := f.facility(admin, "Casa Otra", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 3})
		for _, uid := range []int64{cwID, supID} {
			if err := f.s.AssignFacility(admin, uid, mine.ID); err != nil {
				t.Fatal(err)
			}
		}
		in := teenGirl()
		in.State = StateInBorderCustody
		c := f.child(intake, in)

		if _, err := f.s.GetCase(cw, c.ID); err != nil {
			t.Fatalf("caseworker reads a child in border custody: %v", err)
		}
		if _, err := f.s.GetCase(lonely, c.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("caseworker in no facility: err %v, want not found", err)
		}
		if _, err := f.s.GetCase(sup, c.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("supervisor: err %v, want not found (supervisors do not place)", err)
		}
		if _, err := f.s.Transition(cw, c.ID, StateReferred, "ORR designation received"); err != nil {
			t.Fatalf("caseworker refers: %v", err)
		}
		if _, err := f.s.Place(cw, c.ID, other.ID, ""); !errs.IsValidation(err) {
			t.Fatalf("placement in another's facility: err %v, want a validation error", err)
		}
		placed, err := f.s.Place(cw, c.ID, mine.ID, "bed for a teen girl")
		if err != nil {
			t.Fatalf("caseworker places in own facility: %v", err)
		}
		if placed.State != StatePlaced || placed.FacilityID == nil || *placed.FacilityID != mine.ID {
			t.Errorf("after placement: state %s facility %v", placed.State, placed.FacilityID)
		}
		if _, err := f.s.GetCase(sup, c.ID); err != nil {
			t.Errorf("supervisor reads the placed child: %v", err)
		}
	})
}
