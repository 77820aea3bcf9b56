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
