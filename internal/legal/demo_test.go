package legal

import (
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/demo"
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

	// Excel's CSV UTF-8 starts with a byte-order mark (the organisation
	// column was not found); a line saved as Latin-1 is refused by line
	// (SQLite stored its bytes, PostgreSQL stopped the import).
	res, err = f.legal.ImportProviders(f.admin, strings.NewReader("\ufefforganisation,capacity\nCentro Pe\xf1a,3\nOtro Centro,2\n"))
	if err != nil || res.Imported != 1 || res.Rejected != 1 || res.Errors[0].Line != 2 || res.Errors[0].Field != "organisation" {
		t.Fatalf("BOM and Latin-1: %+v %v", res, err)
	}
}

// TestSeedDemoFollowUps: the children seeder's releases (written without
// the approval hook) get their schedules; calls due are made, and the
// lost-contact board shows children lost and others found again, counted
// per month of release and per sponsor category.
func TestSeedDemoFollowUps(t *testing.T) {
	db := storetest.OpenSQLite(t)
	f := newFixture(t, db)
	_, reqID := f.user("requester@example.org", auth.RoleCaseworker)
	_, apprID := f.user("approver@example.org", auth.RoleSupervisor)
	if err := demo.SeedDemo(f.admin, db, f.cases.Facilities(), demo.Options{Cases: 600, Facilities: 5, Seed: 3, RequesterID: reqID, ApproverID: apprID}); err != nil {
		t.Fatal(err)
	}
	if err := f.legal.SeedDemo(f.admin, DemoOptions{Seed: 3, FollowUps: 200}); err != nil {
		t.Fatal(err)
	}
	rel, err := f.rel.Released(f.admin)
	if err != nil || len(rel) < 100 {
		t.Fatalf("released: %d %v", len(rel), err)
	}
	n, err := f.legal.ScheduleMissing(f.admin)
	if err != nil || n != 0 {
		t.Fatalf("every release should be scheduled already: %d %v", n, err)
	}
	b, err := f.legal.LostContact(f.admin, LostQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var found, prs, attempts int
	if err := db.QueryRow(f.admin, `SELECT COUNT(DISTINCT case_id) FROM legal_followup_attempts WHERE notes LIKE '%school%' AND outcome = 'reached'`).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(f.admin, `SELECT COUNT(*) FROM legal_followups WHERE kind = 'prs_60'`).Scan(&prs); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(f.admin, `SELECT COUNT(*) FROM legal_followup_attempts`).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if len(b.Lost) == 0 || found == 0 || prs == 0 || len(b.BySponsorCategory) == 0 || len(b.ByReleaseMonth) < 2 || len(b.Escalations) == 0 {
		t.Fatalf("demo follow-ups: %d lost, %d found again, %d with services, %d categories, %d months, %d open concerns",
			len(b.Lost), found, prs, len(b.BySponsorCategory), len(b.ByReleaseMonth), len(b.Escalations))
	}
	t.Logf("demo: %d released, %d attempts, %d lost, %d found again, %d with services, %d open concerns", len(rel), attempts, len(b.Lost), found, prs, len(b.Escalations))
}
