package legal

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestChartEqualsRecount: after a random sequence of screenings (some
// clearing the flags, some raising them again), referrals, acceptances,
// declines and transfers between two shelters, spread over 300 days, the
// queue's chart equals a recount from the source records read through
// the services (each child's screening, referrals and facility): for an
// administrator (the unscoped reads), for a caseworker of each shelter
// (the scoped read), and the queue itself holds exactly the flagged
// children without counsel of the viewer's shelter.
func TestChartEqualsRecount(t *testing.T) {
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) { chartRecount(t, db, seed) })
		})
	}
}

func chartRecount(t *testing.T, db *store.DB, seed uint64) {
	clock := time.Now().UTC().AddDate(0, 0, -300)
	now := func() time.Time { return clock }
	f := newFixture(t, db)
	f.legal = New(db, f.cases, f.rel, now)
	other, err := f.cases.Facilities().CreateFacility(f.admin, facilities.Facility{Name: "Hogar", Type: "shelter", City: "El Paso", USState: "TX", TZ: "America/Denver",
		Beds: []facilities.Beds{{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 200}}})
	if err != nil {
		t.Fatal(err)
	}
	shelters := []int64{f.fac.ID, other.ID}
	viewers := map[int64]context.Context{}
	for i, fid := range shelters {
		ctx, id := f.user(fmt.Sprintf("cw%d@example.org", i), auth.RoleCaseworker)
		if err := f.cases.Facilities().AssignFacility(f.admin, id, fid); err != nil {
			t.Fatal(err)
		}
		viewers[fid] = ctx
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	countries := []string{"Guatemala", "Honduras", "El Salvador"}
	var kids []int64
	for i := range 30 {
		kids = append(kids, f.childFrom(countries[i%len(countries)], shelters[rng.IntN(2)]))
	}
	p := f.provider("Counsel", 1000)
	var refs []int64
	done := map[string]int{} // events that went through, by kind
	for range 250 {
		clock = clock.Add(time.Duration(rng.IntN(30)) * time.Hour)
		id := kids[rng.IntN(len(kids))]
		var err error
		kind := "screen"
		switch x := rng.IntN(10); {
		case x < 3: // screen: mostly a flag, sometimes none (clears the flags)
			if rng.IntN(4) == 0 {
				kind = "clear"
				_, err = f.legal.SaveScreening(f.admin, id, ScreeningInput{Answers: answers()})
			} else {
				_, err = f.legal.SaveScreening(f.admin, id, ScreeningInput{Answers: answers("forced_work")})
			}
		case x < 6:
			kind = "refer"
			var r *Referral
			if r, err = f.legal.Refer(f.admin, id, ReferralInput{ProviderID: p.ID}); err == nil {
				refs = append(refs, r.ID)
			}
		case x < 8 && len(refs) > 0:
			kind = "accept"
			_, err = f.legal.Accept(f.admin, refs[rng.IntN(len(refs))])
		case x < 9 && len(refs) > 0:
			kind = "decline"
			_, err = f.legal.Decline(f.admin, refs[rng.IntN(len(refs))], DeclineInput{Reason: "no attorney free"})
		default: // transfer to the other shelter
			v, gerr := f.cases.GetCase(f.admin, id)
			if gerr != nil {
				t.Fatal(gerr)
			}
			to := shelters[0]
			if *v.Case.FacilityID == to {
				to = shelters[1]
			}
			kind = "transfer"
			_, err = f.cases.Place(f.admin, id, to, "transfer")
		}
		// Refused events (a referral of an unflagged child, an answer to a
		// referral already answered) are part of the sequence: they must
		// change nothing. Anything else is a failure.
		if err != nil && !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("%s: %v", kind, err)
		}
		if err == nil {
			done[kind]++
		}
	}
	for _, k := range []string{"screen", "clear", "refer", "accept", "decline", "transfer"} {
		if done[k] == 0 {
			t.Fatalf("the random sequence made no %s: %v", k, done)
		}
	}
	clock = clock.Add(time.Hour)

	type child struct {
		facility         int64
		country          string
		flagged, counsel string // days; counsel "" when none
	}
	var all []child
	for _, id := range kids {
		sc, err := f.legal.Screening(f.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(sc.Flags) == 0 {
			continue
		}
		v, err := f.cases.GetCase(f.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := f.legal.CaseReferrals(f.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		c := child{facility: *v.Case.FacilityID, country: v.Case.BirthCountry, flagged: sc.FirstFlaggedAt.UTC().Format(time.DateOnly)}
		for _, r := range rs {
			if r.Status == ReferralAccepted && (c.counsel == "" || r.DecidedAt.UTC().Format(time.DateOnly) < c.counsel) {
				c.counsel = r.DecidedAt.UTC().Format(time.DateOnly)
			}
		}
		// Counsel accepted before the flags were raised again: the child
		// was never without counsel since.
		if c.counsel != "" && c.counsel < c.flagged {
			c.counsel = c.flagged
		}
		all = append(all, c)
	}
	check := func(who string, ctx context.Context, in func(child) bool) {
		t.Helper()
		ch, err := f.legal.UnrepresentedChart(ctx, struct{}{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ch.Weeks {
			d, _ := time.Parse(time.DateOnly, w.Week)
			end := min(d.AddDate(0, 0, 6).Format(time.DateOnly), clock.Format(time.DateOnly))
			want := 0
			for _, c := range all {
				if in(c) && c.flagged <= end && (c.counsel == "" || c.counsel > end) {
					want++
				}
			}
			if w.Count != want {
				t.Errorf("%s: week of %s: chart %d, recount %d", who, w.Week, w.Count, want)
			}
		}
		byCountry := map[string]int{}
		now := 0
		for _, c := range all {
			if in(c) && c.counsel == "" {
				byCountry[c.country]++
				now++
			}
		}
		got := map[string]int{}
		for _, c := range ch.ByCountry {
			got[c.Country] = c.Count
		}
		if fmt.Sprint(got) != fmt.Sprint(byCountry) || ch.Now != now {
			t.Errorf("%s: now %d by country %v, recount %d %v", who, ch.Now, got, now, byCountry)
		}
		q, err := f.legal.Queue(ctx, QueueQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != now {
			t.Errorf("%s: queue holds %d children, recount %d", who, len(q), now)
		}
	}
	check("admin", f.admin, func(child) bool { return true })
	for _, fid := range shelters {
		check(fmt.Sprint("caseworker of shelter ", fid), viewers[fid], func(c child) bool { return c.facility == fid })
	}
}

// childFrom is a placed 15-year-old born in country, in facility fid.
func (f *fixture) childFrom(country string, fid int64) int64 {
	f.t.Helper()
	f.n++
	c, err := f.cases.CreateCase(f.admin, custody.Intake{Person: identity.Person{GivenNames: fmt.Sprintf("Eva %d", f.n), Surname1: "Ajanel", Sex: "F",
		BirthDate: time.Now().AddDate(-15, 0, -10).Format(time.DateOnly), BirthCountry: country}, Languages: []string{"Spanish"}, EncounteredAt: time.Now().Add(-time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, st := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
		if _, err := f.cases.Transition(f.admin, c.ID, st, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := f.cases.Place(f.admin, c.ID, fid, "test"); err != nil {
		f.t.Fatal(err)
	}
	return c.ID
}
