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
