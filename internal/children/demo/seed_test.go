package demo

import (
	"context"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func user(t *testing.T, db *store.DB, email string, role auth.Role) (context.Context, int64) {
	return authtest.User(t, db, email, role)
}

func TestSeedDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		fac := facilities.New(db, now)
		cases := custody.New(db, fac, now)
		admin, adminID := user(t, db, "admin@example.org", auth.RoleAdmin)
		_, cwID := user(t, db, "cw@example.org", auth.RoleCaseworker)
		_, reqID := user(t, db, "requester@example.org", auth.RoleCaseworker)
		if err := SeedDemo(admin, db, fac, Options{Cases: 3000, Facilities: 20, Seed: 1, RequesterID: reqID, ApproverID: adminID, Staff: []int64{cwID}, Now: clock}); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		states := map[custody.State]int{}
		rows, err := db.Query(ctx, `SELECT state, COUNT(*) FROM cases GROUP BY state`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var st custody.State
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				t.Fatal(err)
			}
			states[st] = n
		}
		rows.Close()
		for _, st := range custody.States {
			if states[st] == 0 {
				t.Errorf("no demo case in state %s (%v)", st, states)
			}
		}
		// Beds agree with the children in care, and never exceed capacity.
		var bad int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM facility_beds b WHERE b.occupied > b.capacity OR b.occupied <> (
			SELECT COUNT(*) FROM cases c WHERE c.state = 'placed' AND c.facility_id = b.facility_id AND c.bed_sex = b.sex AND c.bed_age_band = b.age_band)`).Scan(&bad); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("%d bed rows disagree with the cases in care", bad)
		}
		// Every released child has an approved release with a 30-day call,
		// approved by someone other than the requester.
		var unreleased int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases c WHERE c.state = 'released' AND NOT EXISTS (
			SELECT 1 FROM releases r WHERE r.case_id = c.id AND r.status = 'released' AND r.followup_30_at IS NOT NULL AND r.approved_by <> r.requested_by)`).Scan(&unreleased); err != nil {
			t.Fatal(err)
		}
		if unreleased != 0 {
			t.Errorf("%d released children without an approved release", unreleased)
		}
		b, err := cases.Board(admin, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if b.Total == 0 || len(b.Items) == 0 {
			t.Errorf("demo board is empty: %+v", b)
		}
		// The identity sequence moved past the explicit ids.
		if _, err := cases.CreateCase(admin, custody.Intake{Person: identity.Person{}, EncounteredAt: clock}); err != nil {
			t.Errorf("create after seeding: %v", err)
		}
		if _, err := audit.Verify(ctx, db); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
}
