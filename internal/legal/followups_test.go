package legal

import (
	"errors"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// release releases a placed child to a parent: requested by a caseworker
// of the shelter, approved by a supervisor of it.
func (f *fixture) release(caseID int64) {
	f.t.Helper()
	cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
	sup, supID := f.user("sup@example.org", auth.RoleSupervisor)
	fac := f.cases.Facilities()
	for _, id := range []int64{cwID, supID} {
		if err := fac.AssignFacility(f.admin, id, f.fac.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	sp, err := f.rel.AddSponsor(cw, release.Sponsor{CaseID: caseID, GivenNames: "Rosa", Surnames: "Xiloj", Relationship: "parent", USState: "TX"})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, st := range []release.Step{release.StepIdentity, release.StepRelationship, release.StepPublicRecords, release.StepSexOffender} {
		if err := f.rel.RecordVetting(cw, sp.ID, st, release.ResultPassed, "document on file"); err != nil {
			f.t.Fatal(err)
		}
	}
	r, err := f.rel.RequestRelease(cw, caseID, sp.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.rel.ApproveRelease(sup, caseID, r.ID); err != nil {
		f.t.Fatal(err)
	}
}

func TestFollowUpsLostAndFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.placedChild()
		ctx := f.admin
		// Not released: no follow-up, nothing written.
		if _, err := f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: CallNotReached}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("attempt before release: %v", err)
		}
		f.release(id)
		fu, err := f.legal.FollowUpsOf(ctx, id)
		if err != nil || len(fu.Calls) != 1 || fu.Calls[0].Kind != "safety_30" || fu.Calls[0].DueAt.Sub(fu.ReleasedAt) != 30*24*time.Hour {
			t.Fatalf("schedule at release: %+v %v", fu, err)
		}
		if _, err := f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: "maybe"}); !errs.IsValidation(err) {
			t.Fatalf("bad outcome: %v", err)
		}
		if _, err := f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: CallConcern}); !errs.IsValidation(err) {
			t.Fatalf("concern without notes: %v", err)
		}
		pub, _ := f.user("pub@example.org", auth.RolePublic)
		if _, err := f.legal.RecordAttempt(pub, id, AttemptInput{Outcome: CallReached}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("public: %v", err)
		}
		for i := range 3 {
			fu, err = f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: CallNotReached})
			if err != nil {
				t.Fatal(err)
			}
			if lost := i == 2; fu.ContactLost != lost {
				t.Fatalf("after %d failures: lost %v", i+1, fu.ContactLost)
			}
		}
		b, err := f.legal.LostContact(ctx, struct{}{})
		if err != nil || len(b.Lost) != 1 || b.Lost[0].CaseID != id || b.Lost[0].Case == nil || len(b.ByReleaseMonth) != 1 {
			t.Fatalf("lost-contact board: %+v %v", b, err)
		}
		yes := true
		fu, err = f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: CallConcern, Safe: &yes, Notes: "sponsor's household changed"})
		if err != nil || fu.ContactLost || !fu.Step.Found || len(fu.Escalations) != 1 || fu.Calls[0].DoneAt == nil {
			t.Fatalf("found again with a concern: %+v %v", fu, err)
		}
		b, err = f.legal.LostContact(ctx, struct{}{})
		if err != nil || len(b.Lost) != 0 || len(b.Escalations) != 1 {
			t.Fatalf("board after finding: %+v %v", b, err)
		}
		cw, _ := f.user("cw2@example.org", auth.RoleCaseworker)
		if _, err := f.legal.CloseEscalation(cw, fu.Escalations[0].ID, CloseInput{Note: "x"}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("caseworker closed an escalation: %v", err)
		}
		if _, err := f.legal.CloseEscalation(ctx, fu.Escalations[0].ID, CloseInput{}); !errs.IsValidation(err) {
			t.Fatalf("close without a note: %v", err)
		}
		if _, err := f.legal.CloseEscalation(ctx, fu.Escalations[0].ID, CloseInput{Note: "home visit: safe"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.legal.CloseEscalation(ctx, fu.Escalations[0].ID, CloseInput{Note: "again"}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("closed twice: %v", err)
		}
		if _, err := f.legal.CloseEscalation(ctx, 99999, CloseInput{Note: "x"}); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("unknown escalation: %v", err)
		}
		// A wrong number loses contact at once.
		if fu, _ = f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: CallWrongContact}); !fu.ContactLost {
			t.Fatalf("wrong contact: %+v", fu)
		}
	})
}

func TestReintegration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.placedChild()
		in := ReintegrationInput{AgencyKind: "child_protection", AgencyName: "PGN Guatemala", HandedOverOn: time.Now().UTC().Format(time.DateOnly), ReceivedBy: "duty officer", FollowUpContact: "+502 0000 0000"}
		if _, err := f.legal.RecordReintegration(f.admin, id, in); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("hand-off of a child still placed: %v", err)
		}
		if _, err := f.cases.Transition(f.admin, id, "repatriated", "voluntary departure"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.legal.RecordReintegration(f.admin, id, ReintegrationInput{AgencyKind: "embassy"}); len(errs.Fields(err)) != 4 {
			t.Fatalf("bad hand-off: %v", err)
		}
		if _, err := f.legal.RecordReintegration(f.admin, id, in); err != nil {
			t.Fatal(err)
		}
		got, err := f.legal.ReintegrationOf(f.admin, id)
		if err != nil || got.AgencyName != "PGN Guatemala" || got.FollowUpContact == "" {
			t.Fatalf("read back: %+v %v", got, err)
		}
	})
}
