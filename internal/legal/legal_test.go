package legal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	t     *testing.T
	db    *store.DB
	cases *custody.Service
	rel   *release.Service
	legal *Service
	admin context.Context
	cw    context.Context // made by staff()
	sup   context.Context
	fac   *facilities.Facility
	n     int
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	fac := facilities.New(db, nil)
	cases := custody.New(db, fac, nil)
	rel := release.New(db, cases, nil)
	f := &fixture{t: t, db: db, cases: cases, rel: rel, legal: New(db, cases, rel, nil)}
	f.admin, _ = f.user("admin@example.org", auth.RoleAdmin)
	var err error
	f.fac, err = fac.CreateFacility(f.admin, facilities.Facility{Name: "Casa", Type: "shelter", City: "San Antonio", USState: "TX", TZ: "America/Chicago",
		Beds: []facilities.Beds{{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 200}}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) user(email string, role auth.Role) (context.Context, int64) {
	f.t.Helper()
	u, err := auth.NewService(f.db).CreateUser(context.Background(), email, role, "testPassword123")
	if err != nil {
		f.t.Fatal(err)
	}
	return auth.NewContext(context.Background(), auth.Principal{UserID: u.ID, Email: u.Email, Role: role}), u.ID
}

// placedChild is a 15-year-old girl speaking Mam, placed in the shelter
// (so her legal-screening clock runs).
func (f *fixture) placedChild() int64 {
	f.t.Helper()
	f.n++
	ctx := f.admin
	c, err := f.cases.CreateCase(ctx, custody.Intake{Person: identity.Person{GivenNames: fmt.Sprintf("Ana %d", f.n), Surname1: "Xiloj", Sex: "F",
		BirthDate: time.Now().AddDate(-15, 0, -10).Format(time.DateOnly), BirthCountry: "Guatemala"}, Languages: []string{"Mam"}, EncounteredAt: time.Now().Add(-time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, st := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
		if _, err := f.cases.Transition(ctx, c.ID, st, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := f.cases.Place(ctx, c.ID, f.fac.ID, "test"); err != nil {
		f.t.Fatal(err)
	}
	return c.ID
}

func (f *fixture) screen(ctx context.Context, caseID int64, yes ...string) *Screening {
	f.t.Helper()
	sc, err := f.legal.SaveScreening(ctx, caseID, ScreeningInput{Answers: answers(yes...)})
	if err != nil {
		f.t.Fatal(err)
	}
	return sc
}

func (f *fixture) provider(name string, capacity int) *Provider {
	f.t.Helper()
	p, err := f.legal.CreateProvider(f.admin, ProviderInput{Organisation: name, Attorneys: []string{"R. Pérez"}, Languages: []string{"Spanish", "Mam"},
		States: []string{"tx"}, Counties: []string{"TX: Bexar"}, Specialties: []string{"asylum", "sijs"}, Capacity: capacity})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func legalScreeningOpen(t *testing.T, f *fixture, caseID int64) bool {
	t.Helper()
	v, err := f.cases.GetCase(f.admin, caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range v.Deadlines {
		if d.Kind == custody.DeadlineLegalScreening {
			return d.ResolvedAt == nil
		}
	}
	t.Fatal("no legal-screening deadline")
	return false
}

func TestScreeningMeetsClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.placedChild()
		if !legalScreeningOpen(t, f, id) {
			t.Fatal("clock should be open before screening")
		}
		empty, err := f.legal.Screening(f.admin, id)
		if err != nil || empty.ScreenedAt != nil || len(empty.Flags) != 0 {
			t.Fatalf("before: %+v %v", empty, err)
		}
		sc := f.screen(f.admin, id, "fear_return", "gang_threat", "parent_abandon")
		if !sc.DeadlineMet || len(sc.Flags) != 2 || sc.FirstFlaggedAt == nil {
			t.Fatalf("saved: %+v", sc)
		}
		if legalScreeningOpen(t, f, id) {
			t.Fatal("saving a screening must meet the clock")
		}
		// Saving again is an edit, not an error; the clock stays met.
		again := f.screen(f.admin, id, "fear_return", "gang_threat")
		if again.DeadlineMet || len(again.Flags) != 1 || !again.FirstFlaggedAt.Equal(*sc.FirstFlaggedAt) {
			t.Fatalf("again: %+v", again)
		}
		got, err := f.legal.Screening(f.admin, id)
		if err != nil || got.Answers["gang_threat"] != Yes || len(got.Flags) != 1 || got.Flags[0].Relief != ReliefAsylum {
			t.Fatalf("read back: %+v %v", got, err)
		}
		// Bad input: every problem, nothing written.
		_, err = f.legal.SaveScreening(f.admin, id, ScreeningInput{Answers: map[string]Answer{"fear_return": "maybe", "zzz": Yes}})
		if fe := errs.Fields(err); len(fe) != len(Questions)+1 {
			t.Fatalf("bad answers: %v", err)
		}
		if _, err := f.legal.SaveScreening(f.admin, 999999, ScreeningInput{Answers: answers()}); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("unknown case: %v", err)
		}
		pub, _ := f.user("public@example.org", auth.RolePublic)
		if _, err := f.legal.SaveScreening(pub, id, ScreeningInput{Answers: answers()}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("public: %v", err)
		}
		if _, err := f.legal.Screening(pub, id); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("public read: %v", err)
		}
	})
}

func TestReferralFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.provider("Kids Law Center", 2)
		other := f.provider("Other Org", 1)
		flagged, unflagged := f.placedChild(), f.placedChild()
		f.screen(f.admin, flagged, "fear_return", "past_harm")
		f.screen(f.admin, unflagged)

		ms, err := f.legal.Matches(f.admin, flagged)
		if err != nil || len(ms) != 2 || len(ms[0].Reasons) == 0 {
			t.Fatalf("matches: %+v %v", ms, err)
		}
		// Refusals change nothing.
		if _, err := f.legal.Refer(f.admin, unflagged, ReferralInput{ProviderID: p.ID}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("unflagged: %v", err)
		}
		if _, err := f.legal.Refer(f.admin, flagged, ReferralInput{ProviderID: 424242}); !errs.IsValidation(err) {
			t.Fatalf("unknown provider: %v", err)
		}
		if got, _ := f.legal.Provider(f.admin, p.ID); got.Reserved != 0 {
			t.Fatalf("reserved after refusals: %d", got.Reserved)
		}
		q, err := f.legal.Queue(f.admin, QueueQuery{})
		if err != nil || len(q) != 1 || q[0].CaseID != flagged || q[0].Case == nil || q[0].PendingReferral != nil {
			t.Fatalf("queue: %+v %v", q, err)
		}

		r, err := f.legal.Refer(f.admin, flagged, ReferralInput{ProviderID: p.ID})
		if err != nil || r.Status != ReferralPending {
			t.Fatalf("refer: %+v %v", r, err)
		}
		if _, err := f.legal.Refer(f.admin, flagged, ReferralInput{ProviderID: other.ID}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("second open referral: %v", err)
		}
		// The provider's staff see it; another organisation's do not.
		staff, _ := f.user("lawyer@kids.example", auth.RoleLegal)
		stranger, _ := f.user("lawyer@other.example", auth.RoleLegal)
		if _, err := f.legal.LinkUser(f.admin, p.ID, ProviderUser{Email: "lawyer@kids.example"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.legal.LinkUser(f.admin, other.ID, ProviderUser{Email: "lawyer@other.example"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.legal.LinkUser(f.admin, p.ID, ProviderUser{Email: "admin@example.org"}); !errs.IsValidation(err) {
			t.Fatalf("non-legal account linked: %v", err)
		}
		if q, _ := f.legal.Queue(staff, QueueQuery{}); len(q) != 1 || q[0].PendingWith != "Kids Law Center" {
			t.Fatalf("staff queue: %+v", q)
		}
		if q, _ := f.legal.Queue(stranger, QueueQuery{}); len(q) != 0 {
			t.Fatalf("stranger queue: %+v", q)
		}
		if _, err := f.legal.Decline(stranger, r.ID, DeclineInput{Reason: "x"}); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("stranger decline: %v", err)
		}
		// Decline frees the place and puts the child back in the queue.
		if _, err := f.legal.Decline(staff, r.ID, DeclineInput{Reason: strings.Repeat("x", 4001)}); !errs.IsValidation(err) {
			t.Fatalf("a 4001-character reason: %v, want a validation error", err)
		}
		if _, err := f.legal.Decline(staff, r.ID, DeclineInput{}); !errs.IsValidation(err) {
			t.Fatalf("decline without reason: %v", err)
		}
		if _, err := f.legal.Decline(staff, r.ID, DeclineInput{Reason: "no SIJS attorney free"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.legal.Provider(f.admin, p.ID); got.Reserved != 0 {
			t.Fatalf("reserved after decline: %d", got.Reserved)
		}
		if _, err := f.legal.Accept(staff, r.ID); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("accept a declined referral: %v", err)
		}
		// Referred again and accepted: counsel, out of the queue.
		r2, err := f.legal.Refer(f.admin, flagged, ReferralInput{ProviderID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.legal.Accept(staff, r2.ID); err != nil {
			t.Fatal(err)
		}
		if q, _ := f.legal.Queue(f.admin, QueueQuery{}); len(q) != 0 {
			t.Fatalf("queue after acceptance: %+v", q)
		}
		if got, _ := f.legal.Provider(f.admin, p.ID); got.Reserved != 1 || got.Open != 1 {
			t.Fatalf("after accept: %+v", got)
		}
		rs, err := f.legal.CaseReferrals(f.admin, flagged)
		if err != nil || len(rs) != 2 || rs[0].Status != ReferralAccepted || rs[1].DeclineReason == "" {
			t.Fatalf("case referrals: %+v %v", rs, err)
		}
	})
}

// TestReferralCapacityRace: 50 concurrent referrals of 50 flagged
// children to a provider with 10 places give exactly 10 referrals.
func TestReferralCapacityRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.provider("Ten Places", 10)
		ids := make([]int64, 50)
		for i := range ids {
			ids[i] = f.placedChild()
			f.screen(f.admin, ids[i], "forced_work")
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, full, other := 0, 0, []error{}
		start := make(chan struct{})
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.legal.Refer(f.admin, id, ReferralInput{ProviderID: p.ID})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, errs.ErrConflict):
					full++
				default:
					other = append(other, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(other) > 0 {
			t.Fatalf("unexpected errors: %v", other)
		}
		got, err := f.legal.Provider(f.admin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM legal_referrals WHERE provider_id = ?`, p.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d referred, %d refused as full; reserved %d, rows %d", db.Dialect, ok, full, got.Reserved, n)
		if ok != 10 || full != 40 || got.Reserved != 10 || n != 10 {
			t.Fatalf("want exactly 10: ok %d full %d reserved %d rows %d", ok, full, got.Reserved, n)
		}
	})
}
