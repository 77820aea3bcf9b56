package tracing

import (
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

// TestVetoIgnoresTheBaseRate: cluster's veto keeps apart records that
// say they are not one person (another given name, born years apart),
// not records that merely say little. Under a large population's prior
// (here one match in a million pairs) two sparse records of one person
// score below vetoProbability, and the veto judged on that kept a
// person's records apart when a third record joined them.
func TestVetoIgnoresTheBaseRate(t *testing.T) {
	m := DefaultModel()
	m.Prior, m.PriorFamily = 1e-6, 1e-8
	m.prepare()
	for _, tt := range []struct {
		name string
		a, b identity.Person
		veto bool
	}{
		{"given name and surname, no date on one side",
			identity.Person{GivenNames: "Michael", Surname1: "Zelaya"},
			identity.Person{GivenNames: "Michael", Surname1: "Zelaya", BirthDate: "2018-11-10"}, false},
		{"surname and year, given name missing",
			identity.Person{Surname1: "Miller", BirthDate: "2022"},
			identity.Person{GivenNames: "Emily", Surname1: "Miller", BirthDate: "2022-10-05"}, false},
		{"another given name, born years apart",
			identity.Person{GivenNames: "Emily", Surname1: "Miller", BirthDate: "2010-03-02"},
			identity.Person{GivenNames: "Sofía", Surname1: "Miller", BirthDate: "2018-07-21"}, true},
		{"another given name and surname, same year",
			identity.Person{GivenNames: "Emily", Surname1: "Miller", BirthDate: "2015"},
			identity.Person{GivenNames: "Carlos", Surname1: "Ajanel", BirthDate: "2015-07-21"}, true},
	} {
		a, b := feat(Record{Person: tt.a}), feat(Record{Person: tt.b})
		w := m.score(&a, &b)
		if got := m.vetoes(w); got != tt.veto {
			t.Errorf("%s: vetoes %v (weight %.1f, probability %.4f), want %v", tt.name, got, w, m.probability(w), tt.veto)
		}
		if !tt.veto && m.probability(w) >= vetoProbability {
			t.Errorf("%s: probability %.4f under the population's prior: the case does not test the base rate", tt.name, m.probability(w))
		}
	}
}

// TestClusterDatesApartOnSparseSets: on a sparse set a record without a
// date must not bridge namesakes whose full dates disagree; where every
// record of the two clusters gives a given name, a surname and a full
// date, or on a set that is not sparse, the rule does not apply and the
// average-linkage check alone decides (here a threshold it always passes).
func TestClusterDatesApartOnSparseSets(t *testing.T) {
	m := DefaultModel()
	m.prepare()
	maria := func(date string) Record {
		return Record{Person: identity.Person{GivenNames: "María", Surname1: "Jackson", BirthDate: date}}
	}
	for _, tt := range []struct {
		name     string
		recs     []Record
		sparse   bool
		together bool // the first and the last record in one cluster
	}{
		{"sparse set, bridged by a record without a date", []Record{maria("2005-08-04"), maria(""), maria("2020-03-22")}, true, false},
		{"full set, the same records", []Record{maria("2005-08-04"), maria(""), maria("2020-03-22")}, false, true},
		{"sparse set, every record dated in full", []Record{maria("2005-08-04"), maria("2005-08-03"), maria("2020-03-22")}, true, true},
		{"sparse set, dates near", []Record{maria("2005-08-04"), maria(""), maria("2005-11-22")}, true, true},
		{"sparse set, a year only on one side", []Record{maria("2005-08-04"), maria(""), maria("2020")}, true, true},
	} {
		fs := make([]features, len(tt.recs))
		for i := range tt.recs {
			fs[i] = feat(tt.recs[i])
		}
		if w := m.score(&fs[0], &fs[2]); m.vetoes(w) {
			t.Fatalf("%s: the first and last records veto each other (weight %.1f): the case does not test the dates", tt.name, w)
		}
		edges := []edge{{i: 0, j: 1, w: 10}, {i: 1, j: 2, w: 9}}
		cl := cluster(fs, edges, m, 0.001, tt.sparse)
		if cl[0] != cl[1] {
			t.Errorf("%s: the first two records apart", tt.name)
		}
		if got := cl[0] == cl[2]; got != tt.together {
			t.Errorf("%s: first and last together %v, want %v", tt.name, got, tt.together)
		}
	}
}
