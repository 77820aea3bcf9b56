package release

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// services is what the tests call: cases, the facilities they are placed
// in, and sponsors and releases.
type (
	cases = custody.Service
	facs  = facilities.Service
)

type services struct {
	*cases
	*facs
	*Service
}

// fixture is a database with a few accounts and a clock the test moves.
type fixture struct {
	t     *testing.T
	db    *store.DB
	s     services
	clock time.Time
	mu    sync.Mutex
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	f := &fixture{t: t, db: db, clock: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	now := func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.clock }
	fac := facilities.New(db, now)
	cs := custody.New(db, fac, now)
	f.s = services{cs, fac, New(db, cs, now)}
	return f
}

func (f *fixture) advance(d time.Duration) { f.mu.Lock(); f.clock = f.clock.Add(d); f.mu.Unlock() }

// user creates an account and returns a context acting as it.
func (f *fixture) user(email string, role auth.Role) (context.Context, int64) {
	return authtest.User(f.t, f.db, email, role)
}

func (f *fixture) facility(ctx context.Context, name string, beds ...facilities.Beds) *facilities.Facility {
	f.t.Helper()
	fac, err := f.s.CreateFacility(ctx, facilities.Facility{Name: name, Type: "shelter", City: "San Antonio", USState: "TX", TZ: "America/Chicago",
		Languages: []string{"Spanish"}, Beds: beds})
	if err != nil {
		f.t.Fatal(err)
	}
	return fac
}

