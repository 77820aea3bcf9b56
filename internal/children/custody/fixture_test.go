package custody

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// services is what the tests call: cases, and the facilities they are
// placed in.
type facs = facilities.Service

type services struct {
	*Service
	*facs
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
	f.s = services{New(db, fac, now), fac}
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

func (f *fixture) child(ctx context.Context, in Intake) *Case {
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
func (f *fixture) referred(ctx context.Context, in Intake) *Case {
	f.t.Helper()
	c := f.child(ctx, in)
	for _, st := range []State{StateInBorderCustody, StateReferred} {
		if _, err := f.s.Transition(ctx, c.ID, st, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	return c
}

func teenGirl() Intake {
	return Intake{Person: identity.Person{GivenNames: "María José", Surname1: "Hernández", Surname2: "López", Sex: "F", BirthDate: "2011-05-04"}, Nationality: "Guatemala", Languages: []string{"Spanish", "K'iche'"}}
}

func auditCount(t *testing.T, db *store.DB, action, objectID string) int {
	t.Helper()
	es, err := audit.List(context.Background(), db, audit.Filter{Action: action, ObjectID: objectID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}
