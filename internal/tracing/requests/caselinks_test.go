package requests

import (
	"context"
	"errors"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// release releases case c (placed in a new facility) to a vetted parent,
// requested by the admin and approved by a second admin.
func (f *fixture) release(c *custody.Case) *release.Sponsor {
	f.t.Helper()
	fac, err := f.fac.CreateFacility(f.admin, facilities.Facility{Name: "Casa Dos", Type: "shelter", TZ: "America/Chicago",
		Beds: []facilities.Beds{{Sex: "M", AgeBand: facilities.BandTeen, Capacity: 4}, {Sex: "M", AgeBand: facilities.BandChild, Capacity: 4}}})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, st := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
		if _, err := f.cases.Transition(f.admin, c.ID, st, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := f.cases.Place(f.admin, c.ID, fac.ID, "test"); err != nil {
		f.t.Fatal(err)
	}
	sp, err := f.rel.AddSponsor(f.admin, release.Sponsor{CaseID: c.ID, GivenNames: "Marta", Surnames: "López", Relationship: "parent"})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, st := range []release.Step{release.StepIdentity, release.StepRelationship, release.StepPublicRecords, release.StepSexOffender} {
		if err := f.rel.RecordVetting(f.admin, sp.ID, st, release.ResultPassed, "document on file"); err != nil {
			f.t.Fatal(err)
		}
	}
	r, err := f.rel.RequestRelease(f.admin, c.ID, sp.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	second, _ := f.user("admin2@example.org", auth.RoleAdmin)
	if _, err := f.rel.ApproveRelease(second, c.ID, r.ID); err != nil {
		f.t.Fatal(err)
	}
	return sp
}

// TestCaseLinks: a case's confirmed relatives come with name and
// relationship, its undecided matches as pending (not those of a closed
// request); out of scope is not found, a role without tracing is
// refused, and each read is audited.
func TestCaseLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		f.svc = f.service()

		empty, err := f.svc.CaseLinks(f.admin, jose.ID)
		if err != nil || len(empty.Confirmed) != 0 || len(empty.Pending) != 0 {
			t.Fatalf("before any request: %+v %v", empty, err)
		}

		// Two relatives ask; one is confirmed, one waits; a third request
		// is closed and its match no longer counts.
		aunt, err := f.svc.Create(f.admin, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		grand := newReq(pepe())
		grand.Seeker = Seeker{GivenNames: "Tomás", Surnames: "López", Relationship: "grandparent", Contact: "+502 5555 0101"}
		gv, err := f.svc.Create(f.admin, grand)
		if err != nil {
			t.Fatal(err)
		}
		closed, err := f.svc.Create(f.admin, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Close(f.admin, closed.Request.ID, "asked twice"); err != nil {
			t.Fatal(err)
		}
		cand := candidateFor(t, aunt, jose.ID)
		if _, err := f.svc.Decide(f.admin, cand, Decision{Status: CandidateConfirmed}); err != nil {
			t.Fatal(err)
		}
		before := f.auditCount("tracing.case_links")
		got, err := f.svc.CaseLinks(f.admin, jose.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Confirmed) != 1 || len(got.Pending) != 1 {
			t.Fatalf("confirmed %+v, pending %+v", got.Confirmed, got.Pending)
		}
		c := got.Confirmed[0]
		if c.GivenNames != "Rosa" || c.Surnames != "Pérez" || c.Relationship != "aunt" || c.RequestID != aunt.Request.ID ||
			c.LinkID == 0 || c.By != "admin@example.org" || c.SponsorID != nil {
			t.Errorf("confirmed link %+v", c)
		}
		p := got.Pending[0]
		if p.RequestID != gv.Request.ID || p.Relationship != "grandparent" || p.LinkID != 0 || p.Status != CandidateProposed {
			t.Errorf("pending match %+v", p)
		}
		if f.auditCount("tracing.case_links") != before+1 {
			t.Error("the read is not audited")
		}

		// Made into a sponsor, the link says so.
		sp, err := f.svc.MakeSponsor(f.admin, c.LinkID)
		if err != nil {
			t.Fatal(err)
		}
		got, err = f.svc.CaseLinks(f.admin, jose.ID)
		if err != nil || got.Confirmed[0].SponsorID == nil || *got.Confirmed[0].SponsorID != sp.ID {
			t.Fatalf("after sponsor: %+v %v", got, err)
		}

		cwNone, _ := f.user("cw-none@example.org", auth.RoleCaseworker)
		legal, _ := f.user("legal@example.org", auth.RoleLegal)
		tests := []struct {
			name string
			ctx  context.Context
			id   int64
			want error
		}{
			{"caseworker without the case in scope", cwNone, jose.ID, errs.ErrNotFound},
			{"unknown case", f.admin, 999999, errs.ErrNotFound},
			{"role without tracing", legal, jose.ID, errs.ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := f.svc.CaseLinks(tt.ctx, tt.id); !errors.Is(err, tt.want) {
					t.Errorf("got %v, want %v", err, tt.want)
				}
			})
		}
	})
}

// candidateFor is the candidate of view v for case id.
func candidateFor(t *testing.T, v *View, caseID int64) int64 {
	t.Helper()
	for _, c := range v.Candidates {
		if c.CaseID == caseID {
			return c.ID
		}
	}
	t.Fatalf("case %d is not a candidate of request %d: %+v", caseID, v.Request.ID, v.Candidates)
	return 0
}

// TestReleasedCase: a sponsor record is not made from a link to a child
// already released (409, nothing written), and ReleasedTo names the
// sponsor the child went to, for the warning before confirming.
func TestReleasedCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		f.svc = f.service()
		v, err := f.svc.Create(f.admin, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		if sp, err := f.svc.ReleasedTo(f.admin, jose.ID); err != nil || sp != nil {
			t.Fatalf("not released yet: %+v %v", sp, err)
		}
		if _, err := f.svc.Decide(f.admin, candidateFor(t, v, jose.ID), Decision{Status: CandidateConfirmed}); err != nil {
			t.Fatal(err)
		}
		mother := f.release(jose)

		got, err := f.svc.ReleasedTo(f.admin, jose.ID)
		if err != nil || got == nil || got.ID != mother.ID || got.Category != release.Category1 {
			t.Fatalf("released to %+v, %v; want sponsor %d (category 1)", got, err, mother.ID)
		}
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		if _, err := f.svc.ReleasedTo(intake, jose.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("intake reading the release: %v, want forbidden", err)
		}

		links, err := f.svc.CaseLinks(f.admin, jose.ID)
		if err != nil || len(links.Confirmed) != 1 {
			t.Fatalf("links %+v %v", links, err)
		}
		_, err = f.svc.MakeSponsor(f.admin, links.Confirmed[0].LinkID)
		var ended *CaseEndedError
		if !errors.As(err, &ended) || !errors.Is(err, errs.ErrConflict) || ended.State != custody.StateReleased {
			t.Fatalf("sponsor for a released child: %v, want a conflict naming the state", err)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM sponsors WHERE case_id = ?`, jose.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("sponsors of the case: %d (%v), want only the mother", n, err)
		}
	})
}
