package legal

import (
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestSeedDemo(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	for range 30 {
		f.placedChild()
	}
	f.user("legal@demo.example", auth.RoleLegal)
	if err := f.legal.SeedDemo(f.admin, DemoOptions{Screenings: 30, Seed: 7, LegalEmail: "legal@demo.example"}); err != nil {
		t.Fatal(err)
	}
	ps, err := f.legal.Providers(f.admin)
	if err != nil || len(ps) != len(demoProviders) {
		t.Fatalf("providers: %v %v", ps, err)
	}
	q, err := f.legal.Queue(f.admin, QueueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo: %d providers, %d children waiting for counsel", len(ps), len(q))
	// A second run (reseed) does not fail on the existing providers.
	if err := f.legal.SeedDemo(f.admin, DemoOptions{Seed: 7}); err != nil {
		t.Fatal(err)
	}
}

func TestPublicStatsSuppressed(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	for range 12 {
		f.screen(f.admin, f.placedChild(), "forced_work")
	}
	f.screen(f.admin, f.placedChild(), "fear_return", "past_harm")
	pub, _ := f.user("public@example.org", auth.RolePublic)
	st, err := f.legal.PublicStats(pub, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Flagged.N == nil || *st.Flagged.N != 13 || st.Represented.Shown != "<10" {
		t.Fatalf("stats: %+v", st)
	}
	for _, c := range st.ByRelief {
		if c.Key == "t_visa" && (c.N == nil || *c.N != 12) || c.Key == "asylum" && c.Shown != "<10" {
			t.Errorf("by relief: %+v", c)
		}
	}
}
