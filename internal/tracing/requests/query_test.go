package requests

import (
	"errors"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestParseAge(t *testing.T) {
	for _, tt := range []struct {
		in   Age
		want int
		ok   bool
	}{
		{"14", 14, true},
		{"about 14", 14, true},
		{"~14", 14, true},
		{"unos 14 años", 14, true},
		{"Aproximadamente 9 AÑOS", 9, true},
		{"around 3 years old", 3, true},
		{"0", 0, true},
		{"25", 25, true},
		{"26", 0, false},
		{"14 or 15", 0, false},
		{"fourteen", 0, false},
		{"14 meses", 0, false},
		{"", 0, false},
	} {
		got, ok := parseAge(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseAge(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBirthYearFromAge(t *testing.T) {
	for _, tt := range []struct {
		now  string
		age  int
		want string
	}{
		// Aged 14 on 30 November 2026: born December 2011 to November
		// 2012, mostly 2012.
		{"2026-11-30", 14, "2012"},
		// Aged 14 on 1 March 2026: born March 2011 to February 2012,
		// mostly 2011.
		{"2026-03-01", 14, "2011"},
		{"2026-07-01", 0, "2026"},
		{"2026-06-30", 0, "2025"},
	} {
		now, _ := time.Parse("2006-01-02", tt.now)
		if got := birthYearFromAge(now, tt.age); got != tt.want {
			t.Errorf("age %d on %s: %s, want %s", tt.age, tt.now, got, tt.want)
		}
	}
}

// TestFindByAge: an age stands for the birth date, the explanation names
// it, and an age that cannot be read, or given with a birth date, is
// refused field by field.
func TestFindByAge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		// The fixture's clock is 1 March 2026: a child born in May 2010 is 15.
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		f.svc = f.service()
		hits, err := f.svc.Find(f.admin, Query{Person: Person{GivenNames: "Pepe", Surname1: "Lopez"}, Age: "about 15"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].CaseID != jose.ID {
			t.Fatalf("hits %+v, want case %d first", hits, jose.ID)
		}
		var age, birth bool
		for _, fw := range hits[0].Explanation {
			age = age || (fw.Field == "age" && fw.Level == "age_agrees" && fw.Weight > 0)
			birth = birth || fw.Field == "birth_date"
		}
		if !age || birth {
			t.Errorf("explanation %+v: want an age row that agrees and no birth date row", hits[0].Explanation)
		}
		if len(hits[0].CarriedBy) == 0 || hits[0].CarriedBy[0] != "surname1" && hits[0].CarriedBy[0] != "given_names" {
			t.Errorf("carried by %v", hits[0].CarriedBy)
		}
		// 11 years old is no longer this child (born 2014-2015).
		hits, err = f.svc.Find(f.admin, Query{Person: Person{GivenNames: "Pepe", Surname1: "Lopez"}, Age: "11"})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.CaseID == jose.ID && h.Probability >= f.svc.M.Threshold() {
				t.Errorf("an 11-year-old inquiry matches a 15-year-old: %+v", h)
			}
		}
		before := f.auditCount("tracing.search")
		for _, q := range []Query{
			{Person: Person{GivenNames: "José"}, Age: "fourteen"},
			{Person: Person{GivenNames: "José", BirthDate: "2010"}, Age: "15"},
			{Person: Person{GivenNames: "José"}, Age: "40"},
		} {
			_, err := f.svc.Find(f.admin, q)
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "age" {
				t.Errorf("%+v: %v, want one problem with age", q, err)
			}
		}
		if f.auditCount("tracing.search") != before {
			t.Error("a refused search was audited as made")
		}
	})
}
