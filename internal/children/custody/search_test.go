package custody

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// rekeySQL is the Up section of the migration that re-folds the search
// keys written by the old fold, as statements.
func rekeySQL(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../store/migrations/00103_children_search_keys.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, ok := strings.Cut(string(b), "-- +goose Down")
	if !ok {
		t.Fatal("migration 00103 has no Down section")
	}
	var out []string
	for _, st := range strings.Split(up, ";") {
		var lines []string
		for _, l := range strings.Split(st, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				lines = append(lines, l)
			}
		}
		if st := strings.TrimSpace(strings.Join(lines, "\n")); st != "" {
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		t.Fatal("migration 00103 has no statement")
	}
	return out
}

func rekey(t *testing.T, db *store.DB) {
	t.Helper()
	for _, st := range rekeySQL(t) {
		if _, err := db.Exec(context.Background(), st); err != nil {
			t.Fatalf("%v\n%s", err, st)
		}
	}
}

// setKeys writes a case's search keys as the old fold did.
func setKeys(t *testing.T, db *store.DB, id int64, given, s1, s2 string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `UPDATE cases SET key_given = ?, key_surname1 = ?, key_surname2 = ? WHERE id = ?`, given, s1, s2, id); err != nil {
		t.Fatal(err)
	}
}

func TestSearchKeysMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		tests := []struct {
			name string // as written; identity.Fold(name) is what the key becomes
			old  string // the key the old fold wrote
		}{
			{"García-López", "garcia-lopez"},
			{"Ana. María", "ana. maria"},
			{"D'Aubuisson", "d'aubuisson"},
			{"O’Neil", "o’neil"},
			{"Pérez (2), Ruiz/Soto", "perez (2), ruiz/soto"},
			{"  Tz'ul   - - 1999 ", "  tz'ul   - - 1999 "},
			{"Hernández", "hernandez"},
			{"", ""},
		}
		ids := make([]int64, len(tests))
		for i, tt := range tests {
			c := f.child(admin, Intake{Person: identity.Person{GivenNames: "X", Surname1: "Y"}})
			ids[i] = c.ID
			setKeys(t, db, c.ID, tt.old, tt.old, tt.old)
		}
		rekey(t, db)
		for i, tt := range tests {
			var g, s1, s2 string
			if err := db.QueryRow(context.Background(), `SELECT key_given, key_surname1, key_surname2 FROM cases WHERE id = ?`, ids[i]).Scan(&g, &s1, &s2); err != nil {
				t.Fatal(err)
			}
			want := identity.Fold(tt.name)
			if g != want || s1 != want || s2 != want {
				t.Errorf("%q re-keyed to %q %q %q, want %q", tt.old, g, s1, s2, want)
			}
		}
	})
}

func TestSearchNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		fac := f.facility(admin, "Casa Sur", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 5})
		gl := f.referred(admin, Intake{Person: identity.Person{GivenNames: "María José", Surname1: "García-López", Sex: "F", BirthDate: "2011-05-04"}})
		if _, err := f.s.Place(admin, gl.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		lopez := f.child(admin, Intake{Person: identity.Person{GivenNames: "Luis", Surname1: "López", Surname2: "García"}})
		da := f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana", Surname1: "D'Aubuisson"}})
		// A case keyed by the old fold, before the migration re-keys it.
		old := f.child(admin, Intake{Person: identity.Person{GivenNames: "Juan-Pablo", Surname1: "Pérez-Ruiz"}})
		setKeys(t, db, old.ID, "juan-pablo", "perez-ruiz", "")
		search := func(q SearchQuery) []int64 {
			t.Helper()
			res, err := f.s.Search(admin, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			ids := []int64{}
			for _, r := range res {
				ids = append(ids, r.ID)
			}
			return ids
		}
		if got := search(SearchQuery{Q: "Pérez Ruiz"}); len(got) != 0 {
			t.Fatalf("an old key is found before the re-key: %v", got)
		}
		rekey(t, db)

		id := func(c *Case) string { return strconv.FormatInt(c.ID, 10) }
		tests := []struct {
			q    SearchQuery
			want []*Case // newest first
		}{
			// The phrase starts García-López's first surname; each word
			// starts one of López García's surnames.
			{SearchQuery{Q: "garcía-lópez"}, []*Case{lopez, gl}},
			{SearchQuery{Q: "García López"}, []*Case{lopez, gl}},
			{SearchQuery{Q: "GARCIA LOPEZ"}, []*Case{lopez, gl}},
			{SearchQuery{Q: "garcia lop"}, []*Case{lopez, gl}},
			{SearchQuery{Q: "  garcia,   LOPEZ. "}, []*Case{lopez, gl}},
			{SearchQuery{Q: "garcia-lopez", State: StatePlaced}, []*Case{gl}},
			{SearchQuery{Q: "garcia"}, []*Case{lopez, gl}},   // first or second surname
			{SearchQuery{Q: "lopez garcia"}, []*Case{lopez}}, // each word starts a key
			{SearchQuery{Q: "maria garcia"}, []*Case{gl}},    // given names and surname
			{SearchQuery{Q: "jose garcia"}, nil},             // "jose" starts no key
			{SearchQuery{Q: "garcia lopez maria"}, nil},      // neither the phrase nor each word
			{SearchQuery{Q: "d'aubuisson"}, []*Case{da}},     // the phrase "d aubuisson"
			{SearchQuery{Q: "D’Aubuisson"}, []*Case{da}},     // typographic apostrophe
			{SearchQuery{Q: "Pérez-Ruiz"}, []*Case{old}},     // re-keyed by the migration
			{SearchQuery{Q: "juan pablo"}, []*Case{old}},     // re-keyed given names
			{SearchQuery{Q: "juan perez"}, []*Case{old}},     // words
			{SearchQuery{Q: "#" + id(gl)}, []*Case{gl}},      // case number
			{SearchQuery{Q: id(lopez)}, []*Case{lopez}},      // case number without #
			{SearchQuery{Q: "garcia", State: StatePlaced}, []*Case{gl}},
			{SearchQuery{Q: "garcia", FacilityID: fac.ID}, []*Case{gl}},
			{SearchQuery{State: StateEncountered}, []*Case{old, da, lopez}},
			{SearchQuery{Q: "-"}, []*Case{old, da, lopez, gl}}, // no word: every case
			{SearchQuery{Q: "zzz"}, nil},
		}
		for _, tt := range tests {
			want := []int64{}
			for _, c := range tt.want {
				want = append(want, c.ID)
			}
			if got := search(tt.q); !equalIDs(got, want) {
				t.Errorf("search %+v: %v, want %v", tt.q, got, want)
			}
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSearchKeysByteOrder: prefix search reads keys as byte-ordered ranges,
// so on PostgreSQL the key columns are in the "C" collation whatever the
// database's own (on SQLite text compares in byte order already).
func TestSearchKeysByteOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if db.Dialect != store.Postgres {
			return
		}
		{
			for _, col := range []string{"key_given", "key_surname1", "key_surname2"} {
				var coll string
				if err := db.QueryRow(ctx, `SELECT COALESCE(collation_name, '') FROM information_schema.columns
					WHERE table_name = 'cases' AND column_name = ?`, col).Scan(&coll); err != nil {
					t.Fatal(err)
				}
				if coll != "C" {
					t.Errorf("cases.%s collation %q, want C", col, coll)
				}
			}
		}
	})
}
