package tracing

import (
	"context"
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

func TestPlacesRegion(t *testing.T) {
	olancho, _ := places.region("olancho", "")
	for _, tt := range []struct {
		place, country string
		wantSame       bool // in Olancho
		wantKnown      bool
		wantDept       bool
	}{
		{"olancho", "", true, true, true},
		{"olancho", "HN", true, true, true},
		{"juticalpa", "", true, true, false},
		{"dulce nombre de culmi", "HN", true, true, false},
		{"juticalpa", "GT", false, false, false},     // not in Guatemala
		{"san pedro sula", "HN", false, true, false}, // Cortés
		{"la union", "HN", false, false, false},      // in Copán, Lempira and Olancho
		{"san marcos", "", false, false, false},      // a Guatemalan department, two Honduran municipalities
		{"san marcos", "GT", false, true, true},      // the department (and its capital)
		{"choluteca", "HN", false, true, true},       // department and capital of one name
		{"springfield", "", false, false, false},
	} {
		got, isDept := places.region(tt.place, tt.country)
		if (got != 0) != tt.wantKnown || (got == olancho) != tt.wantSame || isDept != tt.wantDept {
			t.Errorf("region(%q, %q) = %d (%s), %v; want known %v, in Olancho %v, department %v",
				tt.place, tt.country, got, places.departments[got], isDept, tt.wantKnown, tt.wantSame, tt.wantDept)
		}
	}
}

func TestComparePlaceDepartment(t *testing.T) {
	for _, tt := range []struct {
		a, b, ca, cb string
		want         int
	}{
		{"Olancho", "Juticalpa", "", "Honduras", pExact},
		{"Juticalpa", "Olancho", "HN", "", pExact},
		{"Cortés", "San Pedro Sula", "", "", pExact},
		{"Juticalpa", "Catacamas", "", "", pDisagree}, // two towns of one department are two places
		{"Olancho", "San Pedro Sula", "", "", pDisagree},
		{"Olancho", "Juticalpa", "", "Guatemala", pDisagree}, // there is no Juticalpa in Guatemala
	} {
		a := feat(Record{Person: identity.Person{BirthPlace: tt.a, BirthCountry: tt.ca}})
		b := feat(Record{Person: identity.Person{BirthPlace: tt.b, BirthCountry: tt.cb}})
		if got := comparePlace(&a, &b); got != tt.want {
			t.Errorf("%s / %s: %s, want %s", tt.a, tt.b, fieldSpecs[fPlace].Levels[got], fieldSpecs[fPlace].Levels[tt.want])
		}
	}
}

func TestCompareParentGivenName(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"María", "María Mejía Flores", rGiven},
		{"Maria", "MARÍA MEJÍA", rGiven},
		{"Lupe", "Guadalupe Xiloj", rGiven}, // a nickname of her given name
		{"Marai", "María Mejía", rGiven},    // a typo
		{"María", "Rosa María López", rDisagree},
		{"Sandra", "María Mejía", rDisagree},
		{"María", "María", rExact},
	} {
		a, b := newParent(tt.a), newParent(tt.b)
		if got := compareParent(&a, &b); got != tt.want {
			t.Errorf("%s / %s: %s, want %s", tt.a, tt.b, fieldSpecs[fMother].Levels[got], fieldSpecs[fMother].Levels[tt.want])
		}
	}
}

// TestIndexSearchWithoutSurname: "Pepe, about 14, Olancho, mother María"
// shares no blocking key with the case (every rule needs a surname or a
// full date); the search keys of the given name with the year or the
// mother's given name find it.
func TestIndexSearchWithoutSurname(t *testing.T) {
	recs := []Record{
		{ID: "1", Person: identity.Person{GivenNames: "José Manuel", Surname1: "Zelaya", Surname2: "Mejía", BirthDate: "2012-04-17", BirthPlace: "Juticalpa", MotherName: "María Mejía Flores"}},
		{ID: "2", Person: identity.Person{GivenNames: "Ana", Surname1: "Zelaya", Surname2: "Mejía", BirthDate: "2014-01-02", BirthPlace: "Juticalpa", MotherName: "María Mejía Flores"}},
		{ID: "3", Person: identity.Person{GivenNames: "José", Surname1: "Cruz", BirthDate: "2003-09-09", BirthPlace: "Yoro", MotherName: "Rosa Cruz"}},
	}
	ix := NewIndex(recs, nil)
	for _, q := range []identity.Person{
		{GivenNames: "Pepe", BirthDate: "2012", BirthPlace: "Olancho", MotherName: "María"},
		{GivenNames: "Pepe", BirthPlace: "Olancho", MotherName: "María"},
		{GivenNames: "Jose", BirthDate: "2012"},
	} {
		got := ix.Search(context.Background(), Record{Person: q}, 3, 0.01)
		if len(got) == 0 || got[0].ID != "1" {
			t.Errorf("%+v: %+v", q, got)
		}
	}
	// Replaced, the record is no longer found under its old given name.
	ix.Replace("1", Record{ID: "1", Person: identity.Person{GivenNames: "Manuel", Surname1: "Zelaya", BirthDate: "2012-04-17"}})
	for _, c := range ix.Search(context.Background(), Record{Person: identity.Person{GivenNames: "Pepe", BirthDate: "2012", MotherName: "María"}}, 3, 0.01) {
		if c.ID == "1" {
			t.Errorf("found under the name it no longer has: %+v", c)
		}
	}
}
