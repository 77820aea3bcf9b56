package release

import (
	"errors"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestPendingReleases: the approver's queue shows a requested release
// with the child, the sponsor and each step with who recorded it, only
// to supervisors of the child's facility; the requester's own request is
// marked; an approved release leaves the queue.
func TestPendingReleases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		sup, supID := f.user("sup@example.org", auth.RoleSupervisor)
		elsewhere, elseID := f.user("sup-b@example.org", auth.RoleSupervisor)
		fac := f.facility(admin, "Casa Esperanza", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 2})
		other := f.facility(admin, "Casa B", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 2})
		for _, a := range []struct{ u, f int64 }{{cwID, fac.ID}, {supID, fac.ID}, {elseID, other.ID}} {
			if err := f.s.AssignFacility(admin, a.u, a.f); err != nil {
				t.Fatal(err)
			}
		}
		c := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, c.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		sp, err := f.s.AddSponsor(cw, Sponsor{CaseID: c.ID, GivenNames: "Rosa", Surnames: "Hernández", Relationship: "parent"})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []Step{StepIdentity, StepRelationship, StepPublicRecords, StepSexOffender} {
			if err := f.s.RecordVetting(cw, sp.ID, st, ResultPassed, "document on file"); err != nil {
				t.Fatal(err)
			}
		}
		if q, err := f.s.PendingReleases(sup); err != nil || len(q) != 0 {
			t.Fatalf("queue before any request: %v %v", q, err)
		}
		rel, err := f.s.RequestRelease(cw, c.ID, sp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PendingReleases(cw); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("caseworker reads the approval queue: %v", err)
		}
		if q, err := f.s.PendingReleases(elsewhere); err != nil || len(q) != 0 {
			t.Errorf("a supervisor of another facility sees %d pending (%v)", len(q), err)
		}
		q, err := f.s.PendingReleases(sup)
		if err != nil || len(q) != 1 {
			t.Fatalf("supervisor's queue: %v %v", q, err)
		}
		it := q[0]
		if it.Release.ID != rel.ID || it.ChildName != "María José Hernández López" || it.Sponsor.GivenNames != "Rosa" || it.Sponsor.Category != Category1 || it.RequestedByCaller {
			t.Errorf("queue item %+v", it)
		}
		if len(it.Steps) != 4 || len(it.Missing) != 0 {
			t.Fatalf("steps %+v missing %v", it.Steps, it.Missing)
		}
		for _, st := range it.Steps {
			if st.Check == nil || st.Check.RecordedBy != "cw@example.org" || st.Check.Result != ResultPassed {
				t.Errorf("step %s: %+v", st.Step, st.Check)
			}
		}
		if n := auditCount(t, db, "case.release.queue", ""); n == 0 {
			t.Error("the queue read is not audited")
		}
		if _, err := f.s.PendingRelease(sup, rel.ID+100); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown pending release: %v", err)
		}
		if _, err := f.s.ApproveRelease(sup, c.ID, rel.ID); err != nil {
			t.Fatal(err)
		}
		if q, err := f.s.PendingReleases(sup); err != nil || len(q) != 0 {
			t.Errorf("queue after approval: %v %v", q, err)
		}
	})
}

// The requester's own request is in their queue marked as theirs (an
// admin who requested cannot approve it: ErrSameApprover).
func TestPendingReleaseRequestedByCaller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		fac := f.facility(admin, "Casa Esperanza", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 2})
		c := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, c.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		sp, err := f.s.AddSponsor(admin, Sponsor{CaseID: c.ID, GivenNames: "Rosa", Relationship: "parent"})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []Step{StepIdentity, StepRelationship, StepPublicRecords, StepSexOffender} {
			if err := f.s.RecordVetting(admin, sp.ID, st, ResultPassed, "on file"); err != nil {
				t.Fatal(err)
			}
		}
		rel, err := f.s.RequestRelease(admin, c.ID, sp.ID)
		if err != nil {
			t.Fatal(err)
		}
		it, err := f.s.PendingRelease(admin, rel.ID)
		if err != nil || !it.RequestedByCaller {
			t.Errorf("own request: %+v %v", it, err)
		}
	})
}
