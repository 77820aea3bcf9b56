package custody

import (
	"slices"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
)

// TestInPersonMinimum: an in-person intake (the form) needs when and
// where, a name or what the child is called, the sex or "unknown" chosen,
// and a birth date (an estimate with its evidence is enough); a record
// made elsewhere still may leave them unknown.
func TestInPersonMinimum(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	enc := now.Add(-2 * time.Hour)
	full := func() Intake {
		return Intake{InPerson: true, EncounteredAt: enc, EncounterPlace: "Hidalgo port of entry",
			Person:             identity.Person{GivenNames: "Ana", Sex: "unknown", BirthDate: "2014-01-01"},
			BirthDateEstimated: true, BirthDateEvidence: "the child's account"}
	}
	tests := []struct {
		name  string
		edit  func(*Intake)
		wants []string // fields with a problem, none when valid
	}{
		{"all recorded, sex unknown on purpose", func(*Intake) {}, nil},
		{"blank", func(in *Intake) { *in = Intake{InPerson: true} }, []string{"encountered_at", "encounter_place", "given_names", "sex", "birth_date"}},
		{"no place", func(in *Intake) { in.EncounterPlace = "  " }, []string{"encounter_place"}},
		{"no name but called", func(in *Intake) { in.GivenNames, in.AKA = "", "Chato" }, nil},
		{"no name at all", func(in *Intake) { in.GivenNames = "" }, []string{"given_names"}},
		{"sex left blank", func(in *Intake) { in.Sex = "" }, []string{"sex"}},
		{"no birth date", func(in *Intake) { in.BirthDate, in.BirthDateEstimated = "", false }, []string{"birth_date"}},
		{"not in person: blank but the time is fine", func(in *Intake) { *in = Intake{EncounteredAt: enc} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := full()
			tt.edit(&in)
			var got []string
			for _, p := range errs.Fields(in.Normalize(now)) {
				got = append(got, p.Field)
			}
			slices.Sort(got)
			want := slices.Clone(tt.wants)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("problems on %v, want %v", got, want)
			}
		})
	}
}
