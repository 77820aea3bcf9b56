package identity

import "testing"

func TestPatchApply(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		name  string
		patch Patch
		want  Person
	}{
		{"nil fields stay", Patch{}, Person{GivenNames: "Ana", Surname1: "Tiul", Sex: "F"}},
		{"a field changes", Patch{Surname1: s("Tiul Caal")}, Person{GivenNames: "Ana", Surname1: "Tiul Caal", Sex: "F"}},
		{"empty clears", Patch{Sex: s("")}, Person{GivenNames: "Ana", Surname1: "Tiul"}},
		{"every field", Patch{GivenNames: s("G"), Surname1: s("S1"), Surname2: s("S2"), Sex: s("M"), BirthDate: s("2010-01-02"),
			BirthCountry: s("GT"), BirthPlace: s("P"), MotherName: s("Mo"), FatherName: s("Fa")},
			Person{"G", "S1", "S2", "M", "2010-01-02", "GT", "P", "Mo", "Fa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Person{GivenNames: "Ana", Surname1: "Tiul", Sex: "F"}
			tt.patch.Apply(&p)
			if p != tt.want {
				t.Errorf("got %+v, want %+v", p, tt.want)
			}
		})
	}
}
