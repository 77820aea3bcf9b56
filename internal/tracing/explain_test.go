package tracing

import (
	"math"
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

// explainRows explains a pair with a model calibrated for a population
// of 5,000 (as the app's index is), by field.
func explainRows(t *testing.T, a, b identity.Person) (map[string]FieldWeight, []FieldWeight, float64) {
	t.Helper()
	m := DefaultModel()
	m.Prior, m.PriorFamily, m.Population = 1.0/5000, 0.5/5000, 5000
	m.prepare()
	fa, fb := feat(Record{Person: a}), feat(Record{Person: b})
	ex, total := m.explain(&fa, &fb)
	if s := m.score(&fa, &fb); math.Abs(s-total) > 1e-9 {
		t.Fatalf("explained total %v, score %v", total, s)
	}
	by := map[string]FieldWeight{}
	for _, fw := range ex {
		by[fw.Field] = fw
	}
	return by, ex, total
}

// TestExplainAddsUp: the rows (every field, the prior, the sibling
// alternative) add up to the total, for a match, for siblings and for
// strangers; the old explanation's rows summed to +14.0 for a total of
// +1.4.
func TestExplainAddsUp(t *testing.T) {
	jose := identity.Person{GivenNames: "José Luis", Surname1: "Xiloj", Surname2: "Tzul", Sex: "M", BirthDate: "2011-03-15",
		BirthCountry: "Guatemala", BirthPlace: "Sololá", MotherName: "Ana Tzul Pérez", FatherName: "Pedro Xiloj"}
	sister := jose
	sister.GivenNames, sister.Sex, sister.BirthDate = "María", "F", "2013-07-02"
	stranger := identity.Person{GivenNames: "Kevin", Surname1: "Mejía", Sex: "M", BirthDate: "2009-01-01", BirthCountry: "Honduras"}
	for name, b := range map[string]identity.Person{"the same child": jose, "a sister": sister, "a stranger": stranger} {
		by, ex, total := explainRows(t, jose, b)
		sum := 0.0
		for _, fw := range ex {
			sum += fw.Weight
		}
		if math.Abs(sum-total) > 1e-9 {
			t.Errorf("%s: rows add up to %.3f, total %.3f: %+v", name, sum, total, ex)
		}
		if by[rowPrior].Weight > -10 || by[rowSiblings].Weight > 0 {
			t.Errorf("%s: prior %+v, siblings %+v", name, by[rowPrior], by[rowSiblings])
		}
	}
	// Against a sister, what the family shares is taken off by the
	// sibling row, not hidden as +0.0 on each field.
	by, _, _ := explainRows(t, jose, sister)
	if by[rowSiblings].Weight > -5 {
		t.Errorf("a sister: the sibling alternative takes off %.1f bits only", by[rowSiblings].Weight)
	}
}

// TestExplainFamilyFieldsCount: exact surnames and parents' names count
// for the match (they showed +0.0 bits when siblings were the likelier
// alternative).
func TestExplainFamilyFieldsCount(t *testing.T) {
	a := identity.Person{GivenNames: "Brian", Surname1: "Xiloj", Surname2: "Tzul", BirthDate: "2011-03", MotherName: "Ana Tzul Pérez", FatherName: "Pedro Xiloj Cux"}
	b := identity.Person{GivenNames: "Brayan", Surname1: "Xiloj", Surname2: "Tzul", BirthDate: "2011-03-15", MotherName: "Ana Tzul Pérez", FatherName: "Pedro Xiloj Cux"}
	by, _, _ := explainRows(t, a, b)
	for _, f := range []string{"surname1", "surname2", "mother_name", "father_name"} {
		if fw := by[f]; fw.Level != "exact" || fw.Weight < 1 {
			t.Errorf("%s: %+v, want exact and counting for the match", f, fw)
		}
	}
}

// TestExplainLevelNames: each comparison is named for what it is.
func TestExplainLevelNames(t *testing.T) {
	for _, tt := range []struct {
		name  string
		a, b  identity.Person
		field string
		want  string
	}{
		{"year and month against a full date", identity.Person{GivenNames: "Ana", BirthDate: "2011-03"}, identity.Person{GivenNames: "Ana", BirthDate: "2011-03-15"}, "birth_date", "same_month"},
		{"a year against a full date", identity.Person{GivenNames: "Ana", BirthDate: "2011"}, identity.Person{GivenNames: "Ana", BirthDate: "2011-03-15"}, "birth_date", "same_year"},
		{"a year against a year and month", identity.Person{GivenNames: "Ana", BirthDate: "2011"}, identity.Person{GivenNames: "Ana", BirthDate: "2011-03"}, "birth_date", "same_year"},
		{"full dates, day differs", identity.Person{GivenNames: "Ana", BirthDate: "2011-03-14"}, identity.Person{GivenNames: "Ana", BirthDate: "2011-03-15"}, "birth_date", "year_month"},
		{"Brian, Brayan", identity.Person{GivenNames: "Brian"}, identity.Person{GivenNames: "Brayan"}, "given_names", "spelling_variant"},
		{"Kevin, Kevyn (not in the nickname table)", identity.Person{GivenNames: "Kevin"}, identity.Person{GivenNames: "Kevyn"}, "given_names", "phonetic"},
		{"Pepe, José", identity.Person{GivenNames: "Pepe"}, identity.Person{GivenNames: "José"}, "given_names", "nickname"},
		{"Paco, Francisco", identity.Person{GivenNames: "Paco"}, identity.Person{GivenNames: "Francisco"}, "given_names", "nickname"},
		{"a department and a town in it", identity.Person{GivenNames: "Ana", BirthPlace: "Olancho"}, identity.Person{GivenNames: "Ana", BirthPlace: "Juticalpa"}, "birth_place", "same_department"},
		{"the same place", identity.Person{GivenNames: "Ana", BirthPlace: "Juticalpa"}, identity.Person{GivenNames: "Ana", BirthPlace: "JUTICALPA"}, "birth_place", "exact"},
	} {
		by, _, _ := explainRows(t, tt.a, tt.b)
		if got := by[tt.field].Level; got != tt.want {
			t.Errorf("%s: %s is %q, want %q", tt.name, tt.field, got, tt.want)
		}
	}
}

func TestCarriedBy(t *testing.T) {
	ex := []FieldWeight{{"given_names", "exact", 3}, {"surname1", "exact", 5.5}, {"sex", "agree", 0.9}, {"birth_date", "disagree", -4},
		{rowPrior, "base_rate", 12}, {rowSiblings, "family_alternative", -2}, {"mother_name", "given_name_only", 1}}
	got := CarriedBy(ex)
	want := []string{"surname1", "given_names", "mother_name"}
	if len(got) != len(want) {
		t.Fatalf("CarriedBy = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("CarriedBy = %v, want %v", got, want)
		}
	}
}
