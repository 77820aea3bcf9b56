package custody

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMergeRefusal(t *testing.T) {
	// One row per rule of mergeRefusal.
	c := func(id int64, st State) *Case { return &Case{ID: id, State: st} }
	tests := []struct {
		name      string
		keep, dup *Case
		refused   string // a word of the refusal, "" when allowed
	}{
		{"itself", c(1, StatePlaced), c(1, StatePlaced), "itself"},
		{"duplicate released", c(1, StatePlaced), c(2, StateReleased), "other way"},
		{"duplicate already merged or closed", c(1, StatePlaced), c(2, StateClosedOther), "other way"},
		{"kept case closed", c(1, StateRepatriated), c(2, StateEncountered), "keep the open case"},
		{"both placed", c(1, StatePlaced), c(2, StatePlaced), "both cases hold a bed"},
		{"placed duplicate into an unplaced case", c(1, StateInBorderCustody), c(2, StatePlaced), ""},
		{"new intake into the placed case", c(1, StatePlaced), c(2, StateEncountered), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if r := mergeRefusal(tt.keep, tt.dup); r != nil {
				got = r.Msg
			}
			if (got == "") != (tt.refused == "") || !strings.Contains(got, tt.refused) {
				t.Errorf("mergeRefusal = %q, want one with %q", got, tt.refused)
			}
		})
	}
}

func TestMergeCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, _ := f.user("cw@example.org", auth.RoleCaseworker)
		sup, supID := f.user("sup@example.org", auth.RoleSupervisor)
		fac := f.facility(admin, "Casa A", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 2})
		if err := f.s.AssignFacility(admin, supID, fac.ID); err != nil {
			t.Fatal(err)
		}
		keep := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, keep.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		dup := f.child(admin, Intake{Person: identity.Person{GivenNames: "Maria Jose", Surname1: "Hernandez", Sex: "F"}})
		if _, err := f.s.AddNote(admin, dup.ID, "seen at the port of entry"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.MergeCases(cw, keep.ID, dup.ID, "same child"); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("caseworker merges: %v", err)
		}
		if _, err := f.s.MergeCases(sup, keep.ID, dup.ID, "same child"); !errs.IsValidation(err) {
			t.Errorf("supervisor merges a case out of scope: %v", err)
		}
		if _, err := f.s.MergeCases(admin, keep.ID, dup.ID, " "); !errs.IsValidation(err) {
			t.Errorf("merge without a reason: %v", err)
		}
		m, err := f.s.MergeCases(admin, keep.ID, dup.ID, "same birth certificate")
		if err != nil {
			t.Fatal(err)
		}
		if m.KeptID != keep.ID || m.MergedBy != "admin@example.org" {
			t.Errorf("merge %+v", m)
		}
		if _, err := f.s.MergeCases(admin, keep.ID, dup.ID, "again"); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("merged twice: %v", err)
		}
		gone, err := f.s.GetCase(admin, dup.ID)
		if err != nil || gone.Case.State != StateClosedOther || !strings.Contains(gone.Case.ClosedReason, "merged into case") {
			t.Fatalf("duplicate after merge: %+v %v", gone, err)
		}
		kept, err := f.s.GetCase(admin, keep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := kept.Events[len(kept.Events)-1]; last.Kind != "merge" || !strings.Contains(last.Reason, "same birth certificate") {
			t.Errorf("kept timeline ends with %+v", last)
		}
		cwk, err := f.s.CaseworkOf(admin, keep.ID)
		if err != nil || len(cwk.Notes) != 1 {
			t.Errorf("the duplicate's note did not move: %+v %v", cwk, err)
		}
		if n := auditCount(t, db, "case.merge", fmt.Sprint(keep.ID)); n != 1 {
			t.Errorf("merge audited %d times", n)
		}
		ms, err := f.s.MergesOf(sup, keep.ID)
		if err != nil || len(ms) != 1 || ms[0].MergedID != dup.ID {
			t.Errorf("merges of the kept case: %+v %v", ms, err)
		}
	})
}
