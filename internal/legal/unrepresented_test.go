package legal

import (
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestUnrepresentedChart: three flagged children, one accepted by counsel:
// two unrepresented now, in this week's count and by country of birth;
// an unflagged child never counts; a role without the queue is refused.
func TestUnrepresentedChart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ids := []int64{f.placedChild(), f.placedChild(), f.placedChild()}
		for _, id := range ids {
			f.screen(f.admin, id, "forced_work")
		}
		f.screen(f.admin, f.placedChild())
		p := f.provider("Counsel", 5)
		r, err := f.legal.Refer(f.admin, ids[0], ReferralInput{ProviderID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.legal.Accept(f.admin, r.ID); err != nil {
			t.Fatal(err)
		}
		ch, err := f.legal.UnrepresentedChart(f.admin, struct{}{})
		if err != nil {
			t.Fatal(err)
		}
		last := ch.Weeks[len(ch.Weeks)-1]
		if ch.Now != 2 || len(ch.Weeks) != ChartWeeks || last.Count != 2 || ch.Weeks[0].Count != 0 {
			t.Fatalf("chart: %+v", ch)
		}
		if d, _ := time.Parse(time.DateOnly, last.Week); d.Weekday() != time.Monday {
			t.Errorf("weeks start on %s", d.Weekday())
		}
		if len(ch.ByCountry) != 1 || ch.ByCountry[0].Country != "Guatemala" || ch.ByCountry[0].Count != 2 || ch.Source == "" {
			t.Fatalf("by country: %+v", ch.ByCountry)
		}
		pub, _ := f.user("pub@example.org", auth.RolePublic)
		if _, err := f.legal.UnrepresentedChart(pub, struct{}{}); err == nil {
			t.Fatal("public read the chart")
		}
		// A caseworker of the shelter: the same queue and chart through the
		// facility scope, longest waiting first, the limit kept; one of no
		// facility sees nothing.
		cw, _ := f.staff()
		q, err := f.legal.Queue(cw, QueueQuery{})
		if err != nil || len(q) != 2 || q[0].CaseID != ids[1] || q[1].CaseID != ids[2] || q[0].Case == nil {
			t.Fatalf("caseworker's queue: %+v %v", q, err)
		}
		if q, _ = f.legal.Queue(cw, QueueQuery{Limit: 1}); len(q) != 1 || q[0].CaseID != ids[1] {
			t.Fatalf("caseworker's queue, limit 1: %+v", q)
		}
		if ch, err = f.legal.UnrepresentedChart(cw, struct{}{}); err != nil || ch.Now != 2 {
			t.Fatalf("caseworker's chart: %+v %v", ch, err)
		}
		other, _ := f.user("cw-other@example.org", auth.RoleCaseworker)
		if q, _ = f.legal.Queue(other, QueueQuery{}); len(q) != 0 {
			t.Fatalf("caseworker of no facility: %+v", q)
		}
		if ch, _ = f.legal.UnrepresentedChart(other, struct{}{}); ch.Now != 0 {
			t.Fatalf("chart of no facility: %+v", ch)
		}
	})
}

// TestPublicStatsCountReintegrations: hand-offs of repatriated children
// are counted, small counts shown as "<10".
func TestPublicStatsCountReintegrations(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	in := ReintegrationInput{AgencyKind: "child_protection", AgencyName: "PGN Guatemala", HandedOverOn: time.Now().UTC().Format(time.DateOnly), ReceivedBy: "duty officer"}
	for i := range 11 {
		id := f.placedChild()
		if _, err := f.cases.Transition(f.admin, id, "repatriated", "voluntary departure"); err != nil {
			t.Fatal(err)
		}
		in.AgencyKind = "child_protection"
		if i == 0 {
			in.AgencyKind = "consulate"
		}
		if _, err := f.legal.RecordReintegration(f.admin, id, in); err != nil {
			t.Fatal(err)
		}
	}
	pub, _ := f.user("pub@example.org", auth.RolePublic)
	st, err := f.legal.PublicStats(pub, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Reintegrations.N == nil || *st.Reintegrations.N != 11 {
		t.Fatalf("reintegrations: %+v", st.Reintegrations)
	}
	for _, c := range st.ByReceivingKind {
		if c.Key == "child_protection" && (c.N == nil || *c.N != 10) || c.Key == "consulate" && c.Shown != "<10" {
			t.Errorf("by agency kind: %+v", c)
		}
	}
}
