package tracing

import (
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

// TestCrossedSurnamesNeedASurnameOnBothSides: the reading with surnames
// crossed is for a first surname dropped or written second; between
// records of one surname each it would only hide a disagreement.
func TestCrossedSurnamesNeedASurnameOnBothSides(t *testing.T) {
	m := DefaultModel()
	for _, tt := range []struct {
		a, b identity.Person
		want uint8
	}{
		{identity.Person{GivenNames: "Carlos", Surname1: "Ajanel", BirthDate: "2005-01-26"},
			identity.Person{GivenNames: "Carlos", Surname1: "Ramírez", BirthDate: "2005-01-26"}, sDisagree},
		// The first surname dropped: crossed, the second agrees.
		{identity.Person{GivenNames: "Carlos", Surname1: "Ajanel", Surname2: "Ramírez"},
			identity.Person{GivenNames: "Carlos", Surname1: "Ramírez"}, sMissing},
	} {
		a, b := feat(Record{Person: tt.a}), feat(Record{Person: tt.b})
		v := m.compare(&a, &b)
		if v[fSurname1] != tt.want {
			t.Errorf("%s / %s: surname1 level %d, want %d", tt.a.Surname1, tt.b.Surname1, v[fSurname1], tt.want)
		}
	}
}

// TestSurnameTFAtEveryLevel: a surname's frequency (of its phonetic key,
// all spellings together) moves the weight of agreeing in sound or after
// folding by as much as that of agreeing exactly: the level's own chance
// agreement is scaled by how common the surname is, rather than replaced
// by the key's frequency, which made agreeing in sound on a rare surname
// weigh as little as the chance of meeting the surname at all.
func TestSurnameTFAtEveryLevel(t *testing.T) {
	m := DefaultModel()
	rare := feat(Record{Person: identity.Person{Surname1: "Tz'ib"}})
	common := feat(Record{Person: identity.Person{Surname1: "García"}})
	m.SurnameFreq = map[string]float64{rare.s1.ph: 0.0005, common.s1.ph: 0.08}
	m.GivenFreq = map[string]float64{}
	m.prepare()
	for _, f := range []*features{&rare, &common} {
		exact := m.tf(fSurname1, sExact, f)
		for _, l := range []uint8{sFold, sPhonetic} {
			if got := m.tf(fSurname1, l, f); got != exact {
				t.Errorf("%s at level %d: adjustment %.2f, at exact %.2f", f.s1.raw, l, got, exact)
			}
		}
	}
	if m.tf(fSurname1, sPhonetic, &rare) <= m.tf(fSurname1, sPhonetic, &common) {
		t.Error("a rare surname agreeing in sound weighs no more than a common one")
	}
}
