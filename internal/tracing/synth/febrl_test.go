package synth

import (
	"reflect"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
)

func filled(r tracing.Record) int {
	n := 0
	for _, v := range []string{r.GivenNames, r.Surname1, r.Surname2, r.Sex, r.BirthDate, r.BirthCountry, r.BirthPlace, r.MotherName, r.FatherName} {
		if v != "" {
			n++
		}
	}
	return n
}

func TestFEBRLDeterministicAndShaped(t *testing.T) {
	a := GenerateFEBRL(5, 300, FEBRLOptions{})
	b := GenerateFEBRL(5, 300, FEBRLOptions{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different sets")
	}
	if c := GenerateFEBRL(6, 300, FEBRLOptions{}); reflect.DeepEqual(a.Records, c.Records) {
		t.Fatal("two seeds gave the same set")
	}
	people := map[string]int{}
	for _, p := range a.PersonID {
		people[p]++
	}
	if len(people) != 300 || len(a.Records) < 600 || len(a.Records) > 1000 {
		t.Errorf("%d people in %d records, want 300 in about 2.5 each", len(people), len(a.Records))
	}
	s := GenerateFEBRL(5, 300, FEBRLOptions{Sparse: true})
	for _, r := range s.Records {
		if filled(r) > 3 {
			t.Fatalf("sparse record with %d fields: %+v", filled(r), r)
		}
	}
	left, right := GenerateFEBRLLink(7, 200, FEBRLOptions{})
	if len(left.Records) != 200 || len(right.Records) != 200 {
		t.Fatalf("link set %d × %d, want 200 × 200", len(left.Records), len(right.Records))
	}
	ids := map[string]bool{}
	for _, r := range left.Records {
		ids[r.ID] = true
	}
	for i, p := range right.PersonID {
		if !ids[p] {
			t.Fatalf("right %s points to %q, not a left record", right.Records[i].ID, p)
		}
	}
}
