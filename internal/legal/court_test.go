package legal

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestShippedCourtsParse(t *testing.T) {
	_ = shippedCourts() // panics when the shipped file is malformed
	if _, err := parseCourts(strings.NewReader("name,city\nX,Y\n")); err == nil {
		t.Error("a wrong header was accepted")
	}
	cs, err := parseCourts(strings.NewReader("name,city,state\nA Court,A City,TX\n"))
	if err != nil || len(cs) != 1 || cs[0].State != "TX" {
		t.Errorf("parse: %v %v", cs, err)
	}
}

// TestShippedCourtList checks the shipped data itself: every state is a
// USPS code, no court is listed twice, and courts children are often sent
// to near the border are there (data/README.md gives the sources).
func TestShippedCourtList(t *testing.T) {
	cs := shippedCourts()
	if len(cs) < 60 {
		t.Fatalf("only %d courts shipped", len(cs))
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if !usStates[c.State] {
			t.Errorf("%s: state %q is not a USPS code", c.Name, c.State)
		}
		if c.City == "" {
			t.Errorf("%s: no city", c.Name)
		}
		if seen[c.Name] {
			t.Errorf("%s listed twice", c.Name)
		}
		seen[c.Name] = true
	}
	for _, want := range []string{"Harlingen Immigration Court", "San Diego Immigration Court", "El Paso Immigration Court"} {
		if !seen[want] {
			t.Errorf("%s is missing", want)
		}
	}
}

func TestCourtAndHearings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.placedChild()
		ctx := f.admin
		day := func(d int) time.Time { return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, d) }

		// Without a list, a named court is refused with the reason.
		f.legal.courts = nil
		_, err := f.legal.RecordNTA(ctx, id, ProceedingsInput{NTADate: day(-30).Format(time.DateOnly), Court: "Some Court"})
		if fe := errs.Fields(err); len(fe) != 1 || !strings.Contains(fe[0].Problem, "not installed") {
			t.Fatalf("court without a list: %v", err)
		}
		// A test list (not the shipped data).
		f.legal.courts = []Court{{Name: "Test Immigration Court", City: "Test City", State: "TX"}}

		if _, err := f.legal.AddHearing(ctx, id, HearingInput{At: day(5), Kind: HearingMaster}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("hearing without NTA: %v", err)
		}
		if _, err := f.legal.RecordNTA(ctx, id, ProceedingsInput{NTADate: "30/01/2026", Court: "Nowhere"}); len(errs.Fields(err)) != 2 {
			t.Fatalf("bad NTA: %v", err)
		}
		p, err := f.legal.RecordNTA(ctx, id, ProceedingsInput{NTADate: day(-30).Format(time.DateOnly), Court: "test immigration court"})
		if err != nil || p.Court == nil || p.Court.Name != "Test Immigration Court" {
			t.Fatalf("NTA: %+v %v", p, err)
		}
		if _, err := f.legal.AddHearing(ctx, id, HearingInput{At: day(-31), Kind: HearingMaster}); !errs.IsValidation(err) {
			t.Fatalf("hearing before the NTA: %v", err)
		}
		if _, err := f.legal.AddHearing(ctx, id, HearingInput{At: day(5), Kind: "trial"}); !errs.IsValidation(err) {
			t.Fatalf("bad kind: %v", err)
		}
		h, err := f.legal.AddHearing(ctx, id, HearingInput{At: day(-2), Kind: HearingMaster, Outcome: OutcomeMissed})
		if err != nil || h.Risk == "" {
			t.Fatalf("missed hearing: %+v %v", h, err)
		}
		if _, err := f.legal.AddHearing(ctx, id, HearingInput{At: day(10), Kind: HearingMerits}); err != nil {
			t.Fatal(err)
		}
		// Moving the NTA after a recorded hearing is refused.
		if _, err := f.legal.RecordNTA(ctx, id, ProceedingsInput{NTADate: day(-1).Format(time.DateOnly)}); !errs.IsValidation(err) {
			t.Fatalf("NTA after a hearing: %v", err)
		}
		// The hearing in 10 days of a child without counsel is on the board;
		// one in 20 days is not yet.
		if _, err := f.legal.AddHearing(ctx, id, HearingInput{At: day(20), Kind: HearingMerits}); err != nil {
			t.Fatal(err)
		}
		b, err := f.cases.Board(ctx, 0, 0)
		if err != nil || len(b.Upcoming) != 1 || b.Upcoming[0].CaseID != id || b.Upcoming[0].Kind != custody.DeadlineCourtHearing || b.Upcoming[0].CaseName == "" {
			t.Fatalf("board: %+v %v", b.Upcoming, err)
		}
		p, err = f.legal.Proceedings(ctx, id)
		if err != nil || len(p.Hearings) != 3 || p.Hearings[0].Risk == "" || *p.NTADate != day(-30).Format(time.DateOnly) {
			t.Fatalf("proceedings: %+v %v", p, err)
		}
	})
}
