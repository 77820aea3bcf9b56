package custody

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func fp(v float64) *float64 { return &v }

func TestRank(t *testing.T) {
	yes := true
	girl := &Case{Person: identity.Person{Sex: "F"}, Languages: []string{"Spanish", "Mam"}, InterpreterNeeded: &yes}
	beds := func(free int) []facilities.Beds {
		return []facilities.Beds{{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 10, Occupied: 10 - free}}
	}
	texas := &facilities.Facility{ID: 1, Name: "Texas", Type: "shelter", Status: "open", Lat: fp(29.4), Lon: fp(-98.5), Languages: []string{"Spanish"}, Beds: beds(5)}
	california := &facilities.Facility{ID: 2, Name: "California", Type: "shelter", Status: "open", Lat: fp(34.0), Lon: fp(-118.2), Languages: []string{"Spanish"}, Beds: beds(1)}
	mam := &facilities.Facility{ID: 3, Name: "Mam speakers", Type: "shelter", Status: "open", Lat: fp(29.4), Lon: fp(-98.5), Languages: []string{"Spanish", "Mam"}, Beds: beds(2)}
	full := &facilities.Facility{ID: 4, Name: "Full", Type: "shelter", Status: "open", Beds: beds(0)}
	closed := &facilities.Facility{ID: 5, Name: "Closed", Type: "shelter", Status: "closed", Beds: beds(9)}
	influx := &facilities.Facility{ID: 6, Name: "Influx", Type: "influx", Status: "open", Beds: []facilities.Beds{{Sex: "F", AgeBand: facilities.BandChild, Capacity: 10}}}
	all := []*facilities.Facility{texas, california, mam, full, closed, influx}

	tests := []struct {
		name      string
		age       int
		siblings  map[int64]int
		sponsorST string
		want      []string // facility names in order
		reason    string   // a reason the first must give
	}{
		{"language wins without sponsor", 15, nil, "", []string{"Mam speakers", "Texas", "California"}, "+40: staff speak Mam"},
		{"siblings beat language", 15, map[int64]int{2: 1}, "", []string{"California", "Mam speakers", "Texas"}, "sibling"},
		{"sponsor distance breaks the tie", 15, nil, "CA", []string{"Mam speakers", "California", "Texas"}, "Mam"},
		{"influx site refuses a 10-year-old; no child beds elsewhere", 10, nil, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(girl, tt.age, all, tt.siblings, tt.sponsorST)
			var names []string
			for _, r := range got {
				names = append(names, r.Facility.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("ranking %v, want %v", names, tt.want)
			}
			if len(got) > 0 && !strings.Contains(strings.Join(got[0].Reasons, "|"), tt.reason) {
				t.Errorf("first reasons %v lack %q", got[0].Reasons, tt.reason)
			}
		})
	}
	t.Run("distance explains itself", func(t *testing.T) {
		got := Rank(girl, 15, []*facilities.Facility{california}, nil, "CA")
		if len(got) != 1 || !strings.Contains(strings.Join(got[0].Reasons, "|"), "km from the sponsor's state (CA)") {
			t.Errorf("reasons %v", got)
		}
	})
}

func TestSuppress(t *testing.T) {
	cells := Suppress([]string{"a", "b", "c"}, []int{3, 25, 40})
	if cells[0].N != nil || cells[0].Shown != "<10" {
		t.Errorf("small cell shown: %+v", cells[0])
	}
	if cells[1].N != nil {
		t.Errorf("complementary cell not suppressed: %+v", cells[1])
	}
	if cells[2].N == nil || *cells[2].N != 40 {
		t.Errorf("large cell hidden: %+v", cells[2])
	}
	if c := SuppressOne(0); c.N != nil || c.Shown != "<10" {
		t.Errorf("zero shown: %+v", c)
	}
}

func TestBoardAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		fac := f.facility(admin, "Casa Sur", facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 5})
		if err := f.s.AssignFacility(admin, cwID, fac.ID); err != nil {
			t.Fatal(err)
		}
		// Encountered 70 h ago: transfer due in 2 h (nearing), notification 22 h overdue.
		old := f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana", Surname1: "Núñez"}, EncounteredAt: f.clock.Add(-70 * time.Hour)})
		// Encountered now, Mexican: nothing on the board yet (48 h away).
		f.child(admin, Intake{Person: identity.Person{GivenNames: "Luis", Surname1: "Pérez"}, Nationality: "MX"})
		placed := f.referred(admin, teenGirl())
		if _, err := f.s.Place(admin, placed.ID, fac.ID, ""); err != nil {
			t.Fatal(err)
		}
		f.advance(9*24*time.Hour + 13*time.Hour) // placement clocks now 11 h from due
		b, err := f.s.Board(admin, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][]DeadlineKind{}
		for i, it := range b.Items {
			got[it.CaseID] = append(got[it.CaseID], it.Kind)
			if i > 0 && it.DueAt.Before(b.Items[i-1].DueAt) {
				t.Error("board not sorted by due time")
			}
		}
		// The old case: notification and transfer overdue. Luis: notification
		// and contiguous screening overdue (9 days on), transfer overdue.
		// The placed child: notification overdue (never recorded); the two
		// placement clocks nearing.
		if len(got[old.ID]) != 2 || len(got[placed.ID]) != 3 || b.Total != 8 || b.Nearing != 2 || b.Overdue != 6 {
			t.Errorf("board %+v items %v", b, got)
		}
		cb, err := f.s.Board(cw, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if cb.Total != 3 || len(cb.Counts) != 1 || cb.Counts[0].FacilityName != "Casa Sur" {
			t.Errorf("caseworker board %+v", cb)
		}

		for _, tt := range []struct {
			q    string
			ctxs string
			want int
		}{
			{"nunez", "admin", 1},
			{"NÚÑ", "admin", 1},
			{"maria hern", "admin", 1},
			{"lopez", "admin", 1}, // second surname
			{"hernandez", "cw", 1},
			{"nunez", "cw", 0}, // not in the caseworker's facility
			{"zzz", "admin", 0},
		} {
			ctx := admin
			if tt.ctxs == "cw" {
				ctx = cw
			}
			res, err := f.s.Search(ctx, SearchQuery{Q: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != tt.want {
				t.Errorf("search %q as %s: %d results, want %d", tt.q, tt.ctxs, len(res), tt.want)
			}
		}
		res, err := f.s.Search(admin, SearchQuery{Q: "#" + strconv.FormatInt(placed.ID, 10)})
		if err != nil || len(res) != 1 || res[0].ID != placed.ID {
			t.Errorf("search by number: %v %v", res, err)
		}
		// The audit log says whose records a list showed.
		es, err := audit.List(context.Background(), db, audit.Filter{Action: "case.search", Limit: 1})
		if err != nil || len(es) != 1 || !strings.HasSuffix(es[0].Detail, "cases "+strconv.FormatInt(placed.ID, 10)) {
			t.Errorf("search audit row %+v %v", es, err)
		}
	})
}
