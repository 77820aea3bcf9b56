package release

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestEveryPatternRuleHasATest(t *testing.T) {
	tested := map[string]bool{"several_unrelated_children": true, "shared_address_unrelated_children": true}
	for _, r := range PatternRules {
		if !tested[r.Key] {
			t.Errorf("pattern rule %s has no test", r.Key)
		}
	}
}

func TestPatternSeveralUnrelatedChildren(t *testing.T) {
	for _, tc := range []struct {
		g    PatternGroup
		want bool
	}{
		{PatternGroup{Sponsors: 1, Children: 2, UnrelatedChildren: 1}, true},  // parent of one, unrelated to another
		{PatternGroup{Sponsors: 1, Children: 3, UnrelatedChildren: 3}, true},  // three unrelated children
		{PatternGroup{Sponsors: 1, Children: 2, UnrelatedChildren: 0}, false}, // a parent of two (siblings)
		{PatternGroup{Sponsors: 1, Children: 1, UnrelatedChildren: 1}, false}, // one child
	} {
		got := strings.Contains(strings.Join(MatchingRules(ByPerson, tc.g), " "), "several_unrelated_children")
		if got != tc.want {
			t.Errorf("%+v: flagged %t, want %t", tc.g, got, tc.want)
		}
	}
}

func TestPatternSharedAddress(t *testing.T) {
	for _, tc := range []struct {
		g    PatternGroup
		want bool
	}{
		{PatternGroup{Sponsors: 2, Children: 2, UnrelatedChildren: 1}, true},
		{PatternGroup{Sponsors: 3, Children: 4, UnrelatedChildren: 2}, true},
		{PatternGroup{Sponsors: 2, Children: 2, UnrelatedChildren: 0}, false}, // a mother and an aunt of the same household
		{PatternGroup{Sponsors: 1, Children: 2, UnrelatedChildren: 2}, false}, // one sponsor: the person rule's business
	} {
		got := len(MatchingRules(ByAddress, tc.g)) == 1
		if got != tc.want {
			t.Errorf("%+v: flagged %t, want %t", tc.g, got, tc.want)
		}
	}
}

func TestComparisonKeys(t *testing.T) {
	b := "1980-02-03"
	for _, tc := range []struct {
		a, b Sponsor
		same bool
	}{
		{Sponsor{IDDocument: "g-123 456"}, Sponsor{IDDocument: "G123456", GivenNames: "Other"}, true},
		{Sponsor{GivenNames: "José", Surnames: "Méndez", BirthDate: &b}, Sponsor{GivenNames: "jose", Surnames: "MENDEZ", BirthDate: &b}, true},
		{Sponsor{GivenNames: "José", Surnames: "Méndez"}, Sponsor{GivenNames: "José", Surnames: "Méndez"}, false}, // a name alone is not a person
		{Sponsor{Phone: "+1 (210) 555-0100"}, Sponsor{Phone: "12105550100"}, true},
	} {
		ka, kb := personKey(&tc.a), personKey(&tc.b)
		if (ka != "" && ka == kb) != tc.same {
			t.Errorf("%q vs %q: same %t, want %t", ka, kb, ka == kb, tc.same)
		}
	}
	a1 := addressKey(&Sponsor{Address: "12 Elm Street, Apt. 3", City: "Houston", USState: "tx"})
	a2 := addressKey(&Sponsor{Address: "12 elm st apt 3", City: "HOUSTON", USState: "TX"})
	if a1 == "" || a1 != a2 {
		t.Errorf("addresses: %q vs %q", a1, a2)
	}
	if addressKey(&Sponsor{City: "Houston"}) != "" {
		t.Error("a city alone was taken for an address")
	}
}

