package custody

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15: linking siblings checked only the first case, so a caseworker
// could pull another facility's case into view, and "case N does not
// exist" told which ids exist.
func TestSiblingsNeedBothInScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		intake2, _ := f.user("intake2@example.org", auth.RoleIntake)
		beds := facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 5}
		facA, facB := f.facility(admin, "Casa A", beds), f.facility(admin, "Casa B", beds)
		if err := f.s.AssignFacility(admin, cwID, facA.ID); err != nil {
			t.Fatal(err)
		}
		placed := func(fac int64) *Case {
			c := f.referred(admin, teenGirl())
			if _, err := f.s.Place(admin, c.ID, fac, ""); err != nil {
				t.Fatal(err)
			}
			return c
		}
		a, a2, b := placed(facA.ID), placed(facA.ID), placed(facB.ID)
		const unknown = 999999
		// masked is the error's text with the id asked for replaced.
		masked := func(err error, id int64) string { return strings.ReplaceAll(fmt.Sprint(err), fmt.Sprint(id), "N") }

		errB := f.s.LinkSiblings(cw, a.ID, b.ID)
		errU := f.s.LinkSiblings(cw, a.ID, unknown)
		if !errors.Is(errB, errs.ErrNotFound) || !errors.Is(errU, errs.ErrNotFound) || masked(errB, b.ID) != masked(errU, unknown) {
			t.Errorf("out of scope: %v; unknown: %v; want the same not found", errB, errU)
		}
		if v, err := f.s.GetCase(cw, a.ID); err != nil || len(v.Case.Siblings) != 0 {
			t.Errorf("a refused link was stored: %+v %v", v, err)
		}
		if _, err := f.s.GetCase(cw, b.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("the other facility's case is visible: %v", err)
		}
		if err := f.s.LinkSiblings(cw, a.ID, a2.ID); err != nil {
			t.Errorf("two cases in scope: %v", err)
		}

		// Intake: siblings named at creation must be the intake worker's own.
		own := f.child(intake, teenGirl())
		other := f.child(intake2, teenGirl())
		in := teenGirl()
		in.EncounteredAt = f.clock
		in.Siblings = []int64{other.ID}
		_, errO := f.s.CreateCase(intake, in)
		in.Siblings = []int64{unknown}
		_, errU = f.s.CreateCase(intake, in)
		if !errs.IsValidation(errO) || masked(errO, other.ID) != masked(errU, unknown) {
			t.Errorf("intake sibling out of scope: %v; unknown: %v; want the same refusal", errO, errU)
		}
		in.Siblings = []int64{own.ID}
		if _, err := f.s.CreateCase(intake, in); err != nil {
			t.Errorf("intake sibling of their own: %v", err)
		}
	})
}

// Decision (scope.go): released and closed cases stay visible to the
// caseworkers of the facility that last held the child, until they are
// unassigned from it.
func TestReleasedCasesStayWithTheirFacility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		fac := f.facility(admin, "Casa A", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 5})
		if err := f.s.AssignFacility(admin, cwID, fac.ID); err != nil {
			t.Fatal(err)
		}
		c := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, c.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Transition(admin, c.ID, StateClosedOther, "closed for the test"); err != nil {
			t.Fatal(err)
		}
		sees := func(ctx context.Context) bool {
			_, err := f.s.GetCase(ctx, c.ID)
			if err != nil && !errors.Is(err, errs.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		if !sees(cw) {
			t.Errorf("a closed case left its facility's view")
		}
		if err := f.s.UnassignFacility(admin, cwID, fac.ID); err != nil {
			t.Fatal(err)
		}
		if sees(cw) {
			t.Errorf("an unassigned caseworker still sees the facility's closed case")
		}
	})
}
