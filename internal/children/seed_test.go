package children

import (
	"context"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestSeedDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, adminID := f.user("admin@example.org", auth.RoleAdmin)
		_, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		_, reqID := f.user("requester@example.org", auth.RoleCaseworker)
		if err := f.s.SeedDemo(admin, DemoOptions{Cases: 3000, Facilities: 20, Seed: 1, RequesterID: reqID, ApproverID: adminID, Staff: []int64{cwID}}); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		states := map[State]int{}
		rows, err := db.Query(ctx, `SELECT state, COUNT(*) FROM cases GROUP BY state`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var st State
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				t.Fatal(err)
			}
			states[st] = n
		}
		rows.Close()
		for _, st := range States {
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
		b, err := f.s.Board(admin, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if b.Total == 0 || len(b.Items) == 0 {
			t.Errorf("demo board is empty: %+v", b)
		}
		// The identity sequence moved past the explicit ids.
		if _, err := f.s.CreateCase(admin, Intake{EncounteredAt: f.clock}); err != nil {
			t.Errorf("create after seeding: %v", err)
		}
		if _, err := audit.Verify(ctx, db); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
}