// TestSponsorFlagsAndList: a sponsor proposed for two children, unrelated
// to one, is flagged with the children listed; so is an address shared by
// sponsors of different children when one is unrelated; a parent of two is
// not. The list searches and pages within the caller's scope, and a
// caseworker sees only the children of its facility.
func TestSponsorFlagsAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		beds := facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 10}
		facA, facB := f.facility(admin, "Casa A", beds), f.facility(admin, "Casa B", beds)
		if err := f.s.AssignFacility(admin, cwID, facA.ID); err != nil {
			t.Fatal(err)
		}
		placed := func(fac *facilities.Facility) int64 {
			c := f.referred(admin, teenGirl())
			if _, err := f.s.Place(admin, c.ID, fac.ID, "test"); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		add := func(ctx context.Context, caseID int64, given string, rel Relationship, doc, addr string) *Sponsor {
			sp, err := f.s.AddSponsor(ctx, Sponsor{CaseID: caseID, GivenNames: given, Surnames: "Pérez", Relationship: rel, IDDocument: doc,
				Address: addr, City: "Houston", USState: "TX"})
			if err != nil {
				t.Fatal(err)
			}
			return sp
		}
		c1, c2, c3 := placed(facA), placed(facB), placed(facA)
		// One person (same document) for c1 (parent) and c2 (unrelated): flagged.
		add(admin, c1, "Juan", "parent", "MX-1234567", "5 Oak Road")
		add(admin, c2, "Juan", "unrelated", "mx 1234567", "9 Pine Lane")
		// A parent of two (siblings) with another document: not flagged.
		c4, c5 := placed(facA), placed(facA)
		add(admin, c4, "Rosa", "parent", "GT-7777777", "1 Main St")
		add(admin, c5, "Rosa", "parent", "GT7777777", "1 Main Street")
		// Another person at Juan's first address, unrelated to c3: the address is flagged.
		add(admin, c3, "Pedro", "unrelated", "HN-5555555", "5 oak rd.")

		// Records written before the keys existed get them on the first read.
		if _, err := db.Exec(context.Background(), `UPDATE sponsors SET person_key = NULL, address_key = NULL, name_key = NULL`); err != nil {
			t.Fatal(err)
		}
		flags, err := f.s.SponsorFlags(admin, struct{}{})
		if err != nil {
			t.Fatal(err)
		}
		rules := map[string]SponsorFlag{}
		for _, fl := range flags {
			rules[fl.Rule] = fl
		}
		if len(flags) != 2 || len(rules["several_unrelated_children"].Children) != 2 || len(rules["shared_address_unrelated_children"].Children) != 2 {
			t.Fatalf("flags: %+v", flags)
		}
		if l := rules["shared_address_unrelated_children"].Label; !strings.Contains(l, "Oak") {
			t.Errorf("address label %q", l)
		}
		// The caseworker of facility A sees c1 of the person flag, with c2
		// counted, not listed.
		flags, err = f.s.SponsorFlags(cw, struct{}{})
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range flags {
			if fl.Rule == "several_unrelated_children" && (len(fl.Children) != 1 || fl.Children[0].CaseID != c1 || fl.OtherChildren != 1) {
				t.Fatalf("caseworker's person flag: %+v", fl)
			}
		}
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		if _, err := f.s.SponsorFlags(intake, struct{}{}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("intake read the flags: %v", err)
		}

		// The list.
		page, err := f.s.Sponsors(admin, SponsorQuery{Q: "juan perez"})
		if err != nil || page.Total != 2 || len(page.Sponsors[0].Flags) == 0 {
			t.Fatalf("search by name: %+v %v", page, err)
		}
		if page, _ = f.s.Sponsors(admin, SponsorQuery{Q: "gt-7777777"}); page.Total != 2 || page.Sponsors[0].Flags != nil {
			t.Fatalf("search by document: %+v", page)
		}
		if page, _ = f.s.Sponsors(admin, SponsorQuery{Limit: 2, Offset: 4}); page.Total != 5 || len(page.Sponsors) != 1 {
			t.Fatalf("paging: %+v", page)
		}
		if page, _ = f.s.Sponsors(cw, SponsorQuery{}); page.Total != 4 {
			t.Fatalf("caseworker's list: %d sponsors, want the 4 of facility A", page.Total)
		}
		if _, err := f.s.Sponsors(admin, SponsorQuery{Limit: 1000}); !errs.IsValidation(err) {
			t.Fatalf("limit 1000: %v", err)
		}
		if _, err := f.s.Sponsors(admin, SponsorQuery{Offset: -1}); !errs.IsValidation(err) {
			t.Fatalf("offset -1: %v", err)
		}
	})
}
