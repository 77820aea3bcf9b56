package legal

import (
	"strings"
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

func TestImportProviders(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	csvText := "organisation,languages,states,specialties,capacity\n" +
		"Good Org,Spanish;Mam;Q'anjob'al,TX;NM,asylum;sijs,12\n" +
		",Spanish,Texas,visa,0\n" +
		"Bad Capacity,Spanish,TX,asylum,many\n" +
		"Good Org,Spanish,TX,asylum,3\n"
	res, err := f.legal.ImportProviders(f.admin, strings.NewReader(csvText))
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || res.Rejected != 3 {
		t.Fatalf("import: %+v", res)
	}
	lines := map[int]int{}
	for _, e := range res.Errors {
		lines[e.Line]++
	}
	if lines[3] != 4 || lines[4] != 1 || lines[5] != 1 {
		t.Fatalf("per-line errors: %+v", res.Errors)
	}
	ps, _ := f.legal.Providers(f.admin)
	if len(ps) != 1 || len(ps[0].Languages) != 3 || ps[0].States[1] != "NM" {
		t.Fatalf("providers: %+v", ps[0])
	}
	cw, _ := f.user("cw@example.org", auth.RoleCaseworker)
	if _, err := f.legal.ImportProviders(cw, strings.NewReader(csvText)); err == nil {
		t.Fatal("a caseworker imported providers")
	}
}