func (f *fixture) child(ctx context.Context, in custody.Intake) *custody.Case {
	f.t.Helper()
	if in.EncounteredAt.IsZero() {
		in.EncounteredAt = f.clock.Add(-time.Hour)
	}
	c, err := f.s.CreateCase(ctx, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// referred walks a new case to referred.
func (f *fixture) referred(ctx context.Context, in custody.Intake) *custody.Case {
	f.t.Helper()
	c := f.child(ctx, in)
	for _, st := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
		if _, err := f.s.Transition(ctx, c.ID, st, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	return c
}

func teenGirl() custody.Intake {
	return custody.Intake{Person: identity.Person{GivenNames: "María José", Surname1: "Hernández", Surname2: "López", Sex: "F", BirthDate: "2011-05-04"}, Nationality: "Guatemala", Languages: []string{"Spanish", "K'iche'"}}
}

func auditCount(t *testing.T, db *store.DB, action, objectID string) int {
	t.Helper()
	es, err := audit.List(context.Background(), db, audit.Filter{Action: action, ObjectID: objectID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func TestCaseFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		approver, _ := f.user("supervisor@example.org", auth.RoleAdmin)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		fac := f.facility(admin, "Casa Esperanza", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 2})
		if err := f.s.AssignFacility(admin, cwID, fac.ID); err != nil {
			t.Fatal(err)
		}

		c := f.child(intake, teenGirl())
		if c.State != custody.StateEncountered || c.Sex == "" || c.Sex != "F" {
			t.Fatalf("created %+v", c)
		}
		// custody.Intake sees its own case until referral; the caseworker does not.
		if _, err := f.s.GetCase(intake, c.ID); err != nil {
			t.Fatalf("intake cannot read its own case: %v", err)
		}
		if _, err := f.s.GetCase(cw, c.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("caseworker read an unplaced case: %v", err)
		}
		if n := auditCount(t, db, "case.read.denied", fmt.Sprint(c.ID)); n != 1 {
			t.Errorf("denied reads audited %d times, want 1", n)
		}

		// Illegal transition: 409-style error naming the allowed states.
		_, err := f.s.Transition(intake, c.ID, custody.StateReleased, "")
		var te *custody.TransitionError
		if !errors.As(err, &te) {
			t.Fatalf("encountered -> released: %v", err)
		}
		for _, st := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
			if _, err := f.s.Transition(intake, c.ID, st, "CBP referral"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.GetCase(intake, c.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("intake still sees the case after referral: %v", err)
		}

		f.advance(30 * time.Hour)
		if _, err := f.s.Place(admin, c.ID, fac.ID, "ORR designation"); err != nil {
			t.Fatal(err)
		}
		v, err := f.s.GetCase(cw, c.ID)
		if err != nil {
			t.Fatalf("caseworker cannot read a case in its facility: %v", err)
		}
		dl := map[custody.DeadlineKind]custody.Deadline{}
		for _, d := range v.Deadlines {
			dl[d.Kind] = d
		}
		if d := dl[custody.DeadlineTransfer]; d.Resolution != "met" {
			t.Errorf("transfer deadline after placement: %+v", d)
		}
		if d := dl[custody.DeadlineNotification]; d.ResolvedAt != nil {
			t.Errorf("notification deadline resolved without a record: %+v", d)
		}
		if d, ok := dl[custody.DeadlineKnowYourRights]; !ok || !d.DueAt.Equal(f.clock.Add(240*time.Hour)) {
			t.Errorf("know-your-rights deadline: %+v", d)
		}
		if _, ok := dl[custody.DeadlineContiguousScreening]; ok {
			t.Error("contiguous screening created for a Guatemalan child")
		}
		if err := f.s.MeetDeadline(cw, c.ID, custody.DeadlineNotification, "ORR portal"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.MeetDeadline(cw, c.ID, custody.DeadlineTransfer, ""); err == nil {
			t.Error("transfer deadline met by hand")
		}

		// Sponsor: an aunt (2B) needs fingerprints on top of the basics.
		sp, err := f.s.AddSponsor(cw, Sponsor{CaseID: c.ID, GivenNames: "Rosa", Surnames: "Hernández", Relationship: "aunt", USState: "CA",
			Household: []HouseholdMember{{Name: "Pedro Ruiz", Relationship: "husband"}}})
		if err != nil {
			t.Fatal(err)
		}
		if sp.Category != Category2B {
			t.Errorf("category %s, want 2B", sp.Category)
		}
		_, err = f.s.RequestRelease(cw, c.ID, sp.ID)
		var ms *MissingStepsError
		if !errors.As(err, &ms) || len(ms.Missing) != 5 {
			t.Fatalf("release before vetting: %v", err)
		}
		for _, st := range []Step{StepIdentity, StepRelationship, StepPublicRecords, StepSexOffender, StepFingerprints} {
			if err := f.s.RecordVetting(cw, sp.ID, st, ResultPassed, "document on file"); err != nil {
				t.Fatal(err)
			}
		}
		rel, err := f.s.RequestRelease(cw, c.ID, sp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ApproveRelease(cw, c.ID, rel.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("caseworker approved a release: %v", err)
		}
		// The requester cannot approve their own request, even as admin.
		rel2Ctx := admin
		if _, err := f.s.ApproveRelease(rel2Ctx, c.ID, rel.ID); err != nil {
			t.Fatalf("admin approval of a caseworker's request: %v", err)
		}
		rv, err := f.s.CaseView(approver, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		v = rv.CaseView
		if v := rv; v.Case.State != custody.StateReleased || len(v.Releases) != 1 || v.Releases[0].FollowUp30 == nil ||
			!v.Releases[0].FollowUp30.Equal(f.clock.Add(30*24*time.Hour)) {
			t.Errorf("after release: state %s releases %+v", v.Case.State, v.Releases)
		}
		for _, d := range v.Deadlines {
			if d.ResolvedAt == nil {
				t.Errorf("deadline %s still open after release", d.Kind)
			}
		}
		got, err := f.s.Facility(admin, fac.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, occ := got.Capacity(); occ != 0 {
			t.Errorf("bed not freed on release: %d occupied", occ)
		}
		if n := auditCount(t, db, "case.read", fmt.Sprint(c.ID)); n != 3 {
			t.Errorf("case reads audited %d times, want 3", n)
		}
		kinds := map[string]int{}
		for _, e := range v.Events {
			kinds[e.Kind]++
		}
		if kinds["transition"] != 2 || kinds["placement"] != 1 || kinds["release.approve"] != 1 || kinds["vetting"] != 5 {
			t.Errorf("timeline kinds %v", kinds)
		}
		if _, err := audit.Verify(context.Background(), db); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
}

func TestSameApproverRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		fac := f.facility(admin, "Casa Norte", facilities.Beds{Sex: "M", AgeBand: facilities.BandChild, Capacity: 1})
		c := f.referred(admin, custody.Intake{Person: identity.Person{Sex: "M", BirthDate: "2016-01-01"}})
		if _, err := f.s.Place(admin, c.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		sp, err := f.s.AddSponsor(admin, Sponsor{CaseID: c.ID, GivenNames: "Juan", Relationship: "parent"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range RequiredSteps(VettingFacts{Category: Category1, ChildAge: 10}) {
			if err := f.s.RecordVetting(admin, sp.ID, r.Step, ResultPassed, "document on file"); err != nil {
				t.Fatal(err)
			}
		}
		rel, err := f.s.RequestRelease(admin, c.ID, sp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ApproveRelease(admin, c.ID, rel.ID); !errors.Is(err, ErrSameApprover) {
			t.Errorf("self-approval: %v", err)
		}
	})
}

func TestTransferKeepsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		a := f.facility(admin, "A", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 1})
		b := f.facility(admin, "B", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 1})
		c := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, c.ID, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		f.advance(24 * time.Hour)
		if _, err := f.s.Place(admin, c.ID, b.ID, "closer to sponsor"); err != nil {
			t.Fatal(err)
		}
		v, err := f.s.GetCase(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Placements) != 2 || v.Placements[0].EndAt == nil || v.Placements[1].EndAt != nil || *v.Case.FacilityID != b.ID {
			t.Fatalf("placements %+v", v.Placements)
		}
		for _, id := range []int64{a.ID, b.ID} {
			fac, _ := f.s.Facility(admin, id)
			_, occ := fac.Capacity()
			if want := map[int64]int{a.ID: 0, b.ID: 1}[id]; occ != want {
				t.Errorf("facility %s occupied %d, want %d", fac.Name, occ, want)
			}
		}
		// Placement clocks started at the first placement, not the transfer.
		for _, d := range v.Deadlines {
			if d.Kind == custody.DeadlineKnowYourRights && !d.DueAt.Equal(f.clock.Add(-24*time.Hour).Add(240*time.Hour)) {
				t.Errorf("know-your-rights due %v restarted by transfer", d.DueAt)
			}
		}
	})
}

// TestPlacementRace races 50 placements for 10 beds: exactly 10 succeed.
func TestPlacementRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		fac := f.facility(admin, "Influx Site", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 10})
		ids := make([]int64, 50)
		for i := range ids {
			ids[i] = f.referred(admin, teenGirl()).ID
		}
		var ok, full atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, len(ids))
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.s.Place(admin, id, fac.ID, "")
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, facilities.ErrNoBed):
					full.Add(1)
				default:
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("unexpected error: %v", err)
		}
		if ok.Load() != 10 || full.Load() != 40 {
			t.Errorf("placed %d, refused %d; want 10 and 40", ok.Load(), full.Load())
		}
		var occupied, placements, placedCases int
		ctx := context.Background()
		if err := db.QueryRow(ctx, `SELECT occupied FROM facility_beds WHERE facility_id = ?`, fac.ID).Scan(&occupied); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM placements WHERE facility_id = ?`, fac.ID).Scan(&placements); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE state = 'placed'`).Scan(&placedCases); err != nil {
			t.Fatal(err)
		}
		if occupied != 10 || placements != 10 || placedCases != 10 {
			t.Errorf("occupied %d, placements %d, placed cases %d; want 10 each", occupied, placements, placedCases)
		}
	})
}

func TestLegalProviderRecordsLegalClocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		legal, legalID := f.user("legal@example.org", auth.RoleLegal)
		fac := f.facility(admin, "Casa Legal", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 1})
		if err := f.s.AssignFacility(admin, legalID, fac.ID); err != nil {
			t.Fatal(err)
		}
		c := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, c.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.s.MeetDeadline(legal, c.ID, custody.DeadlineKnowYourRights, "group session"); err != nil {
			t.Errorf("legal provider cannot record know-your-rights: %v", err)
		}
		if err := f.s.MeetDeadline(legal, c.ID, custody.DeadlineNotification, ""); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("legal provider recorded the HHS notification: %v", err)
		}
		if _, err := f.s.Transition(legal, c.ID, custody.StateClosedOther, "x"); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("legal provider changed the state: %v", err)
		}
	})
}
