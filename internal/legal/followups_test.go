package legal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// release releases a placed child to a parent, without post-release
// services.
func (f *fixture) release(caseID int64) { f.releaseTo(caseID, "parent", false) }

// staff is a caseworker and a supervisor of the shelter (made once).
func (f *fixture) staff() (cw, sup context.Context) {
	f.t.Helper()
	if f.cw == nil {
		var cwID, supID int64
		f.cw, cwID = f.user("cw@example.org", auth.RoleCaseworker)
		f.sup, supID = f.user("sup@example.org", auth.RoleSupervisor)
		for _, id := range []int64{cwID, supID} {
			if err := f.cases.Facilities().AssignFacility(f.admin, id, f.fac.ID); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	return f.cw, f.sup
}

// releaseTo releases a placed child to a sponsor of the relationship,
// with post-release services or not: requested by a caseworker of the
// shelter, approved by a supervisor of it. It returns the release.
func (f *fixture) releaseTo(caseID int64, rel release.Relationship, prs bool) *release.Release {
	f.t.Helper()
	cw, sup := f.staff()
	sp, err := f.rel.AddSponsor(cw, release.Sponsor{CaseID: caseID, GivenNames: "Rosa", Surnames: "Xiloj", Relationship: rel, USState: "TX",
		Address: "12 Elm St", City: "Houston"})
	if err != nil {
		f.t.Fatal(err)
	}
	cl, err := f.rel.SponsorChecklist(cw, sp.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, req := range cl.Required {
		if err := f.rel.RecordVetting(cw, sp.ID, req.Step, release.ResultPassed, "document on file"); err != nil {
			f.t.Fatal(err)
		}
	}
	r, err := f.rel.RequestRelease(cw, caseID, sp.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if prs {
		yes := true
		if _, err := f.rel.SetPostReleaseServices(cw, caseID, r.ID, release.ServicesInput{PostReleaseServices: &yes}); err != nil {
			f.t.Fatal(err)
		}
	}
	if r, err = f.rel.ApproveRelease(sup, caseID, r.ID); err != nil {
		f.t.Fatal(err)
	}
	return r
}

func callKinds(fu *FollowUps) []string {
	out := []string{}
	for _, c := range fu.Calls {
		out = append(out, c.Kind)
	}
	return out
}

// TestPostReleaseServicesCalls: services recorded before approval bring
// the monthly calls at release; recorded after release, they are added at
// once; they cannot be taken away after release, and bad input changes
// nothing.
func TestPostReleaseServicesCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		a := f.placedChild()
		f.releaseTo(a, "parent", true)
		fu, err := f.legal.FollowUpsOf(f.admin, a)
		if err != nil || strings.Join(callKinds(fu), " ") != "safety_30 prs_60 prs_90" || fu.Calls[2].DueAt.Sub(fu.ReleasedAt) != 90*24*time.Hour {
			t.Fatalf("schedule with services: %v %v", callKinds(fu), err)
		}

		b := f.placedChild()
		r := f.releaseTo(b, "aunt", false)
		if fu, _ = f.legal.FollowUpsOf(f.admin, b); len(fu.Calls) != 1 {
			t.Fatalf("schedule without services: %v", callKinds(fu))
		}
		cw, _ := f.staff()
		if _, err := f.rel.SetPostReleaseServices(cw, b, r.ID, release.ServicesInput{}); !errs.IsValidation(err) {
			t.Fatalf("no answer: %v", err)
		}
		if _, err := f.rel.SetPostReleaseServices(cw, a, r.ID, release.ServicesInput{PostReleaseServices: ptr(true)}); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("release of another case: %v", err)
		}
		pub, _ := f.user("pub@example.org", auth.RolePublic)
		if _, err := f.rel.SetPostReleaseServices(pub, b, r.ID, release.ServicesInput{PostReleaseServices: ptr(true)}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("public: %v", err)
		}
		if fu, _ = f.legal.FollowUpsOf(f.admin, b); len(fu.Calls) != 1 {
			t.Fatalf("refused changes wrote calls: %v", callKinds(fu))
		}
		if _, err := f.rel.SetPostReleaseServices(cw, b, r.ID, release.ServicesInput{PostReleaseServices: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if fu, _ = f.legal.FollowUpsOf(f.admin, b); strings.Join(callKinds(fu), " ") != "safety_30 prs_60 prs_90" {
			t.Fatalf("services added after release: %v", callKinds(fu))
		}
		if _, err := f.rel.SetPostReleaseServices(cw, b, r.ID, release.ServicesInput{PostReleaseServices: ptr(false)}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("services taken away after release: %v", err)
		}

		// The board counts lost children per sponsor category.
		for _, id := range []int64{a, b} {
			if _, err := f.legal.RecordAttempt(f.admin, id, AttemptInput{Outcome: CallWrongContact}); err != nil {
				t.Fatal(err)
			}
		}
		board, err := f.legal.LostContact(f.admin, LostQuery{})
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(board.BySponsorCategory)
		if got != "[{1 1} {2B 1}]" || !board.Lost[0].PostReleaseServices || board.Lost[0].SponsorCategory == "" {
			t.Fatalf("counts per category: %s %+v", got, board.Lost)
		}
		// A caseworker of the shelter sees the same board through its
		// facility scope; one of another facility sees none of it.
		if cwBoard, err := f.legal.LostContact(cw, LostQuery{}); err != nil || len(cwBoard.Lost) != 2 || cwBoard.Lost[0].Case == nil ||
			fmt.Sprint(cwBoard.BySponsorCategory) != got {
			t.Fatalf("caseworker's board: %+v %v", cwBoard, err)
		}
		other, _ := f.user("cw-other@example.org", auth.RoleCaseworker)
		if ob, err := f.legal.LostContact(other, LostQuery{}); err != nil || len(ob.Lost) != 0 || len(ob.BySponsorCategory) != 0 {
			t.Fatalf("caseworker of no facility: %+v %v", ob, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

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
		b, err := f.legal.LostContact(ctx, LostQuery{})
		if err != nil || len(b.Lost) != 1 || b.Lost[0].CaseID != id || b.Lost[0].Case == nil || len(b.ByReleaseMonth) != 1 {
			t.Fatalf("lost-contact board: %+v %v", b, err)
		}
		yes := true
		fu, err = f.legal.RecordAttempt(ctx, id, AttemptInput{Outcome: CallConcern, Safe: &yes, Notes: "sponsor's household changed"})
		if err != nil || fu.ContactLost || !fu.Step.Found || len(fu.Escalations) != 1 || fu.Calls[0].DoneAt == nil {
			t.Fatalf("found again with a concern: %+v %v", fu, err)
		}
		b, err = f.legal.LostContact(ctx, LostQuery{})
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
